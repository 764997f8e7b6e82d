"""Search in the transcript: a bar under it that highlights every match (Chinese in either script)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from captioner.subtitles.chinese import spellings

__all__ = ["FindBar"]


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
        found: dict[int, QTextCursor] = {}  # by where each match starts: a spelling found twice is one match
        for form in spellings(query) if query else ():  # Chinese in either script, whichever the transcript is in
            cursor = QTextCursor(doc)
            while True:
                cursor = doc.find(form, cursor, QTextDocument.FindFlags())
                if cursor.isNull():
                    break
                found.setdefault(cursor.selectionStart(), QTextCursor(cursor))
        self.matches = [found[start] for start in sorted(found)]
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
