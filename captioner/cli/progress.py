"""The terminal's side of long work: tqdm bars on stderr (a download's bytes, an offline decode's seconds of audio), and
Ctrl-C while it goes on (the first stops it and says what stopping does, the second quits now)."""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from contextlib import contextmanager

__all__ = ["AudioBar", "DownloadBar", "clock", "first_ctrl_c", "wait_with_interrupt"]

_WAIT_STEP_S = 0.1  # how often a wait for a session wakes, so that Ctrl-C is heard at once


class DownloadBar:
    """A tqdm bar on stderr for a download (a model, the GPU's libraries), opened at its first report."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.bar = None

    def __call__(self, p) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=p.total, unit="B", unit_scale=True, unit_divisor=1024, desc=f"downloading {self.spec}", file=sys.stderr)
        self.bar.update(p.downloaded - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class AudioBar:
    """A tqdm bar on stderr over the seconds of audio an offline decode has done."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar = None

    def __call__(self, done_s: float, total_s: float) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=round(total_s, 1), unit="s", desc=self.desc, file=sys.stderr,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s of audio [{elapsed}<{remaining}]")
        self.bar.update(round(min(done_s, total_s), 1) - self.bar.n)

    def phase(self, name: str) -> None:
        """An offline job's next phase (`decode_whole`): telling speakers apart is said on a line of its own, the bar
        closed (it has no share of the audio); decoding again starts a new bar."""
        from captioner.engine.offline.decode_whole import TELLING_SPEAKERS

        if name == TELLING_SPEAKERS:
            self.close()
            print(f"captioner: {self.desc.split(' (')[0]}: telling speakers apart…", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def clock(seconds: float) -> str:
    """Seconds as m:ss (h:mm:ss from an hour on)."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


@contextmanager
def first_ctrl_c(doing: Callable[[], str], stop: Callable[[], None]):
    """While inside: the first Ctrl-C says at once what stopping does (`doing()`) and calls `stop`; the second raises
    KeyboardInterrupt, which quits now (`captioner.cli.main`)."""
    interrupted = False

    def handler(signum, frame):
        nonlocal interrupted
        if interrupted:
            raise KeyboardInterrupt
        interrupted = True
        print(f"\ncaptioner: stopping; {doing()} (Ctrl-C again to quit now)", file=sys.stderr, flush=True)
        stop()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def wait_with_interrupt(session) -> None:
    """Wait for a live session to end. Ctrl-C once: finish the segment in flight and close the files; twice: quit now."""
    with first_ctrl_c(lambda: "finishing the caption in flight", session.stop):
        while not session.wait(_WAIT_STEP_S):
            pass
