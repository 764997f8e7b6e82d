"""A real X11 desktop for the tests that need one: Xvfb with the openbox window manager, xdotool to
press keys and click, and the programs of tests/gui/x11_driver.py as separate X clients.

The GUI tests otherwise run on Qt's offscreen platform, which has no window manager, no input
routing between windows and no global keyboard: what click-through and system-wide shortcuts do can
only be seen here.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREEN = (1600, 1000)
TOOLS = ("Xvfb", "openbox", "xdotool", "xprop")


class Program:
    """A process whose stdout lines are read in the background; `expect` waits for one."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(args, env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.errors: list[str] = []
        threading.Thread(target=self._read, args=(self.proc.stdout, self.lines), daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, None), daemon=True).start()

    def _read(self, stream, into) -> None:
        for line in stream:
            if into is None:
                self.errors.append(line)
            else:
                into.put(line.rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 30.0) -> str:
        """The next line starting with `prefix` (earlier lines are kept in `seen`)."""
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {prefix!r} line in {timeout} s; got {self.seen[-10:]}, stderr: {''.join(self.errors[-20:])}")
            try:
                line = self.lines.get(timeout=left)
            except queue.Empty:
                continue
            self.seen.append(line)
            if line.startswith(prefix):
                return line

    def drain(self) -> list[str]:
        """The lines printed since the last call, without waiting."""
        got = []
        while True:
            try:
                line = self.lines.get_nowait()
            except queue.Empty:
                return got
            self.seen.append(line)
            got.append(line)

    def send(self, text: str) -> None:
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def state(self) -> dict:
        self.send("state")
        return json.loads(self.expect("state ").split(" ", 1)[1])

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Desktop:
    def __init__(self, display: str) -> None:
        self.display = display
        self.env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
        self.programs: list[Program] = []
        self.window_manager: subprocess.Popen | None = None

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=20)
        if done.returncode != 0:
            raise AssertionError(f"xdotool {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout.strip()

    def window_id(self, name: str) -> int:
        return int(self.xdotool("search", "--sync", "--onlyvisible", "--name", f"^{name}$").split()[0])

    def active_window(self) -> int:
        return int(self.xdotool("getactivewindow"))

    def activate(self, name: str) -> None:
        self.xdotool("windowactivate", "--sync", str(self.window_id(name)))

    def click(self, x: int, y: int) -> None:
        """A click as a hand makes it: the button held for a moment (a window manager handling a
        press, e.g. starting a move, sees the release after it)."""
        self.xdotool("mousemove", "--sync", str(x), str(y))
        self.xdotool("mousedown", "1")
        time.sleep(0.2)
        self.xdotool("mouseup", "1")

    def screenshot(self, path: Path) -> Path:
        subprocess.run(["import", "-window", "root", str(path)], env=self.env, check=True, timeout=30)
        return path

    def spawn(self, *args: str, extra_env: dict[str, str] | None = None) -> Program:
        program = Program([sys.executable, "-m", "tests.gui.x11_driver", *args], {**self.env, **(extra_env or {})})
        self.programs.append(program)
        return program

    def stop_programs(self) -> None:
        for program in self.programs:
            program.stop()
        self.programs.clear()


def start_xvfb() -> tuple[subprocess.Popen, str]:
    """Xvfb on a display number it picks itself (-displayfd: no race with other X servers here)."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        pass_fds=(write,), stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


@pytest.fixture(scope="module")
def x11_server() -> Iterator[Desktop]:
    """Xvfb with openbox, for the tests of one module."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (packaging/debian-packages.txt)")
    xvfb, display = start_xvfb()
    env = {**os.environ, "DISPLAY": display}
    wm = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):  # openbox has set itself up once the root window says what it supports
            if "_NET_ACTIVE_WINDOW" in subprocess.run(["xprop", "-root", "_NET_SUPPORTED"], env=env, capture_output=True, text=True).stdout:
                break
            if wm.poll() is not None:
                raise RuntimeError(f"openbox stopped on {display}: {wm.stderr.read()}")
            time.sleep(0.1)
        else:
            raise RuntimeError(f"openbox did not start on {display}")
        desk = Desktop(display)
        desk.window_manager = wm
        yield desk
    finally:
        for proc in (wm, xvfb):
            proc.terminate()
            proc.wait(10)


@pytest.fixture
def desktop(x11_server: Desktop) -> Iterator[Desktop]:
    """The module's X11 desktop; the programs a test started there are stopped after it."""
    yield x11_server
    x11_server.stop_programs()
