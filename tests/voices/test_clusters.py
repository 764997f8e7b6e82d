import numpy as np
import pytest

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
    got = [s.assign(near(v, 0.3, i), 4.0).speaker for i, v in enumerate([A, B, A, B, A])]
    assert got == [speaker_id(1), speaker_id(2), speaker_id(1), speaker_id(2), speaker_id(1)]
    assert s.speakers == ["speaker-1", "speaker-2"]


def test_a_turn_too_short_to_embed_takes_the_previous_turns_speaker():
    s = OnlineSpeakers()
    assert s.assign(None, 0.4).speaker == ""  # nobody yet
    s.assign(A, 4.0)
    s.assign(B, 4.0)
    assert s.assign(None, 0.4).speaker == "speaker-2"
    assert s.speakers == ["speaker-1", "speaker-2"]


def test_a_short_turn_is_a_known_voice_or_the_previous_turns_and_changes_no_speaker():
    s = OnlineSpeakers(ClusterRule(new_s=3.2))
    assert s.assign(B, 1.5).speaker == ""  # nobody known yet: no label rather than a guess
    s.assign(A, 4.0)
    s.assign(B, 4.0)
    s.assign(A, 4.0)
    before = [sp.mean.copy() for sp in s._speakers]
    assert s.assign(near(B, 0.3, 1), 1.2).speaker == "speaker-2"  # a short reply in a known voice: that voice's
    assert all(np.allclose(a, sp.mean) for a, sp in zip(before, s._speakers))
    c = unit([0, 0, 1, 0])
    assert s.assign(c, 1.2).speaker == "speaker-2"  # someone new says "yeah": the previous turn's, never a new person
    assert s.assign(c, 4.0).speaker == "speaker-3"  # said at length, it is someone new


def test_speakers_that_converge_are_merged_into_the_first():
    s = OnlineSpeakers(ClusterRule(join=0.9, merge=0.85))
    middle = unit(A + B)
    s.assign(unit(A + 0.6 * B), 4.0)  # one voice, heard at first from two sides (0.88 alike: under join)
    s.assign(unit(B + 0.6 * A), 4.0)
    assert s.speakers == ["speaker-1", "speaker-2"]
    merged = {}
    for _ in range(3):
        merged.update(s.assign(middle, 10.0).merged)
    assert merged == {"speaker-2": "speaker-1"}
    assert s.speakers == ["speaker-1"]
    assert s.assign(None, 0.3).speaker == "speaker-1"


def test_a_later_speaker_grown_close_to_the_first_is_folded_into_it_past_a_speaker_unlike_both():
    s = OnlineSpeakers()
    c = unit([0, 0, 1, 0])
    assert [s.assign(v, 4.0).speaker for v in (A, B, unit(A + 1.1 * c))] == ["speaker-1", "speaker-2", "speaker-3"]  # 0.67 like A
    got = s.assign(unit(A + 0.47 * c), 40.0)  # more like the third (0.92) than A (0.91): theirs, and now 0.89 like A
    assert got.speaker == "speaker-3" and got.merged == {"speaker-3": "speaker-1"}
    assert s.speakers == ["speaker-1", "speaker-2"]  # the fold weighed once, and what was folded not weighed again
    assert s.assign(unit(A + 1.1 * c), 4.0).speaker == "speaker-1"


def test_short_turns_that_sound_alike_found_a_speaker_together_and_are_placed():
    s = OnlineSpeakers(ClusterRule(new_s=3.2))
    s.assign(A, 4.0, turn="a")
    got = [s.assign(near(B, 0.2, i), 1.2, turn=f"b{i}") for i in range(3)]
    assert [g.speaker for g in got[:2]] == ["speaker-1", "speaker-1"]  # for now, the previous turn's
    assert got[2].speaker == "speaker-2"  # 3.6 s of one new voice, in three short turns
    assert got[2].placed == {"b0": "speaker-2", "b1": "speaker-2"}
    assert s.speakers == ["speaker-1", "speaker-2"]


def test_a_turn_cut_where_the_voice_changed_may_start_a_speaker_however_short():
    s = OnlineSpeakers(ClusterRule(new_s=3.2))
    s.assign(A, 4.0)
    assert s.assign(B, 1.8, changed=True).speaker == "speaker-2"


def test_offline_every_turn_is_grouped_by_voice_and_short_ones_go_with_the_turn_before():
    from captioner.voices.clusters import cluster_offline

    turns = [near(A, 0.3, 1), near(B, 0.3, 2), None, near(A, 0.3, 3), near(B, 0.3, 4), near(A, 0.3, 5)]
    assert cluster_offline(turns, [4, 4, 0.4, 4, 4, 4]) == [0, 1, 1, 0, 1, 0]
    assert cluster_offline([None, near(B, 0.3, 6)], [0.3, 4]) == [0, 0]  # nothing before: the turn after
    assert cluster_offline([None], [0.3]) == [-1]
    assert cluster_offline([], []) == []


def test_offline_one_voice_is_one_group_however_many_turns():
    from captioner.voices.clusters import cluster_offline

    assert set(cluster_offline([near(A, 0.3, i) for i in range(40)], [3.0] * 40)) == {0}


def test_a_turn_too_short_to_embed_goes_with_the_voiced_turn_next_to_it_once_that_has_a_speaker():
    s = OnlineSpeakers(ClusterRule(new_s=3.2))
    assert s.assign(None, 0.6, turn="um").speaker == ""  # nothing voiced before it: it goes with the next voiced turn
    assert s.assign(near(A, 0.2, 1), 2.0, turn="a1").speaker == ""  # too short to start a speaker: it waits
    assert s.assign(None, 0.8, turn="yeah").speaker == ""  # goes with a1, which waits
    got = s.assign(near(A, 0.2, 2), 2.0, turn="a2")
    assert got.speaker == "speaker-1"
    assert got.placed == {"a1": "speaker-1", "um": "speaker-1", "yeah": "speaker-1"}
    assert s.assign(None, 0.5, turn="mm").speaker == "speaker-1"  # after a turn with a speaker: that speaker's, at once
    assert s.assign(B, 4.0, turn="b").placed == {}  # nothing left to place
    assert s.speakers == ["speaker-1", "speaker-2"]


def test_a_turn_too_short_to_embed_first_in_a_call_takes_the_speaker_of_the_turn_after_it():
    s = OnlineSpeakers()
    assert s.assign(None, 0.5, turn="hello").speaker == ""
    got = s.assign(A, 4.0, turn="a")
    assert (got.speaker, got.placed) == ("speaker-1", {"hello": "speaker-1"})


def test_with_a_most_a_new_voice_beyond_it_is_the_known_one_it_is_most_like():
    from captioner.speaker_count import SpeakerCount

    c = unit([0, 0, 1, 0])
    s = OnlineSpeakers(count=SpeakerCount(1, 2))
    got = [s.assign(v, 4.0).speaker for v in (A, B, unit(c + 0.6 * B))]
    assert got == ["speaker-1", "speaker-2", "speaker-2"]
    assert s.speakers == ["speaker-1", "speaker-2"]
    assert s.peek(c, 1.0) == "speaker-2"
    free = OnlineSpeakers()
    assert [free.assign(v, 4.0).speaker for v in (A, B, unit(c + 0.6 * B))][-1] == "speaker-3"  # without it: a third person


def test_with_a_most_a_speaker_heard_less_than_a_new_voice_in_one_turn_joins_the_one_it_sounds_most_like():
    from captioner.speaker_count import SpeakerCount

    c = unit([0, 0, 1, 0])
    a_part = unit(A + 1.2 * unit([0, 0, 0, 1]))  # a stretch of A's turn cut off as another voice (0.64 like A)
    s = OnlineSpeakers(count=SpeakerCount.exactly(3))
    assert s.assign(A, 10.0).speaker == "speaker-1"
    assert s.assign(a_part, 2.4, changed=True).speaker == "speaker-2"
    assert s.assign(B, 5.0).speaker == "speaker-3"
    assert s.peek(c, 5.5) is None  # a new voice, heard more in one turn than speaker 2 in all
    got = s.assign(c, 5.5)
    assert got.speaker == "speaker-4" and got.merged == {"speaker-2": "speaker-1"}
    assert s.speakers == ["speaker-1", "speaker-3", "speaker-4"]
    assert s.assign(a_part, 3.5).speaker == "speaker-1"
    short = OnlineSpeakers(count=SpeakerCount.exactly(3))
    for v, speech_s, changed in ((A, 10.0, False), (a_part, 2.4, True), (B, 5.0, False)):
        short.assign(v, speech_s, changed=changed)
    got = short.assign(c, 2.0, changed=True)  # heard less than every speaker: one of them
    assert got.speaker in ("speaker-1", "speaker-2", "speaker-3") and not got.merged
    two = OnlineSpeakers(count=SpeakerCount.exactly(2))
    assert [two.assign(v, 3.6).speaker for v in (A, B)] == ["speaker-1", "speaker-2"]
    again = unit(A + 1.1 * unit([0, 0, 1, 0]))  # A again, below the line (0.67) but more like A than A is like B
    got = two.assign(again, 3.7)
    assert got.speaker == "speaker-1" and not got.merged and two.speakers == ["speaker-1", "speaker-2"]


def test_a_short_turn_heard_with_nobody_to_weigh_it_against_is_shown_as_the_voice_it_is_most_like_as_voices_are_found():
    from captioner.speaker_count import SpeakerCount

    first = unit(B + 1.2 * unit([0, 0, 1, 0]))  # a short first turn, 0.64 like B: no voice of its own yet
    for people in (SpeakerCount.exactly(2), SpeakerCount()):
        s = OnlineSpeakers(count=people)
        assert s.assign(first, 2.0, turn="first").speaker == ""  # nobody known yet
        assert s.assign(A, 4.0, turn="a").placed == {"first": "speaker-1"}  # the one voice known: shown as it, for now
        assert s.assign(B, 4.0, turn="b").placed == {"first": "speaker-2"}  # then as the voice it sounds most like
    # it still waits: without a number of people, short turns alike may yet be a third person of their own
    free = OnlineSpeakers()
    for v, speech_s, turn in ((first, 2.0, "first"), (A, 4.0, "a"), (B, 4.0, "b")):
        free.assign(v, speech_s, turn=turn)
    got = free.assign(first, 2.0, turn="again")
    assert got.speaker == "speaker-3" and got.placed == {"first": "speaker-3"}
    # a reply heard while one voice only was known could show no other: it is weighed once the second voice is found
    s = OnlineSpeakers()
    assert s.assign(A, 4.0, turn="a").speaker == "speaker-1"
    assert s.assign(first, 1.0, turn="reply").speaker == "speaker-1"
    assert s.assign(B, 4.0, turn="b").placed == {"reply": "speaker-2"}


def test_a_short_turn_shown_by_the_turns_around_it_keeps_that_when_a_new_voice_is_found():
    s = OnlineSpeakers()
    assert [s.assign(v, 4.0, turn=t).speaker for v, t in ((A, "a"), (B, "b"))] == ["speaker-1", "speaker-2"]
    odd = unit([1, 1, 1, 0])  # a short turn like neither by the line (0.58), as like the one as the other
    assert s.assign(odd, 1.5, turn="odd").speaker == "speaker-2"  # the previous turn's
    c = unit([0.3, 0.3, 1, 0.8])  # a new voice it is more like (0.69), though not by the line
    assert float(odd @ c) < s.rule.join and float(odd @ c) > max(float(odd @ A), float(odd @ B))
    assert s.assign(c, 4.0, turn="c").placed == {}  # what the turns around it decided stands


def test_with_a_least_speakers_are_not_merged_below_it():
    from captioner.speaker_count import SpeakerCount

    rule = ClusterRule(join=0.99, merge=0.5)  # every turn a new speaker, then merged with any other it is half like
    v1, v2 = unit([1, 0.3, 0, 0]), unit([1, -0.3, 0, 0])
    merging = OnlineSpeakers(rule)
    assert [merging.assign(v, 4.0).speaker for v in (v1, v2)] == ["speaker-1", "speaker-2"]
    assert merging.assign(v1, 4.0).merged == {"speaker-2": "speaker-1"}  # speaker 1 grew, and is speaker 2 too
    kept = OnlineSpeakers(rule, SpeakerCount(2, 2))
    assert [kept.assign(v, 4.0).speaker for v in (v1, v2)] == ["speaker-1", "speaker-2"]
    assert kept.assign(v1, 4.0).merged == {} and kept.speakers == ["speaker-1", "speaker-2"]


def test_offline_the_number_of_groups_follows_the_count_given():
    from captioner.speaker_count import SpeakerCount
    from captioner.voices.clusters import cluster_offline

    c = unit([0, 0, 1, 0])
    turns = [near(v, 0.2, i) for i, v in enumerate([A, B, c, A, B, c])]
    secs = [4.0] * len(turns)
    assert cluster_offline(turns, secs) == [0, 1, 2, 0, 1, 2]  # three voices: three groups
    two = cluster_offline(turns, secs, count=SpeakerCount(2, 2))
    assert len(set(two)) == 2 and two[0] == two[3] and two[1] == two[4] and two[2] == two[5]  # the two closest joined
    assert cluster_offline(turns, secs, count=SpeakerCount(1, 3)) == [0, 1, 2, 0, 1, 2]
    same = [near(A, 0.2, i) for i in range(4)]
    assert cluster_offline(same, [4.0] * 4) == [0, 0, 0, 0]
    assert len(set(cluster_offline(same, [4.0] * 4, count=SpeakerCount(2, 2)))) == 2  # told there are two: the two least alike halves


def test_offline_a_group_with_too_little_speech_for_a_voice_joins_the_one_it_sounds_most_like():
    from captioner.speaker_count import SpeakerCount
    from captioner.voices.clusters import cluster_offline

    c = unit([0, 0, 1, 0])
    short = unit(A + c)  # 0.71 from A, 0 from B: below the wide band's join (0.72), so a group of its own at first
    turns = [near(A, 0.1, 1), near(B, 0.1, 2), near(A, 0.1, 3), short, near(B, 0.1, 4)]
    secs = [4.0, 4.0, 4.0, 1.5, 4.0]  # 1.5 s: under the two encoder windows a voice needs (ClusterRule.new_s)
    assert cluster_offline(turns, secs) == [0, 1, 0, 0, 1]
    assert cluster_offline(turns, secs[:3] + [4.0] + secs[4:]) == [0, 1, 0, 2, 1]  # enough speech: a voice of its own
    two_short = turns[:3] + [short, unit(A + 1.05 * c)] + turns[4:]
    assert cluster_offline(two_short, secs[:4] + [2.0, 4.0]) == [0, 1, 0, 2, 2, 1]  # 3.5 s of it together: a voice
    assert cluster_offline(turns, secs, count=SpeakerCount(3, 3)) == [0, 1, 0, 2, 1]  # never below the least
    # the live captions heard it as someone else than the turns it sounds most like: it stays apart
    live = ["speaker-1", "speaker-2", "speaker-1", "speaker-3", "speaker-2"]
    assert cluster_offline(turns, secs, heard_as=live) == [0, 1, 0, 2, 1]
    # heard as that speaker live, or with no speaker at all: it joins them
    assert cluster_offline(turns, secs, heard_as=live[:3] + ["speaker-1"] + live[4:]) == [0, 1, 0, 0, 1]
    assert cluster_offline(turns, secs, heard_as=live[:3] + [""] + live[4:]) == [0, 1, 0, 0, 1]


def test_offline_told_how_many_people_speak_the_voice_heard_least_joins_the_one_it_sounds_most_like():
    from captioner.speaker_count import SpeakerCount
    from captioner.voices.clusters import cluster_offline

    b = unit([0.6, 0.8, 0, 0])  # 0.6 from A: two people, but the most alike pair of voices here
    whisper = unit([0.3, 0, 0.95, 0])  # 0.3 from A, 0.18 from B: unlike everyone, heard once
    turns = [near(A, 0.05, 1), near(b, 0.05, 2), near(whisper, 0.05, 3), near(A, 0.05, 4), near(b, 0.05, 5)]
    secs = [4.0, 4.0, 3.5, 4.0, 4.0]
    assert cluster_offline(turns, secs) == [0, 1, 2, 0, 1]  # three voices, each with speech enough to be one
    assert cluster_offline(turns, secs, count=SpeakerCount(2, 2)) == [0, 1, 0, 0, 1]  # not A and B taken for one
    assert cluster_offline(turns, secs, count=SpeakerCount(1, 2)) == [0, 1, 0, 0, 1]
    assert cluster_offline(turns, secs, count=SpeakerCount(3, 3)) == [0, 1, 2, 0, 1]


def test_a_voice_is_as_alike_to_a_speaker_as_to_their_turns_on_average_however_many_they_are():
    s = OnlineSpeakers(ClusterRule(join=0.5, merge=0.99))
    turns = [near(A, 0.6, i) for i in range(8)]
    for t in turns:
        assert s.assign(t, 4.0).speaker == "speaker-1"
    other = near(unit(A + 0.8 * B), 0.6, 99)
    speaker, likeness = s.closest(other)
    assert speaker == "speaker-1" and likeness == pytest.approx(np.mean([float(other @ t) for t in turns]))
    mean = s._speakers[0].mean
    assert float(other @ mean) > likeness + 0.05  # the mean's direction alone makes the voice more alike than any turn says


def test_a_short_turn_like_no_known_voice_is_the_speaker_it_sounds_most_like_not_the_previous_one():
    s = OnlineSpeakers(ClusterRule(join=0.9))
    assert [s.assign(v, 4.0).speaker for v in (A, B)] == ["speaker-1", "speaker-2"]
    reply = unit(A + 0.9 * B + 0.5 * unit([0, 0, 1, 0]))  # under join to both, a little more like A's voice
    assert s.assign(reply, 1.5).speaker == "speaker-1"  # after speaker 2's turn: the other person replying
    assert s.peek(reply, 1.5) == "speaker-1"
    s.assign(B, 4.0)
    even = unit(A + B)
    assert s.assign(even, 1.5).speaker == "speaker-2"  # like both alike: the previous turn's


def test_a_whispered_turn_however_long_founds_and_moves_no_speaker():
    C = unit([0, 0, 1, 0])  # a whisper: like no known voice
    s = OnlineSpeakers()
    s.assign(A, 4.0)
    s.assign(B, 4.0)
    assert s.peek(C, 8.0) is None  # spoken, 8 s of a new voice would be a new speaker
    assert s.peek(C, 8.0, whispered=True) == "speaker-2"  # whispered, it goes with the turn before it
    assert s.assign(C, 8.0, whispered=True).speaker == "speaker-2"
    assert s.speakers == ["speaker-1", "speaker-2"]
    assert s.assign(near(B, 0.3, 1), 4.0).speaker == "speaker-2" and s.assign(A, 4.0).speaker == "speaker-1"  # B unmoved
    assert s.assign(unit(A + 0.9 * C), 8.0, whispered=True).speaker == "speaker-1"  # ... or with the voice it is most like


def test_whatever_the_voices_every_speaker_given_is_one_there_is_and_nothing_raises():
    """Random calls of 1-5 voices, some turns short, unembedded, whispered or cut at a change, with and without a number
    of people: every label the rule gives (as the turn's, placed, or merged into) names a speaker it still has."""
    from captioner.speaker_count import SpeakerCount

    rng = np.random.default_rng(41)
    for call in range(400):
        dim, people = int(rng.integers(2, 6)), int(rng.integers(1, 6))
        voices = [unit(np.abs(rng.standard_normal(dim))) for _ in range(people)]
        count = [SpeakerCount(), SpeakerCount.exactly(int(rng.integers(1, 5))), SpeakerCount(1, int(rng.integers(2, 6)))][call % 3]
        s = OnlineSpeakers(ClusterRule(join=float(rng.uniform(0.5, 0.95)), merge=float(rng.uniform(0.6, 0.98))), count)
        shown: dict[int, str] = {}
        for turn in range(int(rng.integers(1, 40))):
            voice = near(voices[int(rng.integers(people))], float(rng.uniform(0, 1.2)), int(rng.integers(1 << 30)))
            got = s.assign(None if rng.random() < 0.1 else voice, float(rng.choice([0.3, 0.8, 1.5, 2.5, 3.3, 5.0, 12.0])),
                           changed=bool(rng.random() < 0.15), turn=turn, whispered=bool(rng.random() < 0.05))
            shown |= {turn: got.speaker, **got.placed}
            assert set(got.merged.values()) <= set(s.speakers) and set(got.placed.values()) <= set(s.speakers)
            shown = {t: got.merged.get(sp, sp) for t, sp in shown.items()}
        assert set(shown.values()) - {""} <= set(s.speakers), (shown, s.speakers)
