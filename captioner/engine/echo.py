"""Echo: the microphone hearing the speakers.

Without headphones, what the other people say comes out of the speakers and
back into the microphone, so it would be captioned twice. A microphone caption
is an echo when most of its words were just said, in the same order, on the
system-audio channel around the same time. Words are compared, not audio: the
two paths differ in level, delay and room sound, but the recogniser hears the
same words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

from captioner.events import SAMPLE_RATE, CaptionEvent

_TOKEN = re.compile(r"[\w']+")


@dataclass(frozen=True)
class EchoRule:
    window_s: float = 1.5  # how far apart in time the two captions' words may lie
    min_share: float = 0.6  # share of the microphone's words found, in order, in what the system played
    min_words: int = 2  # a single-word caption ("yes") is never judged an echo


def words_of(text: str) -> list[str]:
    """Lower-case words without punctuation."""
    return _TOKEN.findall(text.lower())


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


def is_echo(mic: CaptionEvent, played: Iterable[CaptionEvent], rule: EchoRule = EchoRule()) -> bool:
    """Whether the microphone caption `mic` repeats what the `played` (system audio) captions carried."""
    heard = words_of(mic.text)
    if len(heard) < rule.min_words:
        return False
    margin = round(rule.window_s * SAMPLE_RATE)
    lo, hi = mic.start - margin, mic.end + margin
    nearby: list[str] = []
    for event in sorted(played, key=lambda e: e.start):
        if event.end >= lo and event.start <= hi:
            nearby.extend(played_words(event, lo, hi))
    return echo_share(heard, nearby) >= rule.min_share
