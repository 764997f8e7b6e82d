"""The engine tests' spoken sentences: FIRST, SECOND and THIRD (tests.speech) spoken once a test module."""

from __future__ import annotations

import numpy as np
import pytest

from tests.speech import FIRST, SECOND, THIRD, read_wav, speak


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> dict[str, np.ndarray]:
    folder = tmp_path_factory.mktemp("speech")
    return {text: read_wav(speak(text, folder / f"{n}.wav", lead_s=0.1, trail_s=0.1)) for n, text in enumerate((FIRST, SECOND, THIRD))}
