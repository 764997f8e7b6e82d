"""Listening to the microphone, system audio or both from the app: real PulseAudio, real tiny.en."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from captioner.channels import MICROPHONE, MODE_BOTH, MODE_MICROPHONE, MODE_SYSTEM, SYSTEM
from captioner.gui.controller import State
from captioner.gui.settings_store import SettingsStore
from captioner.gui.system_picker import FOLLOW_DEFAULT, SystemAudioPicker
from tests.conftest import recording_processes, start_pulse, stop_pulse
from tests.gui.conftest import SENTENCES, words
from tests.speech import speak

pytestmark = pytest.mark.timeout(180)


def load_sink(name: str) -> str:
    """A null sink `name` at 48 kHz; its monitor serves as a microphone. The module's number."""
    return subprocess.run(["pactl", "load-module", "module-null-sink", f"sink_name={name}", "rate=48000"], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def mic_sink(pulse):
    """A null sink of its own whose monitor is the microphone (what is played into it is "said")."""
    module = load_sink("guisink")
    yield "guisink"
    subprocess.run(["pactl", "unload-module", module], capture_output=True)


def test_the_picker_lists_outputs_and_keeps_the_choice(qtbot, pulse, settings_path: Path) -> None:
    from captioner.gui.device_watcher import DeviceWatcher
    from captioner.gui.system_picker import list_outputs

    store = SettingsStore(settings_path)
    picker = SystemAudioPicker(store, outputs=DeviceWatcher(list_outputs, interval_ms=0))
    qtbot.addWidget(picker)
    assert picker.mode == MODE_MICROPHONE and picker.output_row.isHidden()
    picker.mode_combo.setCurrentIndex(picker.mode_combo.findData(MODE_BOTH))
    picker._mode_chosen(picker.mode_combo.currentIndex())
    assert not picker.output_row.isHidden()
    qtbot.waitUntil(lambda: picker.output_combo.count() > 1, timeout=10000)
    assert picker.output_combo.itemText(0) == FOLLOW_DEFAULT
    ids = [picker.output_combo.itemData(i) for i in range(picker.output_combo.count())]
    assert "virt" in ids
    picker._output_chosen(ids.index("virt"))
    store.save_now()
    saved = json.loads(settings_path.read_text())
    assert saved["capture_mode"] == MODE_BOTH and saved["output_device"] == "virt"
    again = SystemAudioPicker(SettingsStore(settings_path))
    qtbot.addWidget(again)
    assert again.mode == MODE_BOTH


def test_outputs_that_cannot_be_listed_in_a_session_are_left_to_the_session(qtbot, pulse, settings_path: Path) -> None:
    """The sound server gone: idle, the picker says system audio cannot be recorded; in a session it says nothing
    beside the session's own "captions resume when it is back"."""
    from captioner.gui.device_watcher import DeviceWatcher
    from captioner.gui.system_picker import list_outputs

    store = SettingsStore(settings_path)
    store.update(capture_mode=MODE_SYSTEM)
    watcher = DeviceWatcher(list_outputs, interval_ms=0)
    picker = SystemAudioPicker(store, outputs=watcher)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.output_combo.count() > 1, timeout=10000)
    try:
        stop_pulse()
        picker.set_session_active(True)
        failed = []
        watcher.failed.connect(failed.append)
        watcher.refresh()
        qtbot.waitUntil(lambda: bool(failed), timeout=20000)
        assert picker.problem.text() == "" and not picker.problem.isVisible()
        picker.set_session_active(False)
        watcher.refresh()
        qtbot.waitUntil(lambda: len(failed) >= 2, timeout=20000)
        assert picker.problem.text().startswith("System audio cannot be recorded") and picker.problem.isVisible()
    finally:
        start_pulse()


def test_microphone_and_system_audio_in_the_app(qtbot, mic_sink, settings_path: Path, write_settings, model_dir: Path, transcriber, tmp_path: Path) -> None:
    from captioner.gui.app import CaptionerApp

    mine, theirs = speak(SENTENCES[0], tmp_path / "mine.wav"), speak(SENTENCES[1], tmp_path / "theirs.wav")
    write_settings(model=str(model_dir), compute_device="cpu", input_device=f"pulse:{mic_sink}.monitor", capture_mode=MODE_BOTH, output_device="virt", mic_label="Me", overlay={"lines": 4})
    app = CaptionerApp(settings_path, tray=False, device_poll_ms=0)
    qtbot.addWidget(app.window)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    levels: dict[str, float] = {}
    c.statusUpdate.connect(lambda s: levels.__setitem__(s.channel, max(levels.get(s.channel, 0.0), s.level)))
    app.show()
    try:
        qtbot.waitUntil(lambda: w.selected_device() == f"pulse:{mic_sink}.monitor", timeout=15000)
        assert w.system_picker.mode == MODE_BOTH and not w.system_picker.output_row.isHidden()
        w.start_button.click()
        qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=20000)
        qtbot.wait(500)
        subprocess.run(["paplay", "-d", mic_sink, str(mine)], check=True, timeout=30)
        subprocess.run(["paplay", "-d", "virt", str(theirs)], check=True, timeout=30)
        qtbot.waitUntil(lambda: len(c.finals) >= 2, timeout=30000)
        c.stop()
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=20000)
    finally:
        app.window.close()
        app.overlay.close()
    assert [e.channel for e in c.finals] == [MICROPHONE, SYSTEM], c.finals
    assert {"weekly", "planning"} <= set(words(c.finals[0].text)) and {"travel", "summer"} <= set(words(c.finals[1].text))
    lines = w.transcript.plain_text().splitlines()
    assert lines[0].split("] ")[1].startswith("Me: ") and lines[1].split("] ")[1].startswith("Others: ")
    assert levels.get(MICROPHONE, 0) > 0.01 and levels.get(SYSTEM, 0) > 0.01  # a level per channel
    assert any(line.startswith("Others: ") for line in app.overlay.shown_text.splitlines()), app.overlay.shown_text  # a line of their own



def test_losing_the_microphone_mid_session_keeps_the_others_captioned_and_takes_it_back(qtbot, pulse, settings_path: Path, write_settings, model_dir: Path, transcriber, tmp_path: Path) -> None:
    from captioner.gui.app import CaptionerApp

    module = load_sink("lostmic")
    theirs, mine = speak(SENTENCES[1], tmp_path / "theirs.wav"), speak(SENTENCES[0], tmp_path / "mine.wav")
    write_settings(model=str(model_dir), compute_device="cpu", input_device="pulse:lostmic.monitor", capture_mode=MODE_BOTH, output_device="virt")
    app = CaptionerApp(settings_path, tray=False, device_poll_ms=0)
    qtbot.addWidget(app.window)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    app.show()
    try:
        qtbot.waitUntil(lambda: w.selected_device() == "pulse:lostmic.monitor", timeout=15000)
        w.start_button.click()
        qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=60000)
        qtbot.wait(500)
        subprocess.run(["pactl", "unload-module", module], capture_output=True)  # the headset is unplugged
        module = None
        qtbot.waitUntil(lambda: w.message_bar.isVisible() and "is gone" in w.message_bar.text, timeout=15000)
        assert w.message_bar.level == "warning" and w.message_bar.text.startswith("You:")
        assert c.state is State.RUNNING
        subprocess.run(["paplay", "-d", "virt", str(theirs)], check=True, timeout=30)  # the others go on talking
        qtbot.waitUntil(lambda: len(c.finals) >= 1, timeout=30000)
        module = load_sink("lostmic")  # plugged back
        qtbot.waitUntil(lambda: "is back" in w.message_bar.text, timeout=15000)
        subprocess.run(["paplay", "-d", "lostmic", str(mine)], check=True, timeout=30)  # the user talks again
        qtbot.waitUntil(lambda: len(c.finals) >= 2, timeout=30000)
        c.stop()
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=60000)
    finally:
        if module:
            subprocess.run(["pactl", "unload-module", module], capture_output=True)
        app.window.close()
        app.overlay.close()
    assert [e.channel for e in c.finals] == [SYSTEM, MICROPHONE], c.finals
    assert {"travel", "summer"} <= set(words(c.finals[0].text)) and {"weekly", "planning"} <= set(words(c.finals[1].text))


def test_the_output_meter_reads_the_output_while_idle_and_the_microphone_stays_closed(qtbot, pulse, settings_path: Path, write_settings, tmp_path: Path) -> None:
    from captioner.gui.app import CaptionerApp

    theirs = speak(SENTENCES[1], tmp_path / "theirs.wav")
    write_settings(capture_mode=MODE_SYSTEM, output_device="virt")
    app = CaptionerApp(settings_path, tray=False, device_poll_ms=0, preload_model=False)
    qtbot.addWidget(app.window)
    picker = app.window.system_picker
    heard = []
    app.output_monitor.level.connect(heard.append)
    app.show()
    try:
        qtbot.waitUntil(lambda: app.output_monitor.running and bool(heard), timeout=20000)  # silence: the meter reads
        player = subprocess.Popen(["paplay", "-d", "virt", str(theirs)])
        qtbot.waitUntil(lambda: max(heard) > 0.01 and picker.level_meter.value > 0, timeout=20000)
        player.wait(timeout=30)
        assert not app.monitor.running  # "System audio" alone: the microphone is not opened
        assert "soundcard" not in sys.modules  # libpulse is used in the capture child only
        picker.mode_combo.setCurrentIndex(picker.mode_combo.findData(MODE_MICROPHONE))
        picker._mode_chosen(picker.mode_combo.currentIndex())
        qtbot.waitUntil(lambda: not app.output_monitor.running, timeout=10000)  # the microphone alone: no output meter
    finally:
        app.window.close()
        app.overlay.close()


@pytest.mark.parametrize("mode", [MODE_SYSTEM, MODE_BOTH])
def test_the_sound_server_restarting_under_the_app(mode, qtbot, pulse, settings_path: Path, write_settings, model_dir: Path, transcriber, tmp_path: Path) -> None:
    """`pulseaudio -k` while idle and in a session: the app goes on, says so in the banner, keeps
    every final and captions what is played once the server is back, on each side."""
    from captioner.gui.app import CaptionerApp

    both = mode == MODE_BOTH
    channels = 2 if both else 1
    theirs, mine = speak(SENTENCES[1], tmp_path / "theirs.wav"), speak(SENTENCES[0], tmp_path / "mine.wav")
    module = load_sink("restartmic")
    write_settings(model=str(model_dir), compute_device="cpu", input_device="pulse:restartmic.monitor", capture_mode=mode, output_device="virt")
    app = CaptionerApp(settings_path, tray=False, device_poll_ms=0, preload_model=False)
    qtbot.addWidget(app.window)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    heard = []
    app.output_monitor.level.connect(heard.append)
    app.show()
    try:
        qtbot.waitUntil(lambda: app.output_monitor.running and bool(heard), timeout=20000)
        stop_pulse()  # idle, the output meter reading
        qtbot.waitUntil(lambda: "The sound server stopped" in w.system_picker.problem.text(), timeout=20000)
        assert w.system_picker.problem.isVisible()
        start_pulse()
        module = load_sink("restartmic")
        qtbot.waitUntil(lambda: w.system_picker.problem.text() == "", timeout=30000)  # said, and gone once it is back
        heard.clear()
        qtbot.waitUntil(lambda: bool(heard), timeout=30000)  # the meter reads again
        w.start_button.click()
        qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=60000)
        qtbot.wait(500)
        subprocess.run(["paplay", "-d", "virt", str(theirs)], check=True, timeout=30)
        qtbot.waitUntil(lambda: len(c.finals) >= 1, timeout=30000)
        kept = list(c.finals)
        stop_pulse()  # in a session
        qtbot.waitUntil(lambda: "The sound server stopped" in w.message_bar.text, timeout=20000)  # "Others: The sound server stopped; …"
        assert w.message_bar.level == "warning" and c.state is State.RUNNING
        start_pulse()
        module = load_sink("restartmic")
        qtbot.waitUntil(lambda: sum("The sound server is back" in e for e in c.notices.errors) == channels, timeout=60000)
        assert "The sound server is back" in w.message_bar.text
        subprocess.run(["paplay", "-d", "virt", str(theirs)], check=True, timeout=30)
        if both:
            subprocess.run(["paplay", "-d", "restartmic", str(mine)], check=True, timeout=30)
        qtbot.waitUntil(lambda: len(c.finals) >= 1 + channels, timeout=40000)
        c.stop()
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=60000)
    finally:
        subprocess.run(["pactl", "unload-module", module], capture_output=True)
        app.window.close()
        app.overlay.close()
    assert c.finals[: len(kept)] == kept  # nothing shown before the restart is lost
    assert not [e for e in c.notices.errors if "unplugged" in e], c.notices.errors  # the server stopped: no input is said to be unplugged
    assert [e.channel for e in c.finals] == [SYSTEM, SYSTEM] + ([MICROPHONE] if both else []), c.finals
    assert {"travel", "summer"} <= set(words(c.finals[0].text)) and {"travel", "summer"} <= set(words(c.finals[1].text))
    if both:
        assert {"weekly", "planning"} <= set(words(c.finals[2].text))
    assert len(w.transcript.plain_text().splitlines()) == len(c.finals)
    saved = c.info.txt_path.read_text().splitlines()
    assert len(saved) == len(c.finals)  # every final in the autosaved transcript


def test_the_sound_server_restarting_under_a_microphone_session(qtbot, pulse, settings_path: Path, write_settings, model_dir: Path, transcriber, tmp_path: Path) -> None:
    """The default mode, the microphone a `pulse:` input, recorded by a capture child, never in the app's process:
    `pulseaudio -k` in a session, the session goes on, the banner says the server stopped and is back (never that
    the device is gone), every final is kept and what is said once the server is back is captioned."""
    from captioner.gui.app import CaptionerApp

    first, second = speak(SENTENCES[0], tmp_path / "first.wav"), speak(SENTENCES[1], tmp_path / "second.wav")
    write_settings(model=str(model_dir), compute_device="cpu", input_device=f"pulse:{pulse}", capture_mode=MODE_MICROPHONE)
    app = CaptionerApp(settings_path, tray=False, device_poll_ms=500, preload_model=False)
    qtbot.addWidget(app.window)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    device_notices = []
    w.device_picker.message.connect(lambda notice: device_notices.append(notice.text))
    app.show()
    try:
        w.start_button.click()
        qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=60000)
        qtbot.wait(500)
        assert os.getpid() not in recording_processes()
        subprocess.run(["paplay", "-d", "virt", str(first)], check=True, timeout=30)
        qtbot.waitUntil(lambda: len(c.finals) >= 1, timeout=30000)
        kept = list(c.finals)
        stop_pulse()
        qtbot.waitUntil(lambda: "The sound server stopped" in w.message_bar.text, timeout=20000)
        assert w.message_bar.level == "warning" and c.state is State.RUNNING
        qtbot.wait(1500)  # the device list is read again meanwhile, without the server's sources
        start_pulse()
        qtbot.waitUntil(lambda: any("The sound server is back" in e for e in c.notices.errors), timeout=60000)
        assert "The sound server is back" in w.message_bar.text and c.state is State.RUNNING
        qtbot.wait(500)
        subprocess.run(["paplay", "-d", "virt", str(second)], check=True, timeout=30)
        qtbot.waitUntil(lambda: len(c.finals) >= 2, timeout=40000)
        from captioner.gui.message_bar import PASSING_MS

        qtbot.waitUntil(lambda: "is back" not in w.message_bar.text, timeout=PASSING_MS + 5000)  # the news goes by itself
        c.stop()
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=60000)
    finally:
        start_pulse()
        app.window.close()
        app.overlay.close()
    assert not [t for t in device_notices if "gone" in t], device_notices
    assert c.finals[: len(kept)] == kept  # nothing shown before the restart is lost
    assert len(c.finals) == 2, c.finals
    assert {"weekly", "planning"} <= set(words(c.finals[0].text)) and {"travel", "summer"} <= set(words(c.finals[1].text))
    assert len(c.info.txt_path.read_text().splitlines()) == 2  # both in the autosaved transcript
