"""Plain-text transcripts: one line per final caption."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

from captioner.channels import DEFAULT_LABELS, label_of
from captioner.clock import format_clock
from captioner.events import CaptionEvent
from captioner.subtitles.cues import finals, in_start_order
from captioner.subtitles.errors import TRANSCRIPT
from captioner.subtitles.files import Entry, LiveWriter, write_atomic


def format_line(event: CaptionEvent, *, timestamps: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    """A caption's text on one line with its newline, or "" when it has no text; its channel's label leads ("You: ..."),
    looked up by id in `labels`."""
    text = " ".join(event.text.split())
    if not text:
        return ""
    label = label_of(event.channel, labels, event.speaker)
    if label:
        text = f"{label}: {text}"
    return f"[{format_clock(event.start)}] {text}\n" if timestamps else f"{text}\n"


def format_txt(events: Iterable[CaptionEvent], *, timestamps: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    """The transcript of the final captions among `events`, in the order they started."""
    return "".join(format_line(event, timestamps=timestamps, labels=labels)
                   for event in in_start_order(finals(events), lambda event: event.start))


def write_txt(path: str | os.PathLike[str], events: Iterable[CaptionEvent], *, timestamps: bool = False,
              labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
    """Export the final captions among `events` to `path`, replacing it atomically."""
    write_atomic(path, format_txt(events, timestamps=timestamps, labels=labels), TRANSCRIPT)


class LiveTxtWriter(LiveWriter):
    """Adds each final caption's text as one line, in the order they started, durable after every caption."""

    kind = TRANSCRIPT

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS,
                 on_notice: Callable[[str], None] | None = None):
        super().__init__(path, overwrite=overwrite, on_notice=on_notice)
        self.labels = labels  # each channel's label, by id

    @property
    def lines_written(self) -> int:
        return self._written

    def _entries_of(self, event: CaptionEvent) -> list[Entry]:
        line = format_line(event, labels=self.labels)
        return [Entry(event.start, line)] if line else []
