"""WebVTT (.vtt) subtitle export."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

from captioner.channels import DEFAULT_LABELS, label_of
from captioner.events import CaptionEvent
from captioner.subtitles.cues import Cue, ordered_cues
from captioner.subtitles.files import write_atomic
from captioner.subtitles.srt import format_timestamp

HEADER = "WEBVTT\n\n"


def format_vtt_timestamp(samples: int) -> str:
    """`HH:MM:SS.mmm` for a time in samples, rounded to the millisecond."""
    return format_timestamp(samples, decimal=".")


def escape(text: str) -> str:
    """Cue text with the characters WebVTT reserves escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def format_vtt_block(cue: Cue, voice: str = "") -> str:
    """One WebVTT cue, ending with its blank line; `voice` (who speaks) becomes a voice tag, `<v You>`."""
    text = escape(cue.text)
    if voice:
        text = f"<v {escape(voice)}>{text}"
    return f"{format_vtt_timestamp(cue.start)} --> {format_vtt_timestamp(cue.end)}\n{text}\n\n"


def format_vtt(events: Iterable[CaptionEvent], *, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    """The WebVTT file for the final captions among `events`, cues in start order, each with its channel's voice tag
    (its label in `labels`) when it has one."""
    return HEADER + "".join(format_vtt_block(cue, label_of(event.channel, labels, event.speaker)) for event, cue in ordered_cues(events))


def write_vtt(path: str | os.PathLike[str], events: Iterable[CaptionEvent], *, labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
    """Export the final captions among `events` to `path`, replacing it atomically."""
    write_atomic(path, format_vtt(events, labels=labels))
