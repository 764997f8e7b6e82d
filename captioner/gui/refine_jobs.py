"""The offline jobs the app asks for: a session refined at its Stop, a past session refined, recordings transcribed;
and a finished one shown in the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.app.autosave import SessionInfo
from captioner.app.live import LiveSession
from captioner.app.shown import ShownSession
from captioner.app.transcribe import offline_blocked
from captioner.events import CaptionEvent
from captioner.gui.model_control import ModelControl
from captioner.gui.refiner import RefineJob, Refiner
from captioner.gui.settings_store import SettingsStore
from captioner.settings import RECORD_UNTIL_REFINED

__all__ = ["RefineJobs"]


class RefineJobs(QObject):
    """The refines and transcriptions the app asks of its queue (`refiner`), made from the settings and the model
    loaded: the session just stopped (when the settings say so and its files hold every caption), a past session's
    transcript (`refine_past`), a recording (`transcribe_recording`). A finished one whose session is still shown, or
    one asked for, is shown from now on (`refined`), its captions in `shown`. `idle()` says whether the app is idle:
    a live session has the model to itself. `say(level, text)` says what its files could not take."""

    refined = Signal(object, object)  # SessionInfo, the MergeUpdates of its refined captions (shown from now on)

    def __init__(self, store: SettingsStore, model: ModelControl, shown: ShownSession, refiner: Refiner, *,
                 idle: Callable[[], bool], say: Callable[[str, str], None]) -> None:
        super().__init__()
        self.store, self.model, self.shown, self.refiner = store, model, shown, refiner
        self.idle, self.say = idle, say
        refiner.finished.connect(self._on_refined)

    def after_session(self, live: LiveSession | None, info: SessionInfo) -> None:
        """At Stop: refine the session's transcript from its audio in the background (when set so, and its autosave files
        hold every caption: else the window keeps the captions to export), then anything paused."""
        transcript = info.srt_path or info.txt_path
        settings, transcriber = self.store.settings, self.model.transcriber
        if live is not None and live.to_refine(refine=settings.refine_at_stop and transcriber is not None,
                                               drop_unrefined=settings.recording == RECORD_UNTIL_REFINED):
            finals = self.shown.finals
            told = any(f.speaker for f in finals)  # the session told speakers apart: so does its refine
            speakers = (settings.speakers_option() or True) if told else False
            self.refiner.refine(RefineJob(transcript, transcriber.recognizer, vocabulary=settings.vocabulary,
                                          language=self.model.request().decode_language, srt_labels=settings.srt_labels,
                                          delete_audio=settings.recording == RECORD_UNTIL_REFINED, kinds=info.channels,
                                          speakers=speakers, live=tuple(finals), labels=dict(info.labels), info=info))
        self.refiner.resume()

    def refine_past(self, path: str | Path) -> str:
        """Refine a past session (its .srt or .txt) from its recorded audio in the background; shown when done.
        Returns "" once it is queued, else why it cannot be."""
        from captioner.engine.offline.session_files import NothingToRefine, find_session

        transcriber = self.model.transcriber
        why = offline_blocked(not self.idle(), transcriber)
        if why:
            return why
        try:
            session = find_session(path)
        except NothingToRefine as exc:
            return str(exc)
        srt, txt = session.path(".srt"), session.path(".txt")
        info = SessionInfo(model=session.model, srt_path=srt if srt.exists() else None, txt_path=txt if txt.exists() else None,
                           channels=tuple(t.channel for t in session.tracks if t.channel), labels=session.labels,
                           audio_paths=[t.path for t in session.tracks])
        settings = self.store.settings
        self.refiner.refine(RefineJob(srt, transcriber.recognizer, language=self.model.request().decode_language,
                                      srt_labels=settings.srt_labels, delete_audio=settings.recording == RECORD_UNTIL_REFINED,
                                      speakers=settings.speakers_option(), info=info, show=True))
        return ""

    def transcribe_recording(self, path: str | Path) -> str:
        """Transcribe an audio or video file offline in the background, after any queued before it; when done its transcript
        is saved in the sessions folder (as `<file name>.srt/.txt/.vtt`) and shown. Returns "" once it is queued, else why
        it cannot be."""
        transcriber = self.model.transcriber
        why = offline_blocked(not self.idle(), transcriber)
        if why:
            return why
        path = Path(path)
        settings = self.store.settings
        info = SessionInfo(model=transcriber.name, source=path.name)
        self.refiner.refine(RefineJob(None, transcriber.recognizer, vocabulary=settings.vocabulary,
                                      language=self.model.request().decode_language, srt_labels=settings.srt_labels,
                                      speakers=settings.speakers_option(), info=info, show=True, recording=path,
                                      save_to=settings.sessions_dir()))
        return ""

    def _on_refined(self, job: RefineJob, events: list[CaptionEvent]) -> None:
        """A refined session still shown (no session since), or one asked for (File → Refine a past session's transcript…),
        shows its refined captions and exports them."""
        info = job.info
        if info is None or not self.idle() or not (job.show or info is self.shown.info):
            return
        updates, warnings = self.shown.show_refined(job, events, srt_labels=self.store.settings.srt_labels)
        for text in warnings:
            self.say("warning", text)
        self.refined.emit(info, updates)
