import warnings

import numpy as np
import pytest

from captioner.voices.encoder import EMBEDDING_SIZE, mel_filters, mel_spectrogram
from tests.speech import quiet
from tests.voices.conftest import VOICES


def test_mel_filters_are_slaney_triangles():
    f = mel_filters()
    assert f.shape == (40, 201)
    assert (f >= 0).all()
    peaks = f.argmax(axis=1)
    assert (np.diff(peaks) > 0).all()  # each band above the last
    # Slaney normalisation: each triangle's area (in Hz) is 1
    assert np.allclose(f.sum(axis=1) * (16000 / 400), 1.0, rtol=0.1)


def test_mel_spectrogram_frames_every_10_ms():
    m = mel_spectrogram(np.zeros(16000, dtype=np.float32))
    assert m.shape == (101, 40)
    assert not m.any()


def test_one_voice_is_closer_to_itself_than_to_another(voices, encoder):
    e = {v: [encoder.embed(x) for x in clips] for v, clips in voices.items()}
    for v in VOICES:
        for x in e[v]:
            assert x.shape == (EMBEDDING_SIZE,)
            assert np.linalg.norm(x) == pytest.approx(1.0, abs=1e-5)
    a, b = VOICES
    same = [float(x @ y) for v in VOICES for i, x in enumerate(e[v]) for y in e[v][i + 1:]]
    across = [float(x @ y) for x in e[a] for y in e[b]]
    assert min(same) > max(across)


def test_too_little_speech_has_no_embedding(voices, encoder):
    assert encoder.embed(quiet(3.0)) is None  # silence: nothing left once the silence is trimmed
    clip = voices[VOICES[0]][0]
    assert encoder.embed(clip[: int(0.5 * 16000)], trim=False) is None


def test_a_glimpse_of_a_voice_from_less_speech_than_a_voice_needs(voices, encoder, tmp_path):
    """A reply ("I agree.", 0.75 s of speech once trimmed) has too little speech for a voice, and a glimpse of one when the
    caller takes less: a unit vector more like its own speaker's sentences than the other voice's."""
    from tests.speech import read_wav, speak

    mine, other = VOICES
    reply = read_wav(speak("I agree.", tmp_path / "reply.wav", lead_s=0.1, trail_s=0.1, voice=mine))
    assert encoder.embed(reply) is None
    glimpse = encoder.embed(reply, least_s=0.5)
    assert glimpse is not None and glimpse.shape == (EMBEDDING_SIZE,) and np.isclose(np.linalg.norm(glimpse), 1.0, atol=1e-4)
    alike = {v: np.mean([float(glimpse @ encoder.embed(x)) for x in voices[v]]) for v in VOICES}
    assert alike[mine] > alike[other], alike
    assert encoder.embed(reply[: int(0.3 * 16000)], least_s=0.5, trim=False) is None  # less than that: still nothing


def test_a_clip_shorter_than_the_smoothing_has_no_embedding_and_no_error(voices, encoder):
    """A one-word sentence ("Okay.") can be a caption of its own: 60 to 210 ms of audio, fewer windows than the
    silence trim smooths over. It has too little speech to embed, and says so by None (it raised IndexError)."""
    clip = voices[VOICES[0]][0]
    for ms in (30, 60, 120, 180, 210, 240):
        assert encoder.embed(clip[int(0.2 * 16000): int((0.2 + ms / 1000) * 16000)]) is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an empty clip is no level to take either (NumPy warned of the mean of nothing)
        assert encoder.embed(np.zeros(0, dtype=np.float32)) is None


def test_loudness_does_not_change_the_voice(voices, encoder):
    x = voices[VOICES[0]][1]
    assert float(encoder.embed(x) @ encoder.embed(x * 0.1)) > 0.99
