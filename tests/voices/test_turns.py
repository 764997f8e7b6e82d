import numpy as np

from captioner.events import SAMPLE_RATE as SR
from captioner.voices.turns import change_at

A = np.array([1.0, 0, 0])
B = np.array([0, 1.0, 0])
WIDTH, STEP = int(1.6 * SR), int(0.4 * SR)


def windows(voice_at, seconds: float):
    """Windows of 1.6 s every 0.4 s over `seconds`, each the (unit) voice of its middle."""
    starts = np.arange(0, int(seconds * SR) - WIDTH + 1, STEP)
    spans = np.stack([starts, starts + WIDTH], axis=1)
    emb = np.stack([voice_at((a + b) // 2) for a, b in spans])
    return emb / np.linalg.norm(emb, axis=1, keepdims=True), spans


def test_the_change_is_the_longest_silence_where_the_voice_changes():
    emb, spans = windows(lambda t: A if t < 4 * SR else B, 8.0)
    places = [(int(s * SR), silence) for s, silence in ((1.0, 0), (3.5, 100), (4.1, 4000), (5.0, 0), (7.0, 8000))]
    assert change_at(emb, spans, places, join=0.72) == int(4.1 * SR)  # the long pause at 7 s is in one voice: not it


def test_one_voice_throughout_has_no_change():
    emb, spans = windows(lambda t: A + 0.2 * B * np.sin(t / SR), 8.0)
    assert change_at(emb, spans, [(int(s * SR), 0) for s in (2.0, 4.0, 6.0)], join=0.72) is None


def test_a_turn_shorter_than_two_windows_is_not_told_apart():
    emb, spans = windows(lambda t: A if t < 6.8 * SR else B, 8.0)  # the second voice: 1.2 s
    assert change_at(emb, spans, [(int(6.8 * SR), 4000)], join=0.72) is None


def test_a_b_a_finds_a_change_without_mixing_the_far_turn_in():
    emb, spans = windows(lambda t: B if 4 * SR <= t < 8 * SR else A, 12.0)
    at = change_at(emb, spans, [(int(s * SR), 1000) for s in (4.0, 8.0)], join=0.72)
    assert at in (int(4.0 * SR), int(8.0 * SR))
