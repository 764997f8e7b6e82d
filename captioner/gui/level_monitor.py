"""A light capture stream while idle, so people see the microphone works before they talk.

At Start the stream is handed over to the session (`hand_over`), still running,
with the blocks it read since the press: capture begins at the press, not once
a new stream has opened.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from captioner.gui.tasks import Latest, run_in_thread

log = logging.getLogger(__name__)

EMIT_INTERVAL_S = 0.05
RETRY_MS = 5000
RECENT_BLOCKS = 64  # blocks kept for a hand-over (about 2 s of 30 ms blocks)
HANDOVER_WAIT_S = 2.0


def _default_source(device: str | None):
    from captioner.audio.loopback import microphone_source

    return microphone_source(device, stall_s=4.0)


class Handover:
    """A running stream on its way from the level meter to a session, with the blocks read since `since`."""

    def __init__(self, since: float) -> None:
        self.since = since
        self.source = None
        self.blocks: list[np.ndarray] = []
        self._ready = threading.Event()

    def give(self, source, blocks: list[np.ndarray]) -> None:
        self.source, self.blocks = source, blocks
        self._ready.set()

    def refuse(self) -> None:
        self._ready.set()

    def wait(self, timeout: float) -> bool:
        """True once the stream was given (False: refused, or not in time)."""
        return self._ready.wait(timeout) and self.source is not None


class HandedOverSource:
    """The session's microphone: the level meter's stream when it was handed over, else a new one.

    start() runs off the GUI thread (it may wait for the hand-over, or open a device)."""

    def __init__(self, handover: Handover | None, open_new: Callable[[], object]) -> None:
        self._handover = handover
        self._open_new = open_new
        self._source = None
        self._pending: deque[np.ndarray] = deque()
        self.handed_over = False
        self.description = "microphone"
        self.live = True

    def start(self) -> None:
        handover = self._handover
        if handover is not None and handover.wait(HANDOVER_WAIT_S):
            self._source, self._pending, self.handed_over = handover.source, deque(handover.blocks), True
        else:
            if handover is not None and handover.source is not None:  # given too late: not ours to keep
                handover.source.stop()
            source = self._open_new()
            source.start()
            self._source = source
        self.description = getattr(self._source, "description", self.description)

    def read(self, timeout: float):
        if self._pending:
            return self._pending.popleft()
        return self._source.read(timeout) if self._source is not None else None

    @property
    def overflows(self) -> int:
        return getattr(self._source, "overflows", 0)

    @property
    def notices(self):
        """What the stream says happens to it (the sound server stopped, is back); None before start()."""
        return getattr(self._source, "notices", None)

    @property
    def waiting(self) -> bool:
        return bool(getattr(self._source, "waiting", False))

    @property
    def finished(self) -> bool:
        return not self._pending and (self._source is None or self._source.finished)

    def stop(self) -> None:
        if self._source is not None:
            self._source.stop()


class _Stream:
    """One run of the idle stream: its stop flag, whether it delivers audio, when it has closed."""

    def __init__(self, device: str | None, ticket: int) -> None:
        self.device = device
        self.ticket = ticket
        self.stop = threading.Event()
        self.closed = threading.Event()
        self.delivering = False
        self.handover: Handover | None = None


class LevelMonitor(QObject):
    """Reads the chosen input on a pool thread and reports its level (RMS, 0..1) about 20 times a second.

    `pause()` closes the stream, `resume()` opens it again, `hand_over()` passes it on to a
    session; `hold(True)` closes it until `hold(False)` (the input is not listened to in this
    mode), whoever asks to resume meanwhile. A device that cannot be opened is reported through
    `problem` and retried every few seconds, as is what a source says while it waits (the sound
    server stopped); `problem("")` says it works again.
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
        self._held = False
        self._stream: _Stream | None = None
        self._old: list[_Stream] = []
        self._latest = Latest()
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(retry_ms)
        self._retry.timeout.connect(self._restart)

    @property
    def running(self) -> bool:
        return self._stream is not None and not self._stream.closed.is_set()

    def set_device(self, device: str | None) -> None:
        device = device or None
        if device == self._device and self.running:
            return
        self._device = device
        if not self._paused:
            self._restart()

    def resume(self) -> None:
        if self._shut or self._held:
            return
        if not self._paused and (self.running or self._retry.isActive()):
            return
        self._paused = False
        self._restart()

    def hold(self, held: bool) -> None:
        """Keep the stream closed (True) whatever asks to resume it, or let it open again (False)."""
        was_held, self._held = self._held, held
        if held:
            self.pause()
        elif was_held:
            self.resume()

    def pause(self) -> None:
        self._paused = True
        self._retry.stop()
        self._halt()

    def hand_over(self, device: str | None) -> Handover | None:
        """Pass the running stream on (it keeps capturing), if it is open on `device` and delivers
        audio; the monitor pauses. None when there is no such stream."""
        stream = self._stream
        if stream is None or stream.device != (device or None) or not stream.delivering or stream.closed.is_set():
            return None
        handover = Handover(time.monotonic())
        stream.handover = handover
        self.pause()
        return handover

    def wait_stopped(self, timeout: float = 2.0) -> bool:
        """Wait (off the GUI thread, ideally) until every stream this monitor opened is closed or handed over."""
        deadline = time.monotonic() + timeout
        for stream in list(self._old):
            stream.closed.wait(max(0.0, deadline - time.monotonic()))
        return all(s.closed.is_set() for s in self._old)

    def shutdown(self) -> None:
        """Close the stream for good (the app is quitting); resume() does nothing afterwards."""
        self._shut = True
        self.pause()

    # -- internals -----------------------------------------------------------
    def _halt(self) -> None:
        self._latest.drop()  # a failure of the stream being stopped no longer counts
        if self._stream is not None:
            self._stream.stop.set()
            self._old = [s for s in self._old if not s.closed.is_set()] + [self._stream]
        self._stream = None

    def _restart(self) -> None:
        self._halt()
        if self._paused or not self.enabled:
            return
        self._retry.stop()
        stream = _Stream(self._device, self._latest.next())
        self._stream = stream
        waits = [s.closed for s in self._old]
        run_in_thread(self._run, stream, waits, on_failed=lambda exc: self._on_failed(stream.ticket, exc), owner=self, name="captioner-level")

    def _on_failed(self, ticket: int, exc: BaseException) -> None:
        if not self._latest.is_current(ticket) or self._paused:
            return
        self.problem.emit(str(exc))
        self._retry.start()

    def _run(self, stream: _Stream, waits: list[threading.Event]) -> None:
        try:
            # Let a previous stream close first: opening a PulseAudio source sets PULSE_SOURCE,
            # and opening any stream re-reads PortAudio's device list, which closes open streams.
            for closed in waits:
                closed.wait(2.0)
            if stream.stop.is_set():
                return
            self._capture(stream)
        finally:
            if stream.handover is not None:
                stream.handover.refuse()  # no-op when it was given
            stream.closed.set()

    def _capture(self, stream: _Stream) -> None:
        source = self._factory(stream.device)
        source.start()  # AudioSourceError, or PortAudio itself failing: reported by _on_failed
        recent: deque[tuple[float, np.ndarray]] = deque(maxlen=RECENT_BLOCKS)
        peak = 0.0
        next_emit = time.monotonic() + EMIT_INTERVAL_S
        handed = False
        notices = getattr(source, "notices", None)  # a source that says what happens to it (a capture child's)
        try:
            while not stream.stop.is_set():
                block = source.read(timeout=0.1)
                if notices is not None and not notices.empty():
                    text = notices.get_nowait()
                    self.problem.emit(text if source.waiting else "")
                now = time.monotonic()
                if block is not None and len(block):
                    recent.append((now, block))
                    peak = max(peak, float(np.sqrt(np.mean(block * block))))
                    if not stream.delivering:
                        stream.delivering = True
                        self.problem.emit("")
                if now >= next_emit:
                    self.level.emit(peak)
                    peak = 0.0
                    next_emit = now + EMIT_INTERVAL_S
            handover = stream.handover
            if handover is not None:
                handover.give(source, [b for t, b in recent if t >= handover.since])
                handed = True
        except Exception:  # the device went away
            if not stream.stop.is_set():
                raise
        finally:
            if not handed:
                source.stop()
                self.level.emit(0.0)
