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
    QKeySequence,
    QShortcut,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM, label_of
from captioner.clock import format_clock
from captioner.events import CaptionEvent, replaced_final
from captioner.gui.merge import MergeUpdate

__all__ = ["SIDE_COLORS", "SPARE_COLORS", "FindBar", "TranscriptText", "TranscriptView"]

AT_BOTTOM_SLACK = 4  # pixels: "scrolled to the end" tolerance


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
        font.setPointSizeF(max(font.pointSizeF(), 10) * 1.25)
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
    nameSpeaker = Signal(str, str)  # a speaker's id and label: the user asked to name that speaker

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = TranscriptText()
        self._interim = ""  # the interim text shown, in the blocks after the final lines
        self._lines: list[str] = []  # final lines shown, as copied
        self._events: list[CaptionEvent] = []  # the final each line shows
        self._follow = True
        self._updating = False

        base = self.palette().text().color()
        self._time_format = QTextCharFormat()
        self._time_format.setForeground(QColor(128, 128, 128))
        small = QFont(self.text.font())
        small.setPointSizeF(self.text.font().pointSizeF() * 0.8)
        self._time_format.setFont(small)
        self._final_format = QTextCharFormat()
        self._final_format.setForeground(base)
        self._final_format.setFont(self.text.font())
        self._interim_format = QTextCharFormat()
        self._interim_format.setForeground(QColor(140, 140, 140))
        self._interim_format.setFont(self.text.font())
        self._interim_format.setFontItalic(True)
        self._label_formats: dict[str, QTextCharFormat] = {}
        self._labels: Mapping[str, str] = DEFAULT_LABELS  # what each channel is called, by id
        # finals hang under their timestamp; the interim lines up with the final text
        indent = QFontMetricsF(small).horizontalAdvance("00:00:00  ")
        self._final_block = QTextBlockFormat()
        self._final_block.setLeftMargin(indent)
        self._final_block.setTextIndent(-indent)
        self._final_block.setTopMargin(2)
        self._interim_block = QTextBlockFormat()
        self._interim_block.setLeftMargin(indent)
        self._interim_block.setTopMargin(2)

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
        return super().eventFilter(obj, event)

    def _show_live_button(self) -> None:
        self._place_live_button()
        self.live_button.show()
        self.live_button.raise_()

    def _place_live_button(self) -> None:
        vp = self.text.viewport()
        self.live_button.adjustSize()
        self.live_button.move(vp.width() - self.live_button.width() - 12, vp.height() - self.live_button.height() - 10)


class FindBar(QWidget):
    """Search in the transcript: highlights every match, Enter/Shift+Enter step through them."""

    def __init__(self, editor: QTextEdit) -> None:
        super().__init__()
        self.setObjectName("findBar")
        self.editor = editor
        self.field = QLineEdit()
        self.field.setPlaceholderText("Find in transcript")
        self.field.setClearButtonEnabled(True)
        self.field.textChanged.connect(lambda _t: self.search(move=False))
        self.field.returnPressed.connect(self.find_next)
        self.count = QLabel()
        self.count.setMinimumWidth(80)
        prev_button = QToolButton()
        prev_button.setText("▲")
        prev_button.setToolTip("Previous match (Shift+Enter)")
        prev_button.clicked.connect(self.find_previous)
        next_button = QToolButton()
        next_button.setText("▼")
        next_button.setToolTip("Next match (Enter)")
        next_button.clicked.connect(self.find_next)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.close_bar)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(QLabel("Find:"))
        layout.addWidget(self.field, 1)
        layout.addWidget(prev_button)
        layout.addWidget(next_button)
        layout.addWidget(self.count)
        layout.addWidget(close)
        QShortcut(QKeySequence(Qt.Key_Escape), self, self.close_bar, context=Qt.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence("Shift+Return"), self.field, self.find_previous, context=Qt.WidgetShortcut)
        self.matches: list[QTextCursor] = []
        self.current = -1

    def open(self) -> None:
        self.show()
        self.field.setFocus()
        self.field.selectAll()
        self.search(move=False)

    def close_bar(self) -> None:
        self.hide()
        self.editor.setExtraSelections([])
        self.editor.setFocus()

    def refresh(self) -> None:
        if self.isVisible() and self.field.text():
            self.search(move=False, keep=True)

    def search(self, move: bool = True, keep: bool = False) -> None:
        query = self.field.text()
        doc = self.editor.document()
        previous = self.matches[self.current].selectionStart() if keep and 0 <= self.current < len(self.matches) else None
        self.matches = []
        if query:
            cursor = QTextCursor(doc)
            while True:
                cursor = doc.find(query, cursor, QTextDocument.FindFlags())
                if cursor.isNull():
                    break
                self.matches.append(QTextCursor(cursor))
        if not self.matches:
            self.current = -1
        elif previous is not None:
            self.current = next((i for i, c in enumerate(self.matches) if c.selectionStart() == previous), 0)
        elif not move or self.current < 0:
            self.current = len(self.matches) - 1  # the newest match: the talk runs downwards
        self._show(scroll=not keep)

    def find_next(self) -> None:
        self._step(+1)

    def find_previous(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.matches:
            self.search(move=False)
            if not self.matches:
                return
        else:
            self.current = (self.current + delta) % len(self.matches)
        self._show(scroll=True)

    def _show(self, scroll: bool) -> None:
        selections = []
        for i, cursor in enumerate(self.matches):
            sel = QTextEdit.ExtraSelection()
            sel.cursor = cursor
            sel.format.setBackground(QColor("#ff9632") if i == self.current else QColor("#fff2a8"))
            sel.format.setForeground(QColor("#000000"))
            selections.append(sel)
        self.editor.setExtraSelections(selections)
        if self.matches:
            self.count.setText(f"{self.current + 1} of {len(self.matches)}")
            if scroll:
                cursor = QTextCursor(self.matches[self.current])
                cursor.clearSelection()
                self.editor.setTextCursor(cursor)
                self.editor.ensureCursorVisible()
        else:
            self.count.setText("no match" if self.field.text() else "")
