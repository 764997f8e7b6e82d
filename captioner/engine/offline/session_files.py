"""A captioned session's files on disk: the session a path names, and its refined transcript written safely.

A refined session's files are written complete beside the live ones first (`<stem>.refined.srt`, …);
only then is each live file kept as `<stem>.live.srt` / `.live.txt` and the refined one moved over the
session's name, in one step (the session's file never goes missing). A refine killed at any point loses nothing: run again, it starts over and finishes,
and a live file already set aside is never written over.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from captioner import files
from captioner.audio.recorder import AUDIO_SUFFIX, Track, find_tracks
from captioner.channels import DEFAULT_LABELS
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.files import sync_folder
from captioner.subtitles.files import write_atomic
from captioner.subtitles.formats import FORMATS, live_formats
from captioner.subtitles.units import pieces, unwrap

__all__ = [
    "NothingToRefine",
    "SessionFiles",
    "find_session",
    "live_captions",
    "save_refined",
    "transcript_texts",
]

LIVE, REFINED = ".live", ".refined"
TRANSCRIPT_SUFFIXES = tuple(fmt.suffix for fmt in FORMATS)


class NothingToRefine(CaptionerError):
    """The session has no recorded audio (or no such session); str() says so in words."""


@dataclass
class SessionFiles:
    """A captioned session on disk: its folder, the stem of its files, its recorded channels."""

    folder: Path
    stem: str
    tracks: list[Track] = field(default_factory=list)

    def path(self, suffix: str, kind: str = "") -> Path:
        """`<stem><kind><suffix>`: kind "" (the session's file), LIVE or REFINED."""
        return self.folder / f"{self.stem}{kind}{suffix}"

    @property
    def refined(self) -> bool:
        """Whether the session's files are a refined transcript (the live ones set aside)."""
        return any(self.path(fmt.suffix, LIVE).exists() for fmt in live_formats())

    @property
    def model(self) -> str:
        return next((t.model for t in self.tracks if t.model), "")

    @property
    def vocabulary(self) -> str:
        return next((t.vocabulary for t in self.tracks if t.vocabulary), "")

    @property
    def labels(self) -> dict[str, str]:
        """What each recorded channel was called in the session, by id: {MICROPHONE: "You", SYSTEM: "Others"}."""
        return {t.channel: t.label for t in self.tracks if t.channel}


def find_session(path: str | os.PathLike[str]) -> SessionFiles:
    """The session a path names: its .srt or .txt (live or refined), one of its recordings, or a folder holding
    exactly one session with audio. Raises NothingToRefine when there is no recorded audio to refine."""
    path = Path(path)
    if path.is_dir():
        stems = sorted({p.name.split(".audio")[0] for p in path.glob(f"*.audio*{AUDIO_SUFFIX}")})
        if not stems:
            raise NothingToRefine(f"{path} holds no recorded session audio (*.audio.opus) to refine.")
        if len(stems) > 1:
            raise NothingToRefine(f"{path} holds {len(stems)} sessions with audio ({', '.join(stems)}): name one by its .srt file.")
        folder, stem = path, stems[0]
    else:
        folder, stem = path.parent, _stem_of(path.name)
    tracks = find_tracks(folder, stem)
    if not tracks and not path.exists():
        raise NothingToRefine(f"{path} does not exist: name a session's .srt or .txt file, or its folder")
    if not tracks:
        where = folder / f"{stem}.audio{AUDIO_SUFFIX}"
        raise NothingToRefine(f"The session {stem} has no recorded audio ({where} is not there): its transcript cannot be "
                              "refined. Sessions keep their audio when recording is on (Settings, or `caption --keep-audio`).")
    return SessionFiles(folder, stem, tracks)


def live_captions(session: SessionFiles) -> list[CaptionEvent]:
    """The live captions of a session of one recorded channel, read back from its live SRT (`<stem>.live.srt` once
    refined, else `<stem>.srt`), each cue's words spread evenly over it: what the refine puts its text to the vote
    with (`vote`) when the live captions themselves are not at hand (`captioner refine`, a past session). Where every
    cue begins with a label ("Speaker 1: …", "Ann: …", as Settings may have them written), the labels are left out.
    None (an empty list) for a session of several channels (an SRT does not say whose each cue is), or where no live
    SRT can be read."""
    import srt

    if len(session.tracks) != 1:
        return []
    path = session.path(".srt", LIVE) if session.refined else session.path(".srt")
    try:
        cues = [cue for cue in srt.parse(path.read_text(encoding="utf-8")) if cue.content.strip()]
    except (OSError, UnicodeDecodeError, srt.SRTParseError):
        return []
    texts = [unwrap(cue.content) for cue in cues]
    if texts and all(_LABEL.match(text) for text in texts):  # every cue labelled (Settings' "Begin each SRT subtitle with its label")
        texts = [_LABEL.sub("", text, count=1) for text in texts]
    channel = session.tracks[0].channel
    out = []
    for cue, said in zip(cues, texts, strict=True):
        start, end = round(cue.start.total_seconds() * SAMPLE_RATE), round(cue.end.total_seconds() * SAMPLE_RATE)
        tokens = pieces(said, phrases=False)  # units the vote lines up with the recognizer's
        if not tokens or end <= start:
            continue
        step = (end - start) / len(tokens)
        words = tuple(Word(t, start + round(n * step), start + round((n + 1) * step)) for n, t in enumerate(tokens))
        out.append(CaptionEvent(len(out) + 1, start, end, said, final=True, words=words, stable=len(said), channel=channel))
    return out


_LABEL = re.compile(r"[^:\s][^:]{0,40}: ")  # who speaks, leading a cue ("You: ", "Speaker 2: "): a short name and ": "


def _stem_of(name: str) -> str:
    """The session stem in a file name: `talk` of talk.srt, talk.live.txt, talk.refined.vtt, talk.audio-2.opus."""
    if ".audio" in name and name.endswith(AUDIO_SUFFIX):
        return name.split(".audio")[0]
    for kind in (LIVE, REFINED, ""):
        for suffix in TRANSCRIPT_SUFFIXES:
            if name.endswith(kind + suffix) and len(name) > len(kind + suffix):
                return name[: -len(kind + suffix)]
    return Path(name).stem


def save_refined(session: SessionFiles, events: Sequence[CaptionEvent], *, srt_labels: bool = False,
                 labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
    """Write the refined SRT/TXT/VTT as the session's files, the live SRT/TXT kept beside them as `.live.*`;
    `labels`: what each channel is called, by id (the session's own: `SessionFiles.labels`).

    Every refined file is complete on disk before any live file is renamed; a live file already set aside
    (by an earlier refine) is never written over.
    """
    texts = transcript_texts(events, srt_labels=srt_labels, labels=labels)
    for suffix, text in texts.items():
        write_atomic(session.path(suffix, REFINED), text)
    kept_live = {fmt.suffix for fmt in live_formats()}  # only a file written live has a live version
    for suffix in texts:
        current, live = session.path(suffix), session.path(suffix, LIVE)
        if suffix in kept_live and current.exists() and not live.exists():
            _keep_live(current, live)
        os.replace(session.path(suffix, REFINED), current)
    sync_folder(session.folder)


def transcript_texts(events: Sequence[CaptionEvent], *, srt_labels: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> dict[str, str]:
    """The transcript as each file keeps it, by suffix (subtitles.formats): {".srt": …, ".txt": …, ".vtt": …}."""
    return {fmt.suffix: fmt.format(events, srt_labels=srt_labels, labels=labels) for fmt in FORMATS}


def _keep_live(current: Path, live: Path) -> None:
    """The live file under its `.live` name too, before the refined one takes its place: the session's file never
    goes missing, not even for a moment (a hard link; a private copy where the file system has none)."""
    try:
        os.link(current, live)
    except OSError:
        files.write_atomic(live, current.read_text(encoding="utf-8"))
