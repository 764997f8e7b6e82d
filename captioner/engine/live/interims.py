"""Interims: what a segment shows while its final is still to come.

A pass that is not the final shows its words as the segment's interim (nothing with interims off,
`EngineConfig.interims`, where a pause pass still runs, to say whether the segment ends there and to
be its final, but its words wait for it). Drafts of a smaller interim model are shown but never become
a final; a draft whose segment has a newer finished pass, or its final, is dropped when it comes back
(one whose segment closed meanwhile is still shown until the final comes). A segment cut where speech went on shows only its words before the cut; those after it are
shown at once as the first interim of the segment that speech opened (`carried_over`, `moved_on`),
so words on screen stay there until the new segment's own passes speak.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from captioner.engine.live.segments import Segment, middle, place_words
from captioner.engine.live.stabilizer import stable_chars
from captioner.engine.models.recognizer import Transcript, join_words
from captioner.events import CaptionEvent, Word

if TYPE_CHECKING:
    from captioner.engine.live.job import Job

__all__ = ["carried_over", "interim", "moved_on", "shown"]


def interim(seg: Segment, job: Job, result: Transcript, *, interims: bool) -> list[CaptionEvent]:
    """What a pass over `seg` that is not the final shows meanwhile; after an early final, the continuation's words
    alone, once the speaker went on."""
    if not interims:
        return []
    placed = place_words(result.words, seg.start, seg.speech_start, job.end)
    if not seg.parts:
        return [shown(seg, placed, job.end, result.text)]
    placed = tuple(w for w in placed if middle(w) >= seg.split)  # after an early final: the continuation's words
    if seg.resumed is None or not join_words(placed):
        return []
    return [shown(seg, placed, job.end, join_words(placed))]


def shown(seg: Segment, placed: tuple[Word, ...], end: int, text: str) -> CaptionEvent:
    """An interim of `seg` showing `placed` (words on the clock up to `end`, `text` their text). A segment cut where
    speech went on shows only its words before the cut: those after it are the next segment's (`carried_over`)."""
    if seg.end is not None and any(w.start >= seg.end for w in placed):
        placed = tuple(w for w in placed if w.start < seg.end)
        text, end = join_words(placed), seg.end
    words = [w.text for w in placed]
    stable = stable_chars(seg.last_words, words)
    seg.last_words = words
    seg.shown = True
    seg.shown_words = placed
    return CaptionEvent(seg.shown_id, seg.shown_start, end, text, final=False, words=placed, stable=stable)


def carried_over(seg: Segment | None, ended: Segment, *, waiting: bool, interims: bool) -> list[CaptionEvent]:
    """When a segment (`ended`) is cut where speech went on (at its quietest point at the length limit, or at a pause
    known late to end a sentence: `SpeechGate.end_at_pause`), the words already shown of the speech after the cut, as
    the first interim of the segment that speech opened (`seg`): they were on screen in the ended segment's interim,
    which its final replaces without them, and stay there until the new segment's own passes speak. `waiting`: the
    ended segment's final is still to come. No event when no word shown starts in the new segment."""
    if seg is None or seg.shown or not interims:
        return []
    words = tuple(w for w in ended.shown_words if w.start >= seg.start)
    if not join_words(words):
        return []
    out = []
    if waiting:  # its final still to come: its interim without the words that move on
        out.append(shown(ended, ended.shown_words, ended.end or seg.start, join_words(ended.shown_words)))
    out.append(shown(seg, words, max(words[-1].end, seg.speech_start + 1), join_words(words)))
    return out


def moved_on(nxt: Segment | None, cut: int | None, job: Job, result: Transcript, *, interims: bool) -> list[CaptionEvent]:
    """A draft of a segment cut since it started (`cut`: the latest such segment; its speech went on past the cut) that
    heard words after the cut: those words are the open segment's (`nxt`), shown as its interim at once, unless a pass
    of that segment's own came back already or what it shows reaches further (`carried_over` hands on the words shown
    at the cut itself)."""
    if (nxt is None or job.segment_id != cut or nxt.id == job.segment_id or not interims or nxt.done_to
            or job.end <= nxt.start):
        return []  # a segment that ended in silence hands nothing on: a word timed into its pause is still its own
    words = tuple(w for w in place_words(result.words, job.start, job.start, job.end) if w.start >= nxt.start)
    if not join_words(words) or (nxt.shown_words and nxt.shown_words[-1].end >= words[-1].end):
        return []
    return [shown(nxt, words, job.end, join_words(words))]
