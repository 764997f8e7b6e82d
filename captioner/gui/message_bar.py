"""The banner above the transcript, and the notices it shows.

Every notice belongs to a cause ("model", "device", "autosave", …). A notice
stays while its cause holds: it goes when the cause clears (`clear(cause)`) or
when a new session starts (`clear_all()`); a newer notice for the same cause
replaces it. The bar shows the newest notice still standing.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

PASSING_MS = 6000  # how long news that a problem is over stays (`show_passing`): long enough to read a line twice


@dataclass(frozen=True, eq=False)
class Notice:
    """A message for the banner: how grave, what it says, what it is about, and a button it may offer."""

    level: str  # "info" | "warning" | "error"
    text: str
    cause: str = "general"  # what the notice is about; it goes when that clears
    action: tuple[str, str] | None = None  # (button text, action key)


def standing(notices: list[Notice], new: Notice) -> list[Notice]:
    """The notices standing after `new` arrives: it replaces any notice of its cause, newest last."""
    return [n for n in notices if n.cause != new.cause] + [new]


class MessageBar(QFrame):
    """An inline banner for warnings and errors that must not stop the captions."""

    actionTriggered = Signal(str)  # the action key of the button pressed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self._retired: set[str] = set()  # causes whose notices no longer describe the present (a finished session's)
        self.setFrameShape(QFrame.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self._action = QPushButton()
        self._action.hide()
        self._action.clicked.connect(self._action_clicked)
        layout.addWidget(self._action)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.dismiss)
        layout.addWidget(close)
        self.notices: list[Notice] = []
        self.hide()

    @property
    def current(self) -> Notice | None:
        return self.notices[-1] if self.notices else None

    @property
    def level(self) -> str:
        return self.current.level if self.current else ""

    @property
    def text(self) -> str:
        return self.label.text()

    @property
    def cause(self) -> str:
        return self.current.cause if self.current else ""

    def show_notice(self, notice: Notice) -> None:
        self._retired.discard(notice.cause)  # a new notice of it holds now
        self.notices = [n for n in standing(self.notices, notice) if n.cause not in self._retired]  # covered: gone
        self._refresh()

    def show_passing(self, level: str, text: str, cause: str = "general", lasts_ms: int = PASSING_MS) -> None:
        """Show `text` for `lasts_ms`, then let it go by itself (unless another notice of its cause replaced it): news
        that a problem is over needs no dismissing."""
        notice = Notice(level, text, cause)
        self.show_notice(notice)
        QTimer.singleShot(lasts_ms, self, lambda: self._withdraw(notice))

    def _withdraw(self, notice: Notice) -> None:
        if any(n is notice for n in self.notices):
            self.notices = [n for n in self.notices if n is not notice]
            self._refresh()

    def retire(self, cause: str) -> None:
        """The notices of `cause` no longer describe the present (the session they are about finished): one shown
        stays until it is dismissed or covered by another, and is not shown again after that."""
        self._retired.add(cause)
        current = self.current
        self.notices = [n for n in self.notices if n.cause not in self._retired or n is current]

    def show_message(self, level: str, text: str, action: tuple[str, str] | None = None, cause: str = "general") -> None:
        """Show `text`; `level` is "info", "warning" or "error"; `action` is (button text, key)."""
        self.show_notice(Notice(level, text, cause, action))

    def clear(self, cause: str) -> None:
        """The cause is gone: its notice goes (an older notice still standing shows again)."""
        self._retired.discard(cause)
        if any(n.cause == cause for n in self.notices):
            self.notices = [n for n in self.notices if n.cause != cause]
            self._refresh()

    def clear_all(self) -> None:
        self.notices = []
        self._refresh()

    def dismiss(self) -> None:
        """The person closed the banner: the notice shown goes."""
        if self.notices:
            self.notices.pop()
        self.notices = [n for n in self.notices if n.cause not in self._retired]
        self._refresh()

    def _action_clicked(self) -> None:
        notice = self.current
        if notice is not None and notice.action:
            self.actionTriggered.emit(notice.action[1])

    def _refresh(self) -> None:
        notice = self.current
        if notice is None:
            self.label.setText("")
            self.hide()
            return
        self.setProperty("level", notice.level)
        self.style().unpolish(self)
        self.style().polish(self)
        self.label.setText(notice.text)
        if notice.action:
            self._action.setText(notice.action[0])
            self._action.show()
        else:
            self._action.hide()
        self.show()
