"""A light capture stream while idle, so people see the microphone works before they talk."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal


log = logging.getLogger(__name__)

EMIT_INTERVAL_S = 0.05
RETRY_MS = 5000


def _default_source(device: str | None):
    from captioner.audio.sources import MicrophoneSource

    return MicrophoneSource(device, stall_s=4.0)


class LevelMonitor(QObject):
    """Reads the chosen input in a thread and reports its level (RMS, 0..1) about 20 times a second.

    `pause()` closes the stream (before a session opens the device), `resume()`
    opens it again. A device that cannot be opened is reported through `problem`
    and retried every few seconds; `problem("")` says it works again.
    """

    level = Signal(float)
    problem = Signal(str)

    def __init__(
        self, source_factory: Callable[[str | None], object] = _default_source, *, enabled: bool = True, retry_ms: int = RETRY_MS
    ) -> None:
        super().__init__()
        self._factory = source_factory
        self.enabled = enabled
        self._device: str | None = None
        self._paused = True
        self._shut = False
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None
        self._old_threads: list[threading.Thread] = []
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self._restart)
        self._failed.connect(self._on_failed)

    _failed = Signal(object, str)  # generation, message (internal: thread -> GUI)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def set_device(self, device: str | None) -> None:
        device = device or None
        if device == self._device and self.running:
            return
        self._device = device
        if not self._paused:
            self._restart()

    def resume(self) -> None:
        if self._shut:
            return
        if not self._paused and (self.running or self._retry.isActive()):
            return
        self._paused = False
        self._restart()

    def pause(self) -> None:
        self._paused = True
        self._retry.stop()
        self._halt()

    def wait_stopped(self, timeout: float = 2.0) -> bool:
        """Wait (off the GUI thread, ideally) until every stream this monitor opened is closed."""
        deadline = time.monotonic() + timeout
        for thread in list(self._old_threads):
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in self._old_threads)

    def shutdown(self) -> None:
        """Close the stream for good (the app is quitting); resume() does nothing afterwards."""
        self._shut = True
        self.pause()

    # -- internals -----------------------------------------------------------
    def _halt(self) -> None:
        if self._stop is not None:
            self._stop.set()
        if self._thread is not None:
            self._old_threads = [t for t in self._old_threads if t.is_alive()] + [self._thread]
        self._stop, self._thread = None, None

    def _restart(self) -> None:
        self._halt()
        if self._paused or not self.enabled:
            return
        self._retry.stop()
        stop = threading.Event()
        generation = id(stop)
        self._stop = stop
        self._thread = threading.Thread(target=self._run, args=(stop, self._device, generation), name="captioner-level", daemon=True)
        self._thread.start()

    def _on_failed(self, generation: int, message: str) -> None:
        if self._stop is None or id(self._stop) != generation or self._paused:
            return
        self.problem.emit(message)
        self._retry.start()

    def _run(self, stop: threading.Event, device: str | None, generation: int) -> None:
        # Let a previous stream close first: opening a PulseAudio source sets PULSE_SOURCE.
        for thread in list(self._old_threads):
            if thread is not threading.current_thread():
                thread.join(2.0)
        source = self._factory(device)
        try:
            source.start()
        except Exception as exc:  # AudioSourceError, or PortAudio itself failing
            self._failed.emit(generation, str(exc))
            return
        reported_ok = False
        peak = 0.0
        next_emit = time.monotonic() + EMIT_INTERVAL_S
        try:
            while not stop.is_set():
                block = source.read(timeout=0.1)
                if block is not None and len(block):
                    peak = max(peak, float(np.sqrt(np.mean(block * block))))
                    if not reported_ok:
                        reported_ok = True
                        self.problem.emit("")
                now = time.monotonic()
                if now >= next_emit:
                    self.level.emit(peak)
                    peak = 0.0
                    next_emit = now + EMIT_INTERVAL_S
        except Exception as exc:  # the device went away
            if not stop.is_set():
                self._failed.emit(generation, str(exc))
        finally:
            source.stop()
            self.level.emit(0.0)
