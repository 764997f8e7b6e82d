"""Offline work, one job at a time: recordings transcribed, kept sessions refined, cancelled one or all.

`TranscriptionQueue` runs `OfflineJob`s in the order given and reports through a `QueueListener`; where the work runs
is its `start`'s choice: `RunHere` on the calling thread (the terminal), a worker thread for the app, whose answers
come back on the thread that asked. Answers of a job cancelled meanwhile are dropped. `stop` keeps what the running
transcription has done so far and drops the rest (the terminal's Ctrl-C).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from captioner.app.refine import refine_kept_session, write_transcript
from captioner.audio.sources import decode_file
from captioner.engine.models.catalogue import INTERIM_NONE, ModelRequest, default_model
from captioner.engine.models.recognizer import Recognizer
from captioner.engine.offline.decode_whole import DECODING, Cancelled, transcribe_audio
from captioner.engine.offline.session_files import find_session
from captioner.engine.vocabulary import read_vocabulary
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.speaker_count import SpeakerCount
from captioner.subtitles.errors import SubtitleFileError

__all__ = [
    "OFFLINE_BEAM_SIZE",
    "OfflineJob",
    "QueueListener",
    "RunHere",
    "TranscriptionQueue",
    "decode_language",
    "offline_blocked",
    "offline_request",
    "transcribe_model",
    "vocabulary_terms",
]

OFFLINE_BEAM_SIZE = 1  # the model an offline job loads decodes greedily: the offline decoding sets its own beam per pass

Start = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[BaseException], None]], object]


def offline_request(spec: str, compute_device: str = "auto", compute_type: str = "auto", language: str = "en", *,
                    translate: bool = False, chinese_script: str = ModelRequest.chinese_script) -> ModelRequest:
    """The model an offline job loads: no interim model beside it (only a live session writes interim text)."""
    return ModelRequest(spec, compute_device, language, OFFLINE_BEAM_SIZE, compute_type, INTERIM_NONE, translate=translate,
                        chinese_script=chinese_script)


def transcribe_model(chosen: str | None) -> str:
    """The model a transcription decodes with: the one chosen, else the default."""
    return chosen or default_model()


def decode_language(spec: str, language: str) -> str | None:
    """The language the model `spec` decodes in when `language` ("auto" or a code) is asked for: None to detect."""
    return ModelRequest(spec, language=language).decode_language


def vocabulary_terms(value: str | None) -> str | None:
    """The terms `value` gives (the terms, or a file of them; `read_vocabulary`): None stays None (a refine: the
    session's own), "" none. Raises ValueError when a file named cannot be read."""
    if value is None:
        return None
    return read_vocabulary(value) if value else ""


def offline_blocked(live_running: bool, transcriber: object) -> str:
    """Why an offline job cannot be asked for now in the app ("" when it can): a live session has the model to itself."""
    if live_running:
        return "Stop the current session first: a live session has the model to itself."
    if transcriber is None:
        return "The model is not loaded yet: wait until the model picker says it is ready, then try again."
    return ""


@dataclass
class OfflineJob:
    """A session to refine (its transcript's path), or a recording to transcribe (`recording`), and how."""

    path: Path | None
    recognizer: Recognizer | None = field(default=None, repr=False)  # what decodes it; None: the queue's `model`
    vocabulary: str | None = None  # None: the session's own
    language: str | None = "en"
    srt_labels: bool = False
    delete_audio: bool = False
    kinds: tuple[str, ...] = ()
    speakers: bool | SpeakerCount = False  # tell speakers apart by voice again, with the whole recording (a SpeakerCount: that many)
    live: tuple = ()  # the session's live finals (CaptionEvents): the refine puts its words to the vote with them, and
    # speakers named during it keep their names
    labels: dict | None = None  # the session's labels, by channel and speaker id (names given during it)
    info: object = None  # the session's SessionInfo in the app
    show: bool = False  # show its refined transcript when done, whatever session the window shows (File → Refine a past session's transcript…)
    recording: Path | None = None  # an audio or video file to transcribe: its captions come back, and are saved in `save_to`
    save_to: Path | None = None  # the folder a transcribed recording's SRT/TXT/VTT are saved in (None: not saved there)
    outputs: Sequence[tuple[str, Path]] = ()  # (format name, path): files a transcribed recording is written to, replaced
    keep_partial: bool = False  # stopped (`TranscriptionQueue.stop`): keep what was transcribed so far
    saved: list[Path] = field(default_factory=list)  # the files written for it, once done
    save_error: str = ""  # why they could not be written ("" when they were)
    warnings: list[str] = field(default_factory=list)  # what the transcription warned of (speakers not told apart)
    total_s: float = 0.0  # seconds of audio in the recording, once read
    kept_s: float | None = None  # stopped: how many seconds from its start were transcribed and kept

    @property
    def name(self) -> str:
        """The recording's file name, or the session's."""
        return (self.recording or self.path or Path()).name


class QueueListener:
    """What a TranscriptionQueue reports. Each does nothing here; a terminal or an app overrides what it shows.
    `progress` and `phase` come from the thread the work runs on, the others from the queue's."""

    def started(self, job: OfflineJob) -> None:
        """`job` begins."""

    def progress(self, job: OfflineJob, done_s: float, total_s: float) -> None:
        """Seconds of audio decoded, of all."""

    def phase(self, job: OfflineJob, name: str) -> None:
        """The job's phase: `decode_whole.DECODING` (also as a recording's decoding begins), TELLING_SPEAKERS."""

    def finished(self, job: OfflineJob, events: list[CaptionEvent]) -> None:
        """`job` is done (its files written, or `job.save_error` why not): its captions."""

    def failed(self, job: OfflineJob, error: BaseException) -> None:
        """`job` could not be done: the error (AudioSourceError, NothingToRefine, SubtitleFileError, OSError, ...)."""

    def cancelled(self, job: OfflineJob, dropped: int) -> None:
        """`job` was cancelled, and `dropped` waiting after it with it."""

    def stopped(self) -> None:
        """Nothing runs now (done, failed, cancelled or paused)."""

    def queued(self, waiting: int) -> None:
        """One more waits after the one running: how many wait now."""


class RunHere:
    """A TranscriptionQueue's `start` that runs each job's work on the calling thread, one after another: a job's answer
    that starts the next returns first (no recursion however many jobs)."""

    def __init__(self) -> None:
        self._pending: deque = deque()
        self._running = False

    def __call__(self, work: Callable[[], Any], on_done: Callable[[Any], None], on_failed: Callable[[BaseException], None]) -> None:
        self._pending.append((work, on_done, on_failed))
        if self._running:
            return
        self._running = True
        try:
            while self._pending:
                work, on_done, on_failed = self._pending.popleft()
                try:
                    result = work()
                except Exception as exc:  # the listener says it
                    on_failed(exc)
                else:
                    on_done(result)
        finally:
            self._running = False


class TranscriptionQueue:
    """Offline jobs run one at a time, in the order added; a cancelled one's answer is dropped, the next one starts.

    `start(work, on_done, on_failed)` runs `work()` and calls back with its answer (`RunHere`, or a worker thread);
    `model()` gives the recognizer of a job that has none (loaded at first need, after its recording was read).
    """

    def __init__(self, listener: QueueListener | None = None, *, start: Start | None = None,
                 model: Callable[[], Recognizer] | None = None) -> None:
        self.listener = listener or QueueListener()
        self.waiting: list[OfflineJob] = []
        self.running: OfflineJob | None = None
        self._start = start or RunHere()
        self._model = model
        self._cancel = threading.Event()
        self._ticket = 0

    @property
    def busy(self) -> bool:
        return self.running is not None

    def add(self, *jobs: OfflineJob) -> None:
        """Run `jobs`, in turn, once what is running (if anything) is done."""
        self.waiting.extend(jobs)
        if self.running is not None:
            self.listener.queued(len(self.waiting))
        self.resume()

    def resume(self) -> None:
        """Start the next job in line, unless one runs."""
        if self.running is not None or not self.waiting:
            return
        job = self.running = self.waiting.pop(0)
        self._cancel = cancel = threading.Event()
        self._ticket += 1
        ticket = self._ticket
        self.listener.started(job)
        self._start(lambda: self._work(job, cancel), lambda events: self._done(ticket, job, events),
                    lambda exc: self._failed(ticket, job, exc))

    def pause(self) -> None:
        """Cancel the running job and keep it first in line (a live session starts)."""
        if self.running is not None:
            self.waiting.insert(0, self.running)
            self._stop_running()

    def cancel(self) -> None:
        """Cancel the running job and forget it (nothing of it is written); the next one in line starts."""
        job = self.running
        if job is not None:
            self._stop_running()
            self.listener.cancelled(job, 0)
            self.resume()

    def cancel_all(self) -> None:
        """Cancel the running job and forget every one waiting after it."""
        dropped, self.waiting = len(self.waiting), []
        job = self.running
        if job is not None:
            self._stop_running()
            self.listener.cancelled(job, dropped)

    def stop(self) -> list[OfflineJob]:
        """Stop: the running transcription ends where it is, keeping (and writing) what it has done; the jobs waiting
        are dropped, and returned."""
        dropped, self.waiting = self.waiting, []
        if self.running is not None:
            self.running.keep_partial = True
            self._cancel.set()
        return dropped

    def _stop_running(self) -> None:
        self._cancel.set()
        self._ticket += 1  # its answer, when the work gets there, is stale
        self.running = None
        self.listener.stopped()

    def _work(self, job: OfflineJob, cancel: threading.Event) -> list[CaptionEvent]:
        def progress(done_s: float, total_s: float) -> None:
            self.listener.progress(job, done_s, total_s)

        def phase(name: str) -> None:
            self.listener.phase(job, name)

        if job.recording is None:
            return refine_kept_session(find_session(job.path), job.recognizer, vocabulary=job.vocabulary, language=job.language,
                                       srt_labels=job.srt_labels, delete_audio=job.delete_audio, kinds=job.kinds,
                                       speakers=job.speakers, live=job.live, labels=job.labels, progress=progress,
                                       phase=phase, cancel=cancel)
        audio = decode_file(str(job.recording))
        recognizer = job.recognizer if job.recognizer is not None or self._model is None else self._model()
        total = job.total_s = len(audio) / SAMPLE_RATE
        phase(DECODING)
        try:
            events = transcribe_audio(recognizer, audio, vocabulary=job.vocabulary or "", language=job.language, speakers=job.speakers,
                                      progress=lambda s: progress(s, total), warn=job.warnings.append, cancel=cancel, phase=phase)
        except Cancelled as stopped:
            if not job.keep_partial:
                raise
            events, job.kept_s = stopped.partial, stopped.partial_s
        if job.save_to is not None or job.outputs:
            try:
                job.saved = write_transcript(events, folder=job.save_to, stem=job.recording.stem, paths=job.outputs,
                                             srt_labels=job.srt_labels)
            except SubtitleFileError as exc:  # the transcript is still there, to be shown or exported
                job.save_error = str(exc)
        return events

    def _done(self, ticket: int, job: OfflineJob, events: list[CaptionEvent]) -> None:
        if ticket != self._ticket:
            return
        self.running = None
        self.listener.finished(job, events)
        self.listener.stopped()
        self.resume()

    def _failed(self, ticket: int, job: OfflineJob, exc: BaseException) -> None:
        if ticket != self._ticket:
            return
        self.running = None
        if not isinstance(exc, Cancelled):
            self.listener.failed(job, exc)
        self.listener.stopped()
        self.resume()
