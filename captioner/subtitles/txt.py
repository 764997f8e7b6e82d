"""Plain-text transcripts: one line per final caption."""

from __future__ import annotations

import os
from collections.abc import Iterable

from captioner.clock import format_clock
from captioner.events import CaptionEvent
from captioner.subtitles.cues import finals, in_start_order
from captioner.subtitles.errors import TRANSCRIPT
from captioner.subtitles.files import Entry, LiveWriter, write_atomic


def format_line(event: CaptionEvent, *, timestamps: bool = False) -> str:
    """A caption's text on one line with its newline, or "" when it has no text; its channel leads ("You: ...")."""
    text = " ".join(event.text.split())
    if not text:
        return ""
    if event.channel:
        text = f"{event.channel}: {text}"
    return f"[{format_clock(event.start)}] {text}\n" if timestamps else f"{text}\n"


def format_txt(events: Iterable[CaptionEvent], *, timestamps: bool = False) -> str:
    """The transcript of the final captions among `events`, in the order they started."""
    return "".join(format_line(event, timestamps=timestamps) for event in in_start_order(finals(events), lambda event: event.start))


def write_txt(path: str | os.PathLike[str], events: Iterable[CaptionEvent], *, timestamps: bool = False) -> None:
    """Export the final captions among `events` to `path`, replacing it atomically."""
    write_atomic(path, format_txt(events, timestamps=timestamps), TRANSCRIPT)


class LiveTxtWriter(LiveWriter):
    """Adds each final caption's text as one line, in the order they started, durable after every caption."""

    kind = TRANSCRIPT

    @property
    def lines_written(self) -> int:
        return self._written

    def _entries_of(self, event: CaptionEvent) -> list[Entry]:
        line = format_line(event)
        return [Entry(event.start, line)] if line else []
