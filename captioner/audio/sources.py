"""Where audio comes from: a microphone (PortAudio) or a file (PyAV).

Every source yields 16 kHz mono float32 blocks; the samples a source has
yielded are the session's audio clock.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time
from collections.abc import Iterator
from typing import Protocol

import numpy as np
import sounddevice as sd
import soxr

from captioner.audio.devices import (
    SERVER_DEVICES,
    SERVER_GONE,
    AudioDeviceError,
    OpenSpec,
    rescan,
    resolve_device,
    server_back,
    sound_server_running,
)
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE

__all__ = [
    "AudioSource",
    "AudioSourceError",
    "FileSource",
    "MicrophoneSource",
    "Outage",
    "decode_file",
    "decode_pcm16",
    "next_block",
    "pcm16_blocks",
    "to_mono",
]

log = logging.getLogger(__name__)

CHANNELS_LAST_NDIM = 2  # a block of (frames, channels)
SYSTEM_ERRNO_END = 4096  # errno values below this are the system's; FFmpeg's own codes lie beyond


class AudioSourceError(RuntimeError, CaptionerError):
    """The source cannot deliver audio; str() says what to do."""


class AudioSource(Protocol):
    """What a session reads audio from: 16 kHz mono float32 blocks, started, read and stopped."""

    description: str
    overflows: int
    live: bool  # audio arrives at its own pace (a device, or a file played in real time)

    def start(self) -> None: ...

    def read(self, timeout: float) -> np.ndarray | None:
        """The next block, or None if none came within `timeout` or the source is finished."""

    def stop(self) -> None: ...

    @property
    def finished(self) -> bool: ...


def next_block(blocks: queue.Queue, timeout: float, error: str | None, stopping: threading.Event) -> np.ndarray | None:
    """A reader-thread source's next block: one from `blocks` within `timeout`, else None — or, once
    none waits, its `error` raised (unless it is stopping)."""
    try:
        return blocks.get(timeout=timeout)
    except queue.Empty:
        if error is not None and not stopping.is_set():
            raise AudioSourceError(error) from None
        return None


class Outage:
    """While no audio can come (the sound server gone, the device being opened again): silence stands in on the audio
    clock at the wall clock's pace from `since` (monotonic seconds: when the last audio came), so what is said after it
    keeps its true time in the transcript."""

    def __init__(self, since: float) -> None:
        self.since = since
        self.given = 0  # samples of silence given so far

    def silence(self, block: int) -> tuple[np.ndarray | None, float]:
        """The next `block` samples of silence once their time has come, else None and the seconds until it comes."""
        due = round((time.monotonic() - self.since) * SAMPLE_RATE) - self.given
        if due >= block:
            self.given += block
            return np.zeros(block, np.float32), 0.0
        return None, (block - due) / SAMPLE_RATE


def to_mono(block: np.ndarray) -> np.ndarray:
    return block.mean(axis=1, dtype=np.float32) if block.ndim == CHANNELS_LAST_NDIM else block.astype(np.float32, copy=False)


RETRY_S = (0.5, 1.0, 2.0, 4.0, 5.0)  # pauses between tries to open the microphone again after the sound server went


class MicrophoneSource:
    """Captures from an input device; resamples to 16 kHz when the device cannot.

    A device reached through the sound server (PulseAudio/PipeWire: a "pulse:" source, or the default) survives the
    server restarting: when its stream dies with the server, silence stands in for its audio at the clock's pace
    (`waiting`), and it is opened again as soon as the server is back (growing pauses, 0.5 s up to 5 s). `notices`
    says both, as a capture child's do. A device that goes while the server stays ends the source, as before."""

    def __init__(self, device: str | int | None = None, *, prefer_rate: int = SAMPLE_RATE, block_ms: int = 30, queue_s: float = 30.0, stall_s: float = 3.0) -> None:
        self.device = device
        self.prefer_rate = prefer_rate
        self.block_ms = block_ms
        self.stall_s = stall_s
        self.overflows = 0
        self.live = True
        self.description = "microphone"
        self.rate = SAMPLE_RATE
        self.notices: queue.Queue[str] = queue.Queue()
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=max(1, int(queue_s * 1000 / block_ms)))
        self._stream: sd.InputStream | None = None
        self._resampler: soxr.ResampleStream | None = None
        self._stopping = threading.Event()
        self._lost = threading.Event()
        self._last_data = 0.0
        self._via_server = False  # reached through PulseAudio/PipeWire: it may come back after the server restarts
        self._outage: Outage | None = None  # since audio stopped, while it is being opened again
        self._error: str | None = None  # why it will not come back (read() raises it)
        self._generation = 0  # which stream a callback belongs to

    def start(self) -> None:
        self._open()
        self._via_server = self._via_server and sound_server_running()

    def _open(self) -> None:
        try:
            rescan()  # see devices plugged in since the audio system started
            spec = resolve_device(self.device)
        except AudioDeviceError as exc:
            raise AudioSourceError(str(exc)) from exc
        self.description = spec.label
        if spec.pulse_source:
            os.environ["PULSE_SOURCE"] = spec.pulse_source  # read when the "pulse" PCM opens
        rate, channels = self._negotiate(spec)
        self.rate = rate
        self._resampler = soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32") if rate != SAMPLE_RATE else None
        self._generation += 1
        generation = self._generation
        self._lost.clear()
        try:
            stream = sd.InputStream(
                device=spec.portaudio_index,
                samplerate=rate,
                channels=channels,
                dtype="float32",
                blocksize=int(rate * self.block_ms / 1000),
                callback=lambda indata, frames, time_info, status: self._callback(indata, frames, time_info, status, generation),
                finished_callback=lambda: self._finished(generation),
            )
            stream.start()
        except Exception as exc:
            raise AudioSourceError(f"Cannot open the input device {spec.label!r}: {exc}. Check that it is connected and not used exclusively by another program.") from exc
        self._stream = stream
        self._via_server = sys.platform.startswith("linux") and (bool(spec.pulse_source) or sd.query_devices(spec.portaudio_index)["name"] in SERVER_DEVICES)
        self._last_data = time.monotonic()

    def _negotiate(self, spec: OpenSpec) -> tuple[int, int]:
        """The preferred rate (16 kHz) if the device takes it, else its own rate (resampled later)."""
        info = sd.query_devices(spec.portaudio_index)
        native = int(info["default_samplerate"])
        for rate in (self.prefer_rate, native):
            for channels in (1, min(2, int(info["max_input_channels"]))):
                try:
                    sd.check_input_settings(device=spec.portaudio_index, samplerate=rate, channels=channels, dtype="float32")
                    return rate, channels
                except Exception:
                    continue
        raise AudioSourceError(f"The input device {spec.label!r} accepts neither {self.prefer_rate} Hz nor its own {native} Hz; choose another device.")

    def _callback(self, indata, frames, time_info, status, generation: int = 0) -> None:
        if generation != self._generation:
            return  # a stream given up on
        if status.input_overflow:
            self.overflows += 1
        try:
            self._queue.put_nowait(indata.copy())
        except queue.Full:
            self.overflows += 1

    def _finished(self, generation: int = 0) -> None:
        if not self._stopping.is_set() and generation == self._generation:
            self._lost.set()

    def read(self, timeout: float) -> np.ndarray | None:
        outage = self._outage
        if outage is not None and self._queue.empty():
            if self._error is not None:
                raise AudioSourceError(self._error)
            silence, wait = outage.silence(self.block)
            if silence is None:
                time.sleep(min(timeout, wait))
            return silence
        try:
            block = self._queue.get(timeout=timeout)
        except queue.Empty:
            self._check_alive()
            return None
        self._last_data = time.monotonic()
        mono = to_mono(block)
        if self._resampler is not None:
            mono = self._resampler.resample_chunk(mono)
        return mono

    @property
    def block(self) -> int:
        return SAMPLE_RATE * self.block_ms // 1000

    @property
    def waiting(self) -> bool:
        """No audio can come now (the sound server is gone): silence stands in."""
        return self._outage is not None

    def _check_alive(self) -> None:
        if self._stopping.is_set():
            return
        if self._lost.is_set() or time.monotonic() - self._last_data > self.stall_s:
            message = f"The input device {self.description!r} stopped sending audio (unplugged?). Captions so far are kept; pick another device and start again."
            if not self._via_server:
                raise AudioSourceError(message)
            log.info("the stream of %s stopped; opening it again", self.description)
            self._outage = Outage(self._last_data)
            threading.Thread(target=self._reopen, args=(message,), name="captioner-mic-reopen", daemon=True).start()

    def _reopen(self, gone: str) -> None:
        """Open the device again once the sound server is back; the silence ends when it delivers."""
        self._generation += 1  # the old stream's blocks are no longer taken
        _close(self._stream)
        self._stream = None
        server_went, attempt = False, 0
        while not self._stopping.is_set():
            if not sound_server_running():
                if not server_went:
                    server_went = True
                    self.notices.put(SERVER_GONE)
            else:
                try:
                    self._open()
                except AudioSourceError as exc:
                    if not server_went:  # the server stayed: the device itself went
                        self._error = gone
                        return
                    log.info("%s not open yet: %s", self.description, exc)
                else:
                    if self._stopping.is_set():
                        _close(self._stream)
                        return
                    self._outage = None
                    if server_went:
                        self.notices.put(server_back(self.description))
                    return
            self._stopping.wait(RETRY_S[min(attempt, len(RETRY_S) - 1)])
            attempt += 1

    @property
    def finished(self) -> bool:
        return self._stopping.is_set() and self._queue.empty()

    def stop(self) -> None:
        self._stopping.set()
        stream, self._stream = self._stream, None
        _close(stream)


def _close(stream) -> None:
    """Drop what the device still buffers (what was read stays) and close it."""
    if stream is not None:
        try:
            stream.abort()
            stream.close()
        except Exception:
            pass  # the device may be gone already


def decode_file(path: str) -> np.ndarray:
    """Any audio file PyAV reads, as 16 kHz mono float32."""
    return decode_pcm16(path).astype(np.float32) / 32768.0


def decode_pcm16(path: str) -> np.ndarray:
    """Any audio file PyAV reads, as 16 kHz mono int16 samples: half the memory of float32 (an hour is 115 MB), for
    recordings decoded whole. Frames the decoder cannot read are skipped, as faster-whisper's `decode_audio` does.

    The samples are gathered in one growing buffer, not as an array per frame joined at the end, which held an hour's
    samples twice over (and 180,000 small arrays) while joining them."""
    samples = bytearray()
    for block in pcm16_blocks(path):
        samples += block.tobytes()
    audio = np.frombuffer(samples, np.int16)
    if len(audio) == 0:
        raise AudioSourceError(f"Audio file {path!r} holds no audio.")
    return audio


def pcm16_blocks(path: str, block: int = 10 * SAMPLE_RATE) -> Iterator[np.ndarray]:
    """`decode_pcm16`'s samples in blocks of about `block` samples (int16 arrays; together exactly `decode_pcm16(path)`),
    so a recording can be gone through without holding it. Raises AudioSourceError as `decode_pcm16` does (an empty
    file gives no blocks)."""
    import av

    if not os.path.isfile(path):
        raise AudioSourceError(f"Audio file {path!r} does not exist.")
    gathered = bytearray()
    try:
        resampler = av.audio.resampler.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        with av.open(path, mode="r", metadata_errors="ignore") as container:
            frames = container.decode(audio=0)
            while True:
                try:
                    frame = next(frames)
                except StopIteration:
                    break
                except av.error.InvalidDataError:
                    continue
                frame.pts = None  # the resampler's timestamp check is no concern here
                for out in resampler.resample(frame):
                    gathered += out.to_ndarray().tobytes()
                if len(gathered) >= 2 * block:
                    yield np.frombuffer(bytes(gathered), np.int16)
                    gathered.clear()
            for out in resampler.resample(None):
                gathered += out.to_ndarray().tobytes()
    except Exception as exc:
        log.info("decoding %s failed: %r", path, exc)
        raise AudioSourceError(f"Cannot read audio file {path!r}: {_unreadable_reason(exc)}.") from exc
    if gathered:
        yield np.frombuffer(bytes(gathered), np.int16)


def _unreadable_reason(error: Exception) -> str:
    """Why a file could not be decoded, in words (no codec or errno text)."""
    import av

    if isinstance(error, PermissionError):
        return "you have no permission to read it"
    if isinstance(error, (av.error.InvalidDataError, av.error.DecoderNotFoundError, av.error.DemuxerNotFoundError, av.error.PatchWelcomeError)):
        return "it is not audio in a format captioner reads (wav, flac, mp3, ogg, m4a, ...), or it is damaged"
    if isinstance(error, av.error.EOFError):
        return "it ends too early; it may be damaged or still being written"
    if isinstance(error, OSError) and error.errno is not None and error.errno > 0 and error.errno < SYSTEM_ERRNO_END:
        return os.strerror(error.errno).lower()
    return "it could not be decoded; it may be damaged, or not an audio file (wav, flac, mp3, ...)"


class FileSource:
    """Plays a decoded file into the engine, at real-time pace or as fast as it is read."""

    def __init__(self, path: str, *, realtime: bool = False, block_ms: int = 100) -> None:
        self.path = path
        self.realtime = realtime
        self.live = realtime
        self.block = SAMPLE_RATE * block_ms // 1000
        self.description = os.path.basename(path)
        self.overflows = 0
        self._audio: np.ndarray | None = None
        self._pos = 0
        self._t0 = 0.0
        self._stopped = False

    def start(self) -> None:
        self._audio = decode_file(self.path)
        self._t0 = time.monotonic()

    @property
    def duration_s(self) -> float:
        return 0.0 if self._audio is None else len(self._audio) / SAMPLE_RATE

    def read(self, timeout: float) -> np.ndarray | None:
        if self.finished or self._audio is None:
            return None
        if self.realtime:
            due = self._t0 + (self._pos + self.block) / SAMPLE_RATE
            wait = due - time.monotonic()
            if wait > timeout:
                time.sleep(timeout)
                return None
            if wait > 0:
                time.sleep(wait)
        block = self._audio[self._pos : self._pos + self.block]
        self._pos += len(block)
        return block

    @property
    def finished(self) -> bool:
        return self._stopped or (self._audio is not None and self._pos >= len(self._audio))

    def stop(self) -> None:
        self._stopped = True
