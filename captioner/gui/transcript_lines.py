"""The transcript's document: a block per final line (time, label, text), then the interim text, written, revised and
relabelled in place."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from captioner.channels import DEFAULT_LABELS, label_of
from captioner.clock import format_clock
from captioner.events import CaptionEvent, replaced_final
from captioner.gui.transcript_format import TranscriptFormats

__all__ = ["TranscriptLines"]


class TranscriptLines:
    """Writes finals and the interim into the document of `text` in `formats`: the finals are its first blocks, in order, and
    `lines` says them as copied; the interim, if any, follows them."""

    def __init__(self, text: QTextEdit, formats: TranscriptFormats) -> None:
        self._text = text
        self.formats = formats
        self.interim = ""  # the interim text shown, in the blocks after the final lines
        self.lines: list[str] = []  # final lines shown, as copied
        self.events: list[CaptionEvent] = []  # the final each line shows
        self.labels: Mapping[str, str] = DEFAULT_LABELS  # what each channel is called, by id

    @property
    def _document(self) -> QTextDocument:
        return self._text.document()

    def forget(self) -> None:
        """The document was cleared: no lines, no interim."""
        self.interim = ""
        self.lines = []
        self.events = []

    def append_final(self, event: CaptionEvent) -> None:
        cursor = self._cursor_at_end()
        cursor.beginEditBlock()
        self._new_block(cursor, self.formats.final_block)
        self.lines.append(self._write_final(cursor, event))
        self.events.append(event)
        cursor.endEditBlock()

    def revise(self, event: CaptionEvent) -> None:
        """The line of the final `event` revises says `event` now; none when that final is not shown (the view was cleared
        since). Found by id among the lines shown: after a clear they are fewer than the session's finals."""
        index = replaced_final(self.events, event)
        if index is not None:
            self.replace_final(index, event)

    def replace_final(self, index: int, event: CaptionEvent) -> None:
        """The final line at `index` (finals are the document's first blocks, in order) says `event` now."""
        block = self._document.findBlockByNumber(index)
        if not block.isValid() or not 0 <= index < len(self.lines):
            return
        cursor = QTextCursor(block)
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
        cursor.removeSelectedText()
        self.lines[index] = self._write_final(cursor, event)
        self.events[index] = event
        cursor.endEditBlock()

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """What each channel and speaker is called, by id; the lines shown say it too."""
        self.labels = labels
        self.formats.forget_labels()
        for index, event in enumerate(self.events):
            if event.speaker or event.channel:
                self.replace_final(index, event)

    def set_formats(self, formats: TranscriptFormats) -> None:
        """Write in `formats` from now on, the lines and the interim shown too."""
        self.formats = formats
        interim = self.interim
        self.remove_interim()
        for index, event in enumerate(self.events):
            QTextCursor(self._document.findBlockByNumber(index)).setBlockFormat(formats.final_block)
            self.replace_final(index, event)
        self.set_interim(interim)

    def speaker_of(self, index: int) -> tuple[str, str] | None:
        """The speaker (id, label) of the final line at `index`, or None."""
        if not 0 <= index < len(self.events) or not self.events[index].speaker:
            return None
        event = self.events[index]
        return event.speaker, label_of(event.channel, self.labels, event.speaker)

    def set_interim(self, text: str) -> None:
        self.interim = text
        if not text:
            return
        cursor = self._cursor_at_end()
        cursor.beginEditBlock()
        self._new_block(cursor, self.formats.interim_block)
        cursor.insertText(text, self.formats.interim)
        cursor.endEditBlock()

    def remove_interim(self) -> None:
        if not self.interim:
            return
        cursor = self._cursor_at_end()
        cursor.setPosition(self._finals_end(), QTextCursor.KeepAnchor)
        cursor.removeSelectedText()
        self.interim = ""

    def _write_final(self, cursor: QTextCursor, event: CaptionEvent) -> str:
        """Write a final's time, label and text at `cursor`; the line as copied."""
        text = " ".join(event.text.split())
        stamp = format_clock(event.start)
        cursor.insertText(stamp + "  ", self.formats.time)
        label = label_of(event.channel, self.labels, event.speaker)
        if label:
            cursor.insertText(label + "  ", self.formats.label(event.speaker or event.channel))
        cursor.insertText(text, self.formats.final)
        return f"[{stamp}] {label}: {text}" if label else f"[{stamp}] {text}"

    def _cursor_at_end(self) -> QTextCursor:
        cursor = QTextCursor(self._document)
        cursor.movePosition(QTextCursor.End)
        return cursor

    def _new_block(self, cursor: QTextCursor, block_format: QTextBlockFormat) -> None:
        if self._document.isEmpty():
            cursor.setBlockFormat(block_format)
        else:
            cursor.insertBlock(block_format)

    def _finals_end(self) -> int:
        """The document position where the final lines end and the interim begins. Taken from the blocks each time: a
        position kept from when the interim was written is stale once a final line above it was revised to other text."""
        if not self.lines:
            return 0
        block = self._document.findBlockByNumber(len(self.lines) - 1)
        return block.position() + block.length() - 1
