"""SubRip (.srt) subtitles: a live writer and a whole-session export."""

from __future__ import annotations

import os
from collections.abc import Iterable

from captioner.events import CaptionEvent
from captioner.subtitles.cues import Cue, final_cues, shape_cues
from captioner.clock import format_clock
from captioner.subtitles.files import LiveWriter, write_atomic


def format_timestamp(samples: int, decimal: str = ",") -> str:
    """`HH:MM:SS,mmm` for a time in samples, rounded to the millisecond."""
    return format_clock(samples, digits=3, mark=decimal)


def format_srt_block(index: int, cue: Cue) -> str:
    """One numbered SRT entry, ending with its blank line."""
    return f"{index}\n{format_timestamp(cue.start)} --> {format_timestamp(cue.end)}\n{cue.text}\n\n"


def format_srt(events: Iterable[CaptionEvent]) -> str:
    """The SRT text for the final captions among `events`."""
    return "".join(format_srt_block(i, cue) for i, cue in enumerate(final_cues(events), 1))


def write_srt(path: str | os.PathLike[str], events: Iterable[CaptionEvent]) -> None:
    """Export the final captions among `events` to `path`, replacing it atomically."""
    write_atomic(path, format_srt(events))


class LiveSrtWriter(LiveWriter):
    """Appends each final caption to an SRT file that stays valid at every moment.

    The file is created at construction; SubtitleFileError (a
    FileExistsError when the file exists and `overwrite` is False) says why
    it could not be.
    """

    @property
    def cues_written(self) -> int:
        return self._written

    def _render(self, event: CaptionEvent, first_index: int) -> list[str]:
        return [format_srt_block(i, cue) for i, cue in enumerate(shape_cues(event), first_index)]
