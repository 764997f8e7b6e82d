"""The overlay on a real X11 desktop (Xvfb + openbox, driven with xdotool): where it first goes,
that click-through lets a real click reach the window beneath and that the overlay takes the click
otherwise, and that turning click-through on and off leaves it where it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.gui.x11_desktop import SCREEN, desktop, x11_server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.slow


def write_settings(tmp_path: Path, model_dir: Path, **overlay) -> Path:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"version": 1, "model": str(model_dir), "overlay": {"visible": True, **overlay}}))
    return path


def start_app(desktop, tmp_path: Path, settings: Path):  # noqa: F811
    env = {name: str(tmp_path / name.lower()) for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
    app = desktop.spawn("app", str(settings), extra_env={**env, "HF_HUB_OFFLINE": "1"})
    app.expect("ready", timeout=60)
    return app


def centre(rect: list[int]) -> tuple[int, int]:
    x, y, w, h = rect
    return x + w // 2, y + h // 2


def overlaps(a: list[int], b: list[int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def test_first_place_keeps_clear_of_the_framed_main_window(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    app = start_app(desktop, tmp_path, write_settings(tmp_path, model_dir))
    state = app.state()
    # the main window's frame as the window manager made it (title bar included), status line and all
    assert not overlaps(state["overlay"], state["window"]), state
    assert not overlaps(state["overlay"], state["status_bar"]), state
    x, y, w, h = state["overlay"]
    assert 0 <= x and x + w <= SCREEN[0] and 0 <= y and y + h <= SCREEN[1]
    app.send("quit")
    app.proc.wait(30)


def test_click_through_lets_a_real_click_reach_the_window_beneath(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    target = desktop.spawn("target", "0", "560", str(SCREEN[0]), str(SCREEN[1] - 560))
    target.expect("ready")
    app = start_app(desktop, tmp_path, write_settings(tmp_path, model_dir))
    before = app.state()
    assert not before["click_through"] and "drag to move" in before["hint"]
    x, y = centre(before["overlay"])
    target_window = desktop.window_id("click-target")

    # click-through off: the overlay takes the click, the window beneath gets nothing
    desktop.activate("Captioner")
    desktop.click(x, y)
    app.expect("overlay-press")
    assert not [line for line in target.drain() if line.startswith("target-press")]
    assert desktop.active_window() != target_window

    # click-through on (its shortcut, in the main window): the same click reaches the window beneath
    desktop.activate("Captioner")
    desktop.screenshot(tmp_path / "click-through-off.png")
    desktop.xdotool("key", "--clearmodifiers", "ctrl+shift+t")
    on = app.state()
    for _ in range(50):
        if on["click_through"]:
            break
        on = app.state()
    assert on["click_through"]
    assert on["overlay"] == before["overlay"]  # not moved by the new native window
    assert "drag to move" not in on["hint"] and "clicks go through" in on["hint"]
    desktop.screenshot(tmp_path / "click-through-on.png")
    desktop.click(x, y)
    press = target.expect("target-press", timeout=10)
    assert press.split()[1:] == [str(x), str(y)]
    assert desktop.active_window() == target_window  # the window manager activated the window beneath
    assert not [line for line in app.drain() if line.startswith("overlay-press")]

    # and off again: the overlay takes clicks again, still in its place
    desktop.activate("Captioner")
    desktop.xdotool("key", "--clearmodifiers", "ctrl+shift+t")
    off = app.state()
    for _ in range(50):
        if not off["click_through"]:
            break
        off = app.state()
    assert not off["click_through"] and off["overlay"] == before["overlay"]
    desktop.click(x, y)
    app.expect("overlay-press")
    app.send("quit")
    app.proc.wait(30)
    target.stop()
