import numpy as np

from captioner.voices.clusters import ClusterRule, OnlineSpeakers, speaker_id


def unit(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v)


A, B = unit([1, 0, 0, 0]), unit([0, 1, 0, 0])


def near(v, noise: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return unit(v + noise * rng.standard_normal(len(v)) / np.sqrt(len(v)))


def test_turns_of_two_voices_make_two_speakers():
    s = OnlineSpeakers()
    got = [s.assign(near(v, 0.3, i), 3.0).speaker for i, v in enumerate([A, B, A, B, A])]
    assert got == [speaker_id(1), speaker_id(2), speaker_id(1), speaker_id(2), speaker_id(1)]
    assert s.speakers == ["speaker-1", "speaker-2"]


def test_a_turn_too_short_to_embed_takes_the_previous_turns_speaker():
    s = OnlineSpeakers()
    assert s.assign(None, 0.4).speaker == ""  # nobody yet
    s.assign(A, 3.0)
    s.assign(B, 3.0)
    assert s.assign(None, 0.4).speaker == "speaker-2"
    assert s.speakers == ["speaker-1", "speaker-2"]


def test_a_short_turn_of_an_unknown_voice_is_not_a_new_speaker():
    s = OnlineSpeakers(ClusterRule(new_s=2.0))
    s.assign(A, 3.0)
    assert s.assign(B, 1.2).speaker == "speaker-1"  # a "yeah" from someone new: the previous turn's, never a new person
    assert s.assign(B, 3.0).speaker == "speaker-2"  # said at length, it is someone new


def test_speakers_that_converge_are_merged_into_the_first():
    s = OnlineSpeakers(ClusterRule(join=0.8, merge=0.85))
    middle = unit(A + B)
    s.assign(unit(A + 0.3 * B), 3.0)  # one voice, heard at first from two sides
    s.assign(unit(B + 0.3 * A), 3.0)
    assert s.speakers == ["speaker-1", "speaker-2"]
    merged = {}
    for _ in range(3):
        merged.update(s.assign(middle, 10.0).merged)
    assert merged == {"speaker-2": "speaker-1"}
    assert s.speakers == ["speaker-1"]
    assert s.assign(None, 0.3).speaker == "speaker-1"
