import numpy as np
import pytest

from tests.speech import TWO_VOICES as VOICES
from tests.speech import VOICE_SENTENCES as SENTENCES
from tests.speech import speak


def read(path) -> np.ndarray:
    from faster_whisper import decode_audio

    return decode_audio(str(path), sampling_rate=16000).astype(np.float32)


@pytest.fixture(scope="session")
def voices(tmp_path_factory) -> dict[str, list[np.ndarray]]:
    """Each voice saying each sentence (16 kHz mono, with a little silence around it)."""
    folder = tmp_path_factory.mktemp("voices")
    return {v: [read(speak(s, folder / f"{v}-{i}.wav", lead_s=0.2, trail_s=0.2, voice=v)) for i, s in enumerate(SENTENCES)]
            for v in VOICES}


@pytest.fixture(scope="session")
def encoder():
    from captioner.voices import load_encoder

    return load_encoder()
