import numpy as np

from captioner.events import SAMPLE_RATE as SR
from captioner.voices.turns import change_at, edge_turn, sides

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


def test_each_side_of_a_change_has_the_windows_wholly_its_own():
    _, spans = windows(lambda t: A, 8.0)
    before, after = sides(spans, int(4.0 * SR))
    assert (spans[before, 1] <= int(4.2 * SR)).all() and before.sum() == 7  # ending by 4.2 s (a window's reach past a pause)
    assert (spans[after, 0] >= int(3.8 * SR)).all() and after.sum() == 7


def test_a_side_with_no_window_wholly_its_own_has_those_whose_middle_is_on_it():
    # a change moved to a silence 1.2 s in (change_at moves it up to a window's width): no 1.6 s window ends by then
    emb, spans = windows(lambda t: A if t < 1.2 * SR else B, 8.0)
    before, after = sides(spans, int(1.2 * SR))
    assert before.any() and after.any()
    assert ((spans[before, 0] + spans[before, 1]) // 2 < int(1.2 * SR)).all()
    assert float(emb[before].mean(axis=0) @ A) > 0.9  # a voice, and the first side's


def _words(*spans_s):
    return [(round(a * SR), round(b * SR)) for a, b in spans_s]


SHORT = dict(shortest=round(0.5 * SR), longest=round(2.4 * SR), rest=round(1.0 * SR))


def test_a_short_turn_at_the_end_is_parted_at_the_silence_before_it():
    # "... rather selfish, | printed book." : 0.7 s of silence before the last two words, none between the others
    words = _words((0.0, 0.4), (0.4, 0.9), (0.9, 1.5), (1.5, 2.0), (2.7, 3.1), (3.1, 3.5))
    assert edge_turn(words, at_end=True, **SHORT) == 4
    assert edge_turn(words, at_end=False, **SHORT) is None  # no short turn at the start: its words run on


def test_a_short_turn_at_the_start_is_parted_at_the_longest_silence_that_fits():
    words = _words((0.0, 0.5), (0.8, 1.1), (1.6, 2.0), (2.0, 2.6), (2.6, 3.2))  # "Absolutely. | So | as I was saying"
    assert edge_turn(words, at_end=False, **SHORT) == 2  # 0.5 s of silence beats 0.3 s, and "Absolutely. So" fits
    assert edge_turn(words, at_end=False, **{**SHORT, "longest": round(1.0 * SR)}) == 1  # only the first word is short enough


def test_no_short_turn_without_a_silence_people_leave_between_turns():
    words = _words((0.0, 0.4), (0.4, 0.9), (0.9, 1.5), (1.65, 2.0), (2.0, 2.6))  # 0.15 s: a pause within a phrase
    assert edge_turn(words, at_end=True, **SHORT) is None
    assert edge_turn(words, at_end=True, gap=round(0.1 * SR), **SHORT) == 3


def test_no_short_turn_when_either_side_is_too_short():
    words = _words((0.0, 0.3), (1.0, 1.3), (2.0, 2.3))  # a 0.3 s word alone is no glimpse of a voice; the rest too short
    assert edge_turn(words, at_end=True, **SHORT) is None
    assert edge_turn(words[:1], at_end=True, **SHORT) is None
    assert edge_turn([], at_end=False, **SHORT) is None
