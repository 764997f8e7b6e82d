"""The main window: controls (Start/Stop, input, model), the transcript, the status line, menus."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

from PySide6.QtCore import QByteArray, QStandardPaths, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from captioner.clock import format_clock
from captioner.engine.catalogue import DEFAULT_MODEL, MODEL_CHOICES, ModelRequest, is_folder_spec, model_label
from captioner.events import SAMPLE_RATE, SessionStatus
from captioner.gui.actions import CLICK_THROUGH_SHORTCUT, START_SHORTCUT, AppActions
from captioner.gui.controller import SessionController, SessionInfo, State
from captioner.gui.device_watcher import DeviceWatcher
from captioner.gui.settings_store import SettingsStore
from captioner.gui.tasks import run_in_thread
from captioner.gui.transcript_view import TranscriptView
from captioner.gui.widgets import LevelMeter, MessageBar, format_bytes
from captioner.settings import remember_folder

log = logging.getLogger(__name__)

CHOOSE_FOLDER = "\0choose-folder"
LAG_WARN_S = 3.0
LAG_BAD_S = 10.0
CLOSE_TIMEOUT_MS = 8000  # closing waits this long at most for the session to finish
EXPORT_KINDS = {
    "srt": ("SRT subtitles", "SubRip subtitles (*.srt)"),
    "txt": ("plain text", "Text files (*.txt)"),
    "vtt": ("WebVTT subtitles", "WebVTT subtitles (*.vtt)"),
}


def lag_level(seconds: float) -> str:
    return "bad" if seconds > LAG_BAD_S else "warn" if seconds > LAG_WARN_S else "ok"


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
    ) -> None:
        super().__init__()
        self.store = store
        self.controller = controller
        self.actions = actions
        self.devices = devices
        self.monitor = monitor
        self._closing = False
        self._close_done = False
        self._device_ids: list[str] = []
        self._last_model_index = 0
        self._session_info: SessionInfo | None = None
        self.setWindowTitle("Captioner")
        self.setObjectName("mainWindow")
        self.resize(900, 620)

        self.transcript = TranscriptView()
        self.message_bar = MessageBar()
        self.message_bar.actionTriggered.connect(self._message_action)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 10, 10, 6)
        layout.setSpacing(8)
        layout.addWidget(self._build_controls())
        layout.addWidget(self._build_download_panel())
        layout.addWidget(self.message_bar)
        layout.addWidget(self.transcript, 1)
        self.setCentralWidget(central)
        self._build_status_bar()
        self._build_menus()
        self._connect()
        self._restore_geometry()
        self._on_state(controller.state)
        self._update_model_hint()

    # -- building -----------------------------------------------------------
    def _build_controls(self) -> QWidget:
        box = QWidget()
        box.setObjectName("controls")
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(6)

        self.start_button = QPushButton("Start")
        self.start_button.setObjectName("startButton")
        self.start_button.setToolTip(f"Start captioning ({START_SHORTCUT})")
        self.start_button.setSizePolicy(QSizePolicy.Fixed, QSizePolicy.Expanding)
        self.start_button.clicked.connect(self.toggle_session)
        grid.addWidget(self.start_button, 0, 0, 2, 1)

        grid.addWidget(QLabel("Input:"), 0, 1)
        self.device_combo = QComboBox()
        self.device_combo.setObjectName("deviceCombo")
        self.device_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.device_combo.setMinimumContentsLength(22)
        self.device_combo.setPlaceholderText("Looking for microphones…")
        self.device_combo.activated.connect(self._device_chosen)
        grid.addWidget(self.device_combo, 0, 2)
        self.refresh_button = QToolButton()
        self.refresh_button.setText("⟳")
        self.refresh_button.setToolTip("Look for input devices again")
        self.refresh_button.clicked.connect(self.refresh_devices)
        grid.addWidget(self.refresh_button, 0, 3)
        self.level_meter = LevelMeter()
        grid.addWidget(self.level_meter, 0, 4, 1, 2)

        grid.addWidget(QLabel("Model:"), 1, 1)
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.model_combo.setMinimumContentsLength(22)
        self.model_combo.activated.connect(self._model_chosen)
        grid.addWidget(self.model_combo, 1, 2, 1, 2)
        self.compute_combo = QComboBox()
        self.compute_combo.setObjectName("computeCombo")
        self.compute_combo.addItem("Auto", "auto")
        self.compute_combo.addItem("GPU (CUDA)", "cuda")
        self.compute_combo.addItem("CPU", "cpu")
        self.compute_combo.setToolTip("Where the model runs: Auto uses a CUDA GPU when there is one")
        self.compute_combo.activated.connect(self._compute_chosen)
        grid.addWidget(self.compute_combo, 1, 4)
        self.model_hint = QLabel()
        self.model_hint.setObjectName("hint")
        self.model_hint.setTextFormat(Qt.RichText)
        self.model_hint.linkActivated.connect(self._hint_link)
        grid.addWidget(self.model_hint, 1, 5)
        grid.setColumnStretch(2, 2)
        grid.setColumnStretch(4, 1)
        grid.setColumnStretch(5, 2)
        self._fill_model_combo()
        self.compute_combo.setCurrentIndex(max(0, self.compute_combo.findData(self.store.settings.compute_device)))
        return box

    def _build_download_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("downloadPanel")
        row = QHBoxLayout(panel)
        row.setContentsMargins(8, 4, 8, 4)
        self.download_label = QLabel()
        self.download_bar = QProgressBar()
        self.download_bar.setTextVisible(False)
        self.download_bar.setMaximumHeight(12)
        self.download_cancel = QPushButton("Cancel")
        self.download_cancel.clicked.connect(self.controller.cancel_model)
        row.addWidget(self.download_label, 2)
        row.addWidget(self.download_bar, 3)
        row.addWidget(self.download_cancel)
        panel.hide()
        self.download_panel = panel
        return panel

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.model_status = QLabel()
        self.lag_label = QLabel()
        self.lag_label.setObjectName("lagLabel")
        self.lag_label.setToolTip("How far the captions trail the live audio; amber over 3 s, red over 10 s")
        self.length_label = QLabel()
        self.length_label.setToolTip("Length of the session")
        self.autosave_label = QLabel()
        self.autosave_label.setTextFormat(Qt.RichText)
        self.autosave_label.linkActivated.connect(lambda _l: self.open_autosave_folder())
        self.click_through_label = QLabel(f"Overlay click-through · {CLICK_THROUGH_SHORTCUT} to undo")
        self.click_through_label.setVisible(self.store.settings.overlay.click_through)
        for w in (self.model_status, self.lag_label, self.length_label, self.autosave_label, self.click_through_label):
            bar.addPermanentWidget(w)
        self.lag_label.hide()
        self.length_label.hide()
        self._show_model_status()

    def _build_menus(self) -> None:
        a = self.actions
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(a.start_stop)
        file_menu.addAction(a.caption_file)
        file_menu.addSeparator()
        export = file_menu.addMenu("&Export")
        export.addActions([a.export_srt, a.export_txt, a.export_vtt])
        file_menu.addAction(a.open_autosave)
        file_menu.addSeparator()
        file_menu.addAction(a.quit)
        edit = self.menuBar().addMenu("&Edit")
        edit.addAction(a.copy_transcript)
        edit.addAction(a.find)
        edit.addSeparator()
        edit.addAction(a.clear)
        view = self.menuBar().addMenu("&Overlay")
        view.addAction(a.show_overlay)
        view.addAction(a.click_through)
        view.addAction(a.overlay_settings)
        settings = self.menuBar().addMenu("&Settings")
        settings.addAction(a.settings)
        self.export_menu = export

    def _connect(self) -> None:
        a, c = self.actions, self.controller
        a.start_stop.triggered.connect(self.toggle_session)
        a.caption_file.triggered.connect(self.caption_file)
        a.export_srt.triggered.connect(lambda: self.export("srt"))
        a.export_txt.triggered.connect(lambda: self.export("txt"))
        a.export_vtt.triggered.connect(lambda: self.export("vtt"))
        a.open_autosave.triggered.connect(self.open_autosave_folder)
        a.quit.triggered.connect(self.close)
        a.copy_transcript.triggered.connect(self._copy_transcript)
        a.find.triggered.connect(self.transcript.show_find)
        a.clear.triggered.connect(self.transcript.clear)
        a.show_window.triggered.connect(self.bring_to_front)
        a.click_through.toggled.connect(self.click_through_label.setVisible)
        c.stateChanged.connect(self._on_state)
        c.captionUpdate.connect(self.transcript.apply)
        c.modelPhase.connect(self._on_model_phase)
        c.downloadProgress.connect(self._on_download_progress)
        c.modelReady.connect(lambda _d: self._show_model_status())
        c.modelFailed.connect(self._on_model_failed)
        c.message.connect(self.show_message)
        c.statusUpdate.connect(self._on_status)
        c.delayUpdate.connect(self._on_delay)
        c.sessionStarted.connect(self._on_session_started)
        c.sessionFinished.connect(self._on_session_finished)
        if self.devices is not None:
            self.devices.devicesChanged.connect(self._fill_devices)
            self.devices.failed.connect(lambda text: self.device_combo.setToolTip(f"Cannot list input devices: {text}"))
        if self.monitor is not None:
            self.monitor.level.connect(self._monitor_level)
            self.monitor.problem.connect(self._monitor_problem)
        self.store.changed.connect(lambda _s: self._show_model_status())

    # -- session --------------------------------------------------------------
    def toggle_session(self) -> None:
        state = self.controller.state
        if state is State.IDLE:
            self.start_session()
        elif state in (State.PREPARING, State.STARTING, State.RUNNING):
            self.controller.stop()

    def start_session(self, source_factory=None) -> bool:
        if source_factory is None:
            device = self.selected_device()
            if device is None and self.devices is not None and self.devices.devices == []:
                self.show_message(
                    "error",
                    "No audio input device was found. Connect a microphone and press ⟳, or caption an audio file (File menu).",
                )
                return False

            def source_factory(_settings, device=device):
                from captioner.audio.sources import MicrophoneSource

                return MicrophoneSource(device or None)

        if self.message_bar.level in ("error", "info"):
            self.message_bar.dismiss()
        return self.controller.start(source_factory)

    def caption_file(self) -> None:
        if self.controller.busy:
            self.show_message("info", "Stop the current session first.")
            return
        music = QStandardPaths.writableLocation(QStandardPaths.MusicLocation)
        path, _ = QFileDialog.getOpenFileName(
            self, "Caption an audio file", music, "Audio files (*.wav *.flac *.mp3 *.ogg *.opus *.m4a *.aac *.webm *.mp4 *.mkv);;All files (*)"
        )
        if path:
            self.start_file_session(path)

    def start_file_session(self, path: str, realtime: bool = True) -> bool:
        def factory(_settings):
            from captioner.audio.sources import FileSource

            return FileSource(path, realtime=realtime)

        return self.start_session(factory)

    def _on_state(self, state: State) -> None:
        idle = state is State.IDLE
        text, tip, prop = {
            State.IDLE: ("Start", f"Start captioning ({START_SHORTCUT})", "idle"),
            State.PREPARING: ("Cancel", "Stop preparing the model", "preparing"),
            State.STARTING: ("Stop", f"Stop captioning ({START_SHORTCUT})", "running"),
            State.RUNNING: ("Stop", f"Stop captioning ({START_SHORTCUT})", "running"),
            State.STOPPING: ("Finishing…", "Finishing the last caption and closing the files", "running"),
        }[state]
        self.start_button.setText(text)
        self.start_button.setToolTip(tip)
        self.start_button.setProperty("state", prop)
        self.start_button.style().unpolish(self.start_button)
        self.start_button.style().polish(self.start_button)
        self.start_button.setEnabled(state is not State.STOPPING)
        self.actions.start_stop.setText("&Start captioning" if idle else "Cancel preparing" if state is State.PREPARING else "&Stop captioning")
        self.actions.start_stop.setEnabled(state is not State.STOPPING)
        self.actions.caption_file.setEnabled(idle)
        for w in (self.device_combo, self.refresh_button, self.model_combo, self.compute_combo):
            w.setEnabled(idle)
        if state is State.RUNNING:
            self.lag_label.show()
            self.length_label.show()
        if idle and self._closing:
            QTimer.singleShot(0, self._finish_close)

    def _on_session_started(self, info: SessionInfo) -> None:
        self._session_info = info
        self.transcript.clear()
        self._show_model_status()
        if info.srt_path is not None:
            self.autosave_label.setText(f'Autosave: <a href="open">{info.srt_path.name}</a>')
            self.autosave_label.setToolTip(f"{info.srt_path}\n{info.txt_path}")
        else:
            self.autosave_label.setText("Autosave off")
            self.autosave_label.setToolTip("")
        self.length_label.setText("Session 0:00:00")
        self._on_delay(0.0)
        self.level_meter.set_level(0.0)

    def _on_session_finished(self, info: SessionInfo | None) -> None:
        self.lag_label.hide()
        saved = [p.name for p in (info.srt_path, info.txt_path) if p is not None] if info is not None else []
        if saved:
            self.statusBar().showMessage(f"Session saved as {' and '.join(saved)}", 8000)
        if self.monitor is None or not self.monitor.enabled:
            self.level_meter.set_inactive()

    def _on_status(self, status: SessionStatus) -> None:
        self.level_meter.set_level(status.level)
        self.length_label.setText(f"Session {format_clock(round(status.audio_s * SAMPLE_RATE), hours='short')}")
        if status.overflows:
            self.length_label.setToolTip(f"{status.overflows} blocks of audio were dropped: the machine is overloaded")

    def _on_delay(self, seconds: float) -> None:
        level = lag_level(seconds)
        self.lag_label.setText(f"Lag {seconds:.1f} s" + (" – this machine cannot keep up" if level == "bad" else ""))
        self.lag_label.setProperty("level", level)
        style = {"ok": "", "warn": "background:#f5b400;color:#000;", "bad": "background:#d1242f;color:#fff;"}[level]
        self.lag_label.setStyleSheet(f"QLabel {{ {style} }}" if style else "")
        self.lag_label.style().unpolish(self.lag_label)
        self.lag_label.style().polish(self.lag_label)

    # -- messages ------------------------------------------------------------
    def show_message(self, level: str, text: str, action: tuple[str, str] | None = None) -> None:
        self.message_bar.show_message(level, text, action)

    def _message_action(self, key: str) -> None:
        if key == "choose-folder":
            self.message_bar.dismiss()
            self.choose_model_folder()
        elif key == "open-autosave":
            self.open_autosave_folder()

    def _on_model_failed(self, text: str, offer_folder: bool) -> None:
        self.show_message("error", text, ("Choose a model folder…", "choose-folder") if offer_folder else None)
        self._update_model_hint()

    # -- model picker -----------------------------------------------------------
    def _fill_model_combo(self) -> None:
        s = self.store.settings
        combo = self.model_combo
        combo.clear()
        for name, size in MODEL_CHOICES:
            combo.addItem(f"{name}{'  (default)' if name == DEFAULT_MODEL else ''}", name)
            combo.setItemData(combo.count() - 1, f"faster-whisper {name}, about {size} to download once", Qt.ToolTipRole)
        folders = list(s.model_folders)
        if is_folder_spec(s.model) and s.model not in folders:
            folders.insert(0, s.model)
        if folders:
            combo.insertSeparator(combo.count())
            for folder in folders:
                combo.addItem(f"{model_label(folder)} (folder)", folder)
                combo.setItemData(combo.count() - 1, folder, Qt.ToolTipRole)
        combo.insertSeparator(combo.count())
        combo.addItem("Choose a folder…", CHOOSE_FOLDER)
        combo.setItemData(combo.count() - 1, "Use a faster-whisper (CTranslate2) model folder on this computer", Qt.ToolTipRole)
        index = combo.findData(s.model)
        if index < 0:  # a name not in the list (a hub id from the command line, say)
            combo.insertItem(0, s.model, s.model)
            index = 0
        combo.setCurrentIndex(index)
        self._last_model_index = index

    def _model_chosen(self, index: int) -> None:
        spec = self.model_combo.itemData(index)
        if spec == CHOOSE_FOLDER:
            self.model_combo.setCurrentIndex(self._last_model_index)
            self.choose_model_folder()
            return
        self._last_model_index = index
        if spec != self.store.settings.model:
            self.store.update(model=spec)
            self.message_bar.dismiss()
        self._update_model_hint()

    def choose_model_folder(self) -> None:
        from captioner.engine.catalogue import is_cached

        start = self.store.settings.model if is_folder_spec(self.store.settings.model) else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose a faster-whisper model folder", start)
        if not folder:
            return
        if not is_cached(folder):
            self.show_message(
                "error",
                f"{folder} is not a faster-whisper (CTranslate2) model folder: it needs model.bin, config.json and "
                "tokenizer.json (or vocabulary.*).",
                ("Choose another folder…", "choose-folder"),
            )
            return
        self.use_model_folder(folder)

    def use_model_folder(self, folder: str) -> None:
        s = self.store.settings
        self.store.update(model=folder, model_folders=remember_folder(s.model_folders, folder))
        self._fill_model_combo()
        self.message_bar.dismiss()
        self._update_model_hint()

    def _compute_chosen(self, index: int) -> None:
        self.store.update(compute_device=self.compute_combo.itemData(index))
        self._update_model_hint()

    def _update_model_hint(self) -> None:
        from captioner.engine.catalogue import is_cached

        spec = self.store.settings.model
        self.model_hint.setText("")

        def done(cached: bool, spec=spec) -> None:
            if spec != self.store.settings.model:
                return
            if is_folder_spec(spec):
                self.model_hint.setText("local folder" if cached else "<span style='color:#d1242f'>folder missing</span>")
            elif cached:
                self.model_hint.setText("downloaded")
            else:
                size = dict(MODEL_CHOICES).get(spec, "")
                self.model_hint.setText(
                    f"not downloaded{f' ({size})' if size else ''} · <a href='download'>download now</a>"
                )

        run_in_thread(is_cached, spec, on_done=done, name="captioner-model-check")

    def _hint_link(self, link: str) -> None:
        if link == "download" and not self.controller.busy:
            self.controller.prepare()

    def _on_model_phase(self, phase: str) -> None:
        label = model_label(self.store.settings.model)
        if not phase:
            self.download_panel.hide()
            self._update_model_hint()
            return
        self.download_panel.show()
        self.model_hint.setText("")
        self.download_cancel.setEnabled(True)
        if phase == "checking":
            self.download_label.setText(f"Looking for {label}…")
            self.download_bar.setRange(0, 0)
        elif phase == "downloading":
            self.download_label.setText(f"Downloading {label}…")
            self.download_bar.setRange(0, 0)
        elif phase == "loading":
            self.download_label.setText(f"Loading {label} into memory…")
            self.download_bar.setRange(0, 0)

    def _on_download_progress(self, p) -> None:
        label = model_label(self.store.settings.model)
        if p.total:
            self.download_bar.setRange(0, 1000)
            self.download_bar.setValue(int(1000 * p.downloaded / p.total))
            amount = f"{format_bytes(p.downloaded)} of {format_bytes(p.total)}"
        else:
            self.download_bar.setRange(0, 0)
            amount = format_bytes(p.downloaded)
        speed = f" · {format_bytes(p.bytes_per_s)}/s" if p.bytes_per_s > 0 else ""
        self.download_label.setText(f"Downloading {label}: {amount}{speed}")

    def _show_model_status(self) -> None:
        description = self.controller.model_description()
        if description and self.controller.model_loaded_for(self.controller.model_request()):
            self.model_status.setText(f"Model: {description}")
        else:
            request: ModelRequest = self.controller.model_request()
            device = {"auto": "Auto", "cuda": "CUDA", "cpu": "CPU"}[request.compute_device]
            self.model_status.setText(f"Model: {request.label} · {device} (loads on Start)")

    # -- input devices --------------------------------------------------------------
    def refresh_devices(self) -> None:
        if self.devices is not None:
            self.devices.refresh(force=True)

    def selected_device(self) -> str | None:
        index = self.device_combo.currentIndex()
        return self.device_combo.itemData(index) if index >= 0 else None

    def _fill_devices(self, devices: list) -> None:
        previous = self.selected_device()
        wanted = previous if previous is not None else self.store.settings.input_device
        combo = self.device_combo
        combo.clear()
        for d in devices:
            name = d.name + ("  (default)" if d.is_default else "") + ("  – plays back what the computer plays" if d.is_monitor else "")
            combo.addItem(name, d.id)
            combo.setItemData(combo.count() - 1, f"{d.name}\n{d.id} · {int(d.default_rate)} Hz", Qt.ToolTipRole)
        ids = [d.id for d in devices]
        if not devices:
            combo.setPlaceholderText("No input device found")
            self.level_meter.set_inactive()
            self.device_combo.setToolTip("No input device found: connect a microphone and press ⟳")
            return
        self.device_combo.setToolTip("")
        if wanted and wanted in ids:
            combo.setCurrentIndex(ids.index(wanted))
        else:
            default = next((i for i, d in enumerate(devices) if d.is_default), 0)
            combo.setCurrentIndex(default)
            if previous:  # the device in use went away
                self.show_message("warning", f"The input device in use is gone; switched to {devices[default].name}.")
        if self.monitor is not None:
            self.monitor.set_device(self.selected_device())
            if not self.controller.busy:
                self.monitor.resume()

    def _device_chosen(self, index: int) -> None:
        device = self.device_combo.itemData(index)
        self.store.update(input_device=device or "")
        if self.monitor is not None:
            self.monitor.set_device(device)

    def _monitor_level(self, rms: float) -> None:
        if self.controller.state in (State.IDLE, State.PREPARING):
            self.level_meter.set_level(rms)

    def _monitor_problem(self, text: str) -> None:
        if text:
            self.level_meter.set_inactive()
            self.level_meter.setToolTip(f"No level: {text}")
        else:
            self.level_meter.setToolTip("Input level")

    # -- transcript, export, files -----------------------------------------------------
    def _copy_transcript(self) -> None:
        self.transcript.copy_all()
        self.statusBar().showMessage("Transcript copied", 3000)

    def export(self, kind: str, path: str | None = None) -> Path | None:
        """Export the session's captions; asks for a file unless `path` is given."""
        from captioner.subtitles import SubtitleFileError

        if not self.controller.finals:
            self.show_message("info", "Nothing to export yet: no captions in this session.")
            return None
        what, pattern = EXPORT_KINDS[kind]
        if path is None:
            info = self._session_info
            stem = info.stem if info is not None else "captions"
            folder = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation) or str(Path.home())
            path, _ = QFileDialog.getSaveFileName(self, f"Export as {what}", str(Path(folder) / f"{stem}.{kind}"), pattern)
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != f".{kind}":
            target = target.with_name(target.name + f".{kind}")
        try:
            self.controller.export(kind, target)
        except (SubtitleFileError, OSError) as exc:
            self.show_message("error", f"Export failed: {exc}")
            return None
        self.statusBar().showMessage(f"Exported {len(self.controller.finals)} captions to {target}", 8000)
        return target

    def open_autosave_folder(self) -> None:
        folder = self.store.settings.sessions_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.show_message("error", f"The autosave folder {folder} cannot be created: {exc.strerror or exc}. Choose another one in Settings.")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
            self.show_message("info", f"The autosave folder is {folder}")

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
            # finish the segment in flight and close the files, then close for real
            event.ignore()
            if not self._closing:
                self._closing = True
                self.hide()
                if self.monitor is not None:
                    self.monitor.shutdown()  # not reopened when the session ends
                self.controller.stop()
                QTimer.singleShot(CLOSE_TIMEOUT_MS, self._finish_close)
            return
        event.accept()
        self._finish_close()

    def _finish_close(self) -> None:
        if self._close_done:
            return
        if self.controller.busy:
            log.warning("closing while the session is still finishing; captions saved so far are on disk")
        self._close_done = True
        if self.monitor is not None:
            self.monitor.shutdown()
            self.monitor.wait_stopped(1.0)  # close the stream before the interpreter tears PortAudio down
        if self.devices is not None:
            self.devices.stop()
        self.store.save_now()
        self.hide()
        self.close()
        self.closed.emit()
