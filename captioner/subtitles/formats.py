"""Every file format captions are saved in, in one list: what each is called, its suffix, how its text
is made, and the live writer that keeps it current during a session, where it has one.

The command line (`--srt`, `--txt`, `--vtt`), the app's Export menu and its dialog, the refined files
of `captioner refine` and the autosave all read `FORMATS`. A new format is a module with a function
that turns the final captions into the file's text, and one line in `FORMATS`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from captioner.channels import DEFAULT_LABELS
from captioner.events import CaptionEvent
from captioner.subtitles.errors import SUBTITLES, TRANSCRIPT
from captioner.subtitles.files import LiveWriter, write_atomic
from captioner.subtitles.srt import LiveSrtWriter, format_srt
from captioner.subtitles.txt import LiveTxtWriter, format_txt
from captioner.subtitles.vtt import format_vtt

__all__ = ["FORMATS", "SubtitleFormat", "format_named", "live_formats"]


@dataclass(frozen=True)
class SubtitleFormat:
    """One file format captions are saved in."""

    name: str  # "srt": the command line's option (--srt) and the app's export kind; the suffix without its dot
    title: str  # for people, with the menu's mnemonic: "&SRT subtitles" (Export as SRT subtitles…)
    file_type: str  # the file dialog's name for such files: "SubRip subtitles"
    text: Callable[..., str]  # the file's text for the final captions among the events (and `labels=`: each channel's label)
    help: str  # the command line's help: "write subtitles here"
    live_help: str = ""  # ... where the file is written during a live session
    labelled_text: Callable[..., str] | None = None  # the text when the SRT labels option is on
    # (each caption begins with who spoke); None: the format always carries them, or never
    live: type[LiveWriter] | None = None  # keeps the file current as captions come (sessions, autosave)
    kind: str = SUBTITLES  # what the file is, in messages

    @property
    def suffix(self) -> str:
        return f".{self.name}"

    @property
    def plain_title(self) -> str:
        """The title without its mnemonic: "SRT subtitles"."""
        return self.title.replace("&", "")

    @property
    def file_filter(self) -> str:
        """The file dialog's filter: "SubRip subtitles (*.srt)"."""
        return f"{self.file_type} (*{self.suffix})"

    def format(self, events: Iterable[CaptionEvent], *, srt_labels: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
        """The file's text; `srt_labels`: begin each caption with who spoke, where the format makes that a choice;
        `labels`: what each channel is called, by id."""
        if srt_labels and self.labelled_text is not None:
            return self.labelled_text(events, labels=labels)
        return self.text(events, labels=labels)

    def write(self, path: str | os.PathLike[str], events: Iterable[CaptionEvent], *, srt_labels: bool = False,
              labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
        """Write the final captions among `events` to `path`, replacing it atomically; raises SubtitleFileError."""
        write_atomic(path, self.format(events, srt_labels=srt_labels, labels=labels), self.kind)

    def open_live(self, path: str | os.PathLike[str], *, overwrite: bool = False, srt_labels: bool = False,
                  labels: Mapping[str, str] = DEFAULT_LABELS, on_notice: Callable[[str], None] | None = None) -> LiveWriter:
        """A live writer of the file, created now (raises SubtitleFileError); only for a format with one."""
        if self.live is None:
            raise ValueError(f"{self.plain_title} are not written live")
        if self.labelled_text is not None:
            return self.live(path, overwrite=overwrite, srt_labels=srt_labels, labels=labels, on_notice=on_notice)  # type: ignore[call-arg]
        return self.live(path, overwrite=overwrite, labels=labels, on_notice=on_notice)  # type: ignore[call-arg]


def _srt_labelled(events: Iterable[CaptionEvent], *, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    return format_srt(events, srt_labels=True, labels=labels)


FORMATS: tuple[SubtitleFormat, ...] = (
    SubtitleFormat("srt", "&SRT subtitles", "SubRip subtitles", format_srt, "write subtitles here",
                   "write subtitles here as they are made", labelled_text=_srt_labelled, live=LiveSrtWriter),
    SubtitleFormat("txt", "plain &text", "Text files", format_txt, "write the plain transcript here",
                   "write the plain transcript here as it is made", live=LiveTxtWriter, kind=TRANSCRIPT),
    SubtitleFormat("vtt", "&WebVTT subtitles", "WebVTT subtitles", format_vtt, "write WebVTT subtitles here"),
)
"""The formats, in the order they are offered (command-line options, the Export menu)."""


def format_named(name: str) -> SubtitleFormat:
    """The format called `name` ("srt"); KeyError for none."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def live_formats() -> tuple[SubtitleFormat, ...]:
    """The formats a live session can write as it goes (`--srt`, `--txt` of `captioner caption`)."""
    return tuple(fmt for fmt in FORMATS if fmt.live is not None)
