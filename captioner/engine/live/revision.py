"""Finals confirmed by a pass that hears their neighbours: which finals are revised together, and how
the revising pass's words are shared out among them.

A final is decoded from its own segment alone, within a second of its speech, on a short encoder
window. Offline decoding hears 30 s around every word and makes fewer errors, most of them where a
segment alone does not tell a word ("forced aligner" heard as "Forest Liner"): what is missing is
the speech around it. So finals that came out close together are decoded again as one clip, on
the full 30 s window Whisper was trained on, once the speaker pauses (or the clip would grow past
`span_s`); a final whose text that pass hears differently is replaced (a revision of the same id).
One such pass costs about as much as a single full-window final, for many finals at once.

Pure rules, no model: `due` says when and how many, `share` assigns the pass's words, `replaces` says
whether a final takes the words it was given, `passes_over` whether they leave out speech the final had,
`moved_only` whether they differ from the finals shown only by words moved across a line's end, `doubled` which of
their words a neighbour keeping its own text writes already, `settled` which finals take their words once those are
left out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from captioner.engine.checks import GAP_S
from captioner.engine.filters import normalise
from captioner.events import SAMPLE_RATE, Word

__all__ = ["RevisionRule", "doubled", "due", "mean_probability", "moved_only", "passes_over", "replaces", "settled", "share"]

SEAM_WORDS = 3  # the most words a seam between two finals is searched for written twice


@dataclass(frozen=True)
class RevisionRule:
    """When finals are decoded again together, and when a final takes the revising pass's words."""

    pause_s: float = 1.5  # silence after the latest waiting final's speech before its group is revised
    span_s: float = 24.0  # the most audio one revising pass covers, from its first segment's start (Whisper's window: 30 s)
    surer: bool = True  # a final takes the revising pass's words only when the model was surer of them (mean word
    # probability): a pass that heard a final worse, in a window of other speech, leaves it be
    margin: float = 0.01  # ... by at least this much: a line already read is not redrawn for words the model is hardly
    # surer of (chosen on the evaluation set's tune half: benchmarks/README.md, "On a GPU")


def due(spans: Sequence[tuple[int, int]], silent: int, *, speaking: bool, finished: bool,
        rule: RevisionRule = RevisionRule()) -> int:
    """How many of the oldest finals waiting for their revision to revise together now; 0: not yet.

    `spans`: (start, end) on the audio clock of each waiting final's segment, oldest first; `silent`:
    samples since the latest one's speech ended; `speaking`: a segment is open. The oldest finals go
    at once when the next one would not fit in `span_s` with them; all of them once the speaker has
    been silent `pause_s`, or the audio has ended.
    """
    if not spans:
        return 0
    limit = spans[0][0] + round(rule.span_s * SAMPLE_RATE)
    fit = sum(1 for _start, end in spans if end <= limit)
    if fit < len(spans):
        return max(1, fit)
    if finished:
        return len(spans)
    if not speaking and silent >= rule.pause_s * SAMPLE_RATE:
        return len(spans)
    return 0


def share(words: Sequence[Word], spans: Sequence[tuple[int, int]]) -> list[list[Word]]:
    """The words of a revising pass (on the audio clock) given to the segment each was said in: the one
    holding the word's middle, else the nearest; one list per span, in order."""
    out: list[list[Word]] = [[] for _ in spans]
    if not spans:
        return out
    for word in words:
        middle = (word.start + word.end) // 2
        k = min(range(len(spans)), key=lambda i: _distance(middle, spans[i]))
        out[k].append(word)
    return out


def replaces(live: str, revised: str, *, live_p: float = 0.0, revised_p: float = 1.0, margin: float = 0.0) -> bool:
    """Whether a final's text as the revising pass heard it replaces the text shown: it says something else, and
    keeps at least half of the final's words. Whisper sometimes passes over part of the speech in a long window;
    a revision must never take away what the final had (a final given no words at all keeps its own, too).
    `live_p`, `revised_p`: the mean probability of each one's words; the revision must be surer by `margin` at least
    (0: not less sure)."""
    shown, heard = normalise(live).split(), normalise(revised).split()
    return bool(heard) and heard != shown and 2 * len(heard) >= len(shown) and revised_p >= live_p + margin


def moved_only(shown: Sequence[str], heard: Sequence[str]) -> list[bool]:
    """Per final of a group (in order), whether the words the revising pass gave it differ from those shown only by
    words moved to or from its neighbours: a run of consecutive finals whose words, put together, are the same in both
    (normalised). The pass heard those words as shown; where it placed a line's end is no reason to redraw two lines
    already read ("…see you again, Phil." / "Mr. Quilter…" is not revised into "…see you again," / "Phil. Mr. Quilter…")."""
    said = [normalise(text).split() for text in shown]
    got = [normalise(text).split() for text in heard]
    out = [False] * len(said)
    for i in range(len(said)):
        for j in range(i + 1, len(said)):
            if sum(said[i : j + 1], []) == sum(got[i : j + 1], []):
                out[i : j + 1] = [True] * (j + 1 - i)
    return out


def doubled(shown: Sequence[Sequence[str]], heard: Sequence[Sequence[str]], revised: Sequence[bool]) -> list[tuple[int, int]]:
    """Per final of a group (in order): how many of the words the revising pass gave it, at its start and at its end, its
    neighbour there writes already. `shown`, `heard`: each final's words (their texts) as shown and as the pass gave them;
    `revised`: whether each takes the pass's words. A neighbour keeping its own text keeps its words at the seam; when
    the pass gave those words not to it but to the final beside it, which did not have them, the pass dated them across
    the line's end (Whisper passing over the neighbour's other words: "Montreal." kept, and the next line revised into
    "Montreal, but…"): taken, they would be written twice. Words the pass heard on both sides of the seam were said
    twice, and stay."""
    said = [[normalise(w) for w in words] for words in shown]
    got = [[normalise(w) for w in words] for words in heard]
    out = []
    for i, takes in enumerate(revised):
        head = tail = 0
        if takes and i > 0 and not revised[i - 1]:
            head = _written_before(said[i - 1], got[i - 1], said[i], got[i])
        if takes and i + 1 < len(revised) and not revised[i + 1]:
            tail = _written_before(said[i + 1][::-1], got[i + 1][::-1], said[i][::-1], got[i][::-1])
        out.append((head, tail))
    return out


def settled(shown: Sequence[Sequence[str]], heard: Sequence[Sequence[str]], takes: Sequence[bool],
            still_takes: Callable[[int, int, int], bool]) -> tuple[list[bool], list[tuple[int, int]]]:
    """Which finals of a group take the revising pass's words, and how many of them are left out at each one's start and
    end (`doubled`), once every seam is looked at. `takes`: each final's choice on all the words it was given;
    `still_takes(i, head, tail)`: whether final i still takes them less `head` words at its start and `tail` at its end.
    A final that no longer does keeps its own text, and the seams beside it are looked at again."""
    takes = list(takes)
    while True:
        seams = doubled(shown, heard, takes)
        still = [took and (not (head or tail) or still_takes(i, head, tail)) for i, (took, (head, tail)) in enumerate(zip(takes, seams))]
        if still == takes:
            return takes, seams
        takes = still  # only ever fewer: this ends


def _written_before(kept: list[str], kept_heard: list[str], own: list[str], own_heard: list[str]) -> int:
    """How many of `own_heard`'s first words repeat the last of `kept` (a neighbour keeping its words) where the pass did
    not give them to the neighbour (`kept_heard`) and the final had others (`own`); the most such words, up to
    SEAM_WORDS."""
    for n in range(min(SEAM_WORDS, len(kept), len(own_heard)), 0, -1):
        seam = kept[-n:]
        if own_heard[:n] == seam and kept_heard[-n:] != seam and own[:n] != seam:
            return n
    return 0


def passes_over(live: Sequence[Word], revised: Sequence[Word], gap_s: float = GAP_S) -> bool:
    """Whether the words a revising pass gave a final leave out speech the final had words for: one of the final's
    words lies `gap_s` or more from every revised word (on the audio clock). Whisper sometimes passes over a sentence
    in a long window, and a revision that keeps more than half of the words can still drop a whole sentence: the
    final keeps its words. The gap is the one that tells a pass that ended before its audio (`checks.GAP_S`)."""
    if not revised:
        return bool(live)
    gap = round(gap_s * SAMPLE_RATE)
    return any(min(_apart(word, other) for other in revised) >= gap for word in live)


def _apart(a: Word, b: Word) -> int:
    """Samples between two words' times (0 when they overlap)."""
    return max(0, b.start - a.end, a.start - b.end)


def mean_probability(words: Sequence[Word]) -> float:
    return sum(w.probability for w in words) / len(words) if words else 0.0


def _distance(at: int, span: tuple[int, int]) -> int:
    start, end = span
    return 0 if start <= at < end else (start - at if at < start else at - end + 1)
