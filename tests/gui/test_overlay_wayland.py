"""The overlay in a Wayland session: a real compositor (Weston 10, with Xwayland), the app started
with WAYLAND_DISPLAY and DISPLAY set and no QT_QPA_PLATFORM, as a Wayland desktop starts it.

Weston runs on its X11 back-end inside Xvfb: that gives it a real seat, so xdotool moving and
clicking on the Xvfb display is pointer input to Weston, which hands it to Wayland clients or
Xwayland as a desktop would (Weston's headless back-end has no input devices at all). The app runs
itself through Xwayland and says so; a native Wayland window opened after it (focused, on top of
the other windows) does not cover the overlay (read from a screenshot of the composited screen);
with click-through on, a real click at the overlay reaches an X window beneath it. A native Wayland
window beneath does not get the click: Xwayland 22.1 (Debian 12) gives the overlay's surface no
empty input region, so the compositor still hands the click to Xwayland (the second test checks
the input path, then xfails on exactly that, and passes once it changes). Skips when weston, Xwayland, Xvfb or xdotool is missing
(packaging/debian-packages.txt).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.gui.x11_desktop import Program, start_xvfb

pytestmark = pytest.mark.slow

OUTPUT = (1280, 800)  # Weston's output: its window at (0, 0) of the Xvfb screen, which is larger
TARGET_COLOUR = (0xD8, 0xE4, 0xF0)  # the driver's target window background (#d8e4f0)


class WaylandDesktop:
    def __init__(self, env: dict[str, str], host_display: str) -> None:
        self.env = env  # for clients of Weston: WAYLAND_DISPLAY, and DISPLAY = its Xwayland
        self.host = {**env, "DISPLAY": host_display}  # the Xvfb that Weston's window is on
        self.programs: list[Program] = []

    def spawn(self, *args: str, platform: str, extra_env: dict[str, str] | None = None) -> Program:
        """A tests.gui.x11_driver program; platform "app" (the app's own choice), "xcb" or "wayland"."""
        env = {**self.env, "X11_DRIVER_PLATFORM": platform, **(extra_env or {})}
        program = Program([sys.executable, "-m", "tests.gui.x11_driver", *args], env)
        self.programs.append(program)
        return program

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.host, capture_output=True, text=True, timeout=20)
        if done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def click(self, x: int, y: int) -> None:
        """A click at (x, y) of Weston's output. The pointer leaves Weston's window first: entering
        it again is what gives Weston's X11 back-end the absolute position."""
        self.xdotool("mousemove", "--sync", str(OUTPUT[0] + 100), str(OUTPUT[1] + 100))
        time.sleep(0.2)
        self.xdotool("mousemove", "--sync", str(x), str(y))
        time.sleep(0.3)
        self.xdotool("mousedown", "1")
        time.sleep(0.2)
        self.xdotool("mouseup", "1")

    def screenshot(self, path: Path) -> Path:
        """The composited screen (Wayland and Xwayland windows alike), as Weston's window shows it."""
        subprocess.run(["import", "-window", "root", "-crop", f"{OUTPUT[0]}x{OUTPUT[1]}+0+0", str(path)], env=self.host, check=True, timeout=30)
        return path


@pytest.fixture
def weston(tmp_path: Path) -> Iterator[WaylandDesktop]:
    missing = [tool for tool in ("weston", "Xwayland", "Xvfb", "xdotool", "import") if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (packaging/debian-packages.txt: weston, xwayland, xvfb, xdotool, imagemagick)")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    log = tmp_path / "weston.log"
    xvfb, host = start_xvfb()
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "X11_DRIVER_PLATFORM")}
    env["XDG_RUNTIME_DIR"] = str(runtime)
    socket = f"wl-captioner-{os.getpid()}"
    proc = subprocess.Popen(
        ["weston", "--backend=x11-backend.so", "--use-pixman", "--xwayland", f"--socket={socket}",
         f"--width={OUTPUT[0]}", f"--height={OUTPUT[1]}", "--idle-time=0", f"--log={log}"],
        env={**env, "DISPLAY": host}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        display = None
        for _ in range(200):
            found = re.search(r"xserver listening on display (:\d+)", log.read_text() if log.exists() else "")
            if found:
                display = found.group(1)
                break
            if proc.poll() is not None:
                break
            time.sleep(0.1)
        if display is None:
            raise RuntimeError(f"weston did not start with Xwayland: {log.read_text() if log.exists() else 'no log'}")
        desk = WaylandDesktop({**env, "WAYLAND_DISPLAY": socket, "DISPLAY": display}, host)
        yield desk
        for program in desk.programs:
            program.stop()
    finally:
        for p in (proc, xvfb):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def pixels(png: Path, rect: tuple[int, int, int, int], step: int = 8) -> list[tuple[int, int, int]]:
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull(), png
    x0, y0, w, h = rect
    got = []
    for y in range(y0 + 4, y0 + h - 4, step):
        for x in range(x0 + 4, x0 + w - 4, step):
            c = image.pixelColor(x, y)
            got.append((c.red(), c.green(), c.blue()))
    return got


def start_app(weston: WaylandDesktop, tmp_path: Path, model_dir: Path) -> tuple[Program, list[int]]:
    settings = tmp_path / "settings.json"
    settings.write_text(json.dumps({"version": 1, "model": str(model_dir), "overlay": {"visible": True, "click_through": True}}))
    dirs = {name: str(tmp_path / name.lower()) for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME")}
    app = weston.spawn("app", str(settings), platform="app", extra_env={**dirs, "HF_HUB_OFFLINE": "1"})
    app.expect("ready", timeout=60)
    state = app.state()
    assert state["platform"] == "xcb", state  # through Xwayland
    assert any("running through Xwayland" in line for line in app.errors), app.errors  # and it says so
    assert state["click_through"] and state["overlay_visible"], state
    return app, state["overlay"]


def test_in_a_wayland_session_the_overlay_stays_on_top_and_lets_clicks_through(weston: WaylandDesktop, tmp_path: Path, model_dir: Path, qapp) -> None:
    app, overlay = start_app(weston, tmp_path, model_dir)
    # an X program's window, opened after the app: above its main window, beneath the overlay
    below = weston.spawn("target", "0", "0", str(OUTPUT[0]), str(OUTPUT[1]), platform="xcb")
    below.expect("ready")
    x, y, w, h = overlay
    cx, cy = x + w // 2, y + h // 2

    # a native Wayland window opened afterwards: focused and stacked above the other windows by Weston
    above = weston.spawn("target", "0", "0", str(OUTPUT[0]), str(OUTPUT[1]), platform="wayland")
    above.expect("ready")
    time.sleep(1.0)
    shot = weston.screenshot(tmp_path / "wayland-overlay-on-top.png")
    print("screenshot:", shot)
    inside = pixels(shot, (x, y, w, h))
    covered = sum(p == TARGET_COLOUR for p in inside)
    assert covered < len(inside) // 20, f"{covered} of {len(inside)} points of the overlay show the window opened after it ({shot})"
    beside = pixels(shot, (0, y, x, h))  # left of the overlay: the Wayland window is there and on screen
    assert sum(p == TARGET_COLOUR for p in beside) > len(beside) // 2, shot
    above.stop()
    time.sleep(0.5)

    # click-through: a real click at the overlay's centre reaches the X window beneath it
    below.drain()
    weston.click(cx, cy)
    press = below.expect("target-press", timeout=10)
    assert press.split()[1:] == [str(cx), str(cy)]
    assert not [line for line in app.drain() if line.startswith("overlay-press")]
    app.send("quit")
    app.proc.wait(30)


def test_in_a_wayland_session_a_click_through_the_overlay_reaches_a_native_wayland_window(weston: WaylandDesktop, tmp_path: Path, model_dir: Path) -> None:
    app, (x, y, w, h) = start_app(weston, tmp_path, model_dir)
    below = weston.spawn("target", "0", "0", str(OUTPUT[0]), str(OUTPUT[1]), platform="wayland")
    below.expect("ready")
    time.sleep(0.5)
    weston.click(100, 300)  # beside the overlay: the Wayland window gets it (the input path works)
    below.expect("target-press", timeout=10)
    weston.click(x + w // 2, y + h // 2)
    try:
        below.expect("target-press", timeout=5)
    except AssertionError:
        # Known limit: Xwayland 22.1 (Debian 12) gives the overlay's surface no empty input region, so
        # Weston hands the click to Xwayland, where no X window beneath takes it
        pytest.xfail("a click through the overlay does not reach a native Wayland window beneath (Xwayland 22.1)")
    assert not [line for line in app.drain() if line.startswith("overlay-press")]
