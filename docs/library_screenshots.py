"""Reproduce docs/library.png (the Library's list, a damaged file among the sessions), docs/library-search.png (a
search, the session opened at the line found) and docs/library-playing.png (a meeting heard from a line at 1.5×, the
line being heard chosen).

    xvfb-run -a .venv/bin/python docs/library_screenshots.py [--out docs]

The sessions are written to a temporary folder as the app writes them (the transcript document's SRT and TXT, a
refine's VTT, the recorder's Ogg/Opus for the meeting); the index goes there too. The meeting's audio is a tone, sent
to a stand-in output that takes it at the pace a sound card would, so no sound device is needed.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OLD = 1_700_000_000  # a copied-in transcription's files: written in November 2023


class PacedOutput:
    """An output stream that takes the samples at the pace it plays them."""

    def __init__(self, **kw) -> None:
        self.rate = kw["samplerate"]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def write(self, block) -> None:
        time.sleep(len(block) / self.rate)


def sessions(folder: Path) -> None:
    import numpy as np

    from captioner.audio.recorder import SessionRecorder
    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.events import SAMPLE_RATE
    from tests.library.sessions import final, live_session

    live_session(folder, "2026-03-10_09-30")
    recorder = SessionRecorder.open(folder, "2026-03-10_09-30", ["You", "Others"])
    tone = (0.3 * np.sin(np.arange(20 * SAMPLE_RATE) / 10)).astype(np.float32)
    for side in range(2):
        for at in range(0, len(tone), 480):
            recorder.feed(side, tone[at:at + 480])
    recorder.close()
    live_session(folder, "2026-03-12_14-00", events=[
        final(1, "The budget review moves to Friday.", 2, 5, channel=MICROPHONE),
        final(2, "Fine by me, I will send the figures tomorrow.", 6, 9, channel=SYSTEM),
        final(3, "我们明天开会讨论预算。", 10, 13, channel=SYSTEM)])
    for path in live_session(folder, "customer-interview", kinds=("srt", "txt", "vtt")):
        os.utime(path, (OLD, OLD))
    (folder / "copied-in.srt").write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nHalf \xff written\n\n2\n00:00:0")
    os.utime(folder / "copied-in.srt", (OLD - 10**7, OLD - 10**7))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from PySide6.QtWidgets import QApplication

    from captioner.gui.library_window import LibraryWindow
    from captioner.library import Library

    with tempfile.TemporaryDirectory(prefix="library-shots-") as temp:
        folder = Path(temp) / "sessions"
        folder.mkdir()
        sessions(folder)
        app = QApplication(sys.argv)
        library = Library(folder, Path(temp) / "index.sqlite3")
        library.sessions()
        library.set_title("2026-03-12_14-00", "Budget sync")
        window = LibraryWindow(folder, library=library, output=PacedOutput)
        window.show()
        window.refresh()
        window.sessions.selectRow(3)
        app.processEvents()
        window.grab().save(str(args.out / "library.png"))
        window.search.setText("budget")
        window.run_search()
        window._hit_chosen(window.hits.item(1, 3))
        app.processEvents()
        window.grab().save(str(args.out / "library-search.png"))
        window.search.clear()
        window.run_search()
        window.sessions.selectRow(1)  # the meeting, opened
        window.open_session("2026-03-10_09-30", line=0)
        window.player.speed.setCurrentIndex(1)
        window._play()
        until = time.monotonic() + 3.2
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.02)
        window.grab().save(str(args.out / "library-playing.png"))
        window.player.stop()
        window.close()
        library.close()
    print(f"wrote library.png, library-search.png, library-playing.png to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
