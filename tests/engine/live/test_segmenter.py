import numpy as np
import pytest

from captioner.engine.live.segmenter import (
    SegmentClosed,
    SegmentDropped,
    SegmenterConfig,
    SegmentOpened,
    SpeechGate,
    VadSegmenter,
)
from captioner.events import SAMPLE_RATE
from tests.speech import FRAME, layout

CFG = SegmenterConfig(frame_ms=30, preroll_ms=90, hangover_ms=150, tail_ms=60, min_speech_ms=150, onset_frames=3, onset_window=5)


def run_gate(labels, energies=None, config=CFG):
    gate = SpeechGate(config)
    events = []
    for i, voiced in enumerate(labels):
        energy = 0.1 if energies is None else energies[i]
        events += [(i, e) for e in gate.push(bool(voiced), energy if voiced else energy / 100)]
    events += [(len(labels), e) for e in gate.flush()]
    return events


def frames(spec: str) -> list[int]:
    return [1 if c == "x" else 0 for c in spec]


def test_speech_opens_at_first_voiced_frame_with_preroll():
    events = run_gate(frames("." * 10 + "x" * 10 + "." * 10))
    opened = [e for _, e in events if isinstance(e, SegmentOpened)]
    closed = [e for _, e in events if isinstance(e, SegmentClosed)]
    assert opened[0].speech_start == 10 * FRAME
    assert opened[0].start == 7 * FRAME  # 90 ms pre-roll
    assert closed[0].speech_end == 20 * FRAME
    assert closed[0].end == 22 * FRAME  # 60 ms of the silence kept
    assert closed[0].reason == "silence"


def test_segment_ends_only_after_the_hangover():
    events = run_gate(frames("." * 5 + "x" * 10 + "." * 4 + "x" * 10 + "." * 10))
    closed = [(i, e) for i, e in events if isinstance(e, SegmentClosed)]
    # a 4-frame gap (120 ms) is shorter than the 150 ms hang-over: one segment
    assert len(closed) == 1
    i, seg = closed[0]
    assert seg.speech_end == 29 * FRAME
    assert i == 29 + 5 - 1  # decided on the fifth silent frame


@pytest.mark.parametrize("pause_energy", [0.0005, 0.005])
def test_a_pause_the_vad_calls_speech_ends_the_segment_when_far_quieter_than_the_speech(pause_energy):
    # webrtcvad takes a faint steady noise for speech now and then: a pause 46 dB below the speech still ends the
    # segment after the hang-over, and the phrase after it is a segment of its own; a quiet stretch 26 dB below
    # (a soft word) is still speech, and the two phrases stay one segment
    labels = frames("." * 5 + "x" * 20 + "x" * 30 + "x" * 20 + "." * 10)
    energies = [0.1] * 25 + [pause_energy] * 30 + [0.1] * 30
    closed = [e for _, e in run_gate(labels, energies) if isinstance(e, SegmentClosed)]
    if pause_energy < 0.1 * CFG.quiet_ratio:
        assert closed[0].speech_end == 25 * FRAME and len(closed) == 2
    else:
        assert len(closed) == 1 and closed[0].speech_end == 75 * FRAME


def test_isolated_blips_do_not_open_a_segment():
    assert run_gate(frames("..x...x..x....x.x......")) == []


def test_too_little_speech_is_dropped():
    events = run_gate(frames("...." + "xxxx" + "........"))
    assert [type(e) for _, e in events] == [SegmentOpened, SegmentDropped]


def test_preroll_never_reaches_into_the_previous_segment():
    events = run_gate(frames("x" * 8 + "." * 6 + "x" * 8 + "." * 10))
    closed = [e for _, e in events if isinstance(e, SegmentClosed)]
    assert len(closed) == 2
    assert closed[1].start >= closed[0].end


def test_flush_closes_open_speech():
    events = run_gate(frames("..." + "x" * 12))
    closed = [e for _, e in events if isinstance(e, SegmentClosed)]
    assert closed[0].reason == "flush" and closed[0].speech_end == 15 * FRAME


def test_long_speech_is_cut_at_the_quietest_frame_and_goes_on():
    config = SegmenterConfig(frame_ms=30, max_segment_s=3.0, cut_search_s=1.5, preroll_ms=0, hangover_ms=300, min_speech_ms=60)
    labels = [1] * 200
    energies = [0.2] * 200
    energies[80] = 0.01  # a quiet frame inside the search stretch (frames 50..99)
    energies[60] = 0.05
    events = run_gate(labels, energies, config)
    closed = [e for _, e in events if isinstance(e, SegmentClosed)]
    assert closed[0].reason == "max_length"
    assert closed[0].end == 80 * FRAME
    assert closed[1].start == 80 * FRAME  # nothing lost between the two
    assert all(c.end - c.start <= 3.0 * SAMPLE_RATE for c in closed)


def test_cut_prefers_an_unvoiced_frame():
    config = SegmenterConfig(frame_ms=30, max_segment_s=3.0, cut_search_s=1.5, preroll_ms=0, hangover_ms=300, min_speech_ms=60)
    labels = [1] * 200
    labels[70] = 0
    energies = [0.2] * 200
    energies[90] = 0.01  # voiced but quiet loses to the unvoiced frame
    closed = [e for _, e in run_gate(labels, energies, config) if isinstance(e, SegmentClosed)]
    assert closed[0].end == 70 * FRAME


def test_cut_prefers_a_pause_to_a_single_silent_frame_inside_a_word():
    # a stop's closure (one silent frame) inside a word loses to a pause of five frames, however quiet it is
    config = SegmenterConfig(frame_ms=30, max_segment_s=3.0, cut_search_s=1.5, preroll_ms=0, hangover_ms=300, min_speech_ms=60)
    labels, energies = [1] * 200, [0.2] * 200
    for i in range(60, 65):
        labels[i], energies[i] = 0, 0.01 - 0.001 * (i == 62)
    labels[90], energies[90] = 0, 0.0
    closed = [e for _, e in run_gate(labels, energies, config) if isinstance(e, SegmentClosed)]
    assert closed[0].end == 62 * FRAME


LIMIT_CFG = SegmenterConfig(frame_ms=30, max_segment_s=3.0, cut_search_s=1.5, clause_search_s=2.4, preroll_ms=0,
                            hangover_ms=300, min_speech_ms=60, clause_slack_ms=60)
# a cut on frame 99 searches frames 50..99 for the quietest frame, 20..99 for a clause end


def first_cut(energies, told=lambda gate: None):
    """Where speech that never pauses is first cut (a frame index): `told(gate)` runs before each frame, as the
    pipeline tells the gate what the words say before feeding it audio."""
    gate = SpeechGate(LIMIT_CFG)
    for energy in energies:
        told(gate)
        closed = [e for e in gate.push(True, energy) if isinstance(e, SegmentClosed)]
        if closed:
            assert closed[0].reason == "max_length"
            return closed[0].end // FRAME
    raise AssertionError("never cut")


def running_speech(quiet: dict[int, float]) -> list[float]:
    energies = [0.2] * 200
    for k, e in quiet.items():
        energies[k] = e
    return energies


def test_a_length_cut_falls_between_the_words_that_end_a_clause():
    # the quietest frame of the stretch is 80 (inside a word); the words end a clause at frame 62 and go on at 64:
    # the cut is the quietest frame there
    energies = running_speech({80: 0.01, 61: 0.15, 63: 0.1, 65: 0.12})
    assert first_cut(energies) == 80
    assert first_cut(energies, lambda gate: gate.clause_ends([(62 * FRAME - 100, 64 * FRAME + 100)])) == 63


def test_the_latest_clause_end_in_the_stretch_is_cut_at():
    energies = running_speech({80: 0.01, 31: 0.05, 56: 0.05, 90: 0.1})
    places = [(10 * FRAME, 11 * FRAME), (30 * FRAME, 31 * FRAME), (56 * FRAME, 57 * FRAME), (90 * FRAME, 91 * FRAME)]
    assert first_cut(energies, lambda gate: gate.clause_ends(places)) == 90
    assert first_cut(energies, lambda gate: gate.clause_ends(places[:3])) == 56
    # before the quietest frame's stretch, inside the clause end's longer one (the words stop short of the limit)
    assert first_cut(energies, lambda gate: gate.clause_ends(places[:2])) == 31
    assert first_cut(energies, lambda gate: gate.clause_ends(places[:1])) == 80  # before both: as without words


def test_a_clause_cut_may_fall_a_little_past_the_word_times():
    # Whisper's word times miss by a frame or two: the pause found two frames after the word's given end is cut at;
    # one three frames off is outside the slack, and the quietest frame nearer the word is taken
    assert first_cut(running_speech({80: 0.01, 72: 0.1}), lambda gate: gate.clause_ends([(70 * FRAME, 70 * FRAME)])) == 72
    assert first_cut(running_speech({80: 0.01, 73: 0.001, 69: 0.15}),
                     lambda gate: gate.clause_ends([(70 * FRAME, 70 * FRAME)])) == 69


def test_a_clause_cut_still_prefers_a_pause_to_a_quiet_frame_inside_it():
    # a longer pause at 85..87 (no clause end there) and a voiced frame quieter than the pause between the words
    energies = running_speech({80: 0.01, 60: 0.05})

    def cut(places):
        gate = SpeechGate(LIMIT_CFG)
        gate.clause_ends(places)
        closed = []
        for k, energy in enumerate(energies):
            closed += [e for e in gate.push(k not in (62, 63, 85, 86, 87), energy) if isinstance(e, SegmentClosed)]
        return closed[0].end // FRAME

    assert cut([]) == 85
    assert cut([(59 * FRAME, 63 * FRAME)]) == 62  # the two unvoiced frames between the words, not the quieter voiced one


def test_without_a_clause_end_the_cut_falls_after_the_words_heard_at_a_pause_after_them():
    # the latest pass heard words up to frame 70 and no clause end among them; the stretch's first longest unvoiced run
    # is a closure inside its words (62..63), and speech after its words pauses as long at 84..85: the cut is there
    energies = running_speech({62: 0.01, 63: 0.02, 84: 0.05, 85: 0.04, 56: 0.1})
    both = (62, 63, 84, 85)

    def cut(words_end, silent=both, places=()):
        gate = SpeechGate(LIMIT_CFG)
        gate.clause_ends(places, words_end)
        closed = []
        for k, energy in enumerate(energies):
            closed += [e for e in gate.push(k not in silent, energy) if isinstance(e, SegmentClosed)]
        return closed[0].end // FRAME

    assert cut(None) == 62  # words not known: the quietest frame of the first longest unvoiced run
    assert cut(70 * FRAME) == 85
    assert cut(70 * FRAME, silent=(62, 63)) == 62  # no pause after the words heard: searched as without them
    assert cut(40 * FRAME) == 62  # words heard ending before the stretch: the whole stretch, as without them
    assert cut(86 * FRAME) == 62  # ... and ending after the pause (the slack of two frames taken): as without them
    assert cut(70 * FRAME, places=[(56 * FRAME, 57 * FRAME)]) == 56  # a clause end first, wherever the words end


def test_a_pause_as_long_as_the_hangover_is_cut_in_before_any_clause_end():
    # speech ends at frame 88; the limit comes while the gate waits out the longer hang-over (the words are not known
    # to end a sentence): the cut stays in that pause, not at the clause end before it
    energies = running_speech({**{k: 0.01 for k in range(88, 200)}, 56: 0.05})
    places = [(56 * FRAME, 57 * FRAME)]

    def cut(places, silent_from=88):
        gate = SpeechGate(LIMIT_CFG)
        closed = []
        for k, energy in enumerate(energies):
            gate.judge_by_words(None)
            gate.clause_ends(places)
            closed += [e for e in gate.push(k < silent_from, energy) if isinstance(e, SegmentClosed)]
        assert closed[0].reason == "max_length"
        return closed[0].end // FRAME

    assert cut([]) >= 88 and cut(places) >= 88
    assert cut(places, silent_from=95) == 56  # a pause shorter than the hang-over at the limit: the clause end


def test_without_words_a_length_cut_is_at_the_quietest_frame():
    # judged by silence (the engine too far behind for words), or the segment the clause ends were told for closed:
    # the cut is as without them
    energies = running_speech({80: 0.01, 63: 0.1})
    at_63 = [(62 * FRAME, 64 * FRAME)]

    def by_silence(gate):
        gate.clause_ends(at_63)
        gate.judge_by_silence()

    assert first_cut(energies, by_silence) == 80
    gate = SpeechGate(LIMIT_CFG)
    gate.clause_ends([(92 * FRAME, 94 * FRAME)])  # where frame 63 of the next segment (it opens at frame 30) will be
    for _ in range(10):
        gate.push(True, 0.2)
    gate.flush()  # the clause end was that segment's: the next one is cut as without words
    closed = []
    for energy in [0.001] * 20 + energies:
        closed += [e for e in gate.push(energy > 0.001, energy) if isinstance(e, SegmentClosed)]
    start = closed[0].start // FRAME
    assert closed[0].reason == "max_length" and closed[0].end // FRAME == start + 80


@pytest.mark.parametrize("frame_ms", [10, 20, 30])
def test_real_vad_finds_voiced_spans_within_one_frame(frame_ms):
    audio, truth = layout([(0.6, False), (1.2, True), (1.1, False), (0.45, True), (1.2, False), (2.0, True), (1.0, False)])
    config = SegmenterConfig(frame_ms=frame_ms)
    seg = VadSegmenter(config)
    events = []
    for block in np.array_split(audio, 37):  # odd block sizes: framing must not care
        events += seg.feed(block)
    events += seg.flush()
    closed = [e for e in events if isinstance(e, SegmentClosed)]
    opened = {e.id: e for e in events if isinstance(e, SegmentOpened)}
    assert len(closed) == len(truth)
    frame = config.frame_len
    for seg_closed, (start, end) in zip(closed, truth):
        assert abs(opened[seg_closed.id].speech_start - start) <= frame
        assert abs(seg_closed.speech_end - end) <= frame
        assert seg_closed.start <= start - config.preroll_ms * 16 + frame
        assert seg_closed.end > seg_closed.speech_end


def test_config_rejects_bad_values():
    with pytest.raises(ValueError):
        SegmenterConfig(frame_ms=25)
    with pytest.raises(ValueError):
        SegmenterConfig(aggressiveness=4)


PHRASE_CFG = SegmenterConfig(frame_ms=30, preroll_ms=90, hangover_ms=150, phrase_hangover_ms=300, tail_ms=60,
                             min_speech_ms=150, onset_frames=3, onset_window=5)


def run_gate_with_words(labels, sentence_end):
    """Like run_gate, with whoever reads the words saying, before each frame, how far they end a sentence."""
    gate = SpeechGate(PHRASE_CFG)
    events = []
    for i, voiced in enumerate(labels):
        gate.judge_by_words(sentence_end(gate))
        events += [(i, e) for e in gate.push(bool(voiced), 0.1 if voiced else 0.001)]
    return [(i, e) for i, e in events if isinstance(e, SegmentClosed)]


def test_without_words_silence_alone_ends_a_segment():
    gate = SpeechGate(PHRASE_CFG)
    assert gate.sentence_end is None
    closed = [(i, e) for i, e in run_gate(frames("." * 5 + "x" * 10 + "." * 20), config=PHRASE_CFG)
              if isinstance(e, SegmentClosed)]
    assert [i for i, _ in closed] == [15 + 5 - 1]  # after the 150 ms hang-over


def test_a_pause_after_a_finished_sentence_ends_after_the_short_hangover():
    closed = run_gate_with_words(frames("." * 5 + "x" * 10 + "." * 20), lambda gate: gate.position)
    assert [i for i, _ in closed] == [15 + 5 - 1]


def test_a_pause_inside_a_phrase_waits_for_the_longer_hangover():
    # words known not to end a sentence (or not known yet): a 240 ms pause does not end the segment ...
    closed = run_gate_with_words(frames("." * 5 + "x" * 10 + "." * 8 + "x" * 10 + "." * 20), lambda gate: None)
    assert len(closed) == 1
    i, seg = closed[0]
    assert seg.speech_end == 33 * FRAME
    assert i == 33 + 10 - 1  # ... and a segment ends after 300 ms of silence


def test_words_that_end_a_sentence_only_count_for_the_speech_they_heard():
    # the sentence ended at frame 15; speech went on after it, so the later pause waits the longer hang-over
    closed = run_gate_with_words(frames("." * 5 + "x" * 10 + "." * 3 + "x" * 10 + "." * 20), lambda gate: 15 * FRAME)
    assert [i for i, _ in closed] == [28 + 10 - 1]


def test_phrase_hangover_is_at_least_the_hangover():
    with pytest.raises(ValueError):
        SegmenterConfig(hangover_ms=450, phrase_hangover_ms=300)


def test_a_pause_known_late_to_end_a_sentence_ends_the_segment_there():
    # 10 voiced frames, a 240 ms pause (longer than the 150 ms hang-over), speech again: no words yet, so one segment
    gate = SpeechGate(PHRASE_CFG)
    gate.judge_by_words(None)
    events = [e for v in frames("." * 5 + "x" * 10 + "." * 8 + "x" * 6) for e in gate.push(bool(v), 0.1 if v else 0.001)]
    assert [type(e) for e in events] == [SegmentOpened]
    first_id = events[0].id
    pause_pass_end = 18 * FRAME  # a pass started 90 ms into the pause; its words end a sentence
    ended = gate.end_at_pause(pause_pass_end)
    closed, opened = ended
    assert isinstance(closed, SegmentClosed) and closed.id == first_id and closed.reason == "silence"
    assert closed.speech_end == 15 * FRAME and closed.end == 17 * FRAME  # 60 ms of the pause kept, as a close in time keeps
    assert isinstance(opened, SegmentOpened) and opened.id > first_id
    assert opened.speech_start == 23 * FRAME and opened.start == 20 * FRAME  # with its 90 ms pre-roll
    assert gate.open_segment.speech_end == 29 * FRAME
    # the new segment goes on and ends as any other
    after = [e for v in frames("." * 10) for e in gate.push(bool(v), 0.001)]
    assert [type(e) for e in after] == [SegmentClosed] and after[0].id == opened.id


def test_a_pause_shorter_than_the_hangover_or_still_going_on_is_not_cut_late():
    gate = SpeechGate(PHRASE_CFG)
    for v in frames("." * 5 + "x" * 10 + "." * 4 + "x" * 6):  # a 120 ms pause: too short to end a segment
        gate.push(bool(v), 0.1 if v else 0.001)
    assert gate.end_at_pause(17 * FRAME) == []
    assert gate.end_at_pause(12 * FRAME) == []  # not a pause at all
    for v in frames("." * 3):  # a pause still going on: the hang-over will end it
        gate.push(bool(v), 0.001)
    assert gate.end_at_pause(gate.position) == []
    assert gate.open_segment is not None


def test_the_gate_is_told_who_judges_a_pause_and_says_what_it_holds():
    gate = SpeechGate(PHRASE_CFG)
    assert gate.speech_end is None and not gate.keeps_open_segment()
    gate.judge_by_words(12 * FRAME)
    assert gate.sentence_end == 12 * FRAME
    gate.judge_by_words(None)  # words read, none known to end a sentence yet
    assert gate.sentence_end == -1
    gate.judge_by_silence()
    assert gate.sentence_end is None
    for v in frames("." * 5 + "x" * 4):  # 120 ms of speech: under min_speech_ms, it may still be dropped
        gate.push(bool(v), 0.1 if v else 0.001)
    assert gate.speech_end == 9 * FRAME and not gate.keeps_open_segment()
    gate.push(True, 0.1)
    assert gate.keeps_open_segment()
