"""The transcript following the talk: it keeps to the newest line until the user scrolls up, then offers
"Back to live"."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QEvent, QObject, Signal
from PySide6.QtWidgets import QTextEdit, QToolButton

__all__ = ["LiveFollow"]

BUTTON_MARGIN = (12, 10)  # pixels between "Back to live" and the right and bottom edges of the text


class LiveFollow(QObject):
    """Whether the transcript `text` (a TranscriptText: it says whether it is `at_bottom()` and can `scroll_to_bottom()`)
    follows the live text (`following`), and its "Back to live" button, shown when a final comes while the user reads
    further up."""

    followChanged = Signal(bool)  # True while the view follows the live text

    def __init__(self, text: QTextEdit) -> None:
        super().__init__(text)
        self._text = text
        self.following = True
        self._updating = False  # the text changes: a scroll now is not the user's
        self.live_button = QToolButton(text.viewport())
        self.live_button.setObjectName("liveButton")
        self.live_button.setText("↓ Back to live")
        self.live_button.setToolTip("Scroll to the newest captions and follow them again")
        self.live_button.clicked.connect(self.follow_live)
        self.live_button.hide()
        self._viewport = text.viewport()
        self._viewport.installEventFilter(self)
        text.verticalScrollBar().valueChanged.connect(self._scrolled)

    @contextmanager
    def updating(self) -> Iterator[None]:
        """Around a change of the text: a scroll it makes is not the user's."""
        self._updating = True
        try:
            yield
        finally:
            self._updating = False

    def catch_up(self, final: bool) -> None:
        """The text changed: to the end when following, else "Back to live" when a `final` came."""
        if self.following:
            self._text.scroll_to_bottom()
        elif final:
            self._show_live_button()

    def follow_live(self) -> None:
        self.following = True
        self.live_button.hide()
        self._text.scroll_to_bottom()
        self.followChanged.emit(True)

    def reset(self) -> None:
        """The text was cleared: following again, without saying so."""
        self.following = True
        self.live_button.hide()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is self._viewport and event.type() == QEvent.Resize:
            self._place_live_button()
        return False

    def _scrolled(self, _value: int) -> None:
        if self._text.at_bottom():
            if not self.following:
                self.following = True
                self.live_button.hide()
                self.followChanged.emit(True)
        elif self.following and not self._updating:
            self.following = False  # the user scrolled up (wheel, keys, scroll bar, a search match)
            self.followChanged.emit(False)

    def _show_live_button(self) -> None:
        self._place_live_button()
        self.live_button.show()
        self.live_button.raise_()

    def _place_live_button(self) -> None:
        vp = self._viewport
        self.live_button.adjustSize()
        right, bottom = BUTTON_MARGIN
        self.live_button.move(vp.width() - self.live_button.width() - right, vp.height() - self.live_button.height() - bottom)
