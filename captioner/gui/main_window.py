"""The main window: Start/Stop, the input and model pickers, the transcript, the status line, menus.

The pickers, the download panel and the status line are widgets of their own
(device_picker, model_picker, status_line); they report by signals and the
window routes those: notices to the message bar, requests to the controller.
"""

from __future__ import annotations

import base64
import logging
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QStandardPaths, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from captioner.channels import MODE_SYSTEM, SYSTEM
from captioner.gui.actions import START_SHORTCUT, AppActions
from captioner.gui.controller import SessionController, SessionInfo, State
from captioner.gui.device_picker import DEVICE_CAUSE, DevicePicker
from captioner.gui.device_watcher import DeviceWatcher
from captioner.gui.download_panel import DownloadPanel
from captioner.gui.gpu_support import GPU_CAUSE, GPU_SUPPORT_ACTION
from captioner.gui.message_bar import MessageBar, Notice
from captioner.gui.model_picker import MODEL_CAUSE, ModelPicker
from captioner.gui.refiner import refine_text
from captioner.gui.settings_store import SettingsStore
from captioner.gui.status_line import StatusLine
from captioner.gui.system_picker import SystemAudioPicker, list_outputs
from captioner.gui.transcript_view import TEXT_STEP_PT, TranscriptView
from captioner.settings import TRANSCRIPT_TEXT_PT
from captioner.subtitles.formats import format_named

__all__ = ["MainWindow", "can_open_folders", "free_name", "local_files", "model_status_text"]

log = logging.getLogger(__name__)

SESSION_CAUSE = "session"  # notices about the session; the next session's start clears them
AUTOSAVE_CAUSE = "autosave"  # notices about the session's autosave files (the newest replaces the one before)
REFINE_CAUSE = "refine"  # a refine's or a transcription's failure or cancel (the next one that succeeds clears it)
HEARD_NOTHING_CAUSE = "heard-nothing"  # a recording transcribed had no speech (the next transcription or refine clears it)
CLOSE_TIMEOUT_MS = 8000  # closing waits this long at most for the session to finish
MEDIA_FILTER = "Audio and video files (*.wav *.flac *.mp3 *.ogg *.opus *.m4a *.aac *.webm *.mp4 *.mkv *.mov);;All files (*)"


def local_files(mime) -> list[str]:
    """The local files a drag carries (a drop of text or of web links carries none)."""
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


BUTTON = {  # state: (text, tooltip, style property)
    State.IDLE: ("Start", f"Start captioning ({START_SHORTCUT})", "idle"),
    State.PREPARING: ("Cancel", "Stop preparing the model", "preparing"),
    State.STARTING: ("Stop", f"Stop captioning ({START_SHORTCUT})", "running"),
    State.RUNNING: ("Stop", f"Stop captioning ({START_SHORTCUT})", "running"),
    State.STOPPING: ("Finishing…", "Finishing the last caption and closing the files", "running"),
}


def model_status_text(controller: SessionController) -> str:
    """The model in use ("tiny.en · CPU int8"), or the one chosen and where it will run."""
    description = controller.model_description()
    request = controller.model_request()
    if description and controller.model_loaded_for(request):
        return description
    device = {"auto": "Auto", "cuda": "CUDA", "cpu": "CPU"}[request.compute_device]
    return f"{request.label} · {device} (loads on Start)"


def can_open_folders() -> bool:
    """Whether the desktop has something to open a folder with (on Linux: xdg-open and, when
    xdg-mime can tell, a default application for folders)."""
    if not sys.platform.startswith("linux"):
        return True
    if shutil.which("xdg-open") is None:
        return False
    if shutil.which("xdg-mime") is None:
        return True
    try:
        found = subprocess.run(["xdg-mime", "query", "default", "inode/directory"], capture_output=True, text=True, timeout=3)
    except (OSError, subprocess.SubprocessError):
        return True
    return bool(found.stdout.strip())


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem+suffix`, or the first of "stem (2)", "stem (3)", … not taken: an export never proposes a file that
    is there (the session's own autosave file, being written)."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}){suffix}"
    return path


class MainWindow(QMainWindow):
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
        self._closing = False
        self._close_done = False
        self._session_info: SessionInfo | None = None
        self._file_name = ""  # the audio file of a file session, "" for the microphone
        self._refine_progress = (0.0, 0.0, -1.0)  # the refine under way: seconds done, in all, left (-1: not known)
        self._refine_phase = ""  # ... and what it does (decode_whole.DECODING, TELLING_SPEAKERS)
        self.setWindowTitle("Captioner")
        self.setAcceptDrops(True)  # audio or video files dropped on the window are transcribed
        self.setObjectName("mainWindow")
        self.resize(900, 620)

        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("startButton")
        self.start_button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)
        self.start_button.clicked.connect(self.toggle_session)
        self.device_picker = DevicePicker(store, devices=devices, monitor=monitor)
        outputs = DeviceWatcher(list_outputs, interval_ms=5000 if devices is not None else 0)
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
        self.system_picker.modeChosen.connect(self._mode_chosen)
        self._mode_chosen(self.system_picker.mode)
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
        self._set_tab_order()
        self._build_menus()
        self._connect()
        self._restore_geometry()
        self._on_state(controller.state)
        self._show_model_status()

    def _set_tab_order(self) -> None:
        """Tab goes as the eye reads: Start first, then the pickers top to bottom, then the transcript."""
        chain = [
            self.start_button,
            self.system_picker.mode_combo,
            self.system_picker.output_combo,
            self.system_picker.refresh_button,
            self.device_picker.combo,
            self.device_picker.refresh_button,
            self.model_picker.combo,
            self.model_picker.compute_combo,
            self.transcript.text,
        ]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)
        self.start_button.setFocus()

    def _build_menus(self) -> None:
        a = self.actions
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(a.start_stop)
        file_menu.addAction(a.caption_file)
        file_menu.addAction(a.transcribe)
        file_menu.addAction(a.refine)
        file_menu.addSeparator()
        export = file_menu.addMenu("&Export")
        export.addActions(list(a.export_as.values()))
        file_menu.addAction(a.open_autosave)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(a.copy_transcript)
        edit.addAction(a.find)
        edit.addSeparator()
        for action in (a.larger_text, a.smaller_text, a.normal_text):
            edit.addAction(action)
            self.addAction(action)  # its shortcut works wherever the focus is in the window
        edit.addSeparator()
        edit.addAction(a.clear)
        view = self.menuBar().addMenu("&Overlay")
        view.addAction(a.show_overlay)
        view.addAction(a.click_through)
        view.addAction(a.overlay_settings)
        settings = self.menuBar().addMenu("&Settings")
        settings.addAction(a.settings)

    def _connect(self) -> None:
        a, c = self.actions, self.controller
        a.start_stop.triggered.connect(self.toggle_session)
        a.caption_file.triggered.connect(self.caption_file)
        a.refine.triggered.connect(self.refine_transcript)
        a.transcribe.triggered.connect(self.transcribe_recording)
        for kind, action in a.export_as.items():
            action.triggered.connect(lambda _checked=False, kind=kind: self.export(kind))
        a.open_autosave.triggered.connect(self.open_autosave_folder)
        a.quit.triggered.connect(self.close)
        a.copy_transcript.triggered.connect(self._copy_transcript)
        a.find.triggered.connect(self.transcript.show_find)
        a.larger_text.triggered.connect(lambda: self.set_text_size(self.transcript.text_size + TEXT_STEP_PT))
        a.smaller_text.triggered.connect(lambda: self.set_text_size(self.transcript.text_size - TEXT_STEP_PT))
        a.normal_text.triggered.connect(lambda: self.set_text_size(0))
        self.transcript.textSizeAsked.connect(self.set_text_size)
        a.clear.triggered.connect(self.transcript.clear)
        a.show_window.triggered.connect(self.bring_to_front)
        self.device_picker.message.connect(self._device_notice)
        self.model_picker.message.connect(self.message_bar.show_notice)
        for part in (self.device_picker, self.model_picker):
            part.resolved.connect(self.message_bar.clear)
        self.model_picker.downloadRequested.connect(self._download_model)
        self.download_panel.cancelRequested.connect(c.cancel_model)
        self.message_bar.actionTriggered.connect(self._message_action)
        self.status_line.openAutosave.connect(self.open_autosave_folder)
        c.stateChanged.connect(self._on_state)
        c.captionUpdate.connect(self.transcript.apply)
        c.modelPhase.connect(self._on_model_phase)
        c.downloadProgress.connect(self.download_panel.set_progress)
        c.modelReady.connect(lambda _d: self._show_model_status())
        c.modelReady.connect(lambda _d: self.model_picker.measure(c.transcriber))  # the expected delay
        c.modelFailed.connect(self._on_model_failed)
        c.message.connect(self.show_message)
        c.passingMessage.connect(lambda level, text: self.message_bar.show_passing(level, text, SESSION_CAUSE))
        c.gpuMessage.connect(self._gpu_notice)
        c.autosaveMessage.connect(lambda level, text: self.show_message(level, text, cause=AUTOSAVE_CAUSE))
        c.statusUpdate.connect(self._on_status)
        c.delayUpdate.connect(self.status_line.set_delay)
        c.sessionStarted.connect(self._on_session_started)
        c.sessionFinished.connect(self._on_session_finished)
        c.labelsChanged.connect(self.transcript.set_labels)
        self.transcript.nameSpeaker.connect(self.ask_speaker_name)
        c.transcriptRefined.connect(self._on_refined)
        c.refiner.progress.connect(self._on_refine_progress)
        c.refiner.stopped.connect(self._on_refine_stopped)
        c.refiner.queued.connect(self._show_refine)
        c.refiner.phase.connect(self._on_refine_phase)
        c.refiner.failed.connect(self._on_refine_failed)
        c.refiner.cancelled.connect(self._on_refine_cancelled)
        c.refiner.finished.connect(lambda *_: self.message_bar.clear(REFINE_CAUSE))  # a retry that worked: the failure is past
        self.status_line.cancelRefine.connect(c.refiner.cancel)
        self.status_line.cancelAllRefines.connect(c.refiner.cancel_all)
        self.store.changed.connect(self._settings_changed)

    # -- session --------------------------------------------------------------
    def toggle_session(self) -> None:
        state = self.controller.state
        if state is State.IDLE:
            self.start_session()
        elif state in (State.PREPARING, State.STARTING, State.RUNNING):
            self.controller.stop()

    def selected_device(self) -> str | None:
        return self.device_picker.selected()

    def start_session(self, source_factory=None, *, file_name: str = "") -> bool:
        if self.controller.state is State.IDLE:
            if self.controller.unsaved and not self.may_clear_unsaved():
                return False
            self._file_name = file_name
        if source_factory is None:
            device = self.selected_device()
            if device is None and self.device_picker.known_empty and self.system_picker.mode != MODE_SYSTEM:
                self.device_picker.report_missing()
                return False
        self.message_bar.clear_all()  # a new session: what was said about the last one no longer holds
        if source_factory is None:
            return self.controller.start_listening(device)
        return self.controller.start(source_factory)

    def may_clear_unsaved(self, *, closing: bool = False) -> bool:
        """Ask before a new session (or closing the app: `closing`) clears captions that are saved nowhere: Save… (export
        them, then go on), Discard (go on), or Cancel (keep them: no session, the window stays)."""
        info = self._session_info
        why = "Autosave failed for it" if info is not None and info.autosave_failed else "Autosave was off for it"
        box = QMessageBox(QMessageBox.Warning, "Unsaved captions", "The last session's captions are not saved.", parent=self)
        box.setObjectName("unsavedDialog")
        effect = "Closing Captioner loses them" if closing else "Starting a new session clears them from this window"
        box.setInformativeText(f"{why}. {effect}.")
        box.setStandardButtons(QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)
        box.button(QMessageBox.Save).setText("Save…")
        box.button(QMessageBox.Discard).setText("Discard and close" if closing else "Discard and start")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.export("srt") is not None
        return answer == QMessageBox.Discard

    def caption_file(self) -> None:
        if self.controller.busy:
            self.show_message("info", "Stop the current session first.")
            return
        path, _ = QFileDialog.getOpenFileName(self, "Caption an audio file as if live", str(self._media_folder()), MEDIA_FILTER)
        if path:
            self._media_dir = Path(path).parent
            self.start_file_session(path)

    def transcribe_recording(self, path: str = "") -> None:
        """Transcribe audio or video files offline (File → Transcribe a recording (most accurate)…, several may be chosen)."""
        if path:
            self.transcribe_recordings([path])
            return
        paths, _ = QFileDialog.getOpenFileNames(self, "Transcribe recordings", str(self._media_folder()), MEDIA_FILTER)
        if paths:
            self._media_dir = Path(paths[0]).parent
        self.transcribe_recordings(paths)

    def _media_folder(self) -> Path:
        """Where the audio file dialogs open: the folder of the last file chosen, else the Music folder where there is
        one, else the home folder (a folder that is not there would stand in the name field)."""
        music = QStandardPaths.writableLocation(QStandardPaths.MusicLocation)
        for folder in (getattr(self, "_media_dir", None), music and Path(music)):
            if folder and Path(folder).is_dir():
                return Path(folder)
        return Path.home()

    def transcribe_recordings(self, paths) -> None:
        """Queue each file to be transcribed in turn; each transcript is saved in the sessions folder and shown when done."""
        paths = [str(p) for p in paths if p]
        if not paths or (self.controller.unsaved and not self.may_clear_unsaved()):
            return
        for path in paths:
            why = self.controller.transcribe_recording(path)
            if why:
                self.show_message("warning", why)
                return

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if local_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Audio or video files dropped on the window are transcribed, one after another."""
        paths = local_files(event.mimeData())
        if paths:
            event.acceptProposedAction()
            self.transcribe_recordings(paths)

    def refine_transcript(self, path: str = "") -> None:
        """Refine a past session that still has its audio (File → Refine a past session's transcript…)."""
        if not path:
            folder = str(self.store.settings.sessions_dir())
            path, _ = QFileDialog.getOpenFileName(self, "Refine a past session's transcript", folder, "Session transcripts (*.srt *.txt);;All files (*)")
        if path:
            why = self.controller.refine_past(path)
            if why:
                self.show_message("warning", why)

    def start_file_session(self, path: str, realtime: bool = True) -> bool:
        def factory(_settings):
            from captioner.audio.sources import FileSource

            return FileSource(path, realtime=realtime)

        return self.start_session(factory, file_name=Path(path).name)

    def _mode_chosen(self, mode: str) -> None:
        self.device_picker.setVisible(mode != MODE_SYSTEM)  # system audio alone needs no microphone ...
        if self.monitor is not None:
            self.monitor.hold(mode == MODE_SYSTEM)  # ... and does not open it
        if mode == MODE_SYSTEM:
            self.message_bar.clear(DEVICE_CAUSE)  # ... nor hears what becomes of it
        elif self.device_picker.devices is not None and self.device_picker.devices.devices is not None:
            self.device_picker.refresh()  # what is to be said about the input, said again

    def _device_notice(self, notice: Notice) -> None:
        """A notice about the input device, unless the microphone is not listened to."""
        if self.system_picker.mode != MODE_SYSTEM:
            self.message_bar.show_notice(notice)

    def _on_state(self, state: State) -> None:
        idle = state is State.IDLE
        text, tip, prop = BUTTON[state]
        self.start_button.setText(text)
        self.start_button.setToolTip(tip)
        self.start_button.setProperty("state", prop)
        self.start_button.style().unpolish(self.start_button)
        self.start_button.style().polish(self.start_button)
        self.start_button.setEnabled(state is not State.STOPPING)
        self.actions.start_stop.setText("&Start captioning" if idle else "Cancel preparing" if state is State.PREPARING else "&Stop captioning")
        self.actions.start_stop.setEnabled(state is not State.STOPPING)
        self.actions.caption_file.setEnabled(idle)
        self.device_picker.setEnabled(idle)
        self.model_picker.setEnabled(idle)
        self.device_picker.set_session_active(state in (State.STARTING, State.RUNNING, State.STOPPING))
        self.system_picker.set_session_active(state in (State.STARTING, State.RUNNING, State.STOPPING))
        self.status_line.set_state(state.value, self._file_name)
        captioning_file = self._file_name if state in (State.STARTING, State.RUNNING, State.STOPPING) else ""
        self.system_picker.mode_combo.show_instead("An audio file, as if live" if captioning_file else "")
        self.device_picker.combo.show_instead(captioning_file)  # not the microphone: the file being captioned
        self.transcript.set_state(state.value)
        if idle and self._closing:
            QTimer.singleShot(0, self._close_after_session)

    def _on_session_started(self, info: SessionInfo) -> None:
        self._session_info = info
        self.transcript.clear()
        self.transcript.set_labels(info.labels)
        self._show_model_status()
        self.status_line.session_started(info)

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

    def _on_session_finished(self, info: SessionInfo | None) -> None:
        self.status_line.session_finished(info)  # it says where the session was saved
        self.message_bar.retire(SESSION_CAUSE)  # what was said during it is not shown again once out of sight

    def _on_refine_progress(self, done_s: float, total_s: float, left_s: float) -> None:
        self.message_bar.clear(HEARD_NOTHING_CAUSE)  # another one under way: what was said of the last is past
        self._refine_progress = (done_s, total_s, left_s)
        self._show_refine()

    def _on_refine_phase(self, phase: str) -> None:
        self._refine_phase = phase
        self._show_refine()

    def _show_refine(self, *_waiting) -> None:
        """The status line's words for the refine under way, as far as it got and with the ones waiting after it."""
        refiner = self.controller.refiner
        if refiner.running is not None:
            text = refine_text(*self._refine_progress, refiner.running, len(refiner.queue), self._refine_phase)
            self.status_line.show_refine(text, len(refiner.queue))

    def _on_refine_stopped(self) -> None:
        self.status_line.show_refine("")

    def _on_refine_cancelled(self, job, dropped: int) -> None:
        from captioner.gui.refiner import cancelled_text

        self.show_message("info", cancelled_text(job, dropped), cause=REFINE_CAUSE)

    def _on_refine_failed(self, _job, text: str) -> None:
        self.show_message("warning", text, cause=REFINE_CAUSE)

    def _on_refined(self, info: SessionInfo, updates) -> None:
        """The transcript shown is now the refined one (or a transcribed recording's)."""
        self._session_info = info
        self.transcript.clear()
        self.transcript.set_labels(info.labels)
        for update in updates:
            self.transcript.apply(update)
        if info.refined:
            self.status_line.show_autosave(info, finished=True)
            self.status_line.flash("Transcript refined", 8000)
        else:
            self.status_line.show_transcribed(info)
            if not updates:  # an empty transcript view must not look like a failure
                self.show_message("info", f"No speech was heard in {info.source}.", cause=HEARD_NOTHING_CAUSE)

    def _on_status(self, status) -> None:
        if status.channel == SYSTEM:
            self.system_picker.show_level(status.level)
        else:
            self.device_picker.show_level(status.level)
        self.status_line.set_status(status)

    # -- messages and the model ------------------------------------------------------
    def show_message(self, level: str, text: str, action: tuple[str, str] | None = None, cause: str = SESSION_CAUSE) -> None:
        """A notice in the banner; it stays until its cause clears or the next session starts."""
        self.message_bar.show_message(level, text, action, cause)

    def _message_action(self, key: str) -> None:
        if key == "choose-folder":
            self.message_bar.clear(MODEL_CAUSE)
            self.model_picker.choose_folder()
        elif key == "open-autosave":
            self.open_autosave_folder()
        elif key == GPU_SUPPORT_ACTION[1]:
            self.get_gpu_support()

    def get_gpu_support(self) -> None:
        """Fetch the GPU's libraries (the banner's "Get GPU support"): progress and Cancel in the download panel."""
        if self.controller.get_gpu_support():
            self.message_bar.clear(GPU_CAUSE)
        else:
            self._gpu_notice("info", "Stop the current session first: GPU support is fetched while nothing runs.", True)

    def _gpu_notice(self, level: str, text: str, offer_fetch: bool) -> None:
        self.show_message(level, text, GPU_SUPPORT_ACTION if offer_fetch else None, cause=GPU_CAUSE)

    def _on_model_failed(self, text: str, offer_folder: bool) -> None:
        self.message_bar.show_notice(Notice("error", text, MODEL_CAUSE, ("Choose a model folder…", "choose-folder") if offer_folder else None))
        self.model_picker.update_hint()

    def _on_model_phase(self, phase: str) -> None:
        self.download_panel.set_phase(phase, self.store.settings.model)
        self.model_picker.set_phase(phase)

    def _download_model(self) -> None:
        if not self.controller.busy:
            self.controller.prepare()

    def _show_model_status(self) -> None:
        self.status_line.set_model(model_status_text(self.controller))

    def _settings_changed(self, settings) -> None:
        self._show_model_status()
        self.status_line.set_click_through(settings.overlay.click_through)

    # -- transcript, export, files -----------------------------------------------------
    def set_text_size(self, points: float) -> None:
        """The transcript's text at `points` (within TRANSCRIPT_TEXT_PT; 0: the default size), kept for the next start."""
        if points:
            points = min(max(points, TRANSCRIPT_TEXT_PT[0]), TRANSCRIPT_TEXT_PT[1])
        self.transcript.set_text_size(points)
        if points != self.store.settings.transcript_text_size:
            self.store.update(transcript_text_size=points)

    def _copy_transcript(self) -> None:
        self.transcript.copy_all()
        self.status_line.flash("Transcript copied", 3000)

    def export(self, kind: str, path: str | None = None) -> Path | None:
        """Export the session's captions; asks for a file unless `path` is given."""
        from captioner.subtitles import SubtitleFileError

        if not self.controller.finals:
            self.show_message("info", "Nothing to export yet: no captions in this session.", cause="export")
            return None
        fmt = format_named(kind)
        if path is None:
            info = self._session_info
            stem = info.stem if info is not None else "captions"
            proposed = free_name(self.export_folder(), stem, fmt.suffix)
            path, _ = QFileDialog.getSaveFileName(self, f"Export as {fmt.plain_title}", str(proposed), fmt.file_filter)
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != fmt.suffix:
            target = target.with_name(target.name + fmt.suffix)
        try:
            self.controller.export(kind, target)
        except (SubtitleFileError, OSError) as exc:
            self.show_message("error", f"Export failed: {exc}", cause="export")
            return None
        self.message_bar.clear("export")
        self.store.update(export_dir=str(target.parent))
        self.status_line.flash(f"Exported {len(self.controller.finals)} captions to {target}", 8000)
        return target

    def export_folder(self) -> Path:
        """Where the Export dialog opens: the folder of the last export, else the sessions folder
        (else the home folder), never wherever a file dialog was last (the model folder)."""
        s = self.store.settings
        for folder in (s.export_dir, str(s.sessions_dir())):
            if folder and Path(folder).expanduser().is_dir():
                return Path(folder).expanduser()
        return Path.home()

    def open_autosave_folder(self) -> None:
        folder = self.store.settings.sessions_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.show_message("error", f"The autosave folder {folder} cannot be created: {exc.strerror or exc}. Choose another one in Settings.", cause="autosave-folder")
            return
        if not (can_open_folders() and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))):
            self.show_message("info", f"No file manager to open it with here. The autosave folder is {folder}", cause="autosave-folder")

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

    def closeEvent(self, event) -> None:
        if self._close_done:
            event.accept()
            return
        self.store.update(main_window_geometry=base64.b64encode(bytes(self.saveGeometry())).decode("ascii"))
        if self.controller.busy:
            # finish the segment in flight and close the files, then close for real (asking first, once the session has
            # ended, when its captions are saved nowhere: `_on_state`)
            event.ignore()
            if not self._closing:
                self._closing = True
                self.hide()  # goes away at once; the session finishes behind it
                for monitor in self._monitors():
                    monitor.shutdown()  # not reopened when the session ends
                self.controller.stop()
                QTimer.singleShot(CLOSE_TIMEOUT_MS, self._close_timed_out)
            return
        if self.controller.unsaved and not self.may_clear_unsaved(closing=True):
            event.ignore()  # Cancel: the captions stay, and so does the window
            self._closing = False
            return
        event.accept()
        self._finish_close()

    def _monitors(self) -> list:
        """The idle level meters' monitors: the input's and the output's."""
        return [m for m in (self.monitor, self.system_picker.monitor) if m is not None]

    def _close_after_session(self) -> None:
        """The session closing waited for has ended: close, asking first when its captions are saved nowhere."""
        if self._close_done:
            return
        if self.controller.unsaved:
            self.show()  # back, to ask about its captions
            if not self.may_clear_unsaved(closing=True):
                self._closing = False  # Cancel: the window stays, with the captions
                return
        self._finish_close()

    def _close_timed_out(self) -> None:
        """Closing waited CLOSE_TIMEOUT_MS for the session to finish: close now if it still has not (its captions so far
        are on disk); once it has, `_close_after_session` closed or asked."""
        if self._closing and self.controller.busy:
            self._finish_close()

    def _finish_close(self) -> None:
        if self._close_done:
            return
        if self.controller.busy:
            log.warning("closing while the session is still finishing; captions saved so far are on disk")
        self._close_done = True
        self.controller.refiner.cancel_all()  # the session keeps its audio: File → Refine a past session's transcript… does it later
        for monitor in self._monitors():
            monitor.shutdown()
        for monitor in self._monitors():
            monitor.wait_stopped(1.0)  # close the streams before the interpreter tears PortAudio down
        if self.device_picker.devices is not None:
            self.device_picker.devices.stop()
        if self.system_picker.outputs is not None:
            self.system_picker.outputs.stop()
        self.store.save_now()
        self.hide()
        self.close()
        self.closed.emit()
