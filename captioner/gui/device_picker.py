"""The input picker: the list of input devices, a refresh button and the input's level meter."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QToolButton, QWidget

from captioner.gui.message_bar import Notice
from captioner.gui.settings_store import SettingsStore
from captioner.gui.widgets import LevelMeter, control_row

DEVICE_CAUSE = "device"  # notices about the input device; they go once a device is there again
PULSE_PREFIX = "pulse:"  # the sound server's sources (captioner.audio.devices; not imported here: it loads PortAudio)


def missing_device_notice(name: str, wanted: str, devices: list, session_active: bool) -> Notice | None:
    """What to say when the device chosen, `wanted`, is not in `devices`. A sound-server source missing with all the
    server's sources is the server gone, not the device: while a session runs, the session says so itself (and that
    it resumes); idle, the banner says that, not that the device is gone."""
    server_gone = wanted.startswith(PULSE_PREFIX) and not any(d.id.startswith(PULSE_PREFIX) for d in devices)
    if server_gone and session_active:
        return None
    if not devices:
        return Notice("warning", "The input device in use is gone and no other was found. Connect a microphone and press ⟳.", DEVICE_CAUSE)
    if server_gone:
        return Notice("warning", f"The sound server is not running; {name!r} is used again as soon as it is back.", DEVICE_CAUSE)
    return Notice("warning", f"The input device {name!r} is gone; it is used again as soon as it is back (or choose another one).", DEVICE_CAUSE)


def elide_words(text: str, fits: Callable[[str], bool]) -> str:
    """`text`, or as many of its first and last words as fit with "…" between them: names are
    shortened in the middle, never cut inside a word ("Very Long … Analog Stereo (default)").
    "" when not even one word fits."""
    if fits(text):
        return text
    words = text.split()
    for keep in range(len(words) - 1, 0, -1):
        for head in sorted(range(1, keep + 1), key=lambda h: abs(2 * h - keep)):  # as even as it fits
            tail = words[len(words) - (keep - head) :] if keep > head else []
            shown = " ".join([*words[:head], "…", *tail])
            if fits(shown):
                return shown
    return ""


def device_label(device) -> str:
    """What the list shows for an InputDevice (the full name; the combo elides it in the middle)."""
    name = device.name + ("  (default)" if device.is_default else "")
    return name + ("  – plays back what the computer plays" if device.is_monitor else "")


def device_labels(devices: list) -> list[str]:
    """What the list shows for each device; two devices of the same name (two null outputs' monitors, say) are told
    apart by their ids."""
    names = [d.name for d in devices]
    return [device_label(d) + (f"  [{d.id.removeprefix(PULSE_PREFIX)}]" if names.count(d.name) > 1 else "") for d in devices]


class DevicePicker(QWidget):
    """"Input: [device] ⟳ [level]". Keeps the list fresh from a DeviceWatcher, shows the idle
    LevelMonitor's level, writes the choice to the store and reports it with `deviceChosen`."""

    deviceChosen = Signal(str)  # device id ("" = the system default)
    message = Signal(object)  # Notice
    resolved = Signal(str)  # a cause whose notices no longer hold

    def __init__(self, store: SettingsStore, *, devices=None, monitor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.devices = devices  # DeviceWatcher or None
        self.monitor = monitor  # LevelMonitor or None
        self._session_active = False
        self._names: dict[str, str] = {}  # device names by id, for one that went away
        self.combo = ElidingComboBox()
        row = control_row(self, "Input:", self.combo, "deviceCombo")
        self.combo.setPlaceholderText("Looking for microphones…")
        self.combo.activated.connect(self._chosen)
        self.refresh_button = QToolButton()
        self.refresh_button.setText("⟳")
        self.refresh_button.setToolTip("Look for input devices again")
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(self.refresh_button)
        self.level_meter = LevelMeter()
        row.addWidget(self.level_meter, 2)
        if devices is not None:
            devices.devicesChanged.connect(self.fill)
            devices.failed.connect(lambda text: self.combo.setToolTip(f"Cannot list input devices: {text}"))
        if monitor is not None:
            monitor.level.connect(self._monitor_level)
            monitor.problem.connect(self._monitor_problem)

    # -- the list ---------------------------------------------------------------
    @property
    def known_empty(self) -> bool:
        """The device list was read and holds nothing."""
        return self.devices is not None and self.devices.devices == []

    def refresh(self) -> None:
        if self.devices is not None:
            self.devices.refresh(force=True)

    def selected(self) -> str | None:
        index = self.combo.currentIndex()
        return self.combo.itemData(index) if index >= 0 else None

    def fill(self, devices: list) -> None:
        """List `devices`. A device in use that went away stays chosen, marked missing (never another
        device in its place: the default may well be an output's monitor), until it is back."""
        previous = self.selected()
        wanted = previous if previous is not None else self.store.settings.input_device
        name = self._names.get(wanted, wanted)
        combo = self.combo
        combo.clear()
        for d, label in zip(devices, device_labels(devices)):
            combo.addItem(label, d.id)
            combo.setItemData(combo.count() - 1, f"{label}\n{d.id} · {int(d.default_rate)} Hz", Qt.ToolTipRole)
            self._names[d.id] = d.name
        ids = [d.id for d in devices]
        if not devices:
            combo.setPlaceholderText("No input device found")
            self.level_meter.set_inactive()
            combo.setToolTip("No input device found: connect a microphone and press ⟳")
            self.resolved.emit(DEVICE_CAUSE)  # an earlier "switched to …" no longer holds: there is nothing
            notice = missing_device_notice(name, previous, devices, self._session_active) if previous else None
            if notice is not None:
                self.message.emit(notice)
            return
        if wanted and wanted not in ids:  # the device chosen went away: wait for it
            combo.insertItem(0, f"{name}  (not connected)", wanted)
            combo.setItemData(0, f"{name} is not connected; it is used again as soon as it is back.\n{wanted}", Qt.ToolTipRole)
            combo.setCurrentIndex(0)
            self.level_meter.set_inactive()
            self._update_tooltip()
            notice = missing_device_notice(name, wanted, devices, self._session_active)
            if notice is not None:
                self.message.emit(notice)
            return
        self.resolved.emit(DEVICE_CAUSE)
        if wanted and wanted in ids:
            combo.setCurrentIndex(ids.index(wanted))
        else:
            combo.setCurrentIndex(next((i for i, d in enumerate(devices) if d.is_default), 0))
        self._update_tooltip()
        if self.monitor is not None:
            self.monitor.set_device(self.selected())
            if not self._session_active:
                self.monitor.resume()

    def _chosen(self, index: int) -> None:
        device = self.combo.itemData(index) or ""
        self.store.update(input_device=device)
        self._update_tooltip()
        if self.monitor is not None:
            self.monitor.set_device(device)
        self.deviceChosen.emit(device)

    def _update_tooltip(self) -> None:
        index = self.combo.currentIndex()
        self.combo.setToolTip(self.combo.itemData(index, Qt.ToolTipRole) if index >= 0 else "")

    def report_missing(self) -> None:
        self.message.emit(
            Notice(
                "error",
                "No audio input device was found. Connect a microphone and press ⟳, or caption an audio file (File menu).",
                DEVICE_CAUSE,
            )
        )

    # -- level ----------------------------------------------------------------------
    def set_session_active(self, active: bool) -> None:
        """While a session runs, its own level shows (`show_level`); the idle monitor's is ignored."""
        self._session_active = active
        if active:
            self.level_meter.set_level(0.0)
        elif self.monitor is None or not self.monitor.enabled:
            self.level_meter.set_inactive()

    def show_level(self, rms: float) -> None:
        self.level_meter.set_level(rms)

    def _monitor_level(self, rms: float) -> None:
        if not self._session_active:
            self.level_meter.set_level(rms)

    def _monitor_problem(self, text: str) -> None:
        if text:
            self.level_meter.set_inactive()
            self.level_meter.setToolTip(f"No level: {text}")
        else:
            self.level_meter.setToolTip("Input level")


class ElidingComboBox(QComboBox):
    """A combo box that shortens a long current item by whole words in the middle; the list and the
    tooltip show the full name."""

    instead = ""  # what the closed box says in place of its item while set (a session that captions a file, say)

    def show_instead(self, text: str) -> None:
        """Say `text` in the closed box in place of the current item ("" for the item again)."""
        self.instead = text
        self.update()

    def label_text(self) -> str:
        """What the closed box says: `instead` while set, else the current item's text (or the placeholder)."""
        if self.instead:
            return self.instead
        return self.currentText() if self.currentIndex() >= 0 else self.placeholderText()

    def shown_text(self) -> str:
        """The current item's text as drawn: elided in the middle when it does not fit."""
        from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        field = self.style().subControlRect(QStyle.CC_ComboBox, option, QStyle.SC_ComboBoxEditField, self)
        text = self.label_text()
        metrics = QFontMetrics(self.font())
        width = field.width()
        return elide_words(text, lambda t: metrics.horizontalAdvance(t) <= width) or metrics.elidedText(text, Qt.ElideMiddle, width)

    def paintEvent(self, event) -> None:
        from PySide6.QtWidgets import QStyle, QStyleOptionComboBox, QStylePainter

        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.CC_ComboBox, option)
        option.currentText = self.shown_text()
        painter.drawControl(QStyle.CE_ComboBoxLabel, option)
