"""The transcript document: the captions users keep, one object from which every file and view is drawn.

A session's or a transcription's final captions (text, times on the audio clock, channel, speaker id), what
each channel and speaker is called, and whether they are the live captions or a refine's. The live engine
and a refine write into it; renaming a speaker changes its labels; SRT, TXT, VTT and Export are rendered
from it and written whole, atomically (`save`, `write`): a file is never patched from outside it.
`Transcript.load` reads a saved one back.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from captioner import files
from captioner.channels import DEFAULT_LABELS, label_of
from captioner.events import CaptionEvent, replaced_final
from captioner.subtitles.errors import SubtitleFileError
from captioner.subtitles.files import write_atomic
from captioner.subtitles.formats import FORMATS, format_named
from captioner.subtitles.reading import LABELLED, read_cues

__all__ = ["Transcript"]

_SPEAKER_LABEL = re.compile(r"Speaker (\d+)")


class Transcript:
    """The final captions of one session or transcription, in the order they came, and what everyone is called.

    `add` (or `on_caption`, as a session's sink) takes a final caption: a first final with text is appended, a
    revised one (`revision` > 0) replaces the final of its id in place, interims and empty finals are left out.
    `labels` maps channel and speaker ids to names (`rename_speaker`); `refined` says the captions are a refine's.
    Safe to share between the engine's thread and the one that reads it.
    """

    def __init__(self, events: Iterable[CaptionEvent] = (), *, labels: Mapping[str, str] = DEFAULT_LABELS,
                 refined: bool = False, srt_labels: bool = False) -> None:
        self._lock = threading.Lock()
        self._finals: list[CaptionEvent] = []
        self._labels: dict[str, str] = dict(labels)
        self.refined = refined
        self.srt_labels = srt_labels  # SRT cues begin with who spoke, as `labels` calls them
        for event in events:
            self.add(event)

    # -- the captions ----------------------------------------------------------
    def add(self, event: CaptionEvent) -> int | None:
        """Take a caption; the place among the finals it took or changed, None when it changed nothing."""
        if not event.final or not event.text.strip():
            return None
        with self._lock:
            if event.revision:
                at = replaced_final(self._finals, event)
                if at is not None:
                    self._finals[at] = event
                    return at
            self._finals.append(event)
            return len(self._finals) - 1

    def on_caption(self, event: CaptionEvent) -> None:
        """A session's sink: `add`."""
        self.add(event)

    def close(self) -> None:
        """A session's sink ends: nothing to do (the document outlives its session)."""

    @property
    def finals(self) -> list[CaptionEvent]:
        """The final captions, in the order they came (a copy)."""
        with self._lock:
            return list(self._finals)

    def events(self) -> list[CaptionEvent]:
        """The final captions, as the renderers take them."""
        return self.finals

    def __len__(self) -> int:
        with self._lock:
            return len(self._finals)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Transcript):
            return NotImplemented
        return (self.finals, self.labels, self.refined) == (other.finals, other.labels, other.refined)

    __hash__ = None  # type: ignore[assignment]

    # -- who is who --------------------------------------------------------------
    @property
    def labels(self) -> dict[str, str]:
        """What each channel and speaker is called, by id (a copy)."""
        with self._lock:
            return dict(self._labels)

    @labels.setter
    def labels(self, labels: Mapping[str, str]) -> None:
        with self._lock:
            self._labels = dict(labels)

    def rename_speaker(self, speaker: str, name: str) -> dict[str, str]:
        """Call `speaker` (an id: "speaker-2", or a channel's) `name` everywhere; an empty name gives back its default
        ("Speaker 2"). Returns the labels as they are now."""
        with self._lock:
            if name.strip():
                self._labels[speaker] = name.strip()
            else:
                self._labels.pop(speaker, None)
            return dict(self._labels)

    def label_of(self, event: CaptionEvent) -> str:
        """Who said `event`, in words ("" for a session of one input without speakers)."""
        return label_of(event.channel, self.labels, event.speaker)

    # -- files -------------------------------------------------------------------
    def render(self, kind: str, *, srt_labels: bool | None = None) -> str:
        """The text of the file format named `kind` ("srt", "txt", "vtt": subtitles.formats); KeyError for none.
        `srt_labels`: SRT cues begin with who spoke (default: the document's `srt_labels`)."""
        fmt = format_named(kind)
        return fmt.format(self.finals, srt_labels=self.srt_labels if srt_labels is None else srt_labels, labels=self.labels)

    def write(self, path: str | os.PathLike[str], kind: str | None = None) -> Path:
        """Write the document to `path` in the format `kind` (default: the one its suffix names), replacing it in one
        step; raises SubtitleFileError (KeyError for an unknown format)."""
        path = Path(path)
        fmt = format_named(kind or path.suffix.lstrip("."))
        write_atomic(path, self.render(fmt.name), fmt.kind)
        return path

    def save(self, folder: str | os.PathLike[str], stem: str, kinds: Sequence[str] | None = None, *,
             new: bool = False) -> list[Path]:
        """Write `<folder>/<stem>.<kind>` for each of `kinds` (default: every format), each whole and atomically; the
        folder is made (private) when missing. `new`: write over nothing, taking `<stem>-2`, … where a file is there.
        Returns the paths written; raises SubtitleFileError."""
        folder = Path(folder)
        formats = [format_named(kind) for kind in kinds] if kinds is not None else list(FORMATS)
        try:
            files.private_folder(folder)
        except OSError as exc:
            raise SubtitleFileError(f"The transcript could not be saved: the folder {folder} could not be made "
                                    f"({exc.strerror or exc}).", folder, exc.errno) from exc
        if new:
            stem = next(name for name in files.numbered_stems(stem)
                        if not any((folder / f"{name}{fmt.suffix}").exists() for fmt in formats))
        return [self.write(folder / f"{stem}{fmt.suffix}", fmt.name) for fmt in formats]

    def save_again(self, path: str | os.PathLike[str]) -> list[Path]:
        """Write again, whole, every file of the session `path` names (`<stem>.srt`, or any of its files) that is there:
        after a rename or an edit. Returns the paths written; raises SubtitleFileError."""
        path = Path(path)
        there = [fmt.name for fmt in FORMATS if path.with_suffix(fmt.suffix).is_file()]
        return self.save(path.parent, path.stem, there) if there else []

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, labels: Mapping[str, str] = DEFAULT_LABELS,
             srt_labels: bool | None = None) -> Transcript:
        """The transcript a session's files hold (`path`: any of them, `<stem>.srt` or `.vtt`): its VTT where there is
        one (each cue says who spoke), else its SRT. `labels`: what the session called everyone, by id (a label read
        back is given its id there). Raises OSError when neither file can be read, ValueError when it is no such file."""
        path = Path(path)
        vtt, srt = path.with_suffix(".vtt"), path.with_suffix(".srt")
        source = vtt if vtt.is_file() else srt
        text = source.read_text(encoding="utf-8")
        cues, _lost = read_cues(text, vtt=source == vtt)
        ids = _ids_of(labels)
        events = []
        labelled = source == srt and bool(cues) and all(LABELLED.fullmatch(said) for _, _, said, _ in cues)
        for n, (start, end, said, voice) in enumerate(cues, 1):
            if labelled:
                voice, said = LABELLED.fullmatch(said).groups()  # type: ignore[union-attr]
            channel, speaker = _who(voice, ids)
            events.append(CaptionEvent(n, start, end, said, True, channel=channel, speaker=speaker))
        return cls(events, labels=labels, srt_labels=labelled if srt_labels is None else srt_labels)


def _ids_of(labels: Mapping[str, str]) -> dict[str, str]:
    """Each label's id (the first id called so)."""
    ids: dict[str, str] = {}
    for key, label in labels.items():
        ids.setdefault(label, key)
    return ids


def _who(label: str, ids: Mapping[str, str]) -> tuple[str, str]:
    """(channel, speaker) ids for a label read back."""
    if not label:
        return "", ""
    key = ids.get(label)
    if key is None:
        numbered = _SPEAKER_LABEL.fullmatch(label)
        return ("", f"speaker-{numbered.group(1)}") if numbered else (label, "")
    return ("", key) if key.startswith("speaker-") else (key, "")

