"""What a session listens to: the microphone, what the computer plays, or both.

"Listen to: [mode]" and "Output: [output] ⟳ [level]": the output row lists the
playback devices whose sound can be captured (the default output first, followed
when it changes) and shows system audio's level: while idle from a LevelMonitor
on the chosen output (recorded in a capture child, like a session's), while a
session runs from the session. The choice is kept in the settings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from captioner.channels import MODE_BOTH, MODE_MICROPHONE, MODE_SYSTEM
from captioner.gui.device_picker import ElidingComboBox
from captioner.gui.settings_store import SettingsStore
from captioner.gui.widgets import LevelMeter, control_row

MODE_NAMES = {
    MODE_MICROPHONE: "Microphone",
    MODE_SYSTEM: "System audio (what the computer plays)",
    MODE_BOTH: "Microphone + system audio",
}
FOLLOW_DEFAULT = "Default output (follows changes)"


def list_outputs() -> list:
    """Outputs whose sound can be captured (for a DeviceWatcher); raises with a message in words."""
    from captioner.audio.loopback import list_output_devices

    return list_output_devices()


def output_level_source(output: str | None):
    """What the idle level meter reads for an output ("" or None: the default output)."""
    from captioner.audio.loopback import SystemAudioSource

    return SystemAudioSource(output or None)


def output_label(device) -> str:
    return device.name + ("  (default now)" if device.is_default else "")


class SystemAudioPicker(QWidget):
    """The listening mode and the output to capture; `modeChosen` when the mode changes."""

    modeChosen = Signal(str)

    def __init__(self, store: SettingsStore, *, outputs=None, monitor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.outputs = outputs  # a DeviceWatcher listing outputs, or None
        self.monitor = monitor  # a LevelMonitor on outputs (output_level_source), or None
        self._session_active = False
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        mode_row_owner = QWidget()
        self.mode_combo = ElidingComboBox()
        control_row(mode_row_owner, "Listen to:", self.mode_combo, "modeCombo")
        for mode, name in MODE_NAMES.items():
            self.mode_combo.addItem(name, mode)
        self.mode_combo.setToolTip("Microphone: what you say. System audio: the other people on a call, as the computer plays them. Both: each caption is labelled with who spoke.")
        self.mode_combo.activated.connect(self._mode_chosen)
        layout.addWidget(mode_row_owner)

        self.output_row = QWidget()
        self.output_combo = ElidingComboBox()
        row = control_row(self.output_row, "Output:", self.output_combo, "outputCombo")
        self.output_combo.activated.connect(self._output_chosen)
        self.refresh_button = QToolButton()
        self.refresh_button.setText("⟳")
        self.refresh_button.setToolTip("Look for output devices again")
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.refresh_button)
        self.level_meter = LevelMeter()
        self.level_meter.setToolTip("System audio level")
        row.addWidget(self.level_meter, 2)
        layout.addWidget(self.output_row)
        self.problem = QLabel()
        self.problem.setObjectName("outputProblem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)

        self._fill_placeholder()
        if outputs is not None:
            outputs.devicesChanged.connect(self.fill)
            outputs.failed.connect(self._failed)
        if monitor is not None:
            monitor.level.connect(self._monitor_level)
            monitor.problem.connect(self._set_problem)  # e.g. the sound server stopped, and "" once it is back
            monitor.set_device(store.settings.output_device)
        self.set_mode(store.settings.capture_mode)

    # -- mode -----------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self.mode_combo.currentData()

    def set_mode(self, mode: str) -> None:
        index = self.mode_combo.findData(mode)
        self.mode_combo.setCurrentIndex(max(index, 0))
        self._show_rows()

    def _mode_chosen(self, index: int) -> None:
        mode = self.mode_combo.itemData(index)
        self.store.update(capture_mode=mode)
        self._show_rows()
        self.modeChosen.emit(mode)

    def _show_rows(self) -> None:
        system = self.mode != MODE_MICROPHONE
        self.output_row.setVisible(system)
        self.problem.setVisible(system and bool(self.problem.text()))
        if system and self.outputs is not None and self.outputs.devices is None:
            self.outputs.start()
        self._listen_idle()

    def _listen_idle(self) -> None:
        """The idle meter reads the output while system audio is listened to and no session runs."""
        if self.monitor is None:
            return
        if self.mode != MODE_MICROPHONE and not self._session_active:
            self.monitor.resume()
        else:
            self.monitor.pause()
            self.level_meter.set_inactive()

    # -- outputs ----------------------------------------------------------------
    def refresh(self) -> None:
        if self.outputs is not None:
            self.outputs.refresh(force=True)

    def selected(self) -> str:
        """The chosen output id; "" follows the default output."""
        index = self.output_combo.currentIndex()
        return (self.output_combo.itemData(index) or "") if index >= 0 else ""

    def _fill_placeholder(self) -> None:
        self.output_combo.clear()
        self.output_combo.addItem(FOLLOW_DEFAULT, "")

    def fill(self, devices: list) -> None:
        wanted = self.store.settings.output_device
        self._fill_placeholder()
        for d in devices:
            self.output_combo.addItem(output_label(d), d.id)
            self.output_combo.setItemData(self.output_combo.count() - 1, f"{d.name}\n{d.id}", Qt.ToolTipRole)
        ids = [d.id for d in devices]
        self.output_combo.setCurrentIndex(ids.index(wanted) + 1 if wanted in ids else 0)
        if devices:
            self._set_problem("")
        else:
            from captioner.audio.outputs import no_outputs_message

            self._set_problem(no_outputs_message())

    def _failed(self, text: str) -> None:
        """The outputs cannot be listed. During a session that is the sound server gone, which the session says itself
        (and that captions resume when it is back); idle, the reason is shown here."""
        self._set_problem("" if self._session_active else f"System audio cannot be recorded: {text}")

    def _set_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text) and self.mode != MODE_MICROPHONE)

    def _output_chosen(self, index: int) -> None:
        output = self.output_combo.itemData(index) or ""
        self.store.update(output_device=output)
        if self.monitor is not None:
            self.monitor.set_device(output)

    # -- level ----------------------------------------------------------------------
    def set_session_active(self, active: bool) -> None:
        self._session_active = active
        self.mode_combo.setEnabled(not active)
        self.output_combo.setEnabled(not active)
        if active:
            self.level_meter.set_level(0.0)
        else:
            self.level_meter.set_inactive()
        self._listen_idle()

    def show_level(self, rms: float) -> None:
        self.level_meter.set_level(rms)

    def _monitor_level(self, rms: float) -> None:
        if not self._session_active:
            self.level_meter.set_level(rms)
