"""Rules that keep invented text out of captions.

Whisper makes up text on silence and noise ("Thank you.", "you", a sentence
repeated until the window ends). These pure functions decide what to drop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# What Whisper tends to say about silence, hum or breath, normalised.
FILLER_PHRASES = frozenset(
    {
        "",
        "you",
        "thank you",
        "thank you very much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "please subscribe",
        "bye",
        "bye bye",
        "okay",
        "ok",
        "so",
        "uh",
        "um",
        "hmm",
        "mm",
        "oh",
        "ah",
        "the end",
    }
)

QUIET_RMS = 0.006  # about -44 dBFS: what a segment of room noise measures


@dataclass(frozen=True)
class SegmentScore:
    """What the decoder said about one of its output segments."""

    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float


def normalise(text: str) -> str:
    """Lower case, letters, digits and single spaces only."""
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split())


def is_invented(segment: SegmentScore, audio_rms: float) -> bool:
    """True when an output segment is most likely not speech that was there."""
    if segment.compression_ratio > 2.4:
        return True  # a loop: the same words again and again
    if segment.no_speech_prob > 0.6 and segment.avg_logprob < -1.0:
        return True  # Whisper's own no-speech rule
    if normalise(segment.text) in FILLER_PHRASES:
        quiet = audio_rms < QUIET_RMS
        unsure = segment.no_speech_prob > 0.2 or segment.avg_logprob < -0.7
        return quiet or unsure
    return False


def collapse_repeats(items: Sequence[T], key: Callable[[T], str] = str, max_span: int = 30) -> list[T]:
    """Drop a run of words that repeats the run just before it.

    "we are glad we are glad we are glad" -> "we are glad". Short runs said
    twice are kept ("no no", "very very"): people say those; a run of one or
    two words is dropped from its third time on.
    """
    out: list[T] = []
    keys: list[str] = []
    for item in items:
        out.append(item)
        keys.append(normalise(key(item)))
        for span in range(min(max_span, len(out) // 2), 0, -1):
            if keys[-2 * span : -span] != keys[-span:]:
                continue
            if span >= 3 or keys[-3 * span : -2 * span] == keys[-span:]:
                del out[-span:], keys[-span:]
                break
    return out
