"""Refining finished sessions and transcribing recordings in the background: one at a time, on the app's pool,
giving way to live sessions.

The queue and its jobs are `captioner.app.transcribe`'s; this object runs them in a worker thread and talks to the
window only through signals: `progress(done_s, total_s, left_s)` (seconds of audio decoded, in all, and
an estimate of the seconds left; -1 while unknown), `finished(job, events)`, `failed(job, message)` and
`stopped()` once nothing runs. `cancel()` stops the running one and starts the next; `cancel_all()` stops them all.
`pause()` cancels the running refine and keeps it first in line for
`resume()`: a live session always has the model to itself.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Signal

from captioner.app.transcribe import OfflineJob, QueueListener, TranscriptionQueue
from captioner.audio.sources import AudioSourceError
from captioner.engine.offline.decode_whole import DECODING, TELLING_SPEAKERS
from captioner.gui.tasks import run_in_thread
from captioner.gui.widgets import short_name
from captioner.subtitles.errors import SubtitleFileError

RefineJob = OfflineJob  # a session to refine or a recording to transcribe, as the app queues it


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
    """The app's queue of offline jobs (`TranscriptionQueue`), run on the pool, its reports as signals."""

    progress = Signal(float, float, float)
    phase = Signal(str)  # decode_whole.DECODING, then TELLING_SPEAKERS while the speakers are told apart
    finished = Signal(object, object)  # RefineJob, list of CaptionEvent
    failed = Signal(object, str)  # RefineJob, words for people
    stopped = Signal()  # nothing is being refined now (done, failed, cancelled or paused)
    queued = Signal(int)  # one more waits after the one running: how many wait now
    cancelled = Signal(object, int)  # RefineJob cancelled by the user (not paused for a session), and how many waiting were dropped with it

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.jobs = TranscriptionQueue(_Signals(self), start=_on_the_pool)

    @property
    def queue(self) -> list[RefineJob]:
        return self.jobs.waiting

    @property
    def running(self) -> RefineJob | None:
        return self.jobs.running

    @property
    def busy(self) -> bool:
        return self.jobs.busy

    def refine(self, job: RefineJob) -> None:
        """Refine `job` once what is running (if anything) is done."""
        self.jobs.add(job)

    def resume(self) -> None:
        """Start the next job in line, unless one runs."""
        self.jobs.resume()

    def pause(self) -> None:
        """Cancel the running refine and keep it first in line (a live session starts)."""
        self.jobs.pause()

    def cancel(self) -> None:
        """Cancel the running refine and forget it; the session keeps its live transcript (and its audio). The next one
        in line starts."""
        self.jobs.cancel()

    def cancel_all(self) -> None:
        """Cancel the running refine and forget every one waiting after it (the app closing, or "Cancel all")."""
        self.jobs.cancel_all()


def _on_the_pool(work, on_done, on_failed) -> None:
    run_in_thread(work, on_done=on_done, on_failed=on_failed, name="captioner-refine")


class _Signals(QueueListener):
    """The queue's reports as the Refiner's signals (`progress` with an estimate of the seconds left)."""

    def __init__(self, refiner: Refiner) -> None:
        self.refiner = refiner
        self.began = time.monotonic()

    def started(self, job: RefineJob) -> None:
        self.began = time.monotonic()
        self.refiner.phase.emit(DECODING)
        self.refiner.progress.emit(0.0, 0.0, -1.0)  # said at once: a recording's first pass can take a while to report

    def progress(self, job: RefineJob, done_s: float, total_s: float) -> None:  # on the worker thread: only a signal
        elapsed = time.monotonic() - self.began
        left = elapsed * (total_s - done_s) / done_s if done_s > 0 and elapsed > 1 else -1.0
        self.refiner.progress.emit(done_s, total_s, left)

    def phase(self, job: RefineJob, name: str) -> None:  # on the worker thread: only a signal
        self.refiner.phase.emit(name)

    def finished(self, job: RefineJob, events) -> None:
        self.refiner.finished.emit(job, events)

    def failed(self, job: RefineJob, error: BaseException) -> None:
        if job.recording is not None:
            self.refiner.failed.emit(job, str(error) if isinstance(error, (AudioSourceError, SubtitleFileError))
                                     else f"{job.recording.name} could not be transcribed: {error}.")
        else:
            self.refiner.failed.emit(job, f"The transcript could not be refined: {error}. The live transcript is kept as it was.")

    def cancelled(self, job: RefineJob, dropped: int) -> None:
        self.refiner.cancelled.emit(job, dropped)

    def stopped(self) -> None:
        self.refiner.stopped.emit()

    def queued(self, waiting: int) -> None:
        self.refiner.queued.emit(waiting)
