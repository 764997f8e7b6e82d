"""Where the segmenter cuts speech that runs on past the length limit.

Speech that never pauses as long as the hang-over (a lecture read on, a long sentence) is cut at the
length limit somewhere in the last stretch of the segment (`SegmenterConfig.cut_search_s`). Audio
energy alone finds the quietest frame there, which may fall inside a word or between a verb and its
clause: the two halves are then decoded apart and each loses a part. When the latest pass's words end
a sentence or clause in a longer last stretch (`SegmenterConfig.clause_search_s`: those words stop short
of the limit), the cut is made at the quietest frame between that word's end and the next word's start,
widened by a little slack (Whisper's word times are approximate). A pause as long as the hang-over in the
last stretch is a better cut than any clause end (the speaker stopped there, or speech has already ended and the limit
came during the wait for the words): the cut stays in it. Without a clause end, the words the latest pass heard are
not cut among: the cut falls after its last word, at a pause the pass had not yet heard, where there is one.

Indexes here are frames of the open segment.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["after_words", "cut_frame", "frame_after", "frame_gaps", "longest_unvoiced", "quietest", "unvoiced_runs"]


def frame_after(sample: int, start: int, frame: int) -> int:
    """The first frame edge at or after `sample` of a segment that opened at sample `start`."""
    return -(-(sample - start) // frame)


def frame_gaps(places: Sequence[tuple[int, int]], start: int, frame: int) -> list[tuple[int, int]]:
    """(first, last) frame edges of a segment that opened at sample `start`, from each place's word end to the next
    word's start (samples); one frame edge where the two words meet inside a frame."""
    gaps = []
    for end, resume in places:
        lo = frame_after(end, start, frame)
        gaps.append((lo, max(lo, (resume - start) // frame)))
    return gaps


def cut_frame(voiced: Sequence[bool], energy: Sequence[float], first: int, clause_gaps: Sequence[tuple[int, int]],
              slack: int, reach: int | None = None, pause: int = 0, words_end: int | None = None) -> int:
    """The frame to cut the segment at (it ends where that frame starts).

    `clause_gaps`: (first, last) frames where the cut would fall between a word that ends a sentence or clause and
    the next word; the latest whose first frame lies in frames `reach`.. (`first` when None) is searched, `slack`
    frames wider each side (kept inside that stretch). Without one, or where frames `first`.. hold a run of at least
    `pause` unvoiced frames (0: never), frames `first`.. are searched (`quietest`); but for that pause, only those
    after the frame `words_end` (+ `slack`) where the latest pass's words end, when it lies in them and a run of
    unvoiced frames follows it (`after_words`).
    """
    n = len(energy)
    reach = first if reach is None else reach
    paused = bool(pause) and longest_unvoiced(voiced[first:]) >= pause
    inside = [(a, b) for a, b in clause_gaps if reach <= a < n and a <= b]
    if inside and not paused:
        a, b = max(inside)
        lo, hi = max(reach, a - slack), min(n, b + slack + 1)
        return lo + quietest(voiced[lo:hi], energy[lo:hi])
    if words_end is not None and not paused:
        first = after_words(voiced, first, words_end + slack)
    return first + quietest(voiced[first:], energy[first:])


def after_words(voiced: Sequence[bool], first: int, words_end: int) -> int:
    """Where to search from for a cut, frames `first`.. searched: from `words_end`, where the latest pass's words end,
    when it lies among them and a run of unvoiced frames comes after it (a cut before it would split words the model
    heard as one phrase: "表示され|ます" at a stop's closure); else from `first`."""
    if first <= words_end < len(voiced) and unvoiced_runs(voiced[words_end:]):
        return words_end
    return first


def unvoiced_runs(voiced: Sequence[bool]) -> list[tuple[int, int]]:
    """(first, past the last) frame of each run of unvoiced frames, in order."""
    runs, start = [], None
    for i, v in enumerate([*voiced, True]):
        if not v and start is None:
            start = i
        elif v and start is not None:
            runs.append((start, i))
            start = None
    return runs


def longest_unvoiced(voiced: Sequence[bool]) -> int:
    """The length of the longest run of unvoiced frames."""
    return max((b - a for a, b in unvoiced_runs(voiced)), default=0)


def quietest(voiced: Sequence[bool], energy: Sequence[float]) -> int:
    """Where to cut a stretch of frames: in its longest run of unvoiced frames (a pause between words, not a
    stop's closure inside one), at that run's quietest frame; without one, at the quietest frame."""
    runs = unvoiced_runs(voiced)
    if not runs:
        return min(range(len(energy)), key=energy.__getitem__)
    a, b = max(runs, key=lambda r: r[1] - r[0])  # the first of the longest
    return min(range(a, b), key=energy.__getitem__)
