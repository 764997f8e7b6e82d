"""SubRip (.srt) subtitles: a live writer and a whole-session export."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping

from captioner.channels import DEFAULT_LABELS, label_of
from captioner.clock import format_clock
from captioner.events import CaptionEvent
from captioner.subtitles.cues import Cue, ordered_cues, shape_cues
from captioner.subtitles.files import Entry, LiveWriter, write_atomic


def format_timestamp(samples: int, decimal: str = ",") -> str:
    """`HH:MM:SS,mmm` for a time in samples, rounded to the millisecond."""
    return format_clock(samples, digits=3, mark=decimal)


def format_srt_block(index: int, cue: Cue, label: str = "") -> str:
    """One numbered SRT entry, ending with its blank line; `label` (who speaks) prefixes its text."""
    return f"{index}\n{format_cue(cue, label)}"


def format_cue(cue: Cue, label: str = "") -> str:
    """An SRT entry without its number: times, text, blank line."""
    text = f"{label}: {cue.text}" if label else cue.text
    return f"{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}\n{text}\n\n"


def format_srt(events: Iterable[CaptionEvent], *, srt_labels: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    """The SRT text for the final captions among `events`, cues in start order; `srt_labels`: each cue begins with its
    channel's label ("You: ..."), looked up by id in `labels`."""
    return "".join(
        format_srt_block(index, cue, label_of(event.channel, labels, event.speaker) if srt_labels else "")
        for index, (event, cue) in enumerate(ordered_cues(events), 1)
    )


def write_srt(path: str | os.PathLike[str], events: Iterable[CaptionEvent], *, srt_labels: bool = False,
              labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
    """Export the final captions among `events` to `path`, replacing it atomically."""
    write_atomic(path, format_srt(events, srt_labels=srt_labels, labels=labels))


class LiveSrtWriter(LiveWriter):
    """Adds each final caption to an SRT file that stays valid, numbered and in start order at every moment.

    A cue that starts no earlier than the last one in the file is appended; one
    that goes before it (two people talking at once) has the file written whole
    again, sorted and renumbered, in one atomic step.
    The file is created at construction; SubtitleFileError (a
    FileExistsError when the file exists and `overwrite` is False) says why
    it could not be.
    """

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False, srt_labels: bool = False,
                 labels: Mapping[str, str] = DEFAULT_LABELS, on_notice: Callable[[str], None] | None = None):
        super().__init__(path, overwrite=overwrite, on_notice=on_notice)
        self.srt_labels = srt_labels  # each cue begins with its channel's label ("You: ...")
        self.labels = labels  # each channel's label, by id

    @property
    def cues_written(self) -> int:
        return self._written

    def _entries_of(self, event: CaptionEvent) -> list[Entry]:
        label = label_of(event.channel, self.labels, event.speaker) if self.srt_labels else ""
        return [Entry(cue.start, format_cue(cue, label)) for cue in shape_cues(event)]

    def _format(self, index: int, entry: Entry) -> str:
        return f"{index}\n{entry.text}"
