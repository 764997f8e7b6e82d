"""System-wide shortcuts: key names as the keyboard watcher needs them, a clear reason where a
desktop allows none, and on a real X11 desktop (Xvfb + openbox, xdotool) Start/Stop, show/hide
and click-through pressed while another program's window has focus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from captioner.gui.hotkeys import CLICK_THROUGH, GlobalShortcuts, Hotkey, parse_hotkey, pynput_hotkey, unavailable_reason
from captioner.settings import Settings
from tests.gui.x11_desktop import SCREEN, desktop, x11_server  # noqa: F401 (fixtures)


def test_qt_key_sequences_become_hotkeys() -> None:
    assert parse_hotkey("Ctrl+Alt+Shift+T") == Hotkey(frozenset({"ctrl", "alt", "shift"}), "t")
    assert pynput_hotkey(parse_hotkey("Ctrl+Alt+Shift+T")) == "<ctrl>+<alt>+<shift>+t"
    assert parse_hotkey("Meta+F9") == Hotkey(frozenset({"meta"}), "F9") and pynput_hotkey(parse_hotkey("Meta+F9")) == "<cmd>+<f9>"
    assert pynput_hotkey(parse_hotkey("Ctrl+Alt+PgUp")) == "<ctrl>+<alt>+<page_up>" and parse_hotkey("Ctrl+Alt+PgUp").key == "Prior"
    for bad in ("T", "Shift+T", "Ctrl+Foo", "", "Ctrl+A, Ctrl+B", "Ctrl++"):
        with pytest.raises(ValueError):
            parse_hotkey(bad)


def test_where_no_shortcut_can_be_system_wide_it_says_why(qapp, monkeypatch: pytest.MonkeyPatch) -> None:
    shortcuts = GlobalShortcuts()
    assert "desktop session" in shortcuts.apply(True, {CLICK_THROUGH: "Ctrl+Alt+Shift+T"})  # Qt offscreen here
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    reason = unavailable_reason()
    assert "not possible on Wayland" in reason and "window has focus" in reason
    assert not shortcuts.active and shortcuts.apply(False, {CLICK_THROUGH: "Ctrl+Alt+Shift+T"}) is None


def test_the_shortcuts_are_changed_in_settings(qtbot) -> None:
    from PySide6.QtGui import QKeySequence

    from captioner.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(Settings(), tab="shortcuts", shortcuts_note="System-wide shortcuts are not possible on Wayland")
    qtbot.addWidget(dialog)
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Shortcuts"
    assert "Wayland" in dialog.shortcuts_note.text()
    dialog.shortcut_edits["shortcut_click_through"].setKeySequence(QKeySequence("Ctrl+Alt+K"))
    dialog.global_shortcuts.setChecked(False)
    chosen = dialog.result_settings()
    assert chosen.shortcut_click_through == "Ctrl+Alt+K" and not chosen.global_shortcuts
    assert chosen.shortcut_start_stop == Settings().shortcut_start_stop
    assert not dialog.shortcut_edits["shortcut_overlay"].isEnabled()


def test_settings_ok_keeps_the_shortcuts_chosen(make_app, qtbot) -> None:
    from PySide6.QtGui import QKeySequence

    app = make_app()
    dialog = app.open_settings("shortcuts")
    dialog.shortcut_edits["shortcut_start_stop"].setKeySequence(QKeySequence("Ctrl+Alt+F5"))
    dialog.global_shortcuts.setChecked(False)
    dialog.accept()
    assert app.store.settings.shortcut_start_stop == "Ctrl+Alt+F5" and not app.store.settings.global_shortcuts
    assert app.store.settings.shortcut_click_through == Settings().shortcut_click_through


@pytest.mark.slow
def test_shortcuts_work_while_another_window_has_focus(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"version": 1, "model": str(model_dir), "overlay": {"visible": True}}))
    target = desktop.spawn("target", "0", "0", str(SCREEN[0] // 2), str(SCREEN[1] // 2))
    target.expect("ready")
    env = {name: str(tmp_path / name.lower()) for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
    app = desktop.spawn("app", str(settings), extra_env={**env, "HF_HUB_OFFLINE": "1"})
    app.expect("ready", timeout=60)
    state = app.state()
    assert state["shortcuts_problem"] is None and state["shortcuts"] == {
        "start_stop": "Ctrl+Alt+Shift+R",
        "show_overlay": "Ctrl+Alt+Shift+O",
        "click_through": "Ctrl+Alt+Shift+T",
    }
    desktop.activate("click-target")  # the meeting's window has focus, not Captioner
    focused = desktop.active_window()

    def press(keys: str, until) -> dict:
        desktop.xdotool("key", "--clearmodifiers", keys)
        for _ in range(100):
            state = app.state()
            if until(state):
                return state
        raise AssertionError(f"{keys}: nothing happened; {state}")

    target.drain()
    press("ctrl+alt+shift+o", lambda s: not s["overlay_visible"])
    press("ctrl+alt+shift+o", lambda s: s["overlay_visible"])
    key_o = f"target-key {int(Qt.Key_O)} "
    assert not [line for line in target.drain() if line.startswith(key_o)]  # X11: the shortcut's key is Captioner's alone
    desktop.xdotool("key", "--clearmodifiers", "ctrl+alt+shift+k")  # a key that is no shortcut reaches the focused window
    target.expect(f"target-key {int(Qt.Key_K)} ", timeout=10)
    state = press("ctrl+alt+shift+t", lambda s: s["click_through"])
    assert "Ctrl+Alt+Shift+T (anywhere)" in state["banner"]
    press("ctrl+alt+shift+t", lambda s: not s["click_through"])
    # Start: no microphone in this desktop, so the app says so (it tried to start)
    assert "No audio input device" not in app.state()["banner"]
    press("ctrl+alt+shift+r", lambda s: "No audio input device" in s["banner"])
    assert desktop.active_window() == focused  # the keys did not take the focus away

    # changed in Settings: the new key works at once, the old one is free again
    app.send("set shortcut_overlay Ctrl+Alt+J")
    app.expect("set")
    for _ in range(50):
        if app.state()["shortcuts"].get("show_overlay") == "Ctrl+Alt+J":
            break
    press("ctrl+alt+j", lambda s: not s["overlay_visible"])
    desktop.xdotool("key", "--clearmodifiers", "ctrl+alt+shift+o")
    target.expect(f"target-key {int(Qt.Key_O)} ", timeout=10)  # no longer Captioner's: the focused window gets it
    assert not app.state()["overlay_visible"]
    app.send("quit")
    app.proc.wait(30)
    target.stop()


@pytest.mark.slow
def test_a_shortcut_another_program_holds_is_said(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    from Xlib import XK, X
    from Xlib.display import Display

    other = Display(desktop.display)  # another program holds Ctrl+Alt+Shift+O
    root = other.screen().root
    keycode = other.keysym_to_keycode(XK.string_to_keysym("o"))
    root.grab_key(keycode, X.ControlMask | X.Mod1Mask | X.ShiftMask, True, X.GrabModeAsync, X.GrabModeAsync)
    other.sync()
    try:
        settings = tmp_path / "settings.json"
        settings.write_text(json.dumps({"version": 1, "model": str(model_dir)}))
        env = {name: str(tmp_path / name.lower()) for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
        app = desktop.spawn("app", str(settings), extra_env={**env, "HF_HUB_OFFLINE": "1"})
        app.expect("ready", timeout=60)
        state = app.state()
        assert "another program already uses" in state["shortcuts_problem"] and "o" in state["shortcuts_problem"]
        assert "another program already uses" in state["banner"]  # said in the window, not only in Settings
        assert set(state["shortcuts"]) == {"start_stop", "click_through"}, state  # the others still work
        app.send("quit")
        app.proc.wait(30)
    finally:
        other.close()
