"""Recording through `soundcard`: an output's sound, or a PulseAudio source by name.

Only the capture child (capture_child.py) imports this module: libpulse under
soundcard aborts the process it runs in when the sound server goes away
(soundcard unrefs the NULL operation a dead context returns:
`Assertion 'o' failed at pulse/operation.c:67, pa_operation_unref()`), and a
soundcard that lost its server never connects again. The app and the command
line reach it through loopback.py, which runs it in a child process.

`soundcard` does what PortAudio cannot here: on Linux it opens a record stream
on a PulseAudio/PipeWire source *by name* through libpulse, one stream per
source; on Windows it records WASAPI loopback of a playback device. Streams are
opened with PA_STREAM_DONT_MOVE: when their source goes, the server ends them
instead of moving them to another source (an output's monitor, say).
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from contextlib import contextmanager

import numpy as np

from captioner.audio.outputs import (
    OutputDevice,
    is_mac_virtual_output,
    match_output,
    no_backend_message,
    no_outputs_message,
    output_lost_message,
)
from captioner.audio.sources import AudioSourceError, next_block, to_mono
from captioner.events import SAMPLE_RATE

log = logging.getLogger(__name__)


@contextmanager
def _program_name():
    """soundcard names its PulseAudio client after sys.argv, which `python -c` leaves too short."""
    saved = sys.argv
    sys.argv = ["captioner"]
    try:
        yield
    finally:
        sys.argv = saved


def backend():
    """The soundcard module, connected to the sound system; AudioSourceError if it cannot be."""
    if "soundcard" in sys.modules:
        return sys.modules["soundcard"]
    try:
        with _program_name():
            import soundcard
    except Exception as exc:  # soundcard connects at import and asserts on failure
        sys.modules.pop("soundcard", None)
        log.info("soundcard failed to start: %r", exc)
        raise AudioSourceError(no_backend_message()) from exc
    return soundcard


def server_alive(sc) -> bool:
    """Whether soundcard's connection to the sound server still holds (always True off Linux)."""
    if not sys.platform.startswith("linux"):
        return True
    from soundcard import pulseaudio

    pulse = pulseaudio._pulse
    return pulse._pa_context_get_state(pulse.context) == pulseaudio._pa.PA_CONTEXT_READY


def outputs(sc) -> list[OutputDevice]:
    """Outputs whose sound can be captured, the default marked; raises when the server fails mid-way."""
    if sys.platform == "darwin":
        return [
            OutputDevice(str(m.id), m.name, is_default=i == 0)
            for i, m in enumerate(m for m in sc.all_microphones() if is_mac_virtual_output(m.name))
        ]
    default = sc.default_speaker()
    default_id = str(default.id) if default is not None else None
    return [OutputDevice(str(s.id), s.name, str(s.id) == default_id) for s in sc.all_speakers()]


def resolve(sc, output: str | None) -> OutputDevice:
    devices = outputs(sc)
    if not devices:
        raise AudioSourceError(no_outputs_message())
    return match_output(devices, output)


def _default_output_id(sc) -> str | None:
    try:
        return next((d.id for d in outputs(sc) if d.is_default), None)
    except Exception as exc:
        log.info("listing outputs failed: %r", exc)
        return None


def _loopback_microphone(sc, device: OutputDevice):
    """soundcard's recording handle for what `device` plays."""
    if sys.platform == "darwin":
        return sc.get_microphone(device.id)
    if sys.platform.startswith("linux"):
        return sc.get_microphone(device.id + ".monitor", include_loopback=True)
    return sc.get_microphone(device.id, include_loopback=True)


def _recorder(microphone, block: int):
    """A recorder on `microphone`; on PulseAudio one the server ends, rather than moves, when its source goes."""
    if not sys.platform.startswith("linux"):
        return microphone.recorder(samplerate=SAMPLE_RATE, channels=1, blocksize=block)
    from soundcard import pulseaudio

    class _StayingRecorder(pulseaudio._Recorder):
        def _connect_stream(self, bufattr):
            pa, pulse = pulseaudio._pa, pulseaudio._pulse
            pulse._pa_stream_connect_record(self.stream, self._id.encode(), bufattr, pa.PA_STREAM_ADJUST_LATENCY | pa.PA_STREAM_DONT_MOVE)

            @pulseaudio._ffi.callback("pa_stream_request_cb_t")
            def read_callback(stream, nbytes, userdata):
                self._record_event.set()

            self._callback = read_callback
            pulse._pa_stream_set_read_callback(self.stream, read_callback, pulseaudio._ffi.NULL)

    return _StayingRecorder(samplerate=SAMPLE_RATE, channels=1, blocksize=block, id=microphone._id)


class OutputCapture:
    """Records what an output device plays, as 16 kHz mono blocks.

    The sound system converts rate and channels (PulseAudio and WASAPI both
    resample server-side), so the stream is opened at 16 kHz mono whatever the
    output's native rate. A reader thread keeps the stream drained; a stream
    that fails (the output was removed) is reported by `read` as an
    AudioSourceError — unless the capture follows the default output (output
    None), in which case it moves to the new default first. `opened` lists the
    devices recorded, in order (a move appends one).
    """

    def __init__(self, output: str | None = None, *, block_ms: int = 30, queue_s: float = 30.0, follow_interval_s: float = 1.0) -> None:
        self.output = output or None
        self.follow_default = self.output is None
        self.block = SAMPLE_RATE * block_ms // 1000
        self.follow_interval_s = follow_interval_s
        self.overflows = 0
        self.description = "system audio"
        self.device: OutputDevice | None = None
        self.opened: list[OutputDevice] = []
        self.notices: queue.Queue[tuple[str, bool]] = queue.Queue()  # (sentence, whether audio stops until the next)
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=max(1, int(queue_s * 1000 / block_ms)))
        self._stopping = threading.Event()
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        self._sc = None

    def start(self) -> None:
        self._sc = backend()
        device = self._resolve()
        recorder = self._open(device)  # errors raise here, in the caller's thread
        self._use(device)
        self._thread = threading.Thread(target=self._run, args=(recorder,), name="captioner-loopback", daemon=True)
        self._thread.start()

    def _use(self, device: OutputDevice) -> None:
        self.device, self.description = device, device.name
        self.opened.append(device)

    def _resolve(self) -> OutputDevice:
        return resolve(self._sc, self.output)

    def _microphone(self, device: OutputDevice):
        return _loopback_microphone(self._sc, device)

    def _lost_message(self, name: str) -> str:
        return output_lost_message(name)

    def _open(self, device: OutputDevice):
        try:
            recorder = _recorder(self._microphone(device), self.block)
            recorder.__enter__()
        except Exception as exc:
            log.info("opening loopback of %s failed: %r", device.id, exc)
            raise AudioSourceError(f"Cannot record what {device.name!r} plays. Check that the output is still there, or choose another one.") from exc
        return recorder

    def _run(self, recorder) -> None:
        next_check = time.monotonic() + self.follow_interval_s
        try:
            while not self._stopping.is_set():
                try:
                    block = recorder.record(numframes=self.block)
                except Exception as exc:  # the stream ended: its source went (or the server did)
                    log.info("recording %s failed: %r", self.description, exc)
                    _close(recorder)
                    recorder = self._recover()
                    if recorder is None:
                        return
                    continue
                try:
                    self._queue.put_nowait(to_mono(np.asarray(block, dtype=np.float32)))
                except queue.Full:
                    self.overflows += 1
                if self.follow_default and time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.follow_interval_s
                    recorder = self._follow(recorder)
        finally:
            if recorder is not None:
                _close(recorder)

    def _follow(self, recorder):
        """Move to the system's default output if it changed."""
        current = _default_output_id(self._sc)
        if current is None or self.device is None or current == self.device.id:
            return recorder
        try:
            device = resolve(self._sc, current)
            new = self._open(device)
        except AudioSourceError:
            return recorder  # keep the old one while the new default cannot be opened
        _close(recorder)
        self._use(device)
        log.info("system audio follows the default output to %s", device.name)
        return new

    def _recover(self):
        """After a failed stream: the current default (when following it), else an error for `read`."""
        if self.follow_default and server_alive(self._sc):
            for _ in range(3):
                if self._stopping.is_set():
                    return None
                try:
                    device = resolve(self._sc, None)
                    new = self._open(device)
                except AudioSourceError:
                    time.sleep(0.5)
                    continue
                self._use(device)
                return new
        self._error = self._lost_message(self.description)
        return None

    def read(self, timeout: float) -> np.ndarray | None:
        return next_block(self._queue, timeout, self._error, self._stopping)

    @property
    def stopped(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        """Stop capturing; waits (briefly) for the reader thread to close its stream."""
        self._stopping.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)


class InputCapture(OutputCapture):
    """A PulseAudio/PipeWire source (a microphone) recorded by name through libpulse.

    Unlike PortAudio's "pulse" device, routed by the process-wide PULSE_SOURCE,
    each of these is a stream of its own, so it can run beside system audio.
    Only the source named is ever recorded: when it goes (unplugged) a notice
    says so and the capture waits; when a source of that name is back, it is
    recorded again, and another notice says so.
    """

    def __init__(self, source: str, *, wait_interval_s: float = 0.5, **kw) -> None:
        super().__init__(source, **kw)
        self.follow_default = False
        self.description = source
        self.wait_interval_s = wait_interval_s

    def _resolve(self) -> OutputDevice:
        mic = self._find()
        if mic is None:
            raise AudioSourceError(f"There is no PulseAudio source {self.output!r}; run `captioner devices` to list them.")
        return OutputDevice(str(mic.id), mic.name)

    def _find(self):
        try:
            mic = self._sc.get_microphone(self.output, include_loopback=True)
        except Exception:
            return None
        return mic if str(mic.id) == self.output else None  # soundcard also matches parts of names

    def _microphone(self, device: OutputDevice):
        return self._sc.get_microphone(device.id, include_loopback=True)

    def _recover(self):
        """The source went: wait for it (same name) and record it again, saying once that it is gone and then that it
        is back; None when stopped or the server went. The server is asked first: a stream also ends when the whole
        sound server stops, and the microphone is not then "unplugged" (the session says the server stopped)."""
        name = self.description
        said = False
        while not self._stopping.wait(self.wait_interval_s):
            if not server_alive(self._sc):
                self._error = "The sound server stopped."
                return None
            recorder = self._reopen() if self._find() is not None else None
            if recorder is None:
                if not said:
                    self.notices.put((f"The microphone {name!r} is gone (unplugged?); its captions resume when it returns.", True))
                    said = True
                continue
            if said:
                self.notices.put((f"The microphone {self.description!r} is back; captioning it again.", False))
            return recorder
        return None

    def _reopen(self):
        """The source recorded again, its first block queued; None when it cannot be yet."""
        try:
            device = self._resolve()
            recorder = self._open(device)
            first = recorder.record(numframes=self.block)  # a new stream can take a second to deliver
        except Exception as exc:
            log.info("reopening %s failed: %r", self.output, exc)
            return None
        self._use(device)
        self._queue.put(to_mono(np.asarray(first, dtype=np.float32)))
        return recorder


def _close(recorder) -> None:
    try:
        recorder.__exit__(None, None, None)
    except Exception:
        pass  # the stream may be gone with its device
