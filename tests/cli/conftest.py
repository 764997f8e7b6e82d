"""The command line's test set-up: a recording of several sentences with pauses between them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.cli.terminal import SENTENCES
from tests.speech import SR, read_wav, speak, write_wav


@pytest.fixture(scope="package")
def talk_wav(tmp_path_factory) -> tuple[Path, list[tuple[float, float]]]:
    """Four sentences with pauses between them (16 kHz mono), and where each one's speech lies (s)."""
    folder = tmp_path_factory.mktemp("talk")
    audio, spans, pos = [], [], 0
    for i, text in enumerate(SENTENCES):
        part = read_wav(speak(text, folder / f"{i}.wav", lead_s=0.6, trail_s=0.6))
        voiced = np.flatnonzero(np.abs(part) > 0.01)
        spans.append(((pos + voiced[0]) / SR, (pos + voiced[-1]) / SR))
        audio.append(part)
        pos += len(part)
    return write_wav(folder / "talk.wav", np.concatenate(audio)), spans
