"""The overlay on a real X11 desktop (Xvfb + openbox, driven with xdotool): where it first goes,
that click-through lets a real click reach the window beneath and that the overlay takes the click
otherwise, that turning click-through on and off leaves it where it was, that a bigger font keeps it
off the main window, and that it docks across the screen's edge."""

from __future__ import annotations

import json
import time
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


def settled(app, ready, tries: int = 60) -> dict:
    """The app's state once `ready(state)` holds (the window manager moves windows a moment later)."""
    state = app.state()
    for _ in range(tries):
        if ready(state):
            return state
        time.sleep(0.05)
        state = app.state()
    raise AssertionError(state)


def clear_of_the_window(state: dict) -> bool:
    x, y, w, h = state["overlay"]
    on_screen = 0 <= x and x + w <= SCREEN[0] and 0 <= y and y + h <= SCREEN[1]
    return on_screen and not overlaps(state["overlay"], state["window"]) and not overlaps(state["overlay"], state["status_bar"])


def test_a_bigger_font_and_more_lines_keep_the_overlay_off_the_main_window(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    app = start_app(desktop, tmp_path, write_settings(tmp_path, model_dir))
    # a tall window down to near the screen's foot: the overlay as it comes fits below it
    app.send(f"window 0 30 900 {SCREEN[1] - 270}")
    app.expect("moved")
    before = settled(app, lambda s: s["window"][1] + s["window"][3] > SCREEN[1] - 300 and clear_of_the_window(s))
    app.send('overlay {"font_size": 40, "lines": 3}')  # as the settings dialog's preview sets them
    app.expect("set")
    grown = settled(app, lambda s: s["overlay"][3] > 2 * before["overlay"][3] - 20)
    assert clear_of_the_window(grown), grown  # it grew where it covers none of the window, status line included
    desktop.screenshot(tmp_path / "overlay-40pt-3-lines.png")
    app.send("quit")
    app.proc.wait(30)


def test_at_40_pt_and_3_lines_the_first_place_is_off_the_main_window(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    app = start_app(desktop, tmp_path, write_settings(tmp_path, model_dir, font_size=40, lines=3))
    assert clear_of_the_window(app.state()), app.state()
    # a window nearly as tall as the screen: no room above or below it, the overlay goes beside it
    app.send(f"window 0 30 900 {SCREEN[1] - 60}")
    app.expect("moved")
    state = settled(app, lambda s: s["window"][3] > SCREEN[1] - 60 and clear_of_the_window(s))
    assert state["overlay"][0] >= state["window"][0] + state["window"][2], state
    app.send("quit")
    app.proc.wait(30)


def test_the_overlay_docks_across_the_screens_edge_and_comes_back(desktop, tmp_path: Path, model_dir: Path) -> None:  # noqa: F811
    app = start_app(desktop, tmp_path, write_settings(tmp_path, model_dir, font_size=30, lines=2))
    floating = app.state()
    height = floating["overlay"][3]
    app.send('overlay {"placement": "docked_bottom"}')
    app.expect("set")
    bottom = settled(app, lambda s: s["overlay"] == [0, SCREEN[1] - height, SCREEN[0], height])
    assert "docked at the bottom" in bottom["hint"]
    desktop.screenshot(tmp_path / "docked-bottom.png")
    app.send('overlay {"placement": "docked_top", "lines": 3}')  # its height follows the lines
    app.expect("set")
    top = settled(app, lambda s: s["overlay"][:3] == [0, 0, SCREEN[0]] and s["overlay"][3] > height)
    assert top["overlay"][3] < 2 * height
    app.send('overlay {"placement": "floating", "lines": 2}')
    app.expect("set")
    settled(app, lambda s: s["overlay"] == floating["overlay"])  # back where it was, off the main window
    app.send("quit")
    app.proc.wait(30)
