"""Main window: device picker, status line, shortcuts, tray, settings, export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import srt
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QMessageBox, QPushButton, QSystemTrayIcon

from captioner.audio.devices import InputDevice
from captioner.events import SAMPLE_RATE, CaptionEvent, SessionStatus, Word
from captioner.gui.controller import State
from captioner.gui.status_line import lag_level
from captioner.gui.tray import Tray
from tests.gui.conftest import FAKE_DEVICES, words


def test_default_input_is_preselected_and_refresh_follows_changes(make_app, qtbot) -> None:
    devices = list(FAKE_DEVICES)
    app = make_app(devices=devices)
    w = app.window
    assert w.device_picker.combo.count() == 3
    assert w.selected_device() == "pulse:builtin"  # the system default
    assert "(default)" in w.device_picker.combo.currentText()

    w.device_picker.combo.setCurrentIndex(0)
    w.device_picker._chosen(0)
    assert app.store.settings.input_device == "pulse:usb-headset"

    devices.append(InputDevice("pulse:new-mic", "New Microphone", 48000.0))
    w.device_picker.refresh_button.click()
    qtbot.waitUntil(lambda: w.device_picker.combo.count() == 4, timeout=3000)
    assert w.selected_device() == "pulse:usb-headset"  # the choice survives a refresh

    headset = devices.pop(0)  # the headset is unplugged
    w.device_picker.refresh()
    qtbot.waitUntil(lambda: "not connected" in w.device_picker.combo.currentText(), timeout=3000)
    assert w.selected_device() == "pulse:usb-headset"  # awaited, not replaced by the default
    assert w.message_bar.level == "warning" and "gone" in w.message_bar.text
    devices.insert(0, headset)  # ... and plugged back
    w.device_picker.refresh()
    qtbot.waitUntil(lambda: w.device_picker.combo.count() == 4 and "not connected" not in w.device_picker.combo.currentText(), timeout=3000)
    assert w.selected_device() == "pulse:usb-headset" and not w.message_bar.isVisible()


def test_the_input_is_not_reported_on_while_only_system_audio_is_listened_to(make_app, qtbot) -> None:
    from captioner.channels import MODE_BOTH, MODE_SYSTEM

    devices = list(FAKE_DEVICES)
    app = make_app(devices=devices, input_device="pulse:usb-headset", capture_mode=MODE_SYSTEM)
    w = app.window
    devices.pop(0)  # the headset is unplugged
    w.device_picker.refresh()
    qtbot.waitUntil(lambda: "not connected" in w.device_picker.combo.currentText(), timeout=3000)
    assert not w.message_bar.isVisible()  # "System audio" alone: the microphone is not used
    picker = w.system_picker
    picker.mode_combo.setCurrentIndex(picker.mode_combo.findData(MODE_BOTH))
    picker._mode_chosen(picker.mode_combo.currentIndex())
    qtbot.waitUntil(lambda: w.message_bar.isVisible() and "gone" in w.message_bar.text, timeout=3000)  # now it is


def test_saved_input_is_selected_at_launch(make_app) -> None:
    app = make_app(input_device="pulse:usb-headset")
    assert app.window.selected_device() == "pulse:usb-headset"


def test_no_device_says_so_when_starting(make_app, qtbot) -> None:
    app = make_app(devices=[])
    w = app.window
    assert w.device_picker.combo.count() == 0
    assert not w.start_session()
    assert w.message_bar.level == "error" and "No audio input device" in w.message_bar.text
    assert app.controller.state is State.IDLE


def test_a_device_that_cannot_open_reports_and_returns_to_idle(make_app, qtbot, transcriber) -> None:
    app = make_app(devices=[InputDevice("pulse:does-not-exist", "Ghost mic", 48000.0, is_default=True)])
    w, c = app.window, app.controller
    c.model.use(transcriber)
    w.start_button.click()
    qtbot.waitUntil(lambda: c.state is State.IDLE and w.message_bar.isVisible(), timeout=10000)
    assert w.message_bar.level == "error"
    assert w.start_button.text() == "Start" and w.device_picker.combo.isEnabled()
    sessions = Path(app.store.settings.sessions_dir())
    assert not list(sessions.glob("*.srt"))  # the empty autosave files were removed


def test_lag_turns_amber_then_red(make_app, qapp) -> None:
    from captioner.gui.resources import style_sheet

    app = make_app()
    w = app.window
    label = w.status_line.lag_label
    assert [lag_level(s) for s in (0.5, 3.0, 3.1, 10.0, 10.5)] == ["ok", "ok", "warn", "warn", "bad"]
    qapp.setStyleSheet(style_sheet())  # the colours live in the style sheet only
    try:
        w.status_line.set_delay(1.2)
        assert label.text() == "Lag 1.2 s" and label.property("level") == "ok"
        w.status_line.set_delay(4.0)
        assert label.property("level") == "warn"
        assert label.grab().toImage().pixelColor(3, 3).name() == "#f5b400"
        w.status_line.set_delay(12.0)
        assert label.property("level") == "bad"
        assert label.grab().toImage().pixelColor(3, 3).name() == "#d1242f"
        assert "cannot keep up" in label.text()
    finally:
        qapp.setStyleSheet("")
    w.session.on_status(SessionStatus(audio_s=3723.4, processed_s=3700, lag_s=23.4, level=0.1))
    assert w.status_line.length_label.text() == "Session 1:02:03"
    assert w.device_picker.level_meter.value > 0.5


def test_shortcuts(make_app) -> None:
    app = make_app()
    a = app.actions
    assert a.start_stop.shortcut() == QKeySequence("Ctrl+R")
    assert a.click_through.shortcut() == QKeySequence("Ctrl+Shift+T")
    assert a.show_overlay.shortcut() == QKeySequence("Ctrl+Shift+O")
    for action in (a.start_stop, a.click_through, a.show_overlay):
        assert action.shortcutContext() == Qt.ApplicationShortcut
    assert a.start_stop in app.window.menuBar().actions()[0].menu().actions()


def test_start_stop_action_and_button_follow_the_state(make_app, qtbot, speech_wav: Path, transcriber) -> None:
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    w.start_file_session(str(speech_wav), realtime=True)
    qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=10000)
    assert w.start_button.text() == "Stop" and "Stop" in app.actions.start_stop.text()
    assert not w.model_picker.combo.isEnabled() and not w.device_picker.combo.isEnabled()
    assert app.overlay._running
    assert "Press Start" not in w.transcript.text.placeholderText()  # no longer the way on
    assert w.status_line.state_label.text() == f"Captioning {speech_wav.name}"
    app.actions.start_stop.trigger()  # what Ctrl+R does
    assert c.state is State.STOPPING and w.start_button.text() == "Finishing…" and not w.start_button.isEnabled()
    qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=10000)
    assert w.start_button.text() == "Start" and w.model_picker.combo.isEnabled()
    assert "Press Start" in w.transcript.text.placeholderText() and not w.status_line.state_label.isVisible()


def test_click_through_can_be_undone_without_the_overlay(make_app) -> None:
    app = make_app()
    a, overlay = app.actions, app.overlay
    a.click_through.trigger()
    assert overlay.windowFlags() & Qt.WindowTransparentForInput
    assert app.store.settings.overlay.click_through
    assert app.window.status_line.click_through_label.isVisible()
    bar = app.window.message_bar  # no tray to tell it: the banner does
    assert bar.isVisible() and "lets mouse clicks through" in bar.text
    assert "tray" not in bar.text and "the Overlay menu" in bar.text  # no tray here: the menu that has it is named
    a.click_through.trigger()  # from the main window's menu or its shortcut, or the tray menu
    assert not bar.isVisible() and not app.window.status_line.click_through_label.isVisible()
    assert not overlay.windowFlags() & Qt.WindowTransparentForInput
    assert not app.store.settings.overlay.click_through
    a.show_overlay.trigger()
    assert not overlay.isVisible() and not app.store.settings.overlay.visible
    a.show_overlay.trigger()
    assert overlay.isVisible()


def test_tray_without_a_system_tray_is_a_harmless_no_op(make_app, monkeypatch) -> None:
    app = make_app()
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: False))
    tray = Tray(app.actions)
    assert not tray.available and tray.icon is None
    tray.set_live(True, "x")
    assert tray.notify("a", "b") is False
    tray.hide()


def test_tray_menu_holds_the_way_back(make_app, monkeypatch) -> None:
    app = make_app()
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    tray = Tray(app.actions)
    a = app.actions
    assert tray.available
    menu_actions = tray.menu.actions()
    for action in (a.start_stop, a.show_overlay, a.click_through, a.quit):
        assert action in menu_actions
    tray.hide()


def test_corrupt_settings_show_a_warning_and_the_file_is_kept(make_app, settings_path: Path) -> None:
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text('{"version": 1, "model": ')
    app = make_app(write=False)
    w = app.window
    assert w.message_bar.isVisible() and w.message_bar.level == "warning"
    assert "damaged" in w.message_bar.text and "kept as" in w.message_bar.text
    kept = list(settings_path.parent.glob("settings.json.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_text() == '{"version": 1, "model": '
    assert app.store.settings.model == "distil-large-v3.5"  # defaults
    w.close()
    assert json.loads(settings_path.read_text())["version"] == 1  # a fresh file; the old one stays aside
    assert kept[0].exists()


def test_unknown_settings_version_shows_a_warning(make_app, settings_path: Path) -> None:
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    settings_path.write_text(json.dumps({"version": 7, "model": "tiny.en"}))
    app = make_app(write=False)
    assert app.window.message_bar.level == "warning" and "version 7" in app.window.message_bar.text
    assert list(settings_path.parent.glob("settings.json.v7-*"))


def test_settings_persist_across_launches(make_app, qtbot, model_dir: Path) -> None:
    app = make_app()
    app.window.model_picker.compute_combo.setCurrentIndex(2)
    app.window.model_picker._compute_chosen(2)
    dialog = app.open_settings()
    dialog.font_size.setValue(33)
    dialog.lines.setValue(4)
    dialog.text_color.set_color("#ffee00")
    dialog.opacity.setValue(40)
    assert app.overlay.settings.font_size == 33  # live preview
    dialog.accept()
    assert app.store.settings.overlay.font_size == 33 and app.store.settings.overlay.lines == 4
    app.window.close()

    again = make_app(write=False)
    s = again.store.settings
    assert s.compute_device == "cpu" and s.model == str(model_dir)
    assert (s.overlay.font_size, s.overlay.lines, s.overlay.text_color, s.overlay.background_opacity) == (33, 4, "#ffee00", 0.4)
    assert again.overlay.fonts.final.pointSize() == 33
    assert again.window.model_picker.compute_combo.currentData() == "cpu"


def test_cancelled_settings_dialog_reverts_the_preview(make_app) -> None:
    app = make_app()
    before = app.store.settings
    dialog = app.open_settings()
    dialog.background_color.set_color("#ff0000")
    assert app.overlay.settings.background_color == "#ff0000"
    dialog.reject()
    assert app.overlay.settings == before.overlay and app.store.settings == before


def session_finals() -> list[CaptionEvent]:
    w = lambda t, s, e: Word(t, int(s * SAMPLE_RATE), int(e * SAMPLE_RATE))  # noqa: E731
    return [
        CaptionEvent(1, SAMPLE_RATE, 64000, "Good morning everyone.", True, (w(" Good", 1, 1.5), w(" morning", 1.5, 2.5), w(" everyone.", 2.5, 4))),
        CaptionEvent(2, 80000, 128000, "Fish & chips <3 for lunch?", True, (w(" Fish", 5, 5.5), w(" &", 5.5, 6), w(" chips", 6, 6.5), w(" <3", 6.5, 7), w(" for", 7, 7.5), w(" lunch?", 7.5, 8))),
    ]


@pytest.fixture
def app_with_captions(make_app):
    app = make_app()
    for event in session_finals():
        app.controller._on_caption(event)
    return app


def test_export_srt_txt_vtt(app_with_captions, tmp_path: Path, monkeypatch) -> None:
    w = app_with_captions.window
    asked = []

    def save_dialog(parent, title, start, pattern):
        asked.append((title, start, pattern))
        return str(tmp_path / Path(start).name.replace("captions", "meeting")), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    srt_path = w.export("srt")
    subs = list(srt.parse(srt_path.read_text()))
    assert [s.content for s in subs] == ["Good morning everyone.", "Fish & chips <3 for lunch?"]
    assert subs[0].start.total_seconds() == 1.0 and subs[1].end.total_seconds() == 8.0
    assert "*.srt" in asked[0][2]

    txt_path = w.export("txt")
    assert txt_path.read_text() == "Good morning everyone.\nFish & chips <3 for lunch?\n"

    vtt_path = w.export("vtt")
    vtt = vtt_path.read_text()
    assert vtt.startswith("WEBVTT\n\n")
    assert "00:00:01.000 --> 00:00:04.000\nGood morning everyone." in vtt
    assert "Fish &amp; chips &lt;3 for lunch?" in vtt
    assert [p.suffix for p in (srt_path, txt_path, vtt_path)] == [".srt", ".txt", ".vtt"]


def test_the_export_dialog_opens_in_the_sessions_folder_then_the_last_export_folder(app_with_captions, tmp_path: Path, monkeypatch) -> None:
    app = app_with_captions
    w = app.window
    sessions = app.store.settings.sessions_dir()
    sessions.mkdir(parents=True, exist_ok=True)
    w.model_picker.use_folder(str(app.store.settings.model))  # a model folder was chosen: a file dialog was there last
    starts = []
    out = tmp_path / "exports"
    out.mkdir()

    def save_dialog(parent, title, start, pattern):
        starts.append(Path(start).parent)
        return str(out / Path(start).name), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    assert w.export("srt") is not None
    assert starts[0] == sessions  # not the model folder, not a Documents folder that may not exist
    assert w.export("txt") is not None
    assert starts[1] == out  # where the user exported last
    assert app.store.settings.export_dir == str(out)


def test_export_adds_the_extension_and_reports_failures(app_with_captions, tmp_path: Path) -> None:
    w = app_with_captions.window
    out = w.export("srt", str(tmp_path / "no-extension"))
    assert out.name == "no-extension.srt" and out.exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert w.export("vtt", str(blocker / "x.vtt")) is None
    assert w.message_bar.level == "error" and "Export failed" in w.message_bar.text


def test_export_with_nothing_to_export(make_app) -> None:
    w = make_app().window
    assert w.export("srt", "/nonexistent/x.srt") is None
    assert w.message_bar.level == "info" and "Nothing to export" in w.message_bar.text


def desktop_tools(tmp_path: Path, monkeypatch, folder_app: str | None) -> None:
    """A PATH whose xdg-open exists and whose xdg-mime names `folder_app` for folders (None: no xdg tools)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if folder_app is not None:
        for name, body in (("xdg-open", "exit 0"), ("xdg-mime", f"echo '{folder_app}'")):
            tool = bin_dir / name
            tool.write_text(f"#!/bin/sh\n{body}\n")
            tool.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))


def test_open_autosave_folder(make_app, monkeypatch, tmp_path: Path) -> None:
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    desktop_tools(tmp_path, monkeypatch, "org.gnome.Nautilus.desktop")
    app = make_app()
    app.actions.open_autosave.trigger()
    assert opened == [str(tmp_path / "data" / "captioner" / "sessions")]
    assert Path(opened[0]).is_dir()
    assert not app.window.message_bar.isVisible()


@pytest.mark.parametrize("folder_app", ["", None], ids=["no-file-manager", "no-xdg-open"])
def test_open_autosave_folder_without_a_file_manager_shows_the_path(make_app, monkeypatch, tmp_path: Path, folder_app) -> None:
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)  # xdg-open starts, opens nothing
    desktop_tools(tmp_path, monkeypatch, folder_app)
    app = make_app()
    app.actions.open_autosave.trigger()
    folder = tmp_path / "data" / "captioner" / "sessions"
    w = app.window
    assert opened == [] and w.message_bar.isVisible() and str(folder) in w.message_bar.text


def test_overlay_defaults_only_on_the_overlay_tab(make_app) -> None:
    from captioner.settings import OverlaySettings

    app = make_app()
    dialog = app.open_settings("overlay")
    dialog.font_size.setValue(40)
    assert dialog.overlay_defaults.isVisible()
    dialog.overlay_defaults.click()
    assert dialog.font_size.value() == OverlaySettings().font_size
    for tab in (1, 2):
        dialog.tabs.setCurrentIndex(tab)
        assert not dialog.overlay_defaults.isVisible()
        assert all(b.text() != "Overlay defaults" for b in dialog.findChildren(QPushButton) if b.isVisible())
    dialog.reject()


@pytest.fixture
def unsaved_app(make_app, qtbot, speech_wav: Path, transcriber):
    """The app after a session with autosave off: its captions are saved nowhere."""
    app = make_app(autosave=False)
    app.controller.model.use(transcriber)
    infos: list = []
    app.controller.sessionFinished.connect(infos.append)
    assert app.window.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: bool(infos), timeout=60000)
    assert len(app.controller.finals) >= 2 and app.controller.unsaved
    app.infos = infos
    return app


def test_start_asks_before_clearing_unsaved_captions_and_cancel_keeps_them(unsaved_app, speech_wav: Path) -> None:
    from tests.gui.conftest import answer_next_dialog

    w, c = unsaved_app.window, unsaved_app.controller
    before, finals = w.transcript.plain_text(), c.finals
    asked: list[str] = []
    answer_next_dialog(QMessageBox.Cancel, asked=asked)
    assert not w.start_file_session(str(speech_wav), realtime=False)
    assert asked == ["The last session's captions are not saved. Autosave was off for it. "
                     "Starting a new session clears them from this window."]
    assert c.state is State.IDLE and w.transcript.plain_text() == before and c.finals == finals and c.unsaved


def test_discard_starts_the_next_session(unsaved_app, qtbot, speech_wav: Path) -> None:
    from tests.gui.conftest import answer_next_dialog

    w, c = unsaved_app.window, unsaved_app.controller
    first = c.finals
    asked: list[str] = []
    answer_next_dialog(QMessageBox.Discard, asked=asked)
    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: len(unsaved_app.infos) == 2, timeout=60000)
    assert len(asked) == 1 and c.finals and c.finals is not first and c.finals[0].id == first[0].id


def test_save_exports_the_captions_then_starts(unsaved_app, qtbot, speech_wav: Path, tmp_path: Path) -> None:
    from tests.gui.conftest import answer_next_dialog

    w, c = unsaved_app.window, unsaved_app.controller
    first = c.finals
    target = tmp_path / "kept.srt"

    def save_as(dialog) -> None:
        assert isinstance(dialog, QFileDialog)
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(target))  # typed in
        dialog.accept()

    answer_next_dialog(QMessageBox.Save, then=save_as)
    assert w.start_file_session(str(speech_wav), realtime=False)
    saved = " ".join(s.content for s in srt.parse(target.read_text(encoding="utf-8")))
    assert words(saved) == words(" ".join(e.text for e in first))  # the last session's captions, all of them
    qtbot.waitUntil(lambda: len(unsaved_app.infos) == 2, timeout=60000)


def test_no_question_once_the_captions_are_exported(unsaved_app, qtbot, speech_wav: Path, tmp_path: Path) -> None:
    from tests.gui.conftest import answer_next_dialog

    w, c = unsaved_app.window, unsaved_app.controller
    assert w.export("txt", str(tmp_path / "kept.txt")) is not None
    assert not c.unsaved
    asked: list[str] = []
    answer_next_dialog(QMessageBox.Cancel, asked=asked, within_s=5)  # would answer a question, were one asked
    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: len(unsaved_app.infos) == 2, timeout=60000)
    assert asked == []


def test_closing_asks_before_losing_unsaved_captions_and_cancel_keeps_the_window(unsaved_app, qtbot) -> None:
    from tests.gui.conftest import answer_next_dialog

    w, c = unsaved_app.window, unsaved_app.controller
    before, finals = w.transcript.plain_text(), c.finals
    closed: list = []
    unsaved_app.finished.connect(lambda: closed.append(True))
    asked: list[str] = []
    answer_next_dialog(QMessageBox.Cancel, asked=asked)
    w.close()
    assert asked == ["The last session's captions are not saved. Autosave was off for it. Closing Captioner loses them."]
    assert w.isVisible() and not closed and w.transcript.plain_text() == before and c.finals == finals and c.unsaved
    answer_next_dialog(QMessageBox.Discard, asked=asked)
    w.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=5000)
    assert len(asked) == 2 and not w.isVisible()


def test_closing_during_a_session_finishes_it_then_offers_to_save_every_caption(make_app, qtbot, speech_wav: Path, transcriber,
                                                                               tmp_path: Path) -> None:
    """The window closed while a session runs with autosave off: the session ends (the final in flight comes out), then
    Save… exports every caption, the last one included, and the app closes."""
    from tests.gui.conftest import answer_next_dialog

    app = make_app(autosave=False)
    app.controller.model.use(transcriber)
    infos: list = []
    app.controller.sessionFinished.connect(infos.append)
    closed: list = []
    app.finished.connect(lambda: closed.append(True))
    assert app.window.start_file_session(str(speech_wav), realtime=True)
    qtbot.waitUntil(lambda: len(app.controller.finals) >= 1, timeout=60000)
    target = tmp_path / "kept.srt"

    def save_as(dialog) -> None:
        dialog.findChild(QLineEdit, "fileNameEdit").setText(str(target))
        dialog.accept()

    asked: list[str] = []
    answer_next_dialog(QMessageBox.Save, asked=asked, then=save_as, within_s=60)
    app.window.close()
    qtbot.waitUntil(lambda: bool(closed), timeout=60000)
    assert infos and len(asked) == 1 and "Closing Captioner loses them" in asked[0]
    saved = " ".join(s.content for s in srt.parse(target.read_text(encoding="utf-8")))
    assert words(saved) == words(" ".join(e.text for e in app.controller.finals))  # all of them, the one in flight too


def _contrast(a, b) -> float:
    """WCAG contrast ratio of two QColors."""

    def luminance(c) -> float:
        def channel(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_tab_starts_at_start_and_its_focus_ring_stands_out(make_app, qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    from captioner.gui.resources import style_sheet

    qt = QApplication.instance()
    qt.setStyleSheet(style_sheet())  # as the app sets it
    try:
        app = make_app()
        w = app.window
        w.activateWindow()
        qtbot.waitUntil(lambda: QApplication.focusWidget() is w.start_button, timeout=3000)  # the window opens on Start
        seen = [w.start_button]
        for _ in range(8):
            qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
            seen.append(QApplication.focusWidget())
        order = [x.objectName() or type(x).__name__ for x in seen]
        expected = [w.start_button, w.system_picker.mode_combo, w.device_picker.combo, w.device_picker.refresh_button, w.model_picker.combo, w.model_picker.compute_combo]
        assert seen[: len(expected)] == expected, order  # as the eye reads, Start first
        assert w.transcript.text in seen and seen.index(w.transcript.text) > seen.index(w.model_picker.compute_combo), order

        button = w.start_button
        button.clearFocus()
        qtbot.waitUntil(lambda: not button.hasFocus(), timeout=2000)
        plain = button.grab().toImage()
        button.setFocus(Qt.TabFocusReason)
        qtbot.waitUntil(button.hasFocus, timeout=2000)
        focused = button.grab().toImage()
        y = focused.height() // 2
        fill = focused.pixelColor(focused.width() // 2, 6)  # the button's colour, inside the ring
        ring = focused.pixelColor(1, y)
        assert _contrast(ring, fill) >= 3.0, (ring.name(), fill.name())  # WCAG's 3:1 for a focus indicator
        assert _contrast(ring, plain.pixelColor(1, y)) >= 2.0  # and it is not the unfocused border
    finally:
        qt.setStyleSheet("")


def test_settings_ok_keeps_the_labels_typed(make_app) -> None:
    from captioner.channels import MICROPHONE, SYSTEM

    app = make_app()
    dialog = app.open_settings("captions")
    dialog.label_edits[MICROPHONE].setText("  Me  ")
    dialog.label_edits[SYSTEM].setText("The team")
    dialog.srt_labels.setChecked(True)
    dialog.accept()
    s = app.store.settings
    assert (s.labels, s.srt_labels) == ({MICROPHONE: "Me", SYSTEM: "The team"}, True)
    dialog = app.open_settings("captions")
    dialog.label_edits[SYSTEM].setText("   ")  # left empty: the label before stays
    dialog.accept()
    assert app.store.settings.labels == {MICROPHONE: "Me", SYSTEM: "The team"}


def test_each_meter_shows_its_channels_level_whatever_the_channels_are_called(make_app) -> None:
    """The system-audio meter is found by the channel's id: renamed (even to the microphone's name), the
    levels still go to their own meters."""
    import dataclasses

    from captioner.channels import MICROPHONE, SYSTEM

    app = make_app()
    w = app.window
    for labels in ({MICROPHONE: "You", SYSTEM: "Others"}, {MICROPHONE: "Others", SYSTEM: "You"}):
        app.store.set(dataclasses.replace(app.store.settings, labels=labels))
        w.session.on_status(SessionStatus(audio_s=1.0, processed_s=1.0, lag_s=0.0, level=0.9, channel=SYSTEM))
        assert w.system_picker.level_meter.value > 0.5 and w.device_picker.level_meter.value == 0.0
        w.session.on_status(SessionStatus(audio_s=1.0, processed_s=1.0, lag_s=0.0, level=0.0, channel=SYSTEM))
        w.session.on_status(SessionStatus(audio_s=1.0, processed_s=1.0, lag_s=0.0, level=0.9, channel=MICROPHONE))
        assert w.device_picker.level_meter.value > 0.5 and w.system_picker.level_meter.value == 0.0
        w.session.on_status(SessionStatus(audio_s=1.0, processed_s=1.0, lag_s=0.0, level=0.0, channel=MICROPHONE))


def test_hint_text_is_quieter_than_the_text_and_keeps_wcag_aa_contrast(qapp) -> None:
    from PySide6.QtGui import QColor, QPalette

    from captioner.gui.contrast import contrast_ratio
    from captioner.gui.resources import AA_CONTRAST, hint_colour, style_sheet

    for text, background in (("#000000", "#efefef"), ("#ffffff", "#2b2b2b"), ("#1f2328", "#ffffff"), ("#000000", "#b0b0b0")):
        colour = hint_colour(text, background)
        assert contrast_ratio(colour, background) >= AA_CONTRAST, (text, background, colour)
        assert contrast_ratio(colour, background) < contrast_ratio(text, background) or colour == text
    palette = QPalette()
    palette.setColor(QPalette.WindowText, QColor("#000000"))
    palette.setColor(QPalette.Window, QColor("#efefef"))
    assert f"QLabel#hint {{ color: {hint_colour('#000000', '#efefef')}; }}" in style_sheet(palette)
    assert "palette(mid)" not in style_sheet(palette) and "@hint-colour" not in style_sheet(palette)


def test_the_transcripts_text_is_made_larger_by_the_menu_and_ctrl_wheel_and_kept(make_app, qtbot) -> None:
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QTextCursor, QWheelEvent

    from captioner.app.merge import CaptionMerger
    from captioner.gui.transcript_view import TEXT_STEP_PT

    app = make_app()
    w = app.window
    merger = CaptionMerger()
    for n, text in enumerate(("Good morning everyone.", "Let us begin with the budget."), 1):
        w.transcript.apply(merger.apply(CaptionEvent(n, n * SAMPLE_RATE, (n + 1) * SAMPLE_RATE, text, True)))
    w.transcript.apply(merger.apply(CaptionEvent(3, 3 * SAMPLE_RATE, 4 * SAMPLE_RATE, "and then the", False)))
    normal = w.transcript.text_size

    def shown_size(block: int) -> float:  # the size of a line's words as drawn
        cursor = QTextCursor(w.transcript.text.document().findBlockByNumber(block))
        cursor.movePosition(QTextCursor.EndOfBlock)
        return cursor.charFormat().font().pointSizeF()

    w.actions.larger_text.trigger()
    w.actions.larger_text.trigger()
    assert w.transcript.text_size == normal + 2 * TEXT_STEP_PT
    assert [shown_size(n) for n in range(3)] == [normal + 2 * TEXT_STEP_PT] * 3  # the lines shown, and the interim
    assert w.transcript.plain_text().splitlines()[1].endswith("Let us begin with the budget.")  # the same lines
    assert w.transcript.interim_text == "and then the"
    assert app.store.settings.transcript_text_size == normal + 2 * TEXT_STEP_PT  # kept for the next start
    if os.environ.get("CAPTIONER_SHOTS"):
        w.grab().save(str(Path(os.environ["CAPTIONER_SHOTS"]) / "transcript-larger-text.png"))
    viewport = w.transcript.text.viewport()
    wheel = QWheelEvent(QPointF(20, 20), QPointF(viewport.mapToGlobal(QPoint(20, 20))), QPoint(0, 0), QPoint(0, 120),
                        Qt.NoButton, Qt.ControlModifier, Qt.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    assert w.transcript.text_size == normal + 3 * TEXT_STEP_PT
    w.actions.normal_text.trigger()
    assert w.transcript.text_size == normal and app.store.settings.transcript_text_size == 0
    for _ in range(40):
        w.actions.larger_text.trigger()
    from captioner.settings import TRANSCRIPT_TEXT_PT

    assert w.transcript.text_size == TRANSCRIPT_TEXT_PT[1]  # no larger than the largest
