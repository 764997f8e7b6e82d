"""A session's life: model (download, load, warm-up) → autosave files → capture → stop → files closed → refine.

The controller is the adapter from the app layer (`app.live.LiveSession`, the model's load, the refine queue) to Qt
signals. Everything slow runs off the GUI thread (the model's load, the source's opening, the engine's own threads);
the controller only reacts to signals, so the window never freezes. Its parts: the model (`ModelControl`), what the
session says (`SessionNotices`), the session shown (`app.shown.ShownSession`), the offline jobs (`RefineJobs`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.app.autosave import GuardedWriter, SessionInfo, open_session_files
from captioner.app.live import LiveSession, discard_outputs
from captioner.app.merge import caption_delay_s
from captioner.app.shown import ShownSession
from captioner.channels import MODE_MICROPHONE
from captioner.events import CaptionEvent, SessionStatus
from captioner.gui.bridge import SessionBridge
from captioner.gui.model_control import ModelControl
from captioner.gui.refine_jobs import RefineJobs
from captioner.gui.refiner import Refiner
from captioner.gui.session_notices import SessionNotices
from captioner.gui.settings_store import SettingsStore
from captioner.gui.tasks import Latest, Task
from captioner.settings import RECORD_NEVER, Settings

__all__ = ["SessionController", "SessionInfo", "SourceFactory", "State"]


class State(enum.Enum):
    """Where the controller's session is in its life."""

    IDLE = "idle"
    PREPARING = "preparing"  # finding, downloading or loading the model (or the GPU's libraries for it)
    STARTING = "starting"  # opening the audio source
    RUNNING = "running"
    STOPPING = "stopping"  # finishing the segment in flight, closing files


SourceFactory = Callable[[Settings], object]


def meeting_inputs(settings: Settings, device: str | None) -> list:
    """The channels of a session that listens to what the settings' mode says: the microphone `device`, system audio."""
    from captioner.app.inputs import meeting_inputs as channels

    return channels(settings.capture_mode, device, settings.output_device, labels=settings.labels)


def open_microphone(monitor, device: str | None):
    """The idle level meter's stream (`monitor`) when it runs on `device` (capture goes on from the press),
    else a new stream (opened by session.start(), off the GUI thread)."""
    from captioner.audio.loopback import microphone_source
    from captioner.gui.level_monitor import HandedOverSource

    handover = monitor.hand_over(device) if monitor is not None else None
    return HandedOverSource(handover, lambda: microphone_source(device or None))


class SessionController(QObject):
    """The app's sessions for the window: the model (`model`) they caption with, the live session
    (`app.live.LiveSession`) it starts and stops, what the session says (`notices`), the session shown (`shown`), and
    the offline jobs (`refines`, run by `refiner`), each reported as Qt signals on the GUI thread."""

    stateChanged = Signal(object)  # State
    captionUpdate = Signal(object)  # MergeUpdate
    statusUpdate = Signal(object)  # SessionStatus
    delayUpdate = Signal(float)  # seconds the captions trail the live audio
    sessionStarted = Signal(object)  # SessionInfo
    labelsChanged = Signal(object)  # the session's labels (by channel and speaker id), after a speaker was named
    sessionFinished = Signal(object)  # SessionInfo

    def __init__(self, store: SettingsStore, *, monitor=None) -> None:
        super().__init__()
        self.store = store  # the one copy of the settings; read it, never keep a copy
        self.monitor = monitor  # a LevelMonitor to pause while a session holds the device
        self.state = State.IDLE
        self.model = ModelControl(store, idle=lambda: self.state is State.IDLE)
        self.model.began.connect(lambda: self._set_state(State.PREPARING))
        self.model.loaded.connect(self._on_model_loaded)
        self.model.stopped.connect(self._on_model_stopped)
        self.shown = ShownSession()  # the captions the window shows, as its files and Export keep them
        self.notices = SessionNotices(lambda path: path in (*(w.path for w in self._writers),
                                                            *(self.info.audio_paths if self.info else ())))
        self.live: LiveSession | None = None
        self.session = None
        self._start_after_load = False  # Start waits for the model loading now: capture begins once it is loaded
        self._microphone_source: SourceFactory = lambda settings: open_microphone(self.monitor, settings.input_device or None)
        self._source_factory: SourceFactory = self._microphone_source
        self._bridge: SessionBridge | None = None
        self._writers: list[GuardedWriter] = []
        self._stop_requested = False
        self._started = False
        self._latest = Latest()  # the sessions' tickets; a stale session's signals are ignored
        self.refiner = Refiner(self)  # refines finished sessions in the background; pauses while a session runs
        self.refines = RefineJobs(store, self.model, self.shown, self.refiner, idle=lambda: self.state is State.IDLE,
                                  say=self.notices.message.emit)

    # -- public API ----------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self.store.settings

    @property
    def busy(self) -> bool:
        return self.state is not State.IDLE

    @property
    def info(self) -> SessionInfo | None:
        """The session shown: the last one run, or a refine or transcription shown since."""
        return self.shown.info

    @property
    def finals(self) -> list[CaptionEvent]:
        return self.shown.finals

    @property
    def unsaved(self) -> bool:
        """Whether the last session has captions that are on disk nowhere: autosave was off or failed,
        and they were not exported since."""
        return self.state is State.IDLE and self.shown.unsaved

    def prepare(self) -> bool:
        """Download and load the chosen model without starting a session."""
        if self.state is not State.IDLE:
            return False
        if self.model.loaded_for(self.model.request()):
            return True
        self._start_after_load = False
        self.model.load()
        return True

    def start(self, source_factory: SourceFactory | None = None) -> bool:
        """Start captioning the settings' input (or `source_factory(settings)`); False if busy."""
        if self.model.loading and not self._start_after_load and self.state in (State.IDLE, State.PREPARING):
            # a download started with prepare(), or the model loading in the background: start when it ends
            self._start_after_load, self._stop_requested = True, False
            self.model.wait()
            self._source_factory = source_factory or self._microphone_source
            self._set_state(State.PREPARING)
            return True
        if self.state is not State.IDLE:
            return False
        self._source_factory = source_factory or self._microphone_source
        self._stop_requested = False
        if self.model.loaded_for(self.model.request()):
            self._begin_capture()
        else:
            self._start_after_load = True
            self.model.load()
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
            self.model.cancel()
        elif self.state is State.STARTING:
            self._stop_requested = True
            self._set_state(State.STOPPING)
        elif self.state is State.RUNNING:
            self._set_state(State.STOPPING)
            self.session.stop()

    def name_speaker(self, speaker: str, name: str) -> None:
        """Call the speaker `speaker` (an id, "speaker-2") `name` in this session: in the transcript, the overlay and its
        files, past captions and future ones. An empty name gives back "Speaker 2"; naming two speakers alike shows them
        as one person. Raises SubtitleFileError when a finished session's file cannot be written again."""
        if self.info is None:
            return
        labels = self.shown.rename_speaker(speaker, name, self._writers, srt_labels=self.settings.srt_labels)
        self.labelsChanged.emit(labels)

    def export(self, kind: str, path: str | Path) -> None:
        """Write the session's final captions in the format named `kind` ("srt", "txt", "vtt": subtitles.formats);
        raises SubtitleFileError."""
        self.shown.export(kind, path, srt_labels=self.settings.srt_labels)

    # -- the model's load, for a Start that waits -----------------------------
    def _on_model_loaded(self, _transcriber) -> None:
        if self._start_after_load:
            self._start_after_load = False
            self._begin_capture()
        else:
            self._set_state(State.IDLE)

    def _on_model_stopped(self) -> None:
        self._start_after_load = False  # the Start it was loading for is over with it
        self._set_state(State.IDLE)

    # -- capture -------------------------------------------------------------
    def _begin_capture(self) -> None:
        from captioner.engine.live.open import channels_of

        self.refiner.pause()  # the live session has the model to itself
        self._set_state(State.STARTING)
        self._started = False
        transcriber, settings = self.model.transcriber, self.settings
        info = SessionInfo(model=transcriber.name, device=f"{transcriber.device} ({transcriber.compute_type})",
                           labels={channel: label.strip() for channel, label in settings.labels.items()})  # as its channels are called
        self.shown.begin(info)
        self.notices.begin()
        self.live = None
        self._writers = []
        if settings.autosave:
            self._writers, warning = open_session_files(settings.sessions_dir(), info, self.notices.reported.emit,
                                                        srt_labels=settings.srt_labels)
            if warning:
                self.notices.warn(warning)
        try:
            source = self._source_factory(settings)  # the microphone's takes the level meter's stream
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
        bridge.error.connect(self.notices.on_problem)
        gen = self._latest.next()
        bridge.closed.connect(lambda: self._on_closed(gen))
        transcript = info.srt_path or info.txt_path
        options = settings.session_options(status_interval_s=0.1)
        live = LiveSession(transcriber, source, options, outputs=self._writers, sinks=[bridge], labels=info.labels,
                           srt_labels=settings.srt_labels, vocabulary=settings.vocabulary, model=self.model.spec(),
                           record_beside=transcript if settings.recording != RECORD_NEVER else None,
                           on_status=bridge.on_status, on_error=bridge.on_error, warn=self.notices.warn,
                           feed_transcript=False)
        session = live.session
        info.audio_paths = live.audio_paths
        self._bridge, self.session, self.live, self.shown.transcript = bridge, session, live, live.transcript
        monitor = self.monitor

        def open_source() -> None:
            if monitor is not None:
                monitor.wait_stopped(2.0)  # a stream still closing would be closed by opening another
            session.start()

        task = Task(open_source, name="captioner-open-source")
        task.done.connect(lambda _r: self._on_source_open(gen))
        task.failed.connect(lambda exc: self._on_source_failed(gen, exc))
        task.start()

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
        self.notices.message.emit("error", text)
        self._set_state(State.IDLE)
        if self.monitor is not None:
            self.monitor.resume()
        self.refiner.resume()

    def _on_caption(self, event: CaptionEvent) -> None:
        update = self.shown.apply(event)
        if update.kind != "ignored":
            self.captionUpdate.emit(update)

    def _on_status(self, status: SessionStatus) -> None:
        self.statusUpdate.emit(status)
        self.delayUpdate.emit(caption_delay_s(status.lag_s, status.audio_s, self.shown.merger.latest_end_s))

    def _on_closed(self, generation: int) -> None:
        if not self._latest.is_current(generation) or self._bridge is None:
            return
        info = self.info
        if info is not None and self.live is not None:
            info.autosave_failed = not self.live.saved
            if self._writers and not info.autosave_failed:
                self.shown.all_saved()
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
            self.refines.after_session(self.live, info)
        if self.monitor is not None:
            self.monitor.resume()
        if self.model.preload_models:
            self.model.preload()  # the model was changed in Settings meanwhile

    def _set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.stateChanged.emit(state)
