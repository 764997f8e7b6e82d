"""The transcript: final lines with timestamps, the interim text greyed after them, search.

Its parts: the lines in the document (transcript_lines), their look (transcript_format), following the
talk (transcript_follow), the context menu that names a speaker (transcript_menu), search (find_bar).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTextEdit, QVBoxLayout, QWidget

from captioner.app.merge import MergeUpdate
from captioner.gui.find_bar import FindBar
from captioner.gui.transcript_follow import LiveFollow
from captioner.gui.transcript_format import SIDE_COLORS, SPARE_COLORS, TranscriptFormats
from captioner.gui.transcript_lines import TranscriptLines
from captioner.gui.transcript_menu import show_context_menu

__all__ = ["SIDE_COLORS", "SPARE_COLORS", "TranscriptText", "TranscriptView"]

AT_BOTTOM_SLACK = 4  # pixels: "scrolled to the end" tolerance
TEXT_SCALE = 1.25  # the transcript's text against the system's, by default: read for hours, at arm's length
TEXT_FLOOR_PT = 10.0  # ... of a system font at least this size
TEXT_STEP_PT = 2.0  # Larger / Smaller text, and a notch of Ctrl+wheel
WHEEL_NOTCH = 120  # a wheel's angle delta for one notch (Qt's eighths of a degree)
DOCUMENT_MARGIN = 10  # pixels around the transcript's text


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
        self.document().setDocumentMargin(DOCUMENT_MARGIN)

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
        self._lines = TranscriptLines(self.text, self._formats_for(self.text))
        self._follow = LiveFollow(self.text)
        self._follow.followChanged.connect(self.followChanged)
        self.live_button = self._follow.live_button
        self.text.viewport().installEventFilter(self)
        self.text.setContextMenuPolicy(Qt.CustomContextMenu)
        self.text.customContextMenuRequested.connect(
            lambda pos: show_context_menu(self.text, pos, self.speaker_at(pos), self.nameSpeaker.emit))

        self.find_bar = FindBar(self.text)
        self.find_bar.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.find_bar)

    def _formats_for(self, text: QTextEdit) -> TranscriptFormats:
        """The formats of a line's time, label and text, and of the interim, for the font of `text`."""
        return TranscriptFormats(text.font(), self.palette().text().color())

    @property
    def text_size(self) -> float:
        """The text's size in points."""
        return self.text.font().pointSizeF()

    def set_text_size(self, points: float) -> None:
        """Show the text at `points` (0: the default size), the lines already shown too."""
        font = self.text.font()
        font.setPointSizeF(points or default_text_size(QGuiApplication.font().pointSizeF()))
        self.text.setFont(font)
        self._lines.set_formats(self._formats_for(self.text))

    # -- content ------------------------------------------------------------
    def apply(self, update: MergeUpdate) -> None:
        with self._follow.updating():
            if update.kind == "final":
                self._lines.remove_interim()
                self._lines.append_final(update.event)
                self._lines.set_interim(update.interim_text)
            elif update.kind in ("interim", "retract"):
                self._lines.remove_interim()
                self._lines.set_interim(update.interim_text)
            elif update.kind == "revise":
                self._lines.revise(update.event)
            self._follow.catch_up(final=update.kind == "final")
            self.find_bar.refresh()

    @property
    def following(self) -> bool:
        return self._follow.following

    def set_state(self, state: str) -> None:
        """The session's state ("idle", "running", …): what the empty view says."""
        self.text.setPlaceholderText(PLACEHOLDERS.get(state, PLACEHOLDERS["idle"]))

    def clear(self) -> None:
        self.text.clear()
        self._lines.forget()
        self._follow.reset()
        self.find_bar.refresh()

    def plain_text(self) -> str:
        """The final lines shown, one per line, with their timestamps."""
        lines = self._lines.lines
        return "\n".join(lines) + ("\n" if lines else "")

    @property
    def interim_text(self) -> str:
        return self._lines.interim

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())

    def show_find(self) -> None:
        self.find_bar.open()

    def follow_live(self) -> None:
        self._follow.follow_live()

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """What each channel and speaker is called, by id ({MICROPHONE: "You", SYSTEM: "Others", "speaker-2": "Ana"}); a
        label's colour is its channel's, or its speaker's. The lines shown say it too (a speaker named mid-session)."""
        self._lines.set_labels(labels)

    def speaker_at(self, pos) -> tuple[str, str] | None:
        """The speaker (id, label) of the final line at `pos` (viewport coordinates), or None."""
        return self._lines.speaker_of(self.text.cursorForPosition(pos).blockNumber())

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is self.text.viewport() and event.type() == QEvent.Wheel and event.modifiers() & Qt.ControlModifier:
            notches = event.angleDelta().y() / WHEEL_NOTCH
            if notches:
                self.textSizeAsked.emit(self.text_size + TEXT_STEP_PT * notches)
            return True  # Ctrl+wheel sizes the text; it does not scroll
        return super().eventFilter(obj, event)
