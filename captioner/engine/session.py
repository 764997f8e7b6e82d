"""A live captioning session: a source, the engine, a transcriber thread, sinks.

Two threads: the engine thread reads audio, runs the VAD segmenter and hands
jobs to the worker thread, which runs the transcriber. Caption events go to
sinks from the engine thread, in order. No Qt here: the GUI subscribes with a
sink that re-emits events as Qt signals.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable
from typing import Protocol

import numpy as np

from captioner.audio.sources import AudioSource, AudioSourceError
from captioner.engine.pipeline import CaptionEngine, EngineConfig, Job
from captioner.engine.transcriber import Transcriber, Transcript
from captioner.events import SAMPLE_RATE, CaptionEvent, SessionError, SessionStatus

log = logging.getLogger(__name__)


# A file read as fast as possible is read no further while this many finals wait.
MAX_QUEUED_FINALS = 2


class CaptionSink(Protocol):
    def on_caption(self, event: CaptionEvent) -> None: ...

    def close(self) -> None: ...


class CaptionSession:
    def __init__(
        self,
        source: AudioSource,
        transcriber: Transcriber,
        config: EngineConfig = EngineConfig(),
        sinks: Iterable[CaptionSink] = (),
        *,
        on_status: Callable[[SessionStatus], None] | None = None,
        on_error: Callable[[SessionError], None] | None = None,
        status_interval_s: float = 0.25,
    ) -> None:
        self.source = source
        self.transcriber = transcriber
        self.engine = CaptionEngine(config)
        self.sinks: list[CaptionSink] = list(sinks)
        self.on_status = on_status
        self.on_error = on_error
        self.status_interval_s = status_interval_s
        self.errors: list[str] = []
        self.finals: list[CaptionEvent] = []
        self.final_delays_s: list[float] = []  # audio clock at emission minus the caption's end
        self.compute_s = 0.0
        self._level = 0.0
        self._stop = threading.Event()
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)
        self._results: queue.Queue[tuple[Job, Transcript | BaseException]] = queue.Queue()
        self._engine_thread = threading.Thread(target=self._run_engine, name="captioner-engine", daemon=True)
        self._worker_thread = threading.Thread(target=self._run_worker, name="captioner-asr", daemon=True)

    def start(self) -> None:
        """Open the source (errors raise here) and start the threads."""
        self.source.start()
        self._worker_thread.start()
        self._engine_thread.start()

    def stop(self) -> None:
        """Stop capturing; the segment in flight and pending finals are still captioned.

        Safe to call from any thread or a signal handler: it only sets a flag that the
        engine thread acts on.
        """
        self._stop.set()

    def wait(self, timeout: float | None = None) -> bool:
        """True once the session has finished and its sinks are closed."""
        self._engine_thread.join(timeout)
        return not self._engine_thread.is_alive()

    @property
    def running(self) -> bool:
        return self._engine_thread.is_alive()

    # -- threads ----------------------------------------------------------
    def _run_worker(self) -> None:
        while True:
            job = self._jobs.get()
            if job is None:
                return
            try:
                result: Transcript | BaseException = self.transcriber.run(job)
            except BaseException as exc:  # reported by the engine thread
                result = exc
            self._results.put((job, result))

    def _run_engine(self) -> None:
        engine = self.engine
        source_done = False
        next_status = 0.0
        try:
            while not (source_done and engine.done):
                events: list[CaptionEvent] = []
                reading = not source_done and (self.source.live or engine.pending_finals < MAX_QUEUED_FINALS)
                if reading:
                    source_done = self._read_audio(events)
                events.extend(self._take_results(wait=not reading))
                if not engine.busy:
                    job = engine.next_job()
                    if job is not None:
                        self._jobs.put(job)
                self._emit(events)
                now = time.monotonic()
                if now >= next_status:
                    self._publish_status()
                    next_status = now + self.status_interval_s
        except _Fatal:
            pass
        finally:
            self.source.stop()
            self._jobs.put(None)
            self._worker_thread.join()
            self._publish_status()
            for sink in self.sinks:
                try:
                    sink.close()
                except Exception as exc:
                    self._report(f"Closing {_name(sink)} failed: {exc}", fatal=False)

    def _read_audio(self, events: list[CaptionEvent]) -> bool:
        """Feed the engine what the source has; True once the source is done."""
        try:
            block = self.source.read(timeout=0.02)
        except AudioSourceError as exc:
            self._report(str(exc))
            events.extend(self.engine.finish())
            return True
        if block is not None and len(block):
            self._level = float(np.sqrt(np.mean(block * block)))
            events.extend(self.engine.feed(block))
        if self._stop.is_set():
            self.source.stop()
        if self.source.finished:
            events.extend(self.engine.finish())
            return True
        return False

    def _take_results(self, wait: bool) -> list[CaptionEvent]:
        events: list[CaptionEvent] = []
        timeout = 0.05 if wait and self.engine.busy else 0.0
        while True:
            try:
                job, result = self._results.get(timeout=timeout) if timeout else self._results.get_nowait()
            except queue.Empty:
                return events
            timeout = 0.0
            if isinstance(result, BaseException):
                self._report(f"Transcription failed: {result}")
                raise _Fatal from result
            self.compute_s += result.compute_s
            events.extend(self.engine.complete(job, result))

    def _emit(self, events: list[CaptionEvent]) -> None:
        for event in events:
            if event.final and event.text:
                self.finals.append(event)
                self.final_delays_s.append((self.engine.clock - event.end) / SAMPLE_RATE)
            for sink in list(self.sinks):
                try:
                    sink.on_caption(event)
                except Exception as exc:
                    self.sinks.remove(sink)
                    self._report(f"{exc} (captions still go to the other outputs)", fatal=False)

    def _publish_status(self) -> None:
        if self.on_status is None:
            return
        engine = self.engine
        self.on_status(
            SessionStatus(
                audio_s=engine.clock / SAMPLE_RATE,
                processed_s=engine.processed / SAMPLE_RATE,
                lag_s=engine.lag / SAMPLE_RATE,
                level=self._level,
                overflows=self.source.overflows,
                pending_finals=engine.pending_finals,
                degraded=engine.degraded,
                reruns=engine.reruns,
            )
        )

    def _report(self, message: str, *, fatal: bool = True) -> None:
        log.error(message)
        self.errors.append(message)
        if self.on_error is not None:
            self.on_error(SessionError(message, fatal))


class _Fatal(Exception):
    """Ends the engine loop after an error that was already reported."""


def _name(sink: object) -> str:
    return type(sink).__name__
