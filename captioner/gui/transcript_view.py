"""The transcript: final lines with timestamps, the interim text greyed after them, search."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from captioner.app.merge import MergeUpdate
from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM, label_of
from captioner.clock import format_clock
from captioner.events import CaptionEvent, replaced_final
from captioner.gui.find_bar import FindBar

__all__ = ["SIDE_COLORS", "SPARE_COLORS", "TranscriptText", "TranscriptView"]

AT_BOTTOM_SLACK = 4  # pixels: "scrolled to the end" tolerance
TEXT_SCALE = 1.25  # the transcript's text against the system's, by default: read for hours, at arm's length
TEXT_FLOOR_PT = 10.0  # ... of a system font at least this size
TEXT_STEP_PT = 2.0  # Larger / Smaller text, and a notch of Ctrl+wheel
TIME_SCALE = 0.8  # a line's time against its text
TIME_GREY, INTERIM_GREY = "#6b6b6b", "#737373"  # quieter than the text, each over WCAG AA's 4.5:1 on a white page


def default_text_size(system_pt: float) -> float:
    """The transcript's text size (points) when none is chosen, from the system font's."""
    return max(system_pt, TEXT_FLOOR_PT) * TEXT_SCALE


# what the empty transcript says, by the session's state: "Press Start" only while it is the way on
PLACEHOLDERS = {
    "idle": "Captions appear here while people talk. Press Start (Ctrl+R).",
    "preparing": "Captions appear here once the model is ready.",
    "starting": "Captions appear here once the microphone is open.",
    "running": "Listening… captions appear here when people talk.",
    "stopping": "Finishing the session…",
}


# label colours, readable on light and dark backgrounds: each side of a meeting has its own, the same in
# every session (whoever speaks first) and whatever it is called; a channel of no known side takes the next spare one
SIDE_COLORS = {MICROPHONE: "#2f80c0", SYSTEM: "#d0762a"}
SPARE_COLORS = ("#3f9f5f", "#a05cc0", "#c0485f", "#1f9a9a", "#7a8a1f", "#8a5a2b")  # speakers by number, other channels in turn

class TranscriptText(QTextEdit):
    """Read-only text that follows the talk unless the user scrolled up."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transcript")
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setAcceptRichText(False)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setPlaceholderText(PLACEHOLDERS["idle"])
        font = self.font()
        font.setPointSizeF(default_text_size(font.pointSizeF()))
        self.setFont(font)
        self.document().setDocumentMargin(10)

    def at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - AT_BOTTOM_SLACK

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())


class TranscriptView(QWidget):
    """Renders MergeUpdates; `clear()` empties the view only (exports keep the whole session)."""

    followChanged = Signal(bool)  # True while the view follows the live text
    textSizeAsked = Signal(float)  # Ctrl+wheel: the text size (points) the person asks for
    nameSpeaker = Signal(str, str)  # a speaker's id and label: the user asked to name that speaker

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = TranscriptText()
        self._interim = ""  # the interim text shown, in the blocks after the final lines
        self._lines: list[str] = []  # final lines shown, as copied
        self._events: list[CaptionEvent] = []  # the final each line shows
        self._follow = True
        self._updating = False

        self._labels: Mapping[str, str] = DEFAULT_LABELS  # what each channel is called, by id
        self._make_formats(self.text.font())

        self.live_button = QToolButton(self.text.viewport())
        self.live_button.setObjectName("liveButton")
        self.live_button.setText("↓ Back to live")
        self.live_button.setToolTip("Scroll to the newest captions and follow them again")
        self.live_button.clicked.connect(self.follow_live)
        self.live_button.hide()
        self.text.viewport().installEventFilter(self)
        self.text.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.text.setContextMenuPolicy(Qt.CustomContextMenu)
        self.text.customContextMenuRequested.connect(self._context_menu)

        self.find_bar = FindBar(self.text)
        self.find_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.find_bar)

    def _make_formats(self, font: QFont) -> None:
        """The formats of a line's time, label and text, and of the interim, for text in `font`."""
        self._time_format = QTextCharFormat()
        self._time_format.setForeground(QColor(TIME_GREY))
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * TIME_SCALE)
        self._time_format.setFont(small)
        self._final_format = QTextCharFormat()
        self._final_format.setForeground(self.palette().text().color())
        self._final_format.setFont(font)
        self._interim_format = QTextCharFormat()
        self._interim_format.setForeground(QColor(INTERIM_GREY))
        self._interim_format.setFont(font)
        self._interim_format.setFontItalic(True)
        self._label_formats: dict[str, QTextCharFormat] = {}
        # finals hang under their timestamp; the interim lines up with the final text
        indent = QFontMetricsF(small).horizontalAdvance("00:00:00  ")
        self._final_block = QTextBlockFormat()
        self._final_block.setLeftMargin(indent)
        self._final_block.setTextIndent(-indent)
        self._final_block.setTopMargin(2)
        self._interim_block = QTextBlockFormat()
        self._interim_block.setLeftMargin(indent)
        self._interim_block.setTopMargin(2)

    @property
    def text_size(self) -> float:
        """The text's size in points."""
        return self.text.font().pointSizeF()

    def set_text_size(self, points: float) -> None:
        """Show the text at `points` (0: the default size), the lines already shown too."""
        font = self.text.font()
        font.setPointSizeF(points or default_text_size(QGuiApplication.font().pointSizeF()))
        self.text.setFont(font)
        self._make_formats(font)
        interim = self._interim
        self._remove_interim()
        document = self.text.document()
        for index, event in enumerate(self._events):
            QTextCursor(document.findBlockByNumber(index)).setBlockFormat(self._final_block)
            self._replace_final(index, event)
        self._set_interim(interim)

    # -- content ------------------------------------------------------------
    def apply(self, update: MergeUpdate) -> None:
        self._updating = True
        try:
            if update.kind == "final":
                self._remove_interim()
                self._append_final(update.event)
                self._set_interim(update.interim_text)
            elif update.kind in ("interim", "retract"):
                self._remove_interim()
                self._set_interim(update.interim_text)
            elif update.kind == "revise":
                self._revise(update.event)
            if self._follow:
                self.text.scroll_to_bottom()
            elif update.kind == "final":
                self._show_live_button()
            self.find_bar.refresh()
        finally:
            self._updating = False

    @property
    def following(self) -> bool:
        return self._follow

    def set_state(self, state: str) -> None:
        """The session's state ("idle", "running", …): what the empty view says."""
        self.text.setPlaceholderText(PLACEHOLDERS.get(state, PLACEHOLDERS["idle"]))

    def clear(self) -> None:
        self.text.clear()
        self._interim = ""
        self._lines = []
        self._events = []
        self._follow = True
        self.live_button.hide()
        self.find_bar.refresh()

    def plain_text(self) -> str:
        """The final lines shown, one per line, with their timestamps."""
        return "\n".join(self._lines) + ("\n" if self._lines else "")

    @property
    def interim_text(self) -> str:
        return self._interim

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())

    def show_find(self) -> None:
        self.find_bar.open()

    def follow_live(self) -> None:
        self._follow = True
        self.live_button.hide()
        self.text.scroll_to_bottom()
        self.followChanged.emit(True)

    # -- internals ----------------------------------------------------------
    def _cursor_at_end(self) -> QTextCursor:
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.End)
        return cursor

    def _append_final(self, event: CaptionEvent) -> None:
        cursor = self._cursor_at_end()
        cursor.beginEditBlock()
        self._new_block(cursor, self._final_block)
        self._lines.append(self._write_final(cursor, event))
        self._events.append(event)
        cursor.endEditBlock()

    def _revise(self, event: CaptionEvent) -> None:
        """The line of the final `event` revises says `event` now; none when that final is not shown (the view was cleared
        since). Found by id among the lines shown: after a clear they are fewer than the session's finals."""
        index = replaced_final(self._events, event)
        if index is not None:
            self._replace_final(index, event)

    def _replace_final(self, index: int, event: CaptionEvent) -> None:
        """The final line at `index` (finals are the document's first blocks, in order) says `event` now."""
        block = self.text.document().findBlockByNumber(index)
        if not block.isValid() or not 0 <= index < len(self._lines):
            return
        cursor = QTextCursor(block)
        cursor.beginEditBlock()
        cursor.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
        cursor.removeSelectedText()
        self._lines[index] = self._write_final(cursor, event)
        self._events[index] = event
        cursor.endEditBlock()

    def _write_final(self, cursor: QTextCursor, event: CaptionEvent) -> str:
        """Write a final's time, label and text at `cursor`; the line as copied."""
        text = " ".join(event.text.split())
        stamp = format_clock(event.start)
        cursor.insertText(stamp + "  ", self._time_format)
        label = label_of(event.channel, self._labels, event.speaker)
        if label:
            cursor.insertText(label + "  ", self._label_format(event.speaker or event.channel))
        cursor.insertText(text, self._final_format)
        return f"[{stamp}] {label}: {text}" if label else f"[{stamp}] {text}"

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """What each channel and speaker is called, by id ({MICROPHONE: "You", SYSTEM: "Others", "speaker-2": "Ana"}); a
        label's colour is its channel's, or its speaker's. The lines shown say it too (a speaker named mid-session)."""
        self._labels = labels
        self._label_formats = {}
        for index, event in enumerate(self._events):
            if event.speaker or event.channel:
                self._replace_final(index, event)

    def speaker_at(self, pos) -> tuple[str, str] | None:
        """The speaker (id, label) of the final line at `pos` (viewport coordinates), or None."""
        index = self.text.cursorForPosition(pos).blockNumber()
        if not 0 <= index < len(self._events) or not self._events[index].speaker:
            return None
        event = self._events[index]
        return event.speaker, label_of(event.channel, self._labels, event.speaker)

    def _context_menu(self, pos) -> None:
        menu = self.text.createStandardContextMenu(pos)
        who = self.speaker_at(pos)
        if who is not None:  # "Name Speaker 2…" first, above the editing actions
            first = menu.actions()[0] if menu.actions() else None
            action = QAction(f"Name {who[1]}…", menu)
            action.triggered.connect(lambda: self.nameSpeaker.emit(*who))
            menu.insertAction(first, action)
            menu.insertSeparator(first)
        menu.exec(self.text.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def label_color(self, channel: str) -> str:
        """The colour of the label of `channel` (an id): its side's, a speaker's by number, else a spare one (in the order such
        channels first speak)."""
        if channel in SIDE_COLORS:
            return SIDE_COLORS[channel]
        number = channel.rpartition("-")[2]
        if channel.startswith("speaker-") and number.isdigit():  # a speaker keeps their colour, named or not
            return SPARE_COLORS[(int(number) - 1) % len(SPARE_COLORS)]
        spare = [other for other in self._label_formats if other not in SIDE_COLORS]
        index = spare.index(channel) if channel in spare else len(spare)
        return SPARE_COLORS[index % len(SPARE_COLORS)]

    def _label_format(self, channel: str) -> QTextCharFormat:
        """Bold, in the colour of the channel (an id)."""
        if channel not in self._label_formats:
            fmt = QTextCharFormat(self._final_format)
            fmt.setFontWeight(QFont.Bold)
            fmt.setForeground(QColor(self.label_color(channel)))
            self._label_formats[channel] = fmt
        return self._label_formats[channel]

    def _new_block(self, cursor: QTextCursor, block_format: QTextBlockFormat) -> None:
        if self.text.document().isEmpty():
            cursor.setBlockFormat(block_format)
        else:
            cursor.insertBlock(block_format)

    def _set_interim(self, text: str) -> None:
        self._interim = text
        if not text:
            return
        cursor = self._cursor_at_end()
        cursor.beginEditBlock()
        self._new_block(cursor, self._interim_block)
        cursor.insertText(text, self._interim_format)
        cursor.endEditBlock()

    def _remove_interim(self) -> None:
        if not self._interim:
            return
        cursor = self._cursor_at_end()
        cursor.setPosition(self._finals_end(), QTextCursor.KeepAnchor)
        cursor.removeSelectedText()
        self._interim = ""

    def _finals_end(self) -> int:
        """The document position where the final lines end and the interim begins. Taken from the blocks each time: a
        position kept from when the interim was written is stale once a final line above it was revised to other text."""
        if not self._lines:
            return 0
        block = self.text.document().findBlockByNumber(len(self._lines) - 1)
        return block.position() + block.length() - 1

    def _scrolled(self, _value: int) -> None:
        if self.text.at_bottom():
            if not self._follow:
                self._follow = True
                self.live_button.hide()
                self.followChanged.emit(True)
        elif self._follow and not self._updating:
            self._follow = False  # the user scrolled up (wheel, keys, scroll bar, a search match)
            self.followChanged.emit(False)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.text.viewport() and event.type() == QEvent.Resize:
            self._place_live_button()
        if obj is self.text.viewport() and event.type() == QEvent.Wheel and event.modifiers() & Qt.ControlModifier:
            notches = event.angleDelta().y() / 120
            if notches:
                self.textSizeAsked.emit(self.text_size + TEXT_STEP_PT * notches)
            return True  # Ctrl+wheel sizes the text; it does not scroll
        return super().eventFilter(obj, event)

    def _show_live_button(self) -> None:
        self._place_live_button()
        self.live_button.show()
        self.live_button.raise_()

    def _place_live_button(self) -> None:
        vp = self.text.viewport()
        self.live_button.adjustSize()
        self.live_button.move(vp.width() - self.live_button.width() - 12, vp.height() - self.live_button.height() - 10)
