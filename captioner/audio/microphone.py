"""A microphone, or any input device PortAudio opens: captured at the device's rate, resampled to 16 kHz mono.

A device reached through the sound server survives the server restarting (`MicrophoneSource`); one that goes while the
server stays ends the source.
"""

from __future__ import annotations

import logging
import os
import queue
import sys
import threading
import time

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
from captioner.audio.sources import AudioSourceError, Outage, to_mono
from captioner.events import SAMPLE_RATE

__all__ = ["RETRY_S", "MicrophoneSource"]

log = logging.getLogger(__name__)

RETRY_S = (0.5, 1.0, 2.0, 4.0, 5.0)  # pauses between tries to open the microphone again after the sound server went


class MicrophoneSource:
    """Captures from an input device; resamples to 16 kHz when the device cannot.

    A device reached through the sound server (PulseAudio/PipeWire: a "pulse:" source, or the default) survives the
    server restarting: when its stream dies with the server, silence stands in for its audio at the clock's pace
    (`waiting`), and it is opened again as soon as the server is back (growing pauses, 0.5 s up to 5 s). `notices`
    says both, as a capture child's do. A device that goes while the server stays ends the source."""

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
