"""System audio: what an output device plays, captured as a source.

`soundcard` does what PortAudio cannot here: on Linux it opens a record
stream on a PulseAudio/PipeWire source *by name* through libpulse, one stream
per source (PortAudio reaches PulseAudio only through the ALSA "pulse" device,
routed by the process-wide PULSE_SOURCE, so it cannot record the microphone
and an output's monitor at once); on Windows it records WASAPI loopback of a
playback device. macOS has no loopback: a virtual device such as BlackHole
must carry the output, and it is recorded like an input.

An output given as None follows the system's default output: when the default
changes mid-session (headphones plugged in) the capture moves to the new one.
"""

from __future__ import annotations

import logging
import queue
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np

from captioner.audio.sources import AudioSourceError, to_mono
from captioner.events import SAMPLE_RATE

log = logging.getLogger(__name__)

# virtual devices that carry an output on macOS, by the words in their names
MAC_VIRTUAL_OUTPUTS = ("blackhole", "soundflower", "loopback audio")
MAC_ADVICE = (
    "macOS cannot record what the computer plays by itself. Install the free virtual device "
    "BlackHole (https://existential.audio/blackhole/), then in Audio MIDI Setup create a "
    "Multi-Output Device of your speakers and BlackHole and choose it as the sound output; "
    "captioner then records BlackHole."
)


@dataclass(frozen=True)
class OutputDevice:
    """A playback device whose sound can be captured."""

    id: str  # what `--system-audio` takes
    name: str  # for people
    is_default: bool = False


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
        raise AudioSourceError(_no_backend_message()) from exc
    return soundcard


def _no_backend_message() -> str:
    if sys.platform.startswith("linux"):
        return "Recording what the computer plays needs PulseAudio or PipeWire (with pipewire-pulse) running, and libpulse installed."
    if sys.platform == "darwin":
        return MAC_ADVICE
    return "The sound system cannot be reached to record what the computer plays."


def list_output_devices() -> list[OutputDevice]:
    """Outputs whose sound can be captured, the default first marked; [] when none."""
    try:
        return _outputs(backend())
    except AudioSourceError:
        raise
    except Exception as exc:
        log.info("listing outputs failed: %r", exc)
        return []


def _outputs(sc) -> list[OutputDevice]:
    """The listing itself; raises when the sound server fails mid-way (e.g. a device vanishing)."""
    if sys.platform == "darwin":
        return [
            OutputDevice(str(m.id), m.name, is_default=i == 0)
            for i, m in enumerate(m for m in sc.all_microphones() if is_mac_virtual_output(m.name))
        ]
    default = sc.default_speaker()
    default_id = str(default.id) if default is not None else None
    return [OutputDevice(str(s.id), s.name, str(s.id) == default_id) for s in sc.all_speakers()]


def is_mac_virtual_output(name: str) -> bool:
    return any(word in name.lower() for word in MAC_VIRTUAL_OUTPUTS)


def default_output_id() -> str | None:
    """The id of the output a session that follows the default records now, or None."""
    devices = list_output_devices()
    return next((d.id for d in devices if d.is_default), None)


def no_outputs_message() -> str:
    """What to tell when no output can be captured (on macOS: which virtual device to install)."""
    if sys.platform == "darwin":
        return MAC_ADVICE
    return "No output device whose sound can be recorded was found. Check that the sound system runs and an output device is present."


def resolve_output(output: str | None) -> OutputDevice:
    """An output by id, by (part of) its name, or the default for None/"" — with a plain-words error."""
    devices = list_output_devices()
    if not devices:
        raise AudioSourceError(no_outputs_message())
    if not output:
        return next((d for d in devices if d.is_default), devices[0])
    for d in devices:
        if d.id == output:
            return d
    matches = [d for d in devices if output.lower() in d.name.lower() or output.lower() in d.id.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise AudioSourceError(f"No output device matches {output!r}; run `captioner devices` to list the outputs.")
    names = ", ".join(f"{d.id} ({d.name})" for d in matches)
    raise AudioSourceError(f"{output!r} matches several outputs: {names}. Give one of the ids.")


def _loopback_microphone(sc, device: OutputDevice):
    """soundcard's recording handle for what `device` plays."""
    if sys.platform == "darwin":
        return sc.get_microphone(device.id)
    if sys.platform.startswith("linux"):
        return sc.get_microphone(device.id + ".monitor", include_loopback=True)
    return sc.get_microphone(device.id, include_loopback=True)


class SystemAudioSource:
    """Records what an output device plays, as 16 kHz mono blocks.

    The sound system converts rate and channels (PulseAudio and WASAPI both
    resample server-side), so the stream is opened at 16 kHz mono whatever the
    output's native rate. A reader thread keeps the stream drained; a stream
    that fails (the output was removed) is reported by `read` as an
    AudioSourceError — unless the source follows the default output, in which
    case it moves to the new default first.
    """

    live = True

    def __init__(self, output: str | None = None, *, block_ms: int = 30, queue_s: float = 30.0, follow_interval_s: float = 1.0) -> None:
        self.output = output or None
        self.follow_default = self.output is None
        self.block = SAMPLE_RATE * block_ms // 1000
        self.follow_interval_s = follow_interval_s
        self.overflows = 0
        self.description = "system audio"
        self.device: OutputDevice | None = None
        self.moves: list[str] = []  # outputs moved to, when following the default
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=max(1, int(queue_s * 1000 / block_ms)))
        self._stopping = threading.Event()
        self._error: str | None = None
        self._thread: threading.Thread | None = None
        self._sc = None
        self._last_block = self._next_watch = 0.0

    def start(self) -> None:
        self._sc = backend()
        self.device = self._resolve()
        self.description = self.device.name
        recorder = self._open(self.device)  # errors raise here, in the caller's thread
        self._last_block = time.monotonic()
        self._thread = threading.Thread(target=self._run, args=(recorder,), name="captioner-loopback", daemon=True)
        self._thread.start()

    def _resolve(self) -> OutputDevice:
        return resolve_output(self.output)

    def _microphone(self, device: OutputDevice):
        return _loopback_microphone(self._sc, device)

    def _present(self) -> bool:
        """Whether the device recorded is still there (a failed listing counts as there: listing
        while another device is being removed can fail for a moment)."""
        if self.device is None:
            return True
        try:
            return any(d.id == self.device.id for d in _outputs(self._sc))
        except Exception as exc:
            log.info("listing outputs failed: %r", exc)
            return True

    def _lost_message(self, name: str) -> str:
        return f"The output {name!r} is gone, so what the computer plays is no longer captioned."

    def _open(self, device: OutputDevice):
        try:
            recorder = self._microphone(device).recorder(samplerate=SAMPLE_RATE, channels=1, blocksize=self.block)
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
                except Exception as exc:
                    log.info("loopback of %s failed: %r", self.description, exc)
                    recorder = self._recover(recorder)
                    if recorder is None:
                        return
                    continue
                try:
                    self._queue.put_nowait(to_mono(np.asarray(block, dtype=np.float32)))
                except queue.Full:
                    self.overflows += 1
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + self.follow_interval_s
                    if not self._present():  # the sound server moves the stream elsewhere: not what was chosen
                        log.info("%s is no longer listed", self.description)
                        recorder = self._recover(recorder)
                        if recorder is None:
                            return
                    elif self.follow_default:
                        recorder = self._follow(recorder)
        finally:
            if recorder is not None:
                _close(recorder)

    def _follow(self, recorder):
        """Move to the system's default output if it changed."""
        try:
            current = default_output_id()
        except AudioSourceError:
            return recorder
        if current is None or self.device is None or current == self.device.id:
            return recorder
        try:
            device = resolve_output(current)
            new = self._open(device)
        except AudioSourceError:
            return recorder  # keep the old one while the new default cannot be opened
        _close(recorder)
        self.device, self.description = device, device.name
        self.moves.append(device.name)
        log.info("system audio follows the default output to %s", device.name)
        return new

    def _recover(self, recorder):
        """After a failed stream: the current default (when following it), else an error for `read`."""
        _close(recorder)
        name = self.description
        if self.follow_default and not self._stopping.is_set():
            for _ in range(3):
                try:
                    device = resolve_output(None)
                    new = self._open(device)
                except AudioSourceError:
                    time.sleep(0.5)
                    continue
                self.device, self.description = device, device.name
                self.moves.append(device.name)
                return new
        self._error = self._lost_message(name)
        return None

    def read(self, timeout: float) -> np.ndarray | None:
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            if self._stopping.is_set():
                return None
            if self._error is None and self._quiet_too_long():
                self._error = self._lost_message(self.description)
            if self._error is not None:
                raise AudioSourceError(self._error) from None
            return None
        self._last_block = time.monotonic()
        return block

    def _quiet_too_long(self) -> bool:
        """No audio for a while and the device is not listed any more (a stream moved to a source that stays silent)."""
        now = time.monotonic()
        if now - self._last_block < self.follow_interval_s or now < self._next_watch:
            return False
        self._next_watch = now + self.follow_interval_s
        return not self._present()

    @property
    def finished(self) -> bool:
        return self._stopping.is_set() and self._queue.empty()

    def stop(self) -> None:
        """Stop capturing; waits (briefly) for the reader thread to close its stream."""
        self._stopping.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)


class PulseInputSource(SystemAudioSource):
    """A PulseAudio/PipeWire source (a microphone) recorded by name through libpulse.

    Unlike PortAudio's "pulse" device, routed by the process-wide PULSE_SOURCE,
    each of these is a stream of its own, so it can run beside system audio;
    and it starts with no ALSA buffering in between, so both channels' clocks
    line up.
    """

    def __init__(self, source: str, **kw) -> None:
        super().__init__(source, **kw)
        self.follow_default = False
        self.description = source

    def _resolve(self) -> OutputDevice:
        sc = self._sc
        try:
            mic = sc.get_microphone(self.output, include_loopback=True)
        except Exception:
            raise AudioSourceError(f"There is no PulseAudio source {self.output!r}; run `captioner devices` to list them.") from None
        if str(mic.id) != self.output:  # soundcard also matches parts of names
            raise AudioSourceError(f"There is no PulseAudio source {self.output!r}; run `captioner devices` to list them.")
        return OutputDevice(str(mic.id), mic.name)

    def _microphone(self, device: OutputDevice):
        return self._sc.get_microphone(device.id, include_loopback=True)

    def _present(self) -> bool:
        try:
            names = [str(m.id) for m in self._sc.all_microphones(include_loopback=True)]
        except Exception:
            return True
        return self.device is None or self.device.id in names

    def _lost_message(self, name: str) -> str:
        return f"The input device {name!r} stopped sending audio (unplugged?)."


def meeting_microphone(device: str | None):
    """The microphone's source for a session that also records system audio.

    On Linux a PulseAudio source ("pulse:NAME", or the default source) is
    recorded as a stream of its own (PulseInputSource); elsewhere, and for
    PortAudio's own devices, through PortAudio (MicrophoneSource).
    """
    from captioner.audio.devices import PULSE_PREFIX
    from captioner.audio.sources import MicrophoneSource

    if device and device.startswith(PULSE_PREFIX):
        return PulseInputSource(device[len(PULSE_PREFIX) :])
    if not device and sys.platform.startswith("linux"):
        try:
            default = backend().default_microphone()
        except Exception:
            default = None
        if default is not None:
            return PulseInputSource(str(default.id))
    return MicrophoneSource(device)


def _close(recorder) -> None:
    try:
        recorder.__exit__(None, None, None)
    except Exception:
        pass  # the stream may be gone with its device
