"""A session's life: model (download, load, warm-up) → autosave files → capture → stop → files closed.

Everything slow runs off the GUI thread (ModelLoader, Task, the engine's own
threads); the controller only reacts to signals, so the window never freezes.
With `preload_models`, the chosen model loads while idle, so Start waits only for
the audio source, not for the model.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.app.autosave import FAILED, REMADE, AutosaveReport, GuardedWriter, SessionInfo, open_session_files
from captioner.app.live import LiveSession, ModelNotes, discard_outputs
from captioner.app.merge import CaptionMerger, caption_delay_s
from captioner.app.transcribe import offline_blocked
from captioner.channels import MODE_MICROPHONE
from captioner.engine.models.catalogue import INTERIM_NONE, ModelRequest
from captioner.engine.models.errors import DownloadCancelled
from captioner.events import CaptionEvent, SessionProblem, SessionStatus
from captioner.gui.bridge import SessionBridge
from captioner.gui.gpu_support import GPU_SUPPORT_PHASE, GpuSupportFetch, failed_text
from captioner.gui.model_loader import ModelLoader, describe_model_error, describe_transcriber
from captioner.gui.refiner import RefineJob, Refiner
from captioner.gui.settings_store import SettingsStore
from captioner.gui.tasks import Latest, Task
from captioner.settings import RECORD_NEVER, RECORD_UNTIL_REFINED, Settings
from captioner.transcript import Transcript

__all__ = ["SessionController", "SessionInfo", "SourceFactory", "State"]

log = logging.getLogger(__name__)


class State(enum.Enum):
    IDLE = "idle"
    PREPARING = "preparing"  # finding, downloading or loading the model (or the GPU's libraries for it)
    STARTING = "starting"  # opening the audio source
    RUNNING = "running"
    STOPPING = "stopping"  # finishing the segment in flight, closing files


SourceFactory = Callable[[Settings], object]


def meeting_inputs(settings: Settings, device: str | None) -> list:
    """The channels of a session that listens to what the settings' mode says: the microphone `device`, system audio."""
    from captioner.engine.live.meeting import meeting_channels

    return meeting_channels(settings.capture_mode, device, settings.output_device, labels=settings.labels)


def open_microphone(monitor, device: str | None):
    """The idle level meter's stream (`monitor`) when it runs on `device` (capture goes on from the press),
    else a new stream (opened by session.start(), off the GUI thread)."""
    from captioner.audio.loopback import microphone_source
    from captioner.gui.level_monitor import HandedOverSource

    handover = monitor.hand_over(device) if monitor is not None else None
    return HandedOverSource(handover, lambda: microphone_source(device or None))


class SessionController(QObject):
    """The app's sessions for the window: the model it loads, the live session (`app.live.LiveSession`) it runs, the
    refines it queues, each reported as Qt signals on the GUI thread."""

    stateChanged = Signal(object)  # State
    modelPhase = Signal(str)  # "checking" | "downloading" | "loading" | "preparing-gpu" | "warming" | "fetching-gpu" | "" (done)
    downloadProgress = Signal(object)  # DownloadProgress
    modelReady = Signal(str)  # "tiny.en · CPU int8"
    modelFailed = Signal(str, bool)  # message, whether to offer a local model folder
    message = Signal(str, str)  # level ("info" | "warning" | "error"), text
    passingMessage = Signal(str, str)  # the same, for news that a problem is over: shown a few seconds, then gone
    gpuMessage = Signal(str, str, bool)  # level, text about the GPU, whether fetching its libraries (get_gpu_support) helps
    autosaveMessage = Signal(str, str)  # level, text: what happened to the session's autosave files
    captionUpdate = Signal(object)  # MergeUpdate
    statusUpdate = Signal(object)  # SessionStatus
    delayUpdate = Signal(float)  # seconds the captions trail the live audio
    sessionStarted = Signal(object)  # SessionInfo
    labelsChanged = Signal(object)  # the session's labels (by channel and speaker id), after a speaker was named
    sessionFinished = Signal(object)  # SessionInfo
    transcriptRefined = Signal(object, object)  # SessionInfo, the MergeUpdates of its refined captions (shown from now on)
    _autosaveReported = Signal(object)  # AutosaveReport, emitted on the engine thread

    def __init__(self, store: SettingsStore, *, monitor=None) -> None:
        super().__init__()
        self.store = store  # the one copy of the settings; read it, never keep a copy
        store.changed.connect(self._settings_changed)
        self.monitor = monitor  # a LevelMonitor to pause while a session holds the device
        self.state = State.IDLE
        self.merger = CaptionMerger()  # the captions as the window shows them, interims too
        self.transcript = Transcript()  # the last session's (or refine's) captions, as its files and Export keep them
        self.info: SessionInfo | None = None
        self.live: LiveSession | None = None
        self.session = None
        self.errors: list[str] = []
        self._inputs_said: dict[str, str] = {}  # what each input of the session said last (non-fatal), by channel id
        self._transcriber = None
        self._transcriber_key: tuple | None = None
        self._loader: ModelLoader | None = None
        self._gpu_fetch: GpuSupportFetch | None = None  # cuBLAS 12 being fetched (get_gpu_support)
        self._gpu_fetched = False  # the model loading now is loaded again after a fetch
        self._start_after_load = False
        self._microphone_source: SourceFactory = lambda settings: open_microphone(self.monitor, settings.input_device or None)
        self._source_factory: SourceFactory = self._microphone_source
        self._bridge: SessionBridge | None = None
        self._writers: list[GuardedWriter] = []
        self._remade: list[Path] = []  # autosave files deleted and made again this session
        self._saved_finals = 0  # how many of the finals are on disk (autosave, or an export)
        self._autosaveReported.connect(self._on_autosave_report)
        self._stop_requested = False
        self._started = False
        self._phase = ""  # the model loader's latest phase
        self._latest = Latest()  # tickets of the model loader and the session; stale signals are ignored
        self._quiet = False  # the model loads in the background (preload) and nobody waits for it yet
        self._not_on_disk: ModelRequest | None = None  # a preload found this model not downloaded
        self.preload_models = False  # load the chosen model whenever idle and it is on disk (the app sets it)
        self.refiner = Refiner(self)  # refines finished sessions in the background; pauses while a session runs
        self.refiner.finished.connect(self._on_refined)

    # -- public API ----------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.store.settings

    @property
    def busy(self) -> bool:
        return self.state is not State.IDLE

    @property
    def transcriber(self):
        return self._transcriber

    @property
    def finals(self) -> list[CaptionEvent]:
        return self.merger.finals

    @property
    def unsaved(self) -> bool:
        """Whether the last session has captions that are on disk nowhere: autosave was off or failed,
        and they were not exported since."""
        return self.state is State.IDLE and len(self.merger.finals) > self._saved_finals

    def model_request(self) -> ModelRequest:
        """The model the settings ask for; no interim model beside it when interim text is not shown."""
        s = self.settings
        return ModelRequest(s.model, s.compute_device, s.language, s.beam_size, interim=s.interim_model if s.interim_text else INTERIM_NONE,
                            translate=s.translate)

    def _model_spec(self) -> str:
        """The model in use as a refine finds it again: its folder when one was chosen, else its name (a recording's tag:
        `captioner refine SESSION` then works offline with what was used live)."""
        key = self._transcriber_key
        return key.spec if key is not None and key.spec else self._transcriber.name

    def model_loaded_for(self, request: ModelRequest) -> bool:
        return self._transcriber is not None and self._transcriber_key == request

    def use_transcriber(self, transcriber, request: ModelRequest | None = None) -> None:
        """Use an already loaded model for `request` (default: the current settings' model)."""
        self._drop_preload()
        self._transcriber = transcriber
        self._transcriber_key = request or self.model_request()

    def prepare(self) -> bool:
        """Download and load the chosen model without starting a session."""
        if self.state is not State.IDLE:
            return False
        if self.model_loaded_for(self.model_request()):
            return True
        self._drop_preload()
        self._start_after_load = False
        self._load_model()
        return True

    def preload(self) -> None:
        """Load and warm up the chosen model in the background while idle, so Start does not wait
        for it. Only a model already on disk; a failure is said when Start tries again."""
        request = self.model_request()
        if self.state is State.IDLE and self._loader is None and not self.model_loaded_for(request) and request != self._not_on_disk:
            self._load_model(quiet=True)

    def start(self, source_factory: SourceFactory | None = None) -> bool:
        """Start captioning the settings' input (or `source_factory(settings)`); False if busy."""
        if self._loader is not None and not self._start_after_load and self.state in (State.IDLE, State.PREPARING):
            # a download started with prepare(), or the model loading in the background: start when it ends
            self._start_after_load, self._quiet, self._stop_requested = True, False, False
            self._source_factory = source_factory or self._microphone_source
            self._set_state(State.PREPARING)
            return True
        if self.state is not State.IDLE:
            return False
        self._source_factory = source_factory or self._microphone_source
        self._stop_requested = False
        if self.model_loaded_for(self.model_request()):
            self._begin_capture()
        else:
            self._start_after_load = True
            self._load_model()
        return True

    def start_microphone(self, device: str | None) -> bool:
        """Start captioning the input device `device` (None: the system default)."""
        return self.start(lambda _settings: open_microphone(self.monitor, device))

    def start_listening(self, device: str | None) -> bool:
        """Start captioning what the settings' mode listens to: the microphone `device`, system audio, or both."""
        if self.settings.capture_mode == MODE_MICROPHONE:
            return self.start_microphone(device)
        return self.start(lambda settings: meeting_inputs(settings, device))

    def stop(self) -> None:
        """Cancel a model download/load, or end the session (the segment in flight still finishes)."""
        if self.state is State.PREPARING:
            self.cancel_model()
        elif self.state is State.STARTING:
            self._stop_requested = True
            self._set_state(State.STOPPING)
        elif self.state is State.RUNNING:
            self._set_state(State.STOPPING)
            self.session.stop()

    def get_gpu_support(self) -> bool:
        """Fetch NVIDIA's cuBLAS 12 on a worker thread (what `captioner cuda-libs` does), load it into this process, then
        load the model again so it runs on the GPU where it now can. Progress comes as `downloadProgress`, the phase as
        "fetching-gpu"; cancel_model() stops it, keeping nothing; the outcome is a `gpuMessage`. False while busy."""
        if self.state is not State.IDLE:
            return False
        self._drop_preload()
        fetch = GpuSupportFetch()
        fetch.progress.connect(lambda progress: self.downloadProgress.emit(progress) if self._gpu_fetch is fetch else None)
        fetch.done.connect(lambda folder: self._on_gpu_support(fetch, folder))
        fetch.failed.connect(lambda exc: self._on_gpu_support_failed(fetch, exc))
        self._gpu_fetch = fetch
        self._set_state(State.PREPARING)
        self.modelPhase.emit(GPU_SUPPORT_PHASE)
        fetch.start()
        return True

    def _on_gpu_support(self, fetch: GpuSupportFetch, folder: Path) -> None:
        """The libraries are in place and loaded: the model loads again (the same request) and says where it runs."""
        if self._gpu_fetch is not fetch:
            return  # cancelled meanwhile
        self._gpu_fetch = None
        self.gpuMessage.emit("info", f"GPU support installed in {folder}; loading the model again to run it on the GPU.", False)
        self._gpu_fetched = True
        self._load_model()

    def _on_gpu_support_failed(self, fetch: GpuSupportFetch, exc: BaseException) -> None:
        if self._gpu_fetch is not fetch:
            return  # cancelled: said already
        self._gpu_fetch = None
        self.modelPhase.emit("")
        self._set_state(State.IDLE)
        self.gpuMessage.emit("error", failed_text(exc), True)

    def _cancel_gpu_support(self) -> None:
        """Stop fetching the GPU's libraries: the download stops at its next read and keeps nothing."""
        fetch, self._gpu_fetch = self._gpu_fetch, None
        fetch.cancel()  # its thread ends on its own; its signals are ignored from now on
        self.modelPhase.emit("")
        self._set_state(State.IDLE)
        self.gpuMessage.emit("info", "The download of GPU support was cancelled; nothing was kept.", True)

    def cancel_model(self) -> None:
        if self._gpu_fetch is not None:
            self._cancel_gpu_support()
            return
        if self._loader is None:
            return
        loader, self._loader, self._gpu_fetched = self._loader, None, False
        loader.cancel()  # its thread ends on its own; its signals are ignored from now on
        self.modelPhase.emit("")
        if self._phase == "downloading":
            text = f"Download of {loader.request.label} cancelled. Files it finished stay on disk; Start downloads the rest."
        else:
            text = f"Stopped preparing {loader.request.label}."
        self.message.emit("info", text)
        self._set_state(State.IDLE)

    def name_speaker(self, speaker: str, name: str) -> None:
        """Call the speaker `speaker` (an id, "speaker-2") `name` in this session: in the transcript, the overlay and its
        files, past captions and future ones. An empty name gives back "Speaker 2"; naming two speakers alike shows them
        as one person. Raises SubtitleFileError when a finished session's file cannot be written again."""
        if self.info is None:
            return
        self.transcript.labels = self.info.labels
        labels = self.transcript.rename_speaker(speaker, name)
        self.info.labels = labels
        self.merger.labels = labels
        for writer in self._writers:  # a session still running: its writers write their files again
            writer.set_labels(labels)
        if not self._writers:  # a finished one: its files, written again with the new name
            self._write_again(self.info)
        self.labelsChanged.emit(labels)

    def _write_again(self, info: SessionInfo) -> None:
        """A finished session's files (each format it was saved in: SRT, TXT, and the VTT of a refine or a transcription)
        written again from the captions shown, as `info.labels` calls everyone."""
        stem = info.srt_path or info.txt_path
        if stem is not None:
            self.transcript.srt_labels, self.transcript.labels = self.settings.srt_labels, info.labels
            self.transcript.save_again(stem)

    def export(self, kind: str, path: str | Path) -> None:
        """Write the session's final captions in the format named `kind` ("srt", "txt", "vtt": subtitles.formats);
        raises SubtitleFileError."""
        self.transcript.srt_labels, self.transcript.labels = self.settings.srt_labels, self.merger.labels
        self.transcript.write(path, kind)
        self._saved_finals = max(self._saved_finals, len(self.transcript))

    def _settings_changed(self, _settings: Settings) -> None:
        if self._quiet and self._loader is not None and self._loader.request != self.model_request():
            self._drop_preload()  # the former choice loading in the background: let it go
        if self._transcriber is not None and not self.model_loaded_for(self.model_request()):
            self.release_model()  # another model, device or language: free the memory now
        if self.preload_models:
            self.preload()  # ... and load the new choice in the background, or on Start

    def release_model(self) -> None:
        """Forget the loaded model (its memory is freed once no session uses it)."""
        if self.state is State.IDLE:
            self._transcriber = None
            self._transcriber_key = None

    # -- model ---------------------------------------------------------------
    def _drop_preload(self) -> None:
        if self._quiet and self._loader is not None:
            self._loader.cancel()
            self._loader, self._quiet = None, False  # its signals are ignored from now on
            self.modelPhase.emit("")

    def _load_model(self, quiet: bool = False) -> None:
        request = self.model_request()
        self._transcriber, self._transcriber_key = None, None  # never hold two models at once
        gen = self._latest.next()
        loader = ModelLoader(request, quiet=quiet)
        loader.phase.connect(lambda phase: self._forward(gen, self.modelPhase, phase))
        loader.progress.connect(lambda progress: self._forward(gen, self.downloadProgress, progress))
        loader.done.connect(lambda t: self._on_model_ready(gen, t))
        loader.failed.connect(lambda e: self._on_model_failed(gen, e))
        self._loader, self._quiet = loader, quiet
        self._phase = ""
        if not quiet:
            self._set_state(State.PREPARING)
        loader.start()

    def _forward(self, generation: int, signal, value) -> None:
        if self._current(generation):
            if signal is self.modelPhase:
                self._phase = value
            signal.emit(value)

    def _current(self, generation: int) -> bool:
        return self._latest.is_current(generation) and self._loader is not None

    def _on_model_ready(self, generation: int, transcriber) -> None:
        if not self._current(generation):
            return  # cancelled meanwhile: let it go
        loader, self._loader, self._quiet = self._loader, None, False
        if transcriber is None:  # a background load found the model not on disk
            self._not_on_disk = loader.request
            self.modelPhase.emit("")
            if self._start_after_load:
                self._load_model()  # Start was pressed meanwhile: download it now
            return
        self._transcriber, self._transcriber_key, self._not_on_disk = transcriber, loader.request, None
        self.modelPhase.emit("")
        self.modelReady.emit(self.model_description())
        notes = ModelNotes.of(transcriber)
        if notes.interim:
            self.message.emit("info", notes.interim)
        fetched, self._gpu_fetched = self._gpu_fetched, False
        if notes.device:  # a GPU that cannot run the model: captions run on the CPU
            self.gpuMessage.emit("warning", notes.device, notes.cuda_libs_missing and not fetched)
        elif fetched:
            self.gpuMessage.emit("info", f"GPU support installed; {transcriber.name} now runs on the GPU.", False)
        if self._start_after_load:
            self._start_after_load = False
            self._begin_capture()
        else:
            self._set_state(State.IDLE)

    def _on_model_failed(self, generation: int, exc: BaseException) -> None:
        if not self._current(generation):
            return
        loader, self._loader, quiet = self._loader, None, self._quiet
        self._start_after_load, self._quiet, self._gpu_fetched = False, False, False
        self.modelPhase.emit("")
        self._set_state(State.IDLE)
        if isinstance(exc, DownloadCancelled) or quiet:
            log.info("loading %s in the background failed: %s", loader.request.label, exc)
            return
        text, offer_folder = describe_model_error(exc, loader.request)
        self.modelFailed.emit(text, offer_folder)

    def model_description(self) -> str:
        return describe_transcriber(self._transcriber) if self._transcriber is not None else ""

    # -- capture -------------------------------------------------------------
    def _begin_capture(self) -> None:
        from captioner.engine.live.open import channels_of

        self.refiner.pause()  # the live session has the model to itself
        self._set_state(State.STARTING)
        self._started = False
        info = SessionInfo(model=self._transcriber.name, device=f"{self._transcriber.device} ({self._transcriber.compute_type})",
                           labels={channel: label.strip() for channel, label in self.settings.labels.items()})  # as its channels are called
        self.merger, self.transcript = CaptionMerger(info.labels), Transcript(labels=info.labels)
        self.errors, self._inputs_said = [], {}
        self._remade, self._saved_finals = [], 0
        self.info, self.live = info, None
        self._writers = self._open_autosave(info)
        try:
            source = self._source_factory(self.settings)  # the microphone's takes the level meter's stream
        except Exception as exc:  # a bad file name, a bad device id
            if self.monitor is not None:
                self.monitor.pause()
            self._fail_start(str(exc))
            return
        if self.monitor is not None:
            self.monitor.pause()  # no other stream on the device while the session holds it
        channels = channels_of(source)
        info.source = " + ".join(f"{ch.label}: {ch.source.description}" for ch in channels) if channels else getattr(source, "description", "")
        info.channels = tuple(ch.kind for ch in channels)
        bridge = SessionBridge()
        bridge.caption.connect(self._on_caption)
        bridge.status.connect(self._on_status)
        bridge.error.connect(self._on_session_error)
        gen = self._latest.next()
        bridge.closed.connect(lambda: self._on_closed(gen))
        settings = self.settings
        transcript = info.srt_path or info.txt_path
        options = settings.session_options(status_interval_s=0.1)
        live = LiveSession(self._transcriber, source, options, outputs=self._writers, sinks=[bridge], labels=info.labels,
                           srt_labels=settings.srt_labels, vocabulary=settings.vocabulary, model=self._model_spec(),
                           record_beside=transcript if settings.recording != RECORD_NEVER else None,
                           on_status=bridge.on_status, on_error=bridge.on_error, warn=lambda text: self.message.emit("warning", text),
                           feed_transcript=False)
        session = live.session
        info.audio_paths = live.audio_paths
        self._bridge, self.session, self.info, self.live, self.transcript = bridge, session, info, live, live.transcript
        monitor = self.monitor

        def open_source() -> None:
            if monitor is not None:
                monitor.wait_stopped(2.0)  # a stream still closing would be closed by opening another
            session.start()

        task = Task(open_source, name="captioner-open-source")
        task.done.connect(lambda _r: self._on_source_open(gen))
        task.failed.connect(lambda exc: self._on_source_failed(gen, exc))
        task.start()

    def _open_autosave(self, info: SessionInfo) -> list[GuardedWriter]:
        if not self.settings.autosave:
            return []
        writers, warning = open_session_files(self.settings.sessions_dir(), info, self._autosaveReported.emit,
                                               srt_labels=self.settings.srt_labels)
        if warning:
            self.message.emit("warning", warning)
        return writers

    def _refine_when_done(self, info: SessionInfo) -> None:
        """At Stop: refine the session's transcript from its audio in the background (when set so, and its autosave files
        hold every caption: else the window keeps the captions to export), then anything paused."""
        transcript = info.srt_path or info.txt_path
        settings = self.settings
        if self.live is not None and self.live.to_refine(refine=settings.refine_at_stop and self._transcriber is not None,
                                                         drop_unrefined=settings.recording == RECORD_UNTIL_REFINED):
            told = any(f.speaker for f in self.merger.finals)  # the session told speakers apart: so does its refine
            speakers = (settings.speakers_option() or True) if told else False
            self.refiner.refine(RefineJob(transcript, self._transcriber.recognizer, vocabulary=settings.vocabulary,
                                          language=self.model_request().decode_language, srt_labels=settings.srt_labels,
                                          delete_audio=settings.recording == RECORD_UNTIL_REFINED, kinds=info.channels,
                                          speakers=speakers, live=tuple(self.merger.finals),
                                          labels=dict(info.labels), info=info))
        self.refiner.resume()

    def refine_past(self, path: str | Path) -> str:
        """Refine a past session (its .srt or .txt) from its recorded audio in the background; shown when done.
        Returns "" once it is queued, else why it cannot be."""
        from captioner.engine.offline.session_files import NothingToRefine, find_session

        why = offline_blocked(self.busy, self._transcriber)
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
        settings = self.settings
        self.refiner.refine(RefineJob(srt, self._transcriber.recognizer, language=self.model_request().decode_language,
                                      srt_labels=settings.srt_labels, delete_audio=settings.recording == RECORD_UNTIL_REFINED,
                                      speakers=settings.speakers_option(), info=info, show=True))
        return ""

    def transcribe_recording(self, path: str | Path) -> str:
        """Transcribe an audio or video file offline in the background, after any queued before it; when done its transcript
        is saved in the sessions folder (as `<file name>.srt/.txt/.vtt`) and shown. Returns "" once it is queued, else why
        it cannot be."""
        why = offline_blocked(self.busy, self._transcriber)
        if why:
            return why
        path = Path(path)
        info = SessionInfo(model=self._transcriber.name, source=path.name)
        self.refiner.refine(RefineJob(None, self._transcriber.recognizer, vocabulary=self.settings.vocabulary,
                                      language=self.model_request().decode_language, srt_labels=self.settings.srt_labels,
                                      speakers=self.settings.speakers_option(), info=info, show=True, recording=path,
                                      save_to=self.settings.sessions_dir()))
        return ""

    def _on_refined(self, job: RefineJob, events: list[CaptionEvent]) -> None:
        """A refined session still shown (no session since), or one asked for (File → Refine a past session's transcript…), shows and exports its refined captions."""
        info = job.info
        if info is None or self.state is not State.IDLE or not (job.show or info is self.info):
            return
        self.info = info
        self.merger = CaptionMerger(info.labels)
        updates = [self.merger.apply(event) for event in events]
        self.transcript = Transcript(self.merger.finals, labels=info.labels, refined=job.recording is None,
                                     srt_labels=self.settings.srt_labels)
        if job.recording is not None and job.saved:
            info.srt_path = next((p for p in job.saved if p.suffix == ".srt"), None)
            info.txt_path = next((p for p in job.saved if p.suffix == ".txt"), None)
        self._saved_finals = 0 if job.recording is not None and not job.saved else len(events)  # unsaved: kept for Export
        if job.labels is not None and dict(info.labels) != job.labels and job.recording is None:
            from captioner.subtitles import SubtitleFileError

            try:  # a speaker was named while the refine ran: its files say the name too
                self._write_again(info)
            except (SubtitleFileError, OSError) as exc:
                self.message.emit("warning", f"The refined files could not take the speakers' names: {exc}")
        if job.save_error:
            self.message.emit("warning", f"{job.save_error} The transcript is shown: File → Export saves it elsewhere.")
        info.refined = job.recording is None
        self.transcriptRefined.emit(info, updates)

    def _on_autosave_report(self, report: AutosaveReport) -> None:
        """What happened to an autosave file (queued here from the engine thread), said in the banner."""
        if report.path not in (*(w.path for w in self._writers), *(self.info.audio_paths if self.info else ())):
            return  # a session that has ended
        if report.what == REMADE:
            self._remade = [*(p for p in self._remade if p != report.path), report.path]
            names = [p.name for p in self._remade]
            named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            verb = "is" if len(self._remade) == 1 else "are"
            self.autosaveMessage.emit("warning", f"Files of the session were deleted during it: {named} {verb} back in "
                                                 f"{report.path.parent}, with everything so far.")
        elif report.what == FAILED:
            text = f"Autosave stopped: {report.error} The captions still show here and can be exported."
            self.errors.append(text)
            self.autosaveMessage.emit("warning", text)
        else:
            self.autosaveMessage.emit("info", f"Autosave works again: {report.path.name} holds everything captioned so far.")

    def _on_source_open(self, generation: int) -> None:
        if not self._latest.is_current(generation) or self.session is None or self._started:
            return  # stale, or the session already ended (a short file read at full speed)
        session = self.session
        self._started = True
        self._set_state(State.RUNNING)
        self.sessionStarted.emit(self.info)
        if self._stop_requested:
            self._set_state(State.STOPPING)
            session.stop()

    def _on_source_failed(self, generation: int, exc: BaseException) -> None:
        if not self._latest.is_current(generation) or self.session is None:
            return
        self._fail_start(str(exc))

    def _fail_start(self, text: str) -> None:
        discard_outputs(self._writers, getattr(self.session, "recorder", None))  # no audio came: its files go
        self.session, self._bridge, self._writers = None, None, []
        self.message.emit("error", text)
        self._set_state(State.IDLE)
        if self.monitor is not None:
            self.monitor.resume()
        self.refiner.resume()

    def _on_caption(self, event: CaptionEvent) -> None:
        self.transcript.add(event)
        update = self.merger.apply(event)
        if update.kind != "ignored":
            self.captionUpdate.emit(update)

    def _on_status(self, status: SessionStatus) -> None:
        self.statusUpdate.emit(status)
        self.delayUpdate.emit(caption_delay_s(status.lag_s, status.audio_s, self.merger.latest_end_s))

    def _on_session_error(self, error: SessionProblem) -> None:
        if error.remade:  # the recording, made again with the autosave files: one banner names them all
            self._on_autosave_report(AutosaveReport(Path(error.remade), REMADE))
            return
        self.errors.append(error.message)
        text = self._said_by_inputs(error) if error.channel and not error.fatal else error.message
        if error.over:  # a problem is over: said, then it goes by itself
            self.passingMessage.emit("info", text)
        else:
            self.message.emit("error" if error.fatal else "warning", text)

    def _said_by_inputs(self, error: SessionProblem) -> str:
        """What each input of a meeting said last, one line each (in the order they first spoke): the banner shows one
        notice, and one input's word must not hide another's ("Others: The sound server is back" after "You: … back")."""
        self._inputs_said[error.channel] = error.message
        return "\n".join(self._inputs_said.values())

    def _on_closed(self, generation: int) -> None:
        if not self._latest.is_current(generation) or self._bridge is None:
            return
        info = self.info
        if info is not None and self.live is not None:
            info.autosave_failed = not self.live.saved
            if self._writers and not info.autosave_failed:
                self._saved_finals = len(self.merger.finals)
            removed = self.live.finish()  # a session with no captions leaves no empty file
            if info.srt_path in removed:
                info.srt_path, info.autosave_removed = None, True
            if info.txt_path in removed:
                info.txt_path, info.autosave_removed = None, True
        self._bridge, self._writers = None, []
        if not self._started:
            self._started = True
            self.sessionStarted.emit(info)
        self._set_state(State.IDLE)
        self.sessionFinished.emit(info)
        if info is not None:
            self._refine_when_done(info)
        if self.monitor is not None:
            self.monitor.resume()
        if self.preload_models:
            self.preload()  # the model was changed in Settings meanwhile

    def _set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.stateChanged.emit(state)
