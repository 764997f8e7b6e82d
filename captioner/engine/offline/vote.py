"""Where several transcripts of the same speech disagree, the words most of them heard.

Each transcript of a recording makes its own mistakes: the live captions (decoded a few seconds at a time, then
revised), the refine's windows (30 s around every word) and a second decoding whose windows are cut elsewhere each
mishear other words. Lined up word by word, a word two of three heard is kept and a word only one of them wrote
goes: recognizer output voting (ROVER; J. Fiscus, "A post-processing system to yield reduced word error rates",
IEEE ASRU 1997), here with one vote per transcript. Where the votes tie, the earlier transcript in the list decides.

The transcripts are lined up by their words' normalised text (a word matches a column holding the same word; a
mismatch or a gap costs one), stretch by stretch between pauses that every transcript leaves (`stretches`), so the
alignment stays small however long the recording is. A kept word is the first transcript's that heard it (its time,
its casing and punctuation).

Written here: ROVER's maintained implementation is NIST SCTK's `rover`, a C program over files of its own format; the
alignment needs a column's words to match any of them, which a plain edit distance (rapidfuzz, jiwer) does not do.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence

from captioner.engine.filters import normalise
from captioner.engine.offline.cleanup import caption
from captioner.events import SAMPLE_RATE, CaptionEvent, Word

__all__ = ["MOST_WORDS", "PAUSE_S", "aligned", "stretches", "voted", "voted_captions"]

PAUSE_S = 1.0  # a pause this long in every transcript at once: its two sides are lined up each by itself
MOST_WORDS = 300  # a stretch longer than this (no pause that long for minutes) is cut at its longest pause


def _key(word: Word) -> str:
    return normalise(word.text).strip()


def aligned(transcripts: Sequence[Sequence[Word]]) -> list[list[Word | None]]:
    """The transcripts' words lined up in columns, one entry per transcript (None: it has no word there), in order.

    The first transcript's words make the first columns; each later one is aligned to the columns so far by edit
    distance (a word costs nothing in a column holding the same normalised word, one elsewhere; a gap costs one)."""
    columns: list[list[Word | None]] = []
    for n, words in enumerate(transcripts):
        columns = _align(columns, list(words), n) if n else [[w] for w in words]
    return columns


def _align(columns: list[list[Word | None]], words: list[Word], width: int) -> list[list[Word | None]]:
    keys = [_key(w) for w in words]
    held = [{_key(w) for w in column if w is not None} for column in columns]
    rows, cols = len(columns), len(words)
    cost = [[0] * (cols + 1) for _ in range(rows + 1)]
    step = [[""] * (cols + 1) for _ in range(rows + 1)]
    for i in range(1, rows + 1):
        cost[i][0], step[i][0] = i, "gap"
    for j in range(1, cols + 1):
        cost[0][j], step[0][j] = j, "new"
    for i in range(1, rows + 1):
        for j in range(1, cols + 1):
            pair = cost[i - 1][j - 1] + (keys[j - 1] not in held[i - 1])
            gap = cost[i - 1][j] + 1
            new = cost[i][j - 1] + 1
            best = min(pair, gap, new)
            cost[i][j] = best
            step[i][j] = "pair" if best == pair else "gap" if best == gap else "new"
    out: list[list[Word | None]] = []
    i, j = rows, cols
    while i or j:
        move = step[i][j]
        if move == "pair":
            out.append([*columns[i - 1], words[j - 1]])
            i, j = i - 1, j - 1
        elif move == "gap":
            out.append([*columns[i - 1], None])
            i -= 1
        else:
            out.append([*([None] * width), words[j - 1]])
            j -= 1
    out.reverse()
    return out


def stretches(transcripts: Sequence[Sequence[Word]]) -> list[list[list[Word]]]:
    """The transcripts cut at the same places: at pauses of at least `PAUSE_S` that every transcript leaves (no word
    of any of them within it); a stretch of more than `MOST_WORDS` words in a transcript is cut again at its longest
    pause that all leave, however short, else at the first transcript's longest pause (a transcript whose words are
    spread over whole cues, read back from subtitles, leaves none), else in the middle of its words. Each stretch:
    every transcript's words whose middle is in it, in their order; stretches without words are left out."""
    if not any(transcripts):
        return []
    common = _pauses(transcripts)
    cuts = [at for at, length in common if length >= PAUSE_S * SAMPLE_RATE]
    middles = [sorted(_middle(w) for w in words) for words in transcripts]
    own = _pauses(transcripts[:1])
    bounds = [None, *cuts, None]
    for lo, hi in zip(bounds, bounds[1:]):
        cuts += _split(middles, common, own, lo, hi)
    cuts.sort()
    out: list[list[list[Word]]] = [[[] for _ in transcripts] for _ in range(len(cuts) + 1)]
    for n, words in enumerate(transcripts):
        for word in words:
            out[bisect.bisect_right(cuts, _middle(word))][n].append(word)
    return [part for part in out if any(part)]


def _pauses(transcripts: Sequence[Sequence[Word]]) -> list[tuple[int, int]]:
    """(midpoint, length) of each stretch of time in which none of `transcripts` has a word, between their first word
    and their last."""
    spans = sorted((w.start, w.end) for words in transcripts for w in words)
    out = []
    reach = spans[0][1] if spans else 0
    for start, end in spans[1:]:
        if start > reach:
            out.append(((reach + start) // 2, start - reach))
        reach = max(reach, end)
    return out


def _split(middles: list[list[int]], common: list[tuple[int, int]], own: list[tuple[int, int]], lo: int | None,
           hi: int | None) -> list[int]:
    """Cut points within [lo, hi) that leave no part with more than MOST_WORDS words of any transcript (`middles`: each
    transcript's words' middles, sorted): at the longest pause all leave there, else the first transcript's, else
    the middle of the most words there."""
    low, high = -math.inf if lo is None else lo, math.inf if hi is None else hi
    inside = [(bisect.bisect_left(m, low), bisect.bisect_left(m, high)) for m in middles]
    most = max(range(len(middles)), key=lambda n: inside[n][1] - inside[n][0])
    first, last = inside[most]
    if last - first <= MOST_WORDS:
        return []
    words = middles[most][first:last]
    pauses = [p for p in common if words[0] < p[0] < words[-1]] or [p for p in own if words[0] < p[0] < words[-1]]
    at = max(pauses, key=lambda p: p[1])[0] if pauses else words[len(words) // 2]
    if not words[0] < at <= words[-1]:
        return []  # every word at one moment: nothing to cut between
    return [*_split(middles, common, own, lo, at), at, *_split(middles, common, own, at, hi)]


def _middle(word: Word) -> int:
    return (word.start + word.end) // 2


def voted(transcripts: Sequence[Sequence[Word]]) -> list[Word]:
    """The words most of `transcripts` (each a list of words on one clock, in order) heard, in order: one vote per
    transcript a column; "no word" is a choice too. A tie goes to the earliest transcript's choice. A kept word is the
    earliest transcript's that has it."""
    out: list[Word] = []
    for part in stretches(transcripts):
        for column in aligned(part):
            tally: dict[str, int] = {}
            first: dict[str, int] = {}
            for n, word in enumerate(column):
                key = _key(word) if word is not None else ""
                tally[key] = tally.get(key, 0) + 1
                first.setdefault(key, n)
            key = max(tally, key=lambda k: (tally[k], -first[k]))
            if key:
                out.append(column[first[key]])
    return out


def voted_captions(captions: Sequence[CaptionEvent], others: Sequence[Sequence[Word]], channel: str) -> list[CaptionEvent]:
    """`captions` (the channel `channel`'s, in order) with their words put to the vote with `others` (other
    transcripts' words of the same speech, `voted`; `captions`' own decide ties and lend their words first), cut where
    `captions` are: a word of another transcript goes with the caption of the word before it. Numbered 0, as `caption`
    makes them."""
    own = [w for e in captions for w in e.words]
    if not own and not any(others):
        return []
    which = {id(w): n for n, e in enumerate(captions) for w in e.words}
    groups: list[tuple[int, list[Word]]] = []
    for word in voted([own, *others]):
        n = which.get(id(word), groups[-1][0] if groups else 0)
        if groups and groups[-1][0] == n:
            groups[-1][1].append(word)
        else:
            groups.append((n, [word]))
    return [event for _n, words in groups if (event := caption(words, channel)) is not None]
