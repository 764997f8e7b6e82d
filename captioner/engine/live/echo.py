"""Echo: the microphone hearing the speakers.

Without headphones, what the other people say comes out of the speakers and
back into the microphone, so it would be captioned twice. A microphone caption
is an echo when most of its words were just said, in the same order, on the
system-audio channel around the same time. Words are compared, not audio: the
two paths differ in level, delay and room sound, but the recogniser hears the
same words.

When the microphone's voice detector runs the echo's tail and the user's own
answer together into one caption, only the echoed run at its start (or end) is
cut away and the user's words are kept (`strip_echo`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles.units import items_for_words, units, word_count

MIN_SHARED_RUN = 2  # words in a row that heard and played share before they count: a lone shared word ("the") says nothing


@dataclass(frozen=True)
class EchoRule:
    """When a microphone caption is the speakers' sound heard again (an echo), or starts or ends with it."""

    window_s: float = 1.5  # how far apart in time the two captions' words may lie
    min_share: float = 0.6  # share of the microphone's words found, in order, in what the system played
    min_words: int = 2  # a single-word caption ("yes") is never judged an echo
    min_run: int = 3  # words at a caption's start or end that repeat the speakers, before they are cut away


def words_of(text: str) -> list[str]:
    """Lower-case units without punctuation: words, and characters of the scripts written without spaces."""
    return units(text)


def played_words(event: CaptionEvent, start: int, end: int) -> list[str]:
    """The words of a system-audio caption that lie within [start, end] (samples); all of them if it has no word times."""
    if not event.words:
        return words_of(event.text) if event.start <= end and event.end >= start else []
    return [token for w in event.words if w.end >= start and w.start <= end for token in words_of(w.text)]


def echo_share(heard: list[str], played: list[str]) -> float:
    """Share of `heard` found in `played`, in order."""
    if not heard:
        return 0.0
    matcher = SequenceMatcher(None, heard, played, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / len(heard)


def _nearby(mic: CaptionEvent, played: Iterable[CaptionEvent], rule: EchoRule) -> list[str]:
    """The words system audio carried around the time of `mic`, in order."""
    margin = round(rule.window_s * SAMPLE_RATE)
    lo, hi = mic.start - margin, mic.end + margin
    nearby: list[str] = []
    for event in sorted(played, key=lambda e: e.start):
        if event.end >= lo and event.start <= hi:
            nearby.extend(played_words(event, lo, hi))
    return nearby


def is_echo(mic: CaptionEvent, played: Iterable[CaptionEvent], rule: EchoRule = EchoRule()) -> bool:
    """Whether the microphone caption `mic` repeats what the `played` (system audio) captions carried."""
    heard = words_of(mic.text)
    if word_count(heard) < rule.min_words:
        return False
    return echo_share(heard, _nearby(mic, played, rule)) >= rule.min_share


def echoed_edges(heard: list[str], played: list[str], rule: EchoRule = EchoRule()) -> tuple[int, int]:
    """How many words at the start and at the end of `heard` repeat `played`: (lead, trail).

    An edge counts when it holds at least `rule.min_run` words, most of them (`rule.min_share`)
    found in order in `played`, and its innermost word is one of them. Sized in words as `units.word_count`
    counts them.
    """
    found = [False] * len(heard)
    shared_run, min_run = items_for_words(heard, MIN_SHARED_RUN), items_for_words(heard, rule.min_run)
    for block in SequenceMatcher(None, heard, played, autojunk=False).get_matching_blocks():
        if block.size >= shared_run:
            found[block.a : block.a + block.size] = [True] * block.size

    def edge(marks: list[bool]) -> int:
        best, hits = 0, 0
        for k, hit in enumerate(marks, 1):
            hits += hit
            if hit and k >= min_run and hits / k >= rule.min_share:
                best = k
        return best

    lead = edge(found)
    trail = edge(found[::-1]) if lead < len(heard) else 0
    return lead, min(trail, len(heard) - lead)


def strip_echo(mic: CaptionEvent, played: Iterable[CaptionEvent], rule: EchoRule = EchoRule()) -> CaptionEvent | None:
    """`mic` without what it repeats of the speakers: None when it is an echo as a whole, the
    caption itself when nothing is repeated, else the caption with the echoed words cut from its
    start or end (by word times; a caption without them is kept or dropped whole)."""
    played = list(played)
    if is_echo(mic, played, rule):
        return None
    if not mic.words:
        return mic
    tokens = [(i, token) for i, w in enumerate(mic.words) for token in words_of(w.text)]
    lead, trail = echoed_edges([t for _, t in tokens], _nearby(mic, played, rule), rule)
    if not lead and not trail:
        return mic
    first = tokens[lead][0] + (lead > 0 and tokens[lead - 1][0] == tokens[lead][0])  # whole words only
    last = tokens[len(tokens) - 1 - trail][0] - (trail > 0 and tokens[len(tokens) - trail][0] == tokens[len(tokens) - 1 - trail][0])
    kept = mic.words[first : last + 1]
    if word_count([t for w in kept for t in words_of(w.text)]) < rule.min_words:
        return None
    return replace(mic, start=kept[0].start, end=kept[-1].end, text="".join(w.text for w in kept).strip(), words=tuple(kept), stable=0)
