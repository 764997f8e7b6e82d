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


def _textbook_lstm(state: dict, mels: np.ndarray) -> np.ndarray:
    """GE2E's forward as PyTorch defines it, step by step (gates input, forget, cell, output; sigmoid and tanh as
    written), then the linear layer, a ReLU and unit length: what `VoiceEncoder` must compute however it arranges it."""
    def sigmoid(x):
        return 1.0 / (1.0 + np.exp(-x))

    x = mels.astype(np.float64)
    for k in range(3):
        w_ih, w_hh = state[f"lstm.weight_ih_l{k}"].astype(np.float64), state[f"lstm.weight_hh_l{k}"].astype(np.float64)
        bias = (state[f"lstm.bias_ih_l{k}"] + state[f"lstm.bias_hh_l{k}"]).astype(np.float64)
        h = np.zeros((x.shape[0], 256))
        c = np.zeros_like(h)
        out = []
        for t in range(x.shape[1]):
            i, f, g, o = np.split(x[:, t] @ w_ih.T + h @ w_hh.T + bias, 4, axis=1)
            c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
            h = sigmoid(o) * np.tanh(c)
            out.append(h)
        x = np.stack(out, axis=1)
    raw = np.maximum(h @ state["linear.weight"].T.astype(np.float64) + state["linear.bias"], 0.0)
    return raw / np.linalg.norm(raw, axis=1, keepdims=True)


def test_the_encoder_computes_the_textbook_lstm_on_its_weights(voices, encoder):
    """The encoder's own arrangement of the LSTM (gates reordered, one tanh for all four) gives the embeddings PyTorch's
    LSTM defines, window by window, on a real voice and the real weights."""
    from captioner.voices import torch_file
    from captioner.voices.weights import find_weights

    state = torch_file.load(find_weights())
    state = state.get("model_state", state)
    clip = np.concatenate(voices[VOICES[0]][:2])
    got, spans = encoder.windows(clip, step_s=0.8)
    assert len(got) >= 3
    level = 10 ** (-30 / 20) / np.sqrt(np.mean(np.square(clip, dtype=np.float64)))  # every clip brought to -30 dBFS
    mel = mel_spectrogram((clip * level).astype(np.float32))
    want = _textbook_lstm(state, np.stack([mel[s // 160: s // 160 + 160] for s, _ in spans]))
    assert np.abs(got - want).max() < 1e-4
    assert (np.sum(got * want, axis=1) > 0.99999).all()


def test_one_batch_gives_each_clip_and_window_the_voice_one_call_each_gives(voices, encoder):
    """`embed_batch` runs the encoder once over several clips' windows and a stretch's windows: each clip's voice (None
    where too little speech) and each window's are those of `embed` and `windows` called alone."""
    a, b = (voices[v][0] for v in VOICES)
    clips = [a, b[: int(0.7 * 16000)], quiet(2.0), b]
    stretch = np.concatenate([a, b])
    got = encoder.embed_batch(clips, least_s=0.5, windows_of=stretch, step_s=0.77)
    alone = [encoder.embed(x, least_s=0.5) for x in clips]
    assert [g is None for g in got.clips] == [x is None for x in alone] == [False, False, True, False]
    for g, x in zip(got.clips, alone):
        if x is not None:
            assert float(g @ x) > 0.99999
    windows, spans = encoder.windows(stretch, step_s=0.77)
    assert len(windows) >= 4 and (got.spans == spans).all()
    assert (np.sum(got.windows * windows, axis=1) > 0.99999).all()
    assert encoder.embed_batch().clips == [] and encoder.embed_batch([quiet(1.0)]).clips == [None]
