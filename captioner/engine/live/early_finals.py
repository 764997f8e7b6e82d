"""Early finals: where passes are cheap, a sentence is final as soon as its pause pass says it ended.

Where passes are cheap (`Pace.cheap`; not with an interim worker), a pause pass whose words end a
sentence is shown as the final at once (`EngineConfig.early_finals`), while the segment waits out its
hang-over as it would without: if the speaker goes on within it, the segment goes on too, its later words
show under a new id (the continuation), and the segment's final pass, over all of it, is shared
out at the sentence ends shown (`share_out`): a part whose words it hears differently is revised
(same id), the words after the last one are the continuation's final. The words come from the same
passes over the same segments as without early finals.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from captioner.engine.filters import normalise
from captioner.engine.live.revising import Final, Reviser
from captioner.engine.live.segments import Part, Segment, middle, place_words
from captioner.engine.models.recognizer import Transcript, join_words
from captioner.events import CaptionEvent, Word

if TYPE_CHECKING:
    from captioner.engine.live.engine_config import EngineConfig
    from captioner.engine.live.job import Job
    from captioner.engine.live.segmenter import SpeechGate

__all__ = ["due", "share_out", "show"]


def due(config: EngineConfig, cheap: bool, gate: SpeechGate, seg: Segment, job: Job) -> bool:
    """Whether a pause pass (`job`) over the open segment `seg` whose words end a sentence is shown as the final now:
    passes are cheap, the speaker is still silent since the pass's audio ended, and the segment holds enough speech
    never to be dropped."""
    return (config.early_finals and not config.interim_worker and cheap and gate.keeps_open_segment()
            and seg.speech_end <= job.end and seg.speech_end > seg.split)


def show(seg: Segment, result: Transcript, new_id: Callable[[], int]) -> list[CaptionEvent]:
    """Show the words of `seg` heard up to its pause (since its latest early final) as a final now; its later speech,
    if any, shows under a new id (`new_id()`)."""
    start = seg.shown_start
    words = tuple(w for w in place_words(result.words, seg.start, seg.speech_start, seg.speech_end) if middle(w) >= seg.split)
    text = join_words(words)
    if not text:
        return []
    part = Part(seg.shown_id, start, seg.speech_end, text, words)
    seg.parts.append(part)
    seg.shown_id, seg.resumed, seg.last_words = new_id(), None, []
    return [CaptionEvent(part.id, start, max(part.split, start + 1), text, final=True, words=words, stable=len(text))]


def share_out(seg: Segment, words: tuple[Word, ...], reviser: Reviser) -> list[CaptionEvent]:
    """The final of a segment whose sentence ends were shown early (`show`): its words shared out at them.
    A part whose words it hears differently now is revised (never emptied: one given none keeps its own; one that
    differs in punctuation or case alone stays as shown), the words after the last one are the continuation's final;
    confirmed parts say nothing again. Each part, and the continuation, waits for its revision on its own."""
    assert seg.end is not None
    speech_end = max(seg.speech_end, seg.split) if seg.resumed is not None else seg.split
    bounds = [p.split for p in seg.parts[:-1]] + ([seg.split] if seg.resumed is not None else [])
    groups: list[list[Word]] = [[] for _ in range(len(seg.parts) + 1)]
    for w in words:
        groups[sum(middle(w) >= b for b in bounds)].append(w)
    out = []
    for k, (part, heard) in enumerate(zip(seg.parts, groups)):
        text = join_words(heard)
        kept = tuple(heard) if text else part.words
        if text and normalise(text) != normalise(part.text):  # its words changed; a full stop or capital alone does
            # not redraw a line already read (the speaker went on after a sentence end: "…the store." stays so). Kept
            # as shown otherwise, its words would stand beside the continuation's as this pass shared them out: a
            # word at the cut written twice
            out.append(CaptionEvent(part.id, part.start, max(part.split, part.start + 1), text, final=True, words=kept,
                                    stable=len(text), revision=1))
        elif text:
            text, kept = part.text, part.words  # as shown
        # the segment's audio cut at the sentence ends shown; its last part to the segment's end (its tail too), as a
        # final without early ones has it
        lo = seg.start if k == 0 else seg.parts[k - 1].split
        whole = k == len(seg.parts) - 1 and seg.resumed is None
        hi, speech_hi = (seg.end, max(seg.speech_end, part.start + 1)) if whole else (part.split, max(part.split, part.start + 1))
        reviser.wait(Final(part.id, lo, hi, part.start, speech_hi, text or part.text, kept))
    rest = tuple(groups[-1])
    text = join_words(rest)
    if seg.resumed is not None and text:
        start = seg.shown_start
        out.append(CaptionEvent(seg.shown_id, start, max(speech_end, start + 1), text, final=True, words=rest, stable=len(text)))
        reviser.wait(Final(seg.shown_id, seg.split, seg.end, start, max(speech_end, start + 1), text, rest))
    elif seg.resumed is not None and seg.last_words:  # the continuation showed interim text and heard nothing in the end
        out.append(CaptionEvent(seg.shown_id, seg.shown_start, seg.shown_start, "", final=True))
    return out
