"""A meeting's channels, each decoded by itself, merged into one transcript in spoken order.

A meeting's channels are cut into sentences and merged in spoken order; a microphone sentence
that repeats what the speakers just played is dropped as an echo, as the live session drops it (`echo`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.live.echo import EchoRule, strip_echo
from captioner.engine.offline.cleanup import between_turns, sentences
from captioner.events import CaptionEvent

__all__ = ["merge_channels"]


def merge_channels(channels: Sequence[tuple[str, list[CaptionEvent]]], echo: EchoRule | None = EchoRule()) -> list[CaptionEvent]:
    """Every channel's captions as one transcript in spoken order, cut into sentences, and where another channel spoke
    between two words (`between_turns`), so turns interleave.

    `channels`: (kind, captions) per channel, kind MICROPHONE or SYSTEM ("" unknown). A microphone
    sentence that repeats what a system-audio channel played is an echo: dropped, or cut to what it adds.
    """
    played = [s for kind, events in channels if kind == SYSTEM for e in events for s in sentences(e)]
    merged = []
    for kind, events in channels:
        for sentence in (s for e in events for s in sentences(e)):
            if echo is not None and kind == MICROPHONE and played:
                sentence = strip_echo(sentence, played, echo)
                if sentence is None:
                    continue
            merged.append(sentence)
    if len(channels) > 1:
        merged = between_turns(merged)
    merged.sort(key=lambda e: e.start)
    return [replace(e, id=n) for n, e in enumerate(merged, 1)]
