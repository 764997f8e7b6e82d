"""The input picker on its own: the list, the choice, a device going away, the level, long names."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from captioner.audio.devices import InputDevice
from captioner.gui.device_picker import DEVICE_CAUSE, DevicePicker, device_label, elide_words
from captioner.gui.device_watcher import DeviceWatcher
from captioner.gui.settings_store import SettingsStore
from tests.gui.conftest import FAKE_DEVICES


def make_picker(qtbot, tmp_path: Path, devices: list, **settings) -> tuple[DevicePicker, SettingsStore, DeviceWatcher]:
    store = SettingsStore(tmp_path / "settings.json")
    if settings:
        store.update(**settings)
    watcher = DeviceWatcher(lambda: list(devices), interval_ms=0)
    picker = DevicePicker(store, devices=watcher)
    qtbot.addWidget(picker)
    watcher.start()
    qtbot.waitUntil(lambda: watcher.devices is not None, timeout=5000)
    return picker, store, watcher


def test_the_default_or_the_saved_device_is_chosen(qtbot, tmp_path: Path) -> None:
    picker, _store, _w = make_picker(qtbot, tmp_path, FAKE_DEVICES)
    assert picker.combo.count() == 3 and picker.selected() == "pulse:builtin"
    saved, _s, _w = make_picker(qtbot, tmp_path / "b", FAKE_DEVICES, input_device="pulse:usb-headset")
    assert saved.selected() == "pulse:usb-headset"


def test_choosing_writes_the_store_and_reports_it(qtbot, tmp_path: Path) -> None:
    picker, store, _w = make_picker(qtbot, tmp_path, FAKE_DEVICES)
    chosen = []
    picker.deviceChosen.connect(chosen.append)
    picker.combo.setCurrentIndex(2)
    picker._chosen(2)
    assert chosen == ["pulse:speakers.monitor"] and store.settings.input_device == "pulse:speakers.monitor"
    assert "plays back what the computer plays" in picker.combo.currentText()
    assert picker.combo.toolTip().startswith("Monitor of Speakers")  # the full name, whatever the width


def test_a_device_that_goes_away_is_reported_and_a_new_one_clears_it(qtbot, tmp_path: Path) -> None:
    devices = list(FAKE_DEVICES)
    picker, _store, watcher = make_picker(qtbot, tmp_path, devices, input_device="pulse:usb-headset")
    notices, resolved = [], []
    picker.message.connect(notices.append)
    picker.resolved.connect(resolved.append)
    headset = devices.pop(0)
    picker.refresh()
    qtbot.waitUntil(lambda: bool(notices), timeout=3000)
    # the device in use stays chosen, marked missing: no other device takes its place
    assert picker.selected() == "pulse:usb-headset" and "not connected" in picker.combo.currentText()
    assert notices[-1].level == "warning" and notices[-1].cause == DEVICE_CAUSE and "gone" in notices[-1].text
    assert "USB Headset Microphone" in notices[-1].text
    devices.insert(0, headset)  # plugged back
    picker.refresh()
    qtbot.waitUntil(lambda: DEVICE_CAUSE in resolved, timeout=3000)
    assert picker.selected() == "pulse:usb-headset" and picker.combo.count() == 3

    devices.clear()
    picker.refresh()
    qtbot.waitUntil(lambda: picker.combo.count() == 0, timeout=3000)
    assert picker.known_empty and "No input device" in picker.combo.toolTip()
    picker.report_missing()
    assert notices[-1].level == "error" and notices[-1].cause == DEVICE_CAUSE
    resolved.clear()
    devices.append(InputDevice("pulse:new", "New Microphone", 48000.0, is_default=True))
    picker.refresh()
    qtbot.waitUntil(lambda: picker.combo.count() == 2, timeout=3000)
    # a device is there again ("no device" no longer holds), but the one chosen is still awaited
    assert notices[-1].level == "warning" and notices[-1].cause == DEVICE_CAUSE and "gone" in notices[-1].text
    assert picker.selected() == "pulse:usb-headset" and picker.combo.itemData(1) == "pulse:new"


def test_session_level_replaces_the_monitor_level(qtbot, tmp_path: Path) -> None:
    from captioner.gui.level_monitor import LevelMonitor

    monitor = LevelMonitor(enabled=False)
    store = SettingsStore(tmp_path / "settings.json")
    picker = DevicePicker(store, monitor=monitor)
    qtbot.addWidget(picker)
    monitor.level.emit(0.1)
    assert picker.level_meter.value > 0.5
    picker.set_session_active(True)
    monitor.level.emit(0.1)  # the idle monitor's last word, after the session took over
    assert picker.level_meter.value == 0.0
    picker.show_level(0.1)
    assert picker.level_meter.value > 0.5
    picker.set_session_active(False)
    assert picker.level_meter.value == 0.0  # no monitor running: the meter rests


def test_long_names_are_elided_in_the_middle(qtbot, tmp_path: Path) -> None:
    long = InputDevice("pulse:alsa_input.usb-long", "Very Long Manufacturer Name USB Conference Speakerphone Analog Stereo", 48000.0, is_default=True)
    picker, _store, _w = make_picker(qtbot, tmp_path, [long])
    picker.resize(300, 30)
    picker.show()
    qtbot.waitExposed(picker)
    shown = picker.combo.shown_text()
    assert " … " in shown
    head, tail = shown.split(" … ")
    full = device_label(long).split()
    assert full[: len(head.split())] == head.split() and full[len(full) - len(tail.split()) :] == tail.split()  # whole words
    assert head and tail.endswith("(default)")  # both ends are kept
    assert picker.combo.itemData(0, Qt.ToolTipRole).startswith(device_label(long))


def test_elide_words_keeps_whole_words_from_both_ends() -> None:
    name = "Very Long Manufacturer Name USB Conference Speakerphone Analog Stereo (default)"
    fits = lambda n: lambda t: len(t) <= n  # noqa: E731
    assert elide_words(name, fits(200)) == name
    assert elide_words(name, fits(40)) == "Very Long … Analog Stereo (default)"
    assert elide_words(name, fits(30)) == "Very Long … Stereo (default)"
    assert elide_words(name, fits(12)) == "Very Long …"
    assert elide_words(name, fits(3)) == ""


def test_no_device_shows_the_placeholder(qtbot, tmp_path: Path) -> None:
    picker, _store, _w = make_picker(qtbot, tmp_path, [])
    assert picker.selected() is None and picker.combo.shown_text() == "No input device found"


def test_no_switched_to_banner_beside_no_input_device_found(qtbot, tmp_path: Path) -> None:
    from captioner.gui.message_bar import MessageBar

    devices = list(FAKE_DEVICES)
    picker, _store, _w = make_picker(qtbot, tmp_path, devices, input_device="pulse:usb-headset")
    bar = MessageBar()
    qtbot.addWidget(bar)
    picker.message.connect(bar.show_notice)  # wired as the main window wires them
    picker.resolved.connect(bar.clear)
    devices[:] = FAKE_DEVICES[1:]  # the headset unplugged: it stays chosen, awaited
    picker.refresh()
    qtbot.waitUntil(lambda: "not connected" in picker.combo.itemText(0), timeout=3000)
    assert "is gone" in bar.text and "switched to" not in bar.text
    devices.clear()  # then nothing at all
    picker.refresh()
    qtbot.waitUntil(lambda: picker.combo.count() == 0, timeout=3000)
    assert picker.combo.shown_text() == "No input device found"
    assert "switched to" not in bar.text and "no other was found" in bar.text


def test_a_sound_server_gone_is_not_a_device_gone() -> None:
    from captioner.gui.device_picker import missing_device_notice

    alsa = [InputDevice("3", "HDA Intel PCH: ALC3246 Analog (hw:0,0)", 44100.0), InputDevice("5", "pulse", 44100.0)]
    # every source of the server is gone with it: said as such while idle, left to the session while one runs
    idle = missing_device_notice("Virtual microphone", "pulse:virtmic", alsa, session_active=False)
    assert "sound server is not running" in idle.text and "gone" not in idle.text
    assert missing_device_notice("Virtual microphone", "pulse:virtmic", [], session_active=True) is None
    assert missing_device_notice("Virtual microphone", "pulse:virtmic", alsa, session_active=True) is None
    # a source gone while the server lists others: the device went, session or not
    for active in (False, True):
        gone = missing_device_notice("USB Headset Microphone", "pulse:usb-headset", FAKE_DEVICES[1:], session_active=active)
        assert "'USB Headset Microphone' is gone" in gone.text
    assert "no other was found" in missing_device_notice("Mic", "3", [], session_active=True).text


def test_two_devices_of_one_name_are_told_apart() -> None:
    from captioner.gui.device_picker import device_labels

    twins = [InputDevice("pulse:a.monitor", "Monitor of Null Output", 44100.0, is_monitor=True),
             InputDevice("pulse:b.monitor", "Monitor of Null Output", 44100.0, is_monitor=True), FAKE_DEVICES[0]]
    labels = device_labels(twins)
    assert len(set(labels)) == 3 and labels[0].endswith("[a.monitor]") and labels[1].endswith("[b.monitor]")
    assert labels[2] == "USB Headset Microphone"  # a name of its own is shown as it is
