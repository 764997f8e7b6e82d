"""A kept session's audio played from a line: its recorded channels decoded from that time, mixed, and sent to the
default output a block at a time.

The recordings are Ogg/Opus (`captioner.audio.recorder`), one file a channel, each starting at the session clock's
zero, so a time in a file is a time in the session and the channels mix sample by sample. Decoding starts at a seek
near the time asked for, so playing from the last line of a two-hour session starts as soon as from the first.
The output is sounddevice's (PortAudio), as the app's capture is; a faster speed plays the samples faster (the pitch
goes up with it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np

from captioner.audio.sources import readable_frames
from captioner.events import SAMPLE_RATE

__all__ = ["SPEEDS", "Playback", "samples_from"]

BLOCK = SAMPLE_RATE // 10  # samples sent to the output at a time: how soon a stop is heard, and the position's steps
SPEEDS = (1.0, 1.5, 2.0)
# PortAudio's larger output buffer: a busy machine does not starve it (gaps in the sound), at a start later by about a
# tenth of a second
OUTPUT_LATENCY = "high"


def _channel_from(path: Path, start_s: float) -> Iterator[np.ndarray]:
    """One recorded channel from `start_s` (16 kHz mono float32), in the decoder's blocks; frames it cannot read skipped."""
    import av

    resampler = av.audio.resampler.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    with av.open(str(path), metadata_errors="ignore") as container:
        if start_s > 0:
            container.seek(int(start_s * av.time_base), backward=True, any_frame=False)
        skip = None
        for frame in readable_frames(container):
            if skip is None:  # where the seek landed, before the time asked for
                skip = max(0, round((start_s - (frame.time or 0.0)) * SAMPLE_RATE))
            frame.pts = None
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)
                if skip:
                    dropped = min(skip, len(samples))
                    samples, skip = samples[dropped:], skip - dropped
                if len(samples):
                    yield samples


def samples_from(paths: Sequence[Path], start_s: float, block: int = BLOCK) -> Iterator[np.ndarray]:
    """The session's audio from `start_s`: every channel decoded from there and mixed, in blocks of `block` samples
    (the last one shorter)."""
    channels = [_channel_from(Path(p), start_s) for p in paths]
    held = [np.zeros(0, np.float32) for _ in channels]
    live = [True] * len(channels)
    while any(live) or any(len(h) for h in held):
        for n, channel in enumerate(channels):
            while live[n] and len(held[n]) < block:
                piece = next(channel, None)
                if piece is None:
                    live[n] = False
                else:
                    held[n] = np.concatenate([held[n], piece])
        size = min(block, max(len(h) for h in held))
        if not size:
            return
        mixed = np.zeros(size, np.float32)
        for n, samples in enumerate(held):
            taken = samples[:size]
            mixed[: len(taken)] += taken
            held[n] = samples[size:]
        yield np.clip(mixed, -1.0, 1.0)


class Playback:
    """The session's audio played from `start_s` at `speed`, on a thread of its own, until its end or `stop()`.
    `position_s`: the session time last sent to the output; `on_end` is called (on that thread) when it ends, with
    the error that ended it or None."""

    def __init__(self, paths: Sequence[Path], start_s: float, *, speed: float = 1.0,
                 on_end: Callable[[Exception | None], None] | None = None, output: Callable[..., object] | None = None) -> None:
        self.paths, self.start_s, self.speed = list(paths), start_s, speed
        self.position_s = start_s
        self.on_end = on_end
        self._output = output  # makes the output stream (sounddevice.OutputStream's arguments); tests give their own
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="captioner-playback", daemon=True)

    def start(self) -> Playback:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop playing (at once: the block being sent is the last)."""
        self._stop.set()
        if self._thread.is_alive() and threading.current_thread() is not self._thread:
            self._thread.join()

    @property
    def playing(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        error: Exception | None = None
        try:
            output = self._output
            if output is None:
                import sounddevice

                from captioner.audio.devices import PORTAUDIO_LOCK

                with PORTAUDIO_LOCK:  # not while PortAudio is started again (a device rescan)
                    stream = sounddevice.OutputStream(samplerate=round(SAMPLE_RATE * self.speed), channels=1, dtype="float32",
                                                      latency=OUTPUT_LATENCY)
            else:
                stream = output(samplerate=round(SAMPLE_RATE * self.speed), channels=1, dtype="float32", latency=OUTPUT_LATENCY)
            with stream:  # type: ignore[attr-defined]
                sent = 0
                for block in samples_from(self.paths, self.start_s):
                    if self._stop.is_set():
                        break
                    stream.write(block.reshape(-1, 1))  # type: ignore[attr-defined]
                    sent += len(block)
                    self.position_s = self.start_s + sent / SAMPLE_RATE
        except Exception as exc:  # no output device, a recording that cannot be read: said to the caller
            error = exc
        if self.on_end is not None:
            self.on_end(error)
