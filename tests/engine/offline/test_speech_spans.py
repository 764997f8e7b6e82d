"""Where a recording's speech is, and the windows and pieces it is decoded in: all the speech the live engine hears, long silences left out."""

from __future__ import annotations

from captioner.engine.live.segmenter import SegmentClosed, VadSegmenter
from captioner.engine.offline.speech_spans import LONG_SILENCE_S, WINDOW_S, decode_windows, live_segments, pieces
from captioner.events import SAMPLE_RATE
from tests.speech import layout, quiet


def test_the_refine_decodes_every_stretch_the_live_engine_hears_and_leaves_long_silences_out() -> None:
    audio, voiced = layout([(1.0, False), (1.2, True), (0.9, False), (0.8, True), (1.5, False), (2.0, True), (25.0, False),
                            (1.0, True), (4.0, False)])
    heard = live_segments(audio)
    windows = decode_windows(heard, len(audio))
    segmenter = VadSegmenter()
    live = [(e.start, e.end) for e in [*segmenter.feed(audio), *segmenter.flush()] if isinstance(e, SegmentClosed)]
    assert live and live == [(start, end) for start, _onset, end in heard]  # the live engine's own segments
    for start, end in [*voiced, *live]:  # all the speech, and all the live engine would decode, is decoded
        assert any(w_start <= start and end <= w_end for w_start, w_end in windows), (start, end, windows)
    assert len(windows) == 2 and all(end - start <= WINDOW_S * SAMPLE_RATE for start, end in windows)
    assert windows[1][0] - windows[0][1] > LONG_SILENCE_S * SAMPLE_RATE  # the 25 s silence is left out
    assert windows[1][1] < len(audio) - 3 * SAMPLE_RATE  # and the silence at the end
    assert decode_windows(live_segments(quiet(10.0)), 10 * SAMPLE_RATE) == []


def test_windows_hold_whole_segments_and_short_pauses_between_them_are_cut_in_the_middle() -> None:
    s = SAMPLE_RATE
    # 12 phrases of 2.5 s, 1 s apart (41.5 s), then one more after 50 s of silence
    segments = [(round((3.5 * k) * s), round((3.5 * k + 0.3) * s), round((3.5 * k + 2.5) * s)) for k in range(12)]
    segments.append((round(92.0 * s), round(92.3 * s), round(95.0 * s)))
    windows = decode_windows(segments, 100 * s)
    assert all(end - start <= WINDOW_S * s for start, end in windows)
    assert windows[0][1] == windows[1][0]  # contiguous: a 1 s pause between windows is cut at its middle, nothing dropped
    cut = windows[0][1]
    assert any(end < cut and cut - end == round(0.5 * s) for _start, _onset, end in segments)  # ... in its middle
    for start, _onset, end in segments:  # no segment is split
        assert sum(1 for w_start, w_end in windows if w_start <= start and end <= w_end) == 1
    assert windows[-1] == (round(91.6 * s), round(95.4 * s))  # after a long silence: the segment and CHUNK_PAD_S around it


def test_windows_are_handed_over_in_pieces_of_bounded_length() -> None:
    s = SAMPLE_RATE
    windows = [(0, 4 * s), (4 * s, 13 * s), (20 * s, 40 * s), (50 * s, 51 * s)]
    assert pieces(windows, 15.0) == [windows[:2], [windows[2]], [windows[3]]]  # a window is never split
    assert pieces(windows, 600.0) == [windows] and pieces([], 8.0) == []


def test_a_short_silence_at_either_end_of_the_recording_is_decoded_with_the_speech() -> None:
    s = SAMPLE_RATE
    one = [(round(1.5 * s), round(1.8 * s), round(6.0 * s))]
    assert decode_windows(one, 7 * s) == [(0, 7 * s)]  # 1.5 s before, 1 s after: kept, as a pause between windows is
    late = [(round(3.0 * s), round(3.3 * s), round(6.0 * s))]
    assert decode_windows(late, 9 * s) == [(round(2.6 * s), round(6.4 * s))]  # 3 s: a long silence, CHUNK_PAD_S kept


def test_windows_with_a_short_first_one_are_cut_elsewhere() -> None:
    s = SAMPLE_RATE
    segments = [(round((3.5 * k) * s), round((3.5 * k + 0.3) * s), round((3.5 * k + 2.5) * s)) for k in range(30)]  # 104.5 s
    whole, other = decode_windows(segments, 106 * s), decode_windows(segments, 106 * s, WINDOW_S / 2)
    assert other[0][1] - other[0][0] <= WINDOW_S / 2 * s < whole[0][1] - whole[0][0]
    assert {end for _start, end in whole[:-1]}.isdisjoint(end for _start, end in other[:-1])  # no cut in the same place
    for windows in (whole, other):
        assert all(end - start <= WINDOW_S * s for start, end in windows)
        for start, _onset, end in segments:  # every segment whole, in one window
            assert sum(1 for w_start, w_end in windows if w_start <= start and end <= w_end) == 1
