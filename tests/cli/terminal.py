"""The command line run as a user runs it (`python -m captioner` in a process of its own), and what it wrote read back."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import srt

from tests.conftest import SENTENCE

SENTENCES = [
    SENTENCE,
    "We will start the meeting at nine o'clock tomorrow morning.",
    "Please send the meeting notes to everyone before Friday afternoon.",
    "The new office has a large kitchen and a quiet room for calls.",
]


def captioner(*args, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "captioner", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def run(*args, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "captioner", *map(str, args)], capture_output=True, text=True, timeout=timeout)


def parse_srt(path: Path) -> list[srt.Subtitle]:
    return list(srt.parse(path.read_text(encoding="utf-8")))


# -- bad input: one clear line, exit code 1, nothing half-made left behind --------


def error_line(done: subprocess.CompletedProcess) -> str:
    assert done.returncode == 1, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.startswith("captioner: error:")]
    assert len(lines) == 1, done.stderr
    return lines[0]
