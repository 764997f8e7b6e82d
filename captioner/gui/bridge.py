"""The engine calls sinks and callbacks from its own thread; this re-emits them as Qt signals.

A `SessionBridge` lives in the GUI thread. Signals emitted from another thread
reach GUI-thread slots through queued connections, so the GUI only ever touches
caption events on its own thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from captioner.events import CaptionEvent, SessionProblem, SessionStatus


class SessionBridge(QObject):
    """A caption sink plus status/error callbacks for one `CaptionSession`."""

    caption = Signal(object)  # CaptionEvent
    status = Signal(object)  # SessionStatus
    error = Signal(object)  # SessionProblem
    closed = Signal()  # the session has ended and closed its sinks

    # -- sink protocol (engine thread) ------------------------------------
    def on_caption(self, event: CaptionEvent) -> None:
        self.caption.emit(event)

    def close(self) -> None:
        self.closed.emit()

    # -- callbacks (engine thread) ----------------------------------------
    def on_status(self, status: SessionStatus) -> None:
        self.status.emit(status)

    def on_error(self, error: SessionProblem) -> None:
        self.error.emit(error)
