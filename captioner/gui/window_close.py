"""Closing the main window: a session under way finishes first (within CLOSE_TIMEOUT_MS), captions saved nowhere are
asked about, and the input monitors and device watchers stop before the app quits."""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMainWindow

from captioner.gui.controller import SessionController, State
from captioner.gui.device_picker import DevicePicker
from captioner.gui.settings_store import SettingsStore
from captioner.gui.system_picker import SystemAudioPicker

__all__ = ["CLOSE_TIMEOUT_MS", "CloseGuard"]

log = logging.getLogger(__name__)

CLOSE_TIMEOUT_MS = 8000  # closing waits this long at most for the session to finish
MONITOR_STOP_WAIT_S = 1.0  # how long closing waits for each level monitor's stream to close


class CloseGuard:
    """Decides what a close of the window does: wait for the session, ask about unsaved captions, or close for good
    (then `closed()` is called once).

    `may_clear_unsaved(closing=True)` asks about captions saved nowhere; `monitor` is the input's level monitor."""

    def __init__(
        self,
        window: QMainWindow,
        store: SettingsStore,
        controller: SessionController,
        pickers: tuple[DevicePicker, SystemAudioPicker],
        *,
        monitor=None,
        may_clear_unsaved: Callable[..., bool],
        closed: Callable[[], None],
    ) -> None:
        self._window = window
        self._store = store
        self._controller = controller
        self._device_picker, self._system_picker = pickers
        self._monitor = monitor
        self._may_clear_unsaved = may_clear_unsaved
        self._closed = closed
        self._closing = False  # a close waits for the session to end
        self._done = False  # closed for good

    def close_event(self, event) -> None:
        """Accept or ignore the window's close `event`, and start what closing needs."""
        if self._done:
            event.accept()
            return
        self._store.update(main_window_geometry=self._window_geometry())
        if self._controller.busy:
            # finish the segment in flight and close the files, then close for real (asking first, once the session has
            # ended, when its captions are saved nowhere: `on_state`)
            event.ignore()
            if not self._closing:
                self._closing = True
                self._window.hide()  # goes away at once; the session finishes behind it
                for monitor in self._monitors():
                    monitor.shutdown()  # not reopened when the session ends
                self._controller.stop()
                QTimer.singleShot(CLOSE_TIMEOUT_MS, self._timed_out)
            return
        if self._controller.unsaved and not self._may_clear_unsaved(closing=True):
            event.ignore()  # Cancel: the captions stay, and so does the window
            self._closing = False
            return
        event.accept()
        self._finish()

    def on_state(self, state: State) -> None:
        """The session waited for has ended: close once the state change has been shown."""
        if state is State.IDLE and self._closing:
            QTimer.singleShot(0, self._after_session)

    def _window_geometry(self) -> str:
        return base64.b64encode(bytes(self._window.saveGeometry())).decode("ascii")

    def _monitors(self) -> list:
        """The idle level meters' monitors: the input's and the output's."""
        return [m for m in (self._monitor, self._system_picker.monitor) if m is not None]

    def _after_session(self) -> None:
        """The session closing waited for has ended: close, asking first when its captions are saved nowhere."""
        if self._done:
            return
        if self._controller.unsaved:
            self._window.show()  # back, to ask about its captions
            if not self._may_clear_unsaved(closing=True):
                self._closing = False  # Cancel: the window stays, with the captions
                return
        self._finish()

    def _timed_out(self) -> None:
        """Closing waited CLOSE_TIMEOUT_MS for the session to finish: close now if it still has not (its captions so far
        are on disk); once it has, `_after_session` closed or asked."""
        if self._closing and self._controller.busy:
            self._finish()

    def _finish(self) -> None:
        if self._done:
            return
        if self._controller.busy:
            log.warning("closing while the session is still finishing; captions saved so far are on disk")
        self._done = True
        self._controller.refiner.cancel_all()  # the session keeps its audio: File → Refine a past session's transcript… does it later
        for monitor in self._monitors():
            monitor.shutdown()
        for monitor in self._monitors():
            monitor.wait_stopped(MONITOR_STOP_WAIT_S)  # close the streams before the interpreter tears PortAudio down
        if self._device_picker.devices is not None:
            self._device_picker.devices.stop()
        if self._system_picker.outputs is not None:
            self._system_picker.outputs.stop()
        self._store.save_now()
        self._window.hide()
        self._window.close()
        self._closed()
