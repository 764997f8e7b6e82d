"""Voiced or whispered, on real synthesized speech (espeak-ng's voices and its whisper)."""

import numpy as np

from captioner.voices.voicing import VOICED_SHARE, voiced_share, whispered
from tests.speech import VOICE_SENTENCES, quiet, read_wav, speak


def test_spoken_sentences_are_voiced_and_their_whisper_is_not(tmp_path):
    for i, text in enumerate(VOICE_SENTENCES[:2]):
        for voice in ("en-us", "en-us+f3"):
            said = read_wav(speak(text, tmp_path / f"{i}-{voice}.wav", voice=voice))
            assert voiced_share(said) > 0.6 and not whispered(said), voice
        hushed = read_wav(speak(text, tmp_path / f"{i}-whisper.wav", voice="en-us+whisper"))
        assert voiced_share(hushed) < 0.3 and whispered(hushed)


def test_the_share_is_of_the_speech_not_of_the_pauses_around_it(tmp_path):
    said = read_wav(speak(VOICE_SENTENCES[0], tmp_path / "s.wav", lead_s=0.0, trail_s=0.0))
    padded = np.concatenate([quiet(3.0), said, quiet(3.0)])  # twice as much near-silence as speech
    assert abs(voiced_share(padded) - voiced_share(said)) < 0.1


def test_noise_and_silence_are_not_voiced():
    rng = np.random.default_rng(0)
    assert voiced_share((0.1 * rng.standard_normal(32000)).astype(np.float32)) < VOICED_SHARE
    assert voiced_share(np.zeros(32000, dtype=np.float32)) == 0.0
    assert voiced_share(np.zeros(100, dtype=np.float32)) == 0.0
