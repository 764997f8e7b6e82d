"""Reproduce docs/language-choice.png (Settings → Captions: the spoken language's list open, every language Whisper
writes, "Translate into English" and "Chinese characters"), docs/japanese-window.png and docs/japanese-overlay.png
(a Japanese talk captioned live, its language detected), and docs/translate-window.png (German speech captioned in
English).

    .venv/bin/python docs/language_screenshots.py [--out docs]

Runs the real app (real engine, the multilingual base model joined from its wheels by `benchmarks.modelpaths`) on an
X display (its own Xvfb, as docs/screenshots.py starts it, without $DISPLAY), captioning the files of
../shared/speech/languages/ at their own pace: ja_japanese.mp3, and the German half of en-de_multilingual.mp3 as
`benchmarks.languages.german_half` cuts it. Japanese needs a CJK font (Debian: fonts-noto-cjk). Each part runs in a
process of its own; settings and session files go to a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))

PARTS = ("choice", "japanese", "translate")


def base_model() -> str:
    from benchmarks import modelpaths

    return str(modelpaths.resolve("base")[1])


def shoot_choice(out: Path, work: Path) -> int:
    from screenshots import Camera

    camera = Camera(out, work, {"model": base_model(), "language": "ja", "translate": True})
    dialog = camera.cap.open_settings("captions")
    camera.wait(1.0)
    dialog.language.showPopup()
    camera.wait(1.0)
    popup = dialog.language.view().window().frameGeometry()
    camera.grab("language-choice.png", dialog.frameGeometry().united(popup).adjusted(-12, -12, 12, 12))
    dialog.language.hidePopup()
    dialog.reject()
    camera.close()
    return 0 if len(camera.shots) == 1 else 1


def shoot_session(out: Path, work: Path, part: str) -> int:
    """A file captioned at its own pace: the window after a few finals, then the overlay."""
    from screenshots import Camera, window_rect

    from benchmarks.dataset import DEFAULT_SPEECH_DIR
    from benchmarks.languages import MIXED_FILE, german_half
    from captioner.gui.controller import State

    languages = DEFAULT_SPEECH_DIR / "languages"
    if part == "japanese":
        path, settings, finals = languages / "ja_japanese.mp3", {}, 2
    else:
        path, settings, finals = german_half(languages / MIXED_FILE, work)[0], {"translate": True}, 2
    camera = Camera(out, work, {"model": base_model(), "language": "auto", **settings}, overlay_lines=3)
    cap, c, w = camera.cap, camera.cap.controller, camera.cap.window
    camera.wait_until(lambda: not c.busy and c.model.loaded_for(c.model.request()), 120)
    w.start_file_session(str(path), realtime=True)
    camera.wait_until(lambda: c.state is State.RUNNING, 30)
    caught = camera.wait_until(lambda: len(c.finals) >= finals, 120)
    w.raise_()
    w.repaint()
    camera.wait(0.15)
    print(f"{part}: {len(c.finals)} finals ({'caught' if caught else 'timed out'})")
    camera.grab(f"{part}-window.png" if part == "japanese" else "translate-window.png", window_rect(cap))
    if part == "japanese":
        # at once: the second final is the talk's longest, 65 characters without a space, wrapped between phrases
        camera.overlay_shot("japanese-overlay.png", "dark", lambda: True, above=160)
    camera.wait_until(lambda: c.state is State.IDLE, 120)
    camera.close()
    return 0 if len(camera.shots) == (2 if part == "japanese" else 1) else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--part", choices=PARTS, help="one picture set in this process (without: each in its own)")
    args = parser.parse_args()
    if args.part is None:
        return max(subprocess.run([sys.executable, __file__, "--out", str(args.out), "--part", part]).returncode for part in PARTS)
    from screenshots import start_display

    procs: list[subprocess.Popen] = []
    work = Path(tempfile.mkdtemp(prefix="captioner-language-shots-"))
    os.environ["XDG_CONFIG_HOME"] = str(work / "config")
    os.environ["XDG_DATA_HOME"] = str(work / "data")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        start_display(procs)
        return shoot_choice(args.out, work) if args.part == "choice" else shoot_session(args.out, work, args.part)
    finally:
        for p in reversed(procs):
            p.terminate()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
