"""Keeps the list of input devices fresh: on demand (Refresh) and every few seconds."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from captioner.gui.tasks import run_in_thread


def _list_devices():
    from captioner.audio.devices import list_input_devices

    return list_input_devices()


class DeviceWatcher(QObject):
    """Lists input devices off the GUI thread; `devicesChanged(list[InputDevice])` when the list differs."""

    devicesChanged = Signal(object)
    failed = Signal(str)

    def __init__(self, lister: Callable[[], list] = _list_devices, *, interval_ms: int = 5000) -> None:
        super().__init__()
        self._lister = lister
        self.devices: list | None = None
        self._busy = False
        self._force = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(lambda: self.refresh(force=False))

    def start(self) -> None:
        self.refresh(force=True)
        if self._timer.interval() > 0:
            self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def refresh(self, force: bool = True) -> None:
        """List the devices again; with `force`, report the list even if it did not change."""
        self._force = self._force or force
        if self._busy:
            return
        self._busy = True
        run_in_thread(self._lister, on_done=self._done, on_failed=self._failed, name="captioner-devices")

    def _done(self, devices: list) -> None:
        self._busy = False
        devices = list(devices)
        if self._force or devices != self.devices:
            self._force = False
            self.devices = devices
            self.devicesChanged.emit(devices)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._force = False
        if self.devices != []:
            self.devices = []
            self.devicesChanged.emit([])
        self.failed.emit(str(exc))
