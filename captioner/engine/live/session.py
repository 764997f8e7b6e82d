"""A live captioning session: a source, the engine, a transcriber thread, sinks.

Two threads: the engine thread reads audio, runs the VAD segmenter and hands
jobs to the worker thread, which runs the transcriber. When the transcriber
has an interim model, a third thread runs the interim passes on it, beside the
final model's passes (`EngineConfig.interim_worker`). Caption events go to
sinks from the engine thread, in order. No Qt here: the GUI subscribes with a
sink that re-emits events as Qt signals.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from captioner.audio.recorder import SessionRecorder
from captioner.audio.sources import AudioSource, AudioSourceError
from captioner.engine.live.defaults import INTERIMS, STRICTNESS
from captioner.engine.live.echo import EchoRule
from captioner.engine.live.pipeline import CaptionEngine, EngineConfig, Job
from captioner.engine.live.segmenter import SegmenterConfig
from captioner.engine.live.speakers import SpeakerTagger
from captioner.engine.live.transcriber import Transcriber
from captioner.engine.models.recognizer import Transcript
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE, CaptionEvent, ProblemOver, SessionProblem, SessionStatus, replaced_final
from captioner.speaker_count import SpeakerCount, count_of
from captioner.voices import load_encoder

log = logging.getLogger(__name__)


# A file read as fast as possible is read no further while this many finals wait, nor while the pass over a pause that
# says whether it ends a sentence is due (`CaptionEngine.awaiting_pause`): its captions are those of live audio.
MAX_QUEUED_FINALS = 2


class CaptionSink(Protocol):
    """Where a session's captions go (a file writer, the window): each caption as it comes, then closed at the end."""

    def on_caption(self, event: CaptionEvent) -> None: ...

    def close(self) -> None: ...


STATUS_INTERVAL_S = 0.25  # how often a session's figures go out (`on_status`), unless told otherwise


@dataclass(frozen=True)
class SessionOptions:
    """How a live session captions, whatever it listens to: all a session is given besides its inputs, its
    transcriber, its outputs and its recording. The command line's options and the app's settings each make one from
    the settings declared in `captioner.config` (`config.session_options`), through `chosen`."""

    config: EngineConfig = EngineConfig()  # the engine's rules: the voice detector, interim passes, revisions
    speakers: bool | SpeakerCount = False  # tell speakers apart by voice (system audio's, or the one input's); a
    # SpeakerCount: as many people as it says
    echo: EchoRule | None = EchoRule()  # a meeting's microphone finals that repeat system audio: dropped by this rule
    # (None keeps them)
    status_interval_s: float = STATUS_INTERVAL_S

    @classmethod
    def chosen(cls, *, vad_aggressiveness: int = STRICTNESS, interims: bool = INTERIMS, speakers: bool | SpeakerCount = False,
               keep_echo: bool = False, status_interval_s: float = STATUS_INTERVAL_S) -> SessionOptions:
        """The options a user chooses, in their words: how strictly the voice detector takes sound for speech
        (`defaults.LEAST_STRICT` keeps the most, `defaults.MOST_STRICT` the least), whether interim text is shown,
        speakers, and whether a meeting keeps the microphone's echoes of the speakers."""
        config = EngineConfig(segmenter=SegmenterConfig(aggressiveness=vad_aggressiveness), interims=interims)
        return cls(config, speakers, None if keep_echo else EchoRule(), status_interval_s)


class SessionBase:
    """What every live session shares: the transcriber's worker thread, the sinks, error reports, stop
    and wait. A subclass runs the engine thread (`_run_engine`), feeding jobs to `_jobs` and taking
    results with `_results_ready`."""

    def __init__(
        self,
        transcriber: Transcriber,
        sinks: Iterable[CaptionSink],
        options: SessionOptions,
        on_status: Callable[[SessionStatus], None] | None,
        on_error: Callable[[SessionProblem], None] | None,
        thread_name: str,
        recorder: SessionRecorder | None = None,
    ) -> None:
        self.transcriber = transcriber
        self.options = options
        self.recorder = recorder  # keeps each channel's audio, as the engines are fed it
        if recorder is not None:
            recorder.on_error = lambda message: self._report(message, fatal=False)
            recorder.on_notice = self._notice
        self.sinks: list[CaptionSink] = list(sinks)
        self.on_status = on_status
        self.on_error = on_error
        self.status_interval_s = options.status_interval_s
        self.errors: list[str] = []
        self.notices: list[str] = []  # what ended nothing: a source's news (the sound server stopped, is back), labels stopped
        self._moves_seen = {id(t): t.moves for t in (transcriber, transcriber.interim) if t is not None}
        self.finals: list[CaptionEvent] = []
        self.compute_s = 0.0
        self._stop = threading.Event()
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)
        self._draft_jobs: queue.Queue[Job | None] = queue.Queue(maxsize=1)  # interim passes, when they run beside the finals
        self._results: queue.Queue[tuple[Job, Transcript | BaseException]] = queue.Queue()
        self._engine_thread = threading.Thread(target=self._guarded_engine, name=thread_name, daemon=True)
        self._worker_thread = threading.Thread(target=self._run_worker, args=(self._jobs,), name="captioner-asr", daemon=True)
        self._draft_thread: threading.Thread | None = None

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

    def _start_threads(self) -> None:
        self._worker_thread.start()
        if self._draft_thread is not None:
            self._draft_thread.start()
        self._engine_thread.start()

    def _with_revisions(self, config: EngineConfig) -> EngineConfig:
        """`config` with revising passes only where the transcriber says they are worth their cost (a small model
        on a CPU, any on a GPU: `Transcriber.revises`), and the timing rules of the device it runs on (`accelerated`)."""
        return replace(config, revise=config.revise and self.transcriber.revises,
                       accelerated=config.accelerated or accelerated(self.transcriber))

    def _with_interim_worker(self, config: EngineConfig) -> EngineConfig:
        """`config` with `interim_worker` settled: on when the transcriber has an interim model (unless the
        config turns it off), and then a thread of its own for the interim passes."""
        wanted = config.interim_worker is not False and self.transcriber.interim is not None
        if wanted:
            self._draft_thread = threading.Thread(target=self._run_worker, args=(self._draft_jobs,), name="captioner-asr-interim",
                                                  daemon=True)
        return replace(config, interim_worker=wanted)

    # -- threads ----------------------------------------------------------
    def _run_worker(self, jobs: queue.Queue[Job | None]) -> None:
        while (job := jobs.get()) is not None:
            try:
                result: Transcript | BaseException = self.transcriber.run(job)
            except BaseException as exc:  # reported by the engine thread
                result = exc
            self._results.put((job, result))

    def _guarded_engine(self) -> None:
        try:
            self._run_engine()
        except _Fatal:
            pass
        finally:
            self._stop_sources()
            if self.recorder is not None:
                self.recorder.close()
            self._jobs.put(None)
            self._draft_jobs.put(None)
            self._worker_thread.join()
            if self._draft_thread is not None:
                self._draft_thread.join()
            self._finish()
            self._publish_status()
            for sink in self.sinks:
                try:
                    sink.close()
                except Exception as exc:
                    self._report(f"Closing {type(sink).__name__} failed: {exc}", fatal=False)

    def _run_engine(self) -> None:
        raise NotImplementedError

    def _stop_sources(self) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """After the worker has stopped, before the sinks close."""

    def _publish_status(self) -> None:
        raise NotImplementedError

    def _results_ready(self, timeout: float) -> Iterator[tuple[Job, Transcript]]:
        """Finished passes, waiting up to `timeout` for the first; a failed pass ends the session."""
        while True:
            try:
                job, result = self._results.get(timeout=timeout) if timeout else self._results.get_nowait()
            except queue.Empty:
                return
            timeout = 0.0
            if isinstance(result, BaseException):
                self._report(f"Transcription failed: {result}")
                raise _Fatal from result
            self._report_moves()
            self.compute_s += result.compute_s
            yield job, result

    def _report_moves(self) -> None:
        """Say once when the recognizer (or its interim model) moved to the CPU during a pass: the GPU failed it, the
        decode ran again there, and the session goes on (`whisper.WhisperRecognizer.decode`)."""
        for transcriber in (self.transcriber, self.transcriber.interim):
            if transcriber is not None and transcriber.moves > self._moves_seen.get(id(transcriber), 0):
                self._moves_seen[id(transcriber)] = transcriber.moves
                self._report(transcriber.device_note, fatal=False)

    def _send(self, event: CaptionEvent) -> None:
        """To every sink; a sink that fails is dropped and the others go on."""
        for sink in list(self.sinks):
            try:
                sink.on_caption(event)
            except Exception as exc:
                self.sinks.remove(sink)
                self._report(f"{exc} (captions still go to the other outputs)", fatal=False)

    def _pass_notices(self, source, label: str = "", channel: str = "") -> None:
        """What `source` says happens to it while it goes on (the sound server stopped, is back; an engine: its speaker
        labels stopped): out as non-fatal errors, kept in `notices`, not in `errors`; `label` leads each, `channel` (an
        id) says which input it is about."""
        notices = getattr(source, "notices", None)
        while notices is not None and not notices.empty():
            text = notices.get_nowait()
            self._notice(f"{label}: {text}" if label else text, channel, over=isinstance(text, ProblemOver))

    def _notice(self, message: str, channel: str = "", *, over: bool = False) -> None:
        """Something the user should know that ends nothing: out as a non-fatal error (`over`: it says a problem is
        over; a FileRemade names the file made again), kept in `notices`."""
        log.info(message)
        self.notices.append(message)
        if self.on_error is not None:
            self.on_error(SessionProblem(message, fatal=False, channel=channel, over=over, remade=getattr(message, "path", "")))

    def _report(self, message: str, *, fatal: bool = True, channel: str = "") -> None:
        log.error(message)
        self.errors.append(message)
        if self.on_error is not None:
            self.on_error(SessionProblem(message, fatal, channel))


def accelerated(recognizer) -> bool:
    """Whether `recognizer` runs on an accelerator (a GPU): the engine may then spend its passes more freely
    (`EngineConfig.accelerated`)."""
    return getattr(recognizer, "device", "cpu") == "cuda"


def engine_status(engine: CaptionEngine, source: AudioSource, level: float, *, at: int = 0, channel: str = "") -> SessionStatus:
    """An engine's figures for the status line; `at`: where its audio begins on the session clock."""
    return SessionStatus(
        audio_s=(at + engine.clock) / SAMPLE_RATE,
        processed_s=(at + engine.processed) / SAMPLE_RATE,
        lag_s=engine.lag / SAMPLE_RATE,
        level=level,
        overflows=source.overflows,
        pending_finals=engine.pending_finals,
        degraded=engine.degraded,
        reruns=engine.reruns,
        channel=channel,
    )


class CaptionSession(SessionBase):
    """One audio source captioned live: the engine on a thread of its own, its passes on a worker thread (module docstring)."""

    def __init__(
        self,
        source: AudioSource,
        transcriber: Transcriber,
        sinks: Iterable[CaptionSink] = (),
        *,
        options: SessionOptions = SessionOptions(),
        on_status: Callable[[SessionStatus], None] | None = None,
        on_error: Callable[[SessionProblem], None] | None = None,
        recorder: SessionRecorder | None = None,
    ) -> None:
        super().__init__(transcriber, sinks, options, on_status, on_error, "captioner-engine", recorder)
        self.source = source
        self.engine = CaptionEngine(self._with_revisions(self._with_interim_worker(options.config)))
        if options.speakers:  # each final labelled with its speaker, told apart by voice
            self.engine.speakers = SpeakerTagger(load_encoder(), count=count_of(options.speakers))
        self.final_delays_s: list[float] = []  # audio clock at emission minus the caption's end
        self._level = 0.0

    def start(self) -> None:
        """Open the source (errors raise here) and start the threads."""
        self.source.start()
        self._start_threads()

    # -- engine thread ------------------------------------------------------
    def _run_engine(self) -> None:
        engine = self.engine
        source_done = False
        next_status = 0.0
        while not (source_done and engine.done):
            events: list[CaptionEvent] = []
            reading = not source_done and (self.source.live or (engine.pending_finals < MAX_QUEUED_FINALS and not engine.awaiting_pause))
            if reading:
                source_done = self._read_audio(events)
            wait = 0.05 if not reading and (engine.busy or engine.drafting) else 0.0
            for job, result in self._results_ready(wait):
                events.extend(engine.complete(job, result))
            if not engine.busy:
                job = engine.next_job()
                if job is not None:
                    self._jobs.put(job)
            if not engine.drafting:
                job = engine.next_interim_job()
                if job is not None:
                    self._draft_jobs.put(job)
            self._emit(events)
            self._pass_notices(engine)
            now = time.monotonic()
            if now >= next_status:
                self._publish_status()
                next_status = now + self.status_interval_s

    def _stop_sources(self) -> None:
        self.source.stop()

    def _read_audio(self, events: list[CaptionEvent]) -> bool:
        """Feed the engine what the source has; True once the source is done."""
        self._pass_notices(self.source)
        try:
            block = self.source.read(timeout=0.02)
        except AudioSourceError as exc:
            self._report(str(exc))
            events.extend(self.engine.finish())
            return True
        if block is not None and len(block):
            self._level = float(np.sqrt(np.mean(block * block)))
            if self.recorder is not None:
                self.recorder.feed(0, block)
            events.extend(self.engine.feed(block))
        if self._stop.is_set():
            self.source.stop()
        if self.source.finished:
            events.extend(self.engine.finish())
            return True
        return False

    def _emit(self, events: list[CaptionEvent]) -> None:
        for event in events:
            if event.final and event.text and event.revision:
                at = replaced_final(self.finals, event)
                if at is not None:
                    self.finals[at] = event
            elif event.final and event.text:
                self.finals.append(event)
                self.final_delays_s.append((self.engine.clock - event.end) / SAMPLE_RATE)
            self._send(event)

    def _publish_status(self) -> None:
        if self.on_status is not None:
            status = engine_status(self.engine, self.source, self._level)
            self.on_status(replace(status, language=self.transcriber.spoken.describe()))


class _Fatal(CaptionerError):
    """Ends the engine loop after an error that was already reported."""
