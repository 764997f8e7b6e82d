"""Segment bookkeeping: segments wait for their finals in the order they closed; a pass covers a segment's speech."""

from __future__ import annotations

from captioner.engine.live.segmenter import SegmentClosed, SegmentOpened
from captioner.engine.live.segments import MAX_LENGTH, Segments, place_words
from captioner.engine.models.recognizer import Transcript
from captioner.events import Word


def heard(end: int) -> tuple[int, Transcript]:
    return end, Transcript("words", (), 0.0)


def test_closed_segments_wait_for_their_finals_in_the_order_they_closed():
    segments = Segments()
    segments.opened(SegmentOpened(1, 0, 100))
    first = segments.close(SegmentClosed(1, 0, 900, 800, "silence"))
    segments.opened(SegmentOpened(2, 1000, 1100))
    second = segments.close(SegmentClosed(2, 1000, 1900, 1800, "silence"))
    assert segments.open is None and segments.uncovered() is first and segments.unfinished_start == 100
    second.best = heard(1800)
    assert list(segments.covered()) == [] and segments.uncovered() is first  # the older one's final comes first
    first.best = heard(700)  # a pass that stopped short of its speech
    assert list(segments.covered()) == []
    first.best = heard(800)
    assert list(segments.covered()) == [first, second] and segments.processed(5000) == 5000


def test_a_segment_cut_at_the_length_limit_is_covered_only_by_a_pass_up_to_the_cut():
    segments = Segments()
    segments.opened(SegmentOpened(1, 0, 0))
    seg = segments.close(SegmentClosed(1, 0, 900, 900, MAX_LENGTH))
    assert not seg.covered_by(1200) and seg.covered_by(900)


def test_a_dropped_segment_is_forgotten_and_found_no_more():
    segments = Segments()
    segments.opened(SegmentOpened(3, 0, 100))
    assert segments.find(3) is segments.open
    dropped = segments.dropped()
    assert dropped is not None and dropped.id == 3 and segments.find(3) is None and segments.starts() == []


def test_words_are_placed_on_the_clock_inside_their_bounds():
    words = (Word(" a", 0, 50, 0.9), Word(" b", 50, 400, 0.8))
    assert place_words(words, 1000, 1010, 1300) == (Word(" a", 1010, 1050, 0.9), Word(" b", 1050, 1300, 0.8))
