"""Where audio comes from: what every source is (`AudioSource`), and a file (PyAV); a microphone: `microphone`.

Every source yields 16 kHz mono float32 blocks; the samples a source has
yielded are the session's audio clock.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Iterator
from typing import Protocol

import numpy as np

from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE

__all__ = [
    "AudioSource",
    "AudioSourceError",
    "FileSource",
    "Outage",
    "decode_file",
    "decode_pcm16",
    "next_block",
    "pcm16_blocks",
    "readable_frames",
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


def readable_frames(container) -> Iterator:
    """The audio frames of a PyAV `container`'s first audio stream in order, a frame it cannot decode skipped."""
    import av

    frames = container.decode(audio=0)
    while True:
        try:
            frame = next(frames)
        except StopIteration:
            return
        except av.error.InvalidDataError:
            continue
        yield frame


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
            for frame in readable_frames(container):
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
