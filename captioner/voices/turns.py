"""Where a caption changes speaker: two people's turns that the segmenter heard as one segment.

People taking turns quickly (a gap shorter than the segmenter's hang-over, or a turn that ends
mid-phrase) end up in one segment, and a segment has one caption. Pure rule over the voice in short
windows of the segment (`VoiceEncoder.windows`): the places between its words are where a turn can
change; at each, the windows wholly within `REACH` before it and wholly within `REACH` after it are
averaged (near it only: a segment of three turns, A B A, must not compare A with B and A mixed), and
the place where the two sides sound least alike is the change — if they sound less alike than one
voice does (`ClusterRule.join`, the line between one speaker and two).

A turn too short for two windows (a reply, "Absolutely.") at a caption's start or end is looked for between words
instead (`edge_turn`): where a silence people leave between turns parts it from the rest.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from captioner.events import SAMPLE_RATE

__all__ = ["MIN_WINDOWS", "TURN_GAP_S", "change_at", "edge_turn", "sides"]

SLACK = SAMPLE_RATE // 5  # a window may reach this far past a pause (into its silence) and still count for its side
MIN_WINDOWS = 2  # windows each side of a change needs (one 1.6 s window alone is too unsure a voice)
REACH = 4 * SAMPLE_RATE  # how far from a place its two sides are heard (two to three of the encoder's windows)
# The shortest silence between two people's turns that a short turn at a caption's edge is looked for at: the gaps
# between turns in conversation are most often about 200 ms (and seldom shorter), while the words of one phrase run
# into each other in the model's word times (0 s apart)
TURN_GAP_S = 0.2


def change_at(embeddings: np.ndarray, spans: np.ndarray, places: Sequence[tuple[int, int]], *, join: float) -> int | None:
    """The place (a sample of the audio the windows were taken from) where the voice changes, or None.

    `embeddings`: unit vectors, one per window; `spans`: each window's (start, end); `places`: the candidate places,
    each (where, how long the silence there is). A side needs `MIN_WINDOWS` windows wholly its own (a turn shorter
    than that cannot be told apart). The windows place a change within a window's width of the place where the
    sides sound least alike; within that width, the longest silence is the change (people pause between turns
    more than between words).
    """
    best, best_sim = None, join
    for at, _silence in places:
        left = (spans[:, 1] <= at + SLACK) & (spans[:, 0] >= at - REACH)
        right = (spans[:, 0] >= at - SLACK) & (spans[:, 1] <= at + REACH)
        if left.sum() < MIN_WINDOWS or right.sum() < MIN_WINDOWS:
            continue
        a, b = embeddings[left].mean(axis=0), embeddings[right].mean(axis=0)
        sim = float(a @ b / max(np.linalg.norm(a) * np.linalg.norm(b), 1e-9))
        if sim < best_sim:
            best, best_sim = at, sim
    if best is None:
        return None
    width = int(spans[0, 1] - spans[0, 0])
    near = [(silence, -abs(at - best), at) for at, silence in places if abs(at - best) <= width]
    return max(near)[2]


def sides(spans: np.ndarray, at: int) -> tuple[np.ndarray, np.ndarray]:
    """Which windows speak for each side of a change at `at`: the windows wholly before it and wholly after it (each
    may reach `SLACK` past it), as masks over `spans`. `change_at` moves a change to the longest silence near where the
    voices differ most, up to a window's width, so a side may have no window wholly its own: its voice is then that of
    the windows whose middle lies on it (never no voice, which would average nothing)."""
    before, after = spans[:, 1] <= at + SLACK, spans[:, 0] >= at - SLACK
    middle = (spans[:, 0] + spans[:, 1]) // 2
    if not before.any():
        before = middle < at
    if not after.any():
        after = middle >= at
    return before, after


def edge_turn(words: Sequence[tuple[int, int]], *, at_end: bool, shortest: int, longest: int, rest: int,
              gap: int = round(TURN_GAP_S * SAMPLE_RATE)) -> int | None:
    """Where a short turn at a caption's end (`at_end`) or start would be parted from the rest, or None: k, with the
    short turn `words[k:]` (at the end) or `words[:k]` (at the start).

    `words`: each word's (start, end), in order. The short turn spans `shortest` to `longest` samples (first word's start
    to last word's end), the rest at least `rest`, and a silence of `gap` or more parts them; of the places that do,
    the longest silence (people pause between turns more than between words)."""
    best, best_gap = None, gap - 1
    for k in range(1, len(words)):
        short, other = (words[k:], words[:k]) if at_end else (words[:k], words[k:])
        silence = words[k][0] - words[k - 1][1]
        if (shortest <= short[-1][1] - short[0][0] <= longest and other[-1][1] - other[0][0] >= rest
                and silence > best_gap):
            best, best_gap = k, silence
    return best
