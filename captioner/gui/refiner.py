"""Refining finished sessions in the background: one at a time, on the app's pool, giving way to live sessions.

The refine itself is `captioner.engine.offline.refine`; this object runs it in a worker thread and talks to the
window only through signals: `progress(done_s, total_s, left_s)` (seconds of audio decoded, in all, and
an estimate of the seconds left; -1 while unknown), `finished(job, events)`, `failed(job, message)` and
`stopped()` once nothing runs. `cancel()` stops the running one and starts the next; `cancel_all()` stops them all.
`pause()` cancels the running refine and keeps it first in line for
`resume()`: a live session always has the model to itself.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.audio.sources import AudioSourceError, decode_file
from captioner.engine.offline.decode_whole import DECODING, TELLING_SPEAKERS, Cancelled, transcribe_audio
from captioner.engine.offline.refine import refine_session
from captioner.engine.offline.session_files import find_session, save_transcript
from captioner.events import SAMPLE_RATE
from captioner.gui.tasks import Latest, run_in_thread
from captioner.gui.widgets import short_name
from captioner.speaker_count import SpeakerCount
from captioner.subtitles.errors import SubtitleFileError


@dataclass
class RefineJob:
    """A session to refine (its transcript's path), or a recording to transcribe (`recording`), and how."""

    path: Path | None
    recognizer: object = field(repr=False)  # what decodes it: the loaded model's (`Transcriber.recognizer`)
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
    save_to: Path | None = None  # the folder a transcribed recording's SRT/TXT/VTT are saved in (None: not saved)
    saved: list[Path] = field(default_factory=list)  # the files written for it, once done
    save_error: str = ""  # why they could not be written ("" when they were)


def cancelled_text(job: RefineJob, dropped: int = 0) -> str:
    """What is said once a refine or a transcription was cancelled, with the `dropped` ones that waited after it."""
    if job.recording is not None:
        text = f"Transcribing {job.recording.name} was cancelled; nothing was saved."
    else:
        text = "Refining was cancelled; the session keeps its live transcript and its audio."
    if dropped:
        text += f" The {dropped} waiting after it {'was' if dropped == 1 else 'were'} cancelled too."
    return text


def refine_text(done_s: float, total_s: float, left_s: float, job: RefineJob | None = None, queued: int = 0,
                phase: str = DECODING) -> str:
    """The status line's words for a refine (or a recording's transcription) under way, and how many wait after it; in
    the phase TELLING_SPEAKERS, that, with no share (the decoding's is over, the labelling has none of its own)."""
    share = 0 if total_s <= 0 else min(100, round(100 * done_s / total_s))
    doing = f"Transcribing {short_name(job.recording.name)}" if job is not None and job.recording is not None else "Refining"
    if phase == TELLING_SPEAKERS:
        text = f"{doing}: telling speakers apart…"
    else:
        text = f"{doing}: {share} %"
    if left_s >= 0 and phase != TELLING_SPEAKERS:
        text += f", {round(left_s)} s left" if left_s < 90 else f", {round(left_s / 60)} min left"
    if queued:
        text += f" ({queued} more waiting)"
    return text


class Refiner(QObject):
    progress = Signal(float, float, float)
    phase = Signal(str)  # decode_whole.DECODING, then TELLING_SPEAKERS while the speakers are told apart
    finished = Signal(object, object)  # RefineJob, list of CaptionEvent
    failed = Signal(object, str)  # RefineJob, words for people
    stopped = Signal()  # nothing is being refined now (done, failed, cancelled or paused)
    queued = Signal(int)  # one more waits after the one running: how many wait now
    cancelled = Signal(object, int)  # RefineJob cancelled by the user (not paused for a session), and how many waiting were dropped with it

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue: list[RefineJob] = []
        self.running: RefineJob | None = None
        self._cancel = threading.Event()
        self._latest = Latest()

    @property
    def busy(self) -> bool:
        return self.running is not None

    def refine(self, job: RefineJob) -> None:
        """Refine `job` once what is running (if anything) is done."""
        self.queue.append(job)
        if self.running is not None:
            self.queued.emit(len(self.queue))
        self.resume()

    def resume(self) -> None:
        """Start the next job in line, unless one runs."""
        if self.running is not None or not self.queue:
            return
        job = self.running = self.queue.pop(0)
        self._cancel = cancel = threading.Event()
        ticket = self._latest.next()
        started = time.monotonic()
        self.phase.emit(DECODING)
        self.progress.emit(0.0, 0.0, -1.0)  # said at once: a recording's first pass can take a while to report

        def on_phase(name: str) -> None:  # on the worker thread: only a signal
            self.phase.emit(name)

        def on_progress(done_s: float, total_s: float) -> None:  # on the worker thread: only a signal
            elapsed = time.monotonic() - started
            left = elapsed * (total_s - done_s) / done_s if done_s > 0 and elapsed > 1 else -1.0
            self.progress.emit(done_s, total_s, left)

        def work():
            if job.recording is not None:
                audio = decode_file(str(job.recording))
                total = len(audio) / SAMPLE_RATE
                events = transcribe_audio(job.recognizer, audio, vocabulary=job.vocabulary or "", language=job.language, speakers=job.speakers,
                                          progress=lambda s: on_progress(s, total), cancel=cancel, phase=on_phase)
                if job.save_to is not None:
                    try:
                        job.saved = save_transcript(job.save_to, job.recording.stem, events, srt_labels=job.srt_labels)
                    except SubtitleFileError as exc:  # the transcript is still shown, for Export
                        job.save_error = str(exc)
                return events
            session = find_session(job.path)
            return refine_session(session, job.recognizer, vocabulary=job.vocabulary, language=job.language, srt_labels=job.srt_labels,
                                  progress=on_progress, cancel=cancel, delete_audio=job.delete_audio, kinds=job.kinds,
                                  speakers=job.speakers, live=job.live, labels=job.labels, phase=on_phase)

        run_in_thread(work, on_done=lambda events: self._done(ticket, job, events),
                      on_failed=lambda exc: self._failed(ticket, job, exc), name="captioner-refine")

    def pause(self) -> None:
        """Cancel the running refine and keep it first in line (a live session starts)."""
        if self.running is not None:
            self.queue.insert(0, self.running)
            self._stop_running()

    def cancel(self) -> None:
        """Cancel the running refine and forget it; the session keeps its live transcript (and its audio). The next one
        in line starts."""
        job = self.running
        if job is not None:
            self._stop_running()
            self.cancelled.emit(job, 0)
            self.resume()

    def cancel_all(self) -> None:
        """Cancel the running refine and forget every one waiting after it (the app closing, or "Cancel all")."""
        dropped, self.queue = len(self.queue), []
        job = self.running
        if job is not None:
            self._stop_running()
            self.cancelled.emit(job, dropped)

    def _stop_running(self) -> None:
        self._cancel.set()
        self._latest.drop()  # its answer, when the worker gets there, is stale
        self.running = None
        self.stopped.emit()

    def _done(self, ticket: int, job: RefineJob, events) -> None:
        if not self._latest.is_current(ticket):
            return
        self.running = None
        self.finished.emit(job, events)
        self.stopped.emit()
        self.resume()

    def _failed(self, ticket: int, job: RefineJob, exc: BaseException) -> None:
        if not self._latest.is_current(ticket) or isinstance(exc, Cancelled):
            return
        self.running = None
        if job.recording is not None:
            self.failed.emit(job, str(exc) if isinstance(exc, (AudioSourceError, SubtitleFileError))
                             else f"{job.recording.name} could not be transcribed: {exc}.")
        else:
            self.failed.emit(job, f"The transcript could not be refined: {exc}. The live transcript is kept as it was.")
        self.stopped.emit()
        self.resume()
