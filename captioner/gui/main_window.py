"""The main window: Start/Stop, the input and model pickers, the transcript, the status line, menus.

The pickers, the download panel and the status line are widgets of their own
(device_picker, model_picker, status_line); they report by signals and the
window routes those: notices to the message bar, requests to the controller.
Its parts with a job of their own: the session's start/stop and state (window_session),
the file dialogs and Export (window_files), the model's status (window_model), the
refines' progress (window_refine), closing (window_close), the menus (window_menus).
"""

from __future__ import annotations

import base64
from pathlib import Path

from PySide6.QtCore import QByteArray, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from captioner.gui.actions import AppActions
from captioner.gui.controller import SessionController
from captioner.gui.device_picker import DevicePicker
from captioner.gui.device_watcher import DeviceWatcher
from captioner.gui.download_panel import DownloadPanel
from captioner.gui.gpu_support import GPU_SUPPORT_ACTION
from captioner.gui.message_bar import MessageBar
from captioner.gui.model_picker import ModelPicker
from captioner.gui.settings_store import SettingsStore
from captioner.gui.status_line import StatusLine
from captioner.gui.system_picker import SystemAudioPicker, list_outputs
from captioner.gui.transcript_view import TEXT_STEP_PT, TranscriptView
from captioner.gui.window_close import CloseGuard
from captioner.gui.window_files import FileCommands, local_files
from captioner.gui.window_menus import build_menus, set_tab_order
from captioner.gui.window_model import CHOOSE_FOLDER_ACTION, ModelStatus
from captioner.gui.window_refine import REFINE_CAUSE, RefineStatus
from captioner.gui.window_session import SESSION_CAUSE, SessionControls
from captioner.settings import TRANSCRIPT_TEXT_PT

__all__ = ["MainWindow"]

AUTOSAVE_CAUSE = "autosave"  # notices about the session's autosave files (the newest replaces the one before)
OPEN_AUTOSAVE_ACTION = "open-autosave"  # the banner's key for opening the autosave folder
DEFAULT_SIZE = (900, 620)  # pixels: the window's size before one is remembered
OUTPUTS_POLL_MS = 5000  # how often the list of outputs is read again, where devices are watched
COPIED_FLASH_MS = 3000  # how long the status line says the transcript was copied


class MainWindow(QMainWindow):
    """The app's main window: it lays out the pickers, the transcript and the status line, routes the controller's
    signals to them through its parts, and offers the commands the app, the tray and the tests call."""

    closed = Signal()  # the window has really closed (after the session finished)

    def __init__(
        self,
        store: SettingsStore,
        controller: SessionController,
        actions: AppActions,
        *,
        devices: DeviceWatcher | None = None,
        monitor=None,
        output_monitor=None,
    ) -> None:
        super().__init__()
        self.store = store
        self.controller = controller
        self.actions = actions
        self.monitor = monitor
        self.setWindowTitle("Captioner")
        self.setAcceptDrops(True)  # audio or video files dropped on the window are transcribed
        self.setObjectName("mainWindow")
        self.resize(*DEFAULT_SIZE)

        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("startButton")
        self.start_button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)
        self.start_button.clicked.connect(self.toggle_session)
        self.device_picker = DevicePicker(store, devices=devices, monitor=monitor)
        outputs = DeviceWatcher(list_outputs, interval_ms=OUTPUTS_POLL_MS if devices is not None else 0)
        self.system_picker = SystemAudioPicker(store, outputs=outputs, monitor=output_monitor)
        self.model_picker = ModelPicker(store)
        self.download_panel = DownloadPanel()
        self.message_bar = MessageBar()
        self.transcript = TranscriptView()
        if store.settings.transcript_text_size:
            self.transcript.set_text_size(store.settings.transcript_text_size)
        self.status_line = StatusLine()
        self.status_line.set_click_through(store.settings.overlay.click_through)
        self.statusBar().addPermanentWidget(self.status_line, 1)
        self._make_parts()

        controls = QWidget()
        controls.setObjectName("controls")
        row = QHBoxLayout(controls)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        row.addWidget(self.start_button)
        pickers = QVBoxLayout()
        pickers.setSpacing(6)
        pickers.addWidget(self.system_picker)
        pickers.addWidget(self.device_picker)
        self.system_picker.modeChosen.connect(self.session.mode_chosen)
        self.session.mode_chosen(self.system_picker.mode)
        pickers.addWidget(self.model_picker)
        row.addLayout(pickers, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(controls)
        layout.addWidget(self.download_panel)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.transcript, 1)
        self.setCentralWidget(central)
        # Tab goes as the eye reads: Start first, then the pickers top to bottom, then the transcript
        set_tab_order([
            self.start_button,
            self.system_picker.mode_combo,
            self.system_picker.output_combo,
            self.system_picker.refresh_button,
            self.device_picker.combo,
            self.device_picker.refresh_button,
            self.model_picker.combo,
            self.model_picker.compute_combo,
            self.transcript.text,
        ])
        build_menus(self, actions)
        self._connect_actions()
        self._connect_controller()
        self._restore_geometry()
        self.session.on_state(controller.state)
        self.model.show()

    def _make_parts(self) -> None:
        """The parts that do the window's work: the session, the file dialogs, the model, the refines, closing."""
        c = self.controller
        self.session = SessionControls(
            c, self.actions, self.start_button, (self.system_picker, self.device_picker, self.model_picker),
            self.transcript, self.message_bar, self.status_line, monitor=self.monitor,
            may_clear_unsaved=lambda: self.files.may_clear_unsaved(), show_model_status=lambda: self.model.show())
        self.files = FileCommands(
            self, self.store, c, self.message_bar, self.status_line, show_message=self.show_message,
            session_info=lambda: self.session.info, start_file=self.start_file_session)
        self.model = ModelStatus(self.store, c, self.model_picker, self.download_panel, self.message_bar, self.status_line,
                                 show_message=self.show_message)
        self.refines = RefineStatus(c, self.transcript, self.message_bar, self.status_line, show_message=self.show_message,
                                    shown=lambda info: setattr(self.session, "info", info))
        self.closing = CloseGuard(self, self.store, c, (self.device_picker, self.system_picker), monitor=self.monitor,
                                  may_clear_unsaved=self.files.may_clear_unsaved, closed=self.closed.emit)

    def _connect_actions(self) -> None:
        a = self.actions
        a.start_stop.triggered.connect(self.toggle_session)
        a.caption_file.triggered.connect(self.files.caption_file)
        a.refine.triggered.connect(self.refine_transcript)
        a.transcribe.triggered.connect(self.transcribe_recording)
        for kind, action in a.export_as.items():
            action.triggered.connect(lambda _checked=False, kind=kind: self.export(kind))
        a.open_autosave.triggered.connect(self.files.open_autosave_folder)
        a.quit.triggered.connect(self.close)
        a.copy_transcript.triggered.connect(self._copy_transcript)
        a.find.triggered.connect(self.transcript.show_find)
        a.larger_text.triggered.connect(lambda: self.set_text_size(self.transcript.text_size + TEXT_STEP_PT))
        a.smaller_text.triggered.connect(lambda: self.set_text_size(self.transcript.text_size - TEXT_STEP_PT))
        a.normal_text.triggered.connect(lambda: self.set_text_size(0))
        self.transcript.textSizeAsked.connect(self.set_text_size)
        a.clear.triggered.connect(self.transcript.clear)
        a.show_window.triggered.connect(self.bring_to_front)

    def _connect_controller(self) -> None:
        c, refiner = self.controller, self.controller.refiner
        self.device_picker.message.connect(self.session.device_notice)
        self.model_picker.message.connect(self.message_bar.show_notice)
        for part in (self.device_picker, self.model_picker):
            part.resolved.connect(self.message_bar.clear)
        self.model_picker.downloadRequested.connect(self.model.download)
        self.download_panel.cancelRequested.connect(c.model.cancel)
        self.message_bar.actionTriggered.connect(self._message_action)
        self.status_line.openAutosave.connect(self.files.open_autosave_folder)
        c.stateChanged.connect(self.session.on_state)
        c.stateChanged.connect(self.closing.on_state)
        c.captionUpdate.connect(self.transcript.apply)
        c.model.phase.connect(self.model.on_phase)
        c.model.progress.connect(self.download_panel.set_progress)
        c.model.ready.connect(lambda _d: self.model.show())
        c.model.ready.connect(lambda _d: self.model_picker.measure(c.model.transcriber))  # the expected delay
        c.model.failed.connect(self.model.on_failed)
        c.model.message.connect(self.show_message)
        c.notices.message.connect(self.show_message)
        c.notices.passingMessage.connect(lambda level, text: self.message_bar.show_passing(level, text, SESSION_CAUSE))
        c.model.gpuMessage.connect(self.model.gpu_notice)
        c.notices.autosaveMessage.connect(lambda level, text: self.show_message(level, text, cause=AUTOSAVE_CAUSE))
        c.statusUpdate.connect(self.session.on_status)
        c.delayUpdate.connect(self.status_line.set_delay)
        c.sessionStarted.connect(self.session.on_started)
        c.sessionFinished.connect(self.session.on_finished)
        c.labelsChanged.connect(self.transcript.set_labels)
        self.transcript.nameSpeaker.connect(self.ask_speaker_name)
        c.refines.refined.connect(self.refines.on_refined)
        refiner.progress.connect(self.refines.on_progress)
        refiner.stopped.connect(self.refines.on_stopped)
        refiner.queued.connect(self.refines.show)
        refiner.phase.connect(self.refines.on_phase)
        refiner.failed.connect(self.refines.on_failed)
        refiner.cancelled.connect(self.refines.on_cancelled)
        refiner.finished.connect(lambda *_: self.message_bar.clear(REFINE_CAUSE))  # a retry that worked: the failure is past
        self.status_line.cancelRefine.connect(refiner.cancel)
        self.status_line.cancelAllRefines.connect(refiner.cancel_all)
        self.store.changed.connect(self._settings_changed)

    # -- session --------------------------------------------------------------
    def toggle_session(self) -> None:
        """Start a session when none runs; else stop the one preparing or running."""
        self.session.toggle()

    def selected_device(self) -> str | None:
        return self.device_picker.selected()

    def start_session(self, source_factory=None, *, file_name: str = "") -> bool:
        """Start a session on the input chosen, or on what `source_factory` makes; False when none starts."""
        return self.session.start(source_factory, file_name=file_name)

    def start_file_session(self, path: str, realtime: bool = True) -> bool:
        """Caption the audio file at `path` as if live (at its own pace unless `realtime` is False)."""
        return self.session.start_file(path, realtime)

    def transcribe_recording(self, path: str = "") -> None:
        """Transcribe audio or video files offline (File → Transcribe a recording (most accurate)…, several may be chosen)."""
        self.files.transcribe_recording(path)

    def refine_transcript(self, path: str = "") -> None:
        """Refine a past session that still has its audio (File → Refine a past session's transcript…)."""
        self.files.refine_transcript(path)

    def export(self, kind: str, path: str | None = None) -> Path | None:
        """Export the session's captions; asks for a file unless `path` is given."""
        return self.files.export(kind, path)

    def ask_speaker_name(self, speaker: str, label: str) -> None:
        """Ask what to call a speaker found by voice; every caption of theirs, the overlay and the files follow."""
        name, ok = QInputDialog.getText(self, "Name the speaker", f"Who is {label}? (the same name for two speakers shows them as one)",
                                        text="" if label.startswith("Speaker ") else label)
        if ok:
            self.name_speaker(speaker, name)

    def name_speaker(self, speaker: str, name: str) -> None:
        from captioner.subtitles import SubtitleFileError

        try:
            self.controller.name_speaker(speaker, name)
        except SubtitleFileError as exc:
            self.show_message("warning", f"The name is shown, but the session's files could not be written again: {exc}")

    # -- messages ---------------------------------------------------------------
    def show_message(self, level: str, text: str, action: tuple[str, str] | None = None, cause: str = SESSION_CAUSE) -> None:
        """A notice in the banner; it stays until its cause clears or the next session starts."""
        self.message_bar.show_message(level, text, action, cause)

    def _message_action(self, key: str) -> None:
        if key == CHOOSE_FOLDER_ACTION[1]:
            self.model.choose_folder()
        elif key == OPEN_AUTOSAVE_ACTION:
            self.files.open_autosave_folder()
        elif key == GPU_SUPPORT_ACTION[1]:
            self.model.get_gpu_support()

    def _settings_changed(self, settings) -> None:
        self.model.show()
        self.status_line.set_click_through(settings.overlay.click_through)

    # -- transcript ---------------------------------------------------------------
    def set_text_size(self, points: float) -> None:
        """The transcript's text at `points` (within TRANSCRIPT_TEXT_PT; 0: the default size), kept for the next start."""
        if points:
            points = min(max(points, TRANSCRIPT_TEXT_PT[0]), TRANSCRIPT_TEXT_PT[1])
        self.transcript.set_text_size(points)
        if points != self.store.settings.transcript_text_size:
            self.store.update(transcript_text_size=points)

    def _copy_transcript(self) -> None:
        self.transcript.copy_all()
        self.status_line.flash("Transcript copied", COPIED_FLASH_MS)

    # -- window ------------------------------------------------------------------------
    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _restore_geometry(self) -> None:
        data = self.store.settings.main_window_geometry
        if data:
            try:
                self.restoreGeometry(QByteArray(base64.b64decode(data)))
            except ValueError:
                pass

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Audio or video files dropped on the window are transcribed, one after another."""
        paths = local_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.files.transcribe_recordings(paths)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.closing.close_event(event)
