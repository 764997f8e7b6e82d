"""SubRip (.srt) subtitles: a live writer and a whole-session export."""

from __future__ import annotations

import os
from collections.abc import Iterable

from captioner.events import CaptionEvent
from captioner.subtitles.cues import Cue, finals, shape_cues
from captioner.clock import format_clock
from captioner.subtitles.files import LiveWriter, write_atomic


def format_timestamp(samples: int, decimal: str = ",") -> str:
    """`HH:MM:SS,mmm` for a time in samples, rounded to the millisecond."""
    return format_clock(samples, digits=3, mark=decimal)


def format_srt_block(index: int, cue: Cue, label: str = "") -> str:
    """One numbered SRT entry, ending with its blank line; `label` (who speaks) prefixes its text."""
    text = f"{label}: {cue.text}" if label else cue.text
    return f"{index}\n{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}\n{text}\n\n"


def format_srt(events: Iterable[CaptionEvent], *, labels: bool = False) -> str:
    """The SRT text for the final captions among `events`; `labels`: each cue begins with its channel ("You: ...")."""
    blocks, index = [], 1
    for event in finals(events):
        for cue in shape_cues(event):
            blocks.append(format_srt_block(index, cue, event.channel if labels else ""))
            index += 1
    return "".join(blocks)


def write_srt(path: str | os.PathLike[str], events: Iterable[CaptionEvent], *, labels: bool = False) -> None:
    """Export the final captions among `events` to `path`, replacing it atomically."""
    write_atomic(path, format_srt(events, labels=labels))


class LiveSrtWriter(LiveWriter):
    """Appends each final caption to an SRT file that stays valid at every moment.

    The file is created at construction; SubtitleFileError (a
    FileExistsError when the file exists and `overwrite` is False) says why
    it could not be.
    """

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False, labels: bool = False):
        super().__init__(path, overwrite=overwrite)
        self.labels = labels  # each cue begins with its channel ("You: ...")

    @property
    def cues_written(self) -> int:
        return self._written

    def _render(self, event: CaptionEvent, first_index: int) -> list[str]:
        label = event.channel if self.labels else ""
        return [format_srt_block(i, cue, label) for i, cue in enumerate(shape_cues(event), first_index)]
