"""The offline transcript: recorded audio decoded whole, after the session or from any file.

Live captions are each decoded from a few seconds of speech, within a second; offline, faster-whisper
sees 30 s around every word. Each channel is decoded by itself with `WhisperModel.transcribe`
(beam 5, word timestamps, its VAD filter skipping silence, the user's vocabulary as hotwords); its
words keep their side and their place on the session clock (a recording starts at the session's
zero). A meeting's channels are cut into sentences and merged in spoken order; a microphone sentence
that repeats what the speakers just played is dropped as an echo, as the live session drops it.

A refined session's files are written complete beside the live ones first (`<stem>.refined.srt`, …);
only then is each live file kept as `<stem>.live.srt` / `.live.txt` and the refined one moved over the
session's name, in one step (the session's file never goes missing). A refine killed at any point loses nothing: run again, it starts over and finishes,
and a live file already set aside is never written over.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from captioner import files
from captioner.audio.recorder import AUDIO_SUFFIX, Track, find_tracks
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.echo import EchoRule, strip_echo
from captioner.engine.transcriber import FULL_WINDOW_FRAMES, ShortWindowWhisper, join_words, segment_words
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.files import sync_folder
from captioner.subtitles.cues import SENTENCE_END
from captioner.subtitles.files import write_atomic
from captioner.subtitles.formats import FORMATS

BEAM_SIZE = 5
LIVE, REFINED = ".live", ".refined"
TRANSCRIPT_SUFFIXES = tuple(fmt.suffix for fmt in FORMATS)

Progress = Callable[[float, float], None]  # (audio seconds decoded, audio seconds in all)


class Cancelled(Exception):
    """The refine was cancelled; nothing was written."""


class NothingToRefine(Exception):
    """The session has no recorded audio (or no such session); str() says so in words."""


def decode_audio_file(model, audio: np.ndarray, *, label: str = "", vocabulary: str = "", language: str | None = "en",
                      progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None) -> list[CaptionEvent]:
    """One channel's 16 kHz mono audio decoded whole: a final caption per faster-whisper segment, labelled `label`.

    `model`: a faster-whisper WhisperModel; `language` None detects it (multilingual models; English-only ones
    always decode English); `progress(seconds)` hears how far into the audio the decoding is; Cancelled is raised
    once `cancel` is set.
    """
    if isinstance(model, ShortWindowWhisper):
        model.window_frames = FULL_WINDOW_FRAMES
    if not model.model.is_multilingual:
        language = "en"
    segments, _info = model.transcribe(audio, language=language, beam_size=BEAM_SIZE, word_timestamps=True, vad_filter=True,
                                       hotwords=vocabulary.strip() or None)
    events = []
    for n, segment in enumerate(segments, 1):
        if cancel is not None and cancel.is_set():
            raise Cancelled
        words = tuple(segment_words(segment))
        text = join_words(words)
        if text:
            events.append(CaptionEvent(n, words[0].start, max(words[-1].end, words[0].start + 1), text, final=True,
                                       words=words, stable=len(text), channel=label))
        if progress is not None:
            progress(min(segment.end, len(audio) / SAMPLE_RATE))
    if cancel is not None and cancel.is_set():
        raise Cancelled
    if progress is not None:
        progress(len(audio) / SAMPLE_RATE)  # the rest was silence
    return events


def sentences(event: CaptionEvent) -> list[CaptionEvent]:
    """A caption cut after each word that ends a sentence."""
    parts: list[list[Word]] = [[]]
    for word in event.words:
        parts[-1].append(word)
        if word.text.strip().rstrip("\"')]»”’").endswith(SENTENCE_END):
            parts.append([])
    if len([p for p in parts if p]) <= 1:
        return [event]
    return [replace(event, start=p[0].start, end=max(p[-1].end, p[0].start + 1), text=join_words(p), words=tuple(p), stable=len(join_words(p)))
            for p in parts if p]


def merge_channels(channels: Sequence[tuple[str, list[CaptionEvent]]], echo: EchoRule | None = EchoRule()) -> list[CaptionEvent]:
    """Every channel's captions as one transcript in spoken order, cut into sentences so turns interleave.

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
    merged.sort(key=lambda e: e.start)
    return [replace(e, id=n) for n, e in enumerate(merged, 1)]


@dataclass
class Session:
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
        return self.path(".srt", LIVE).exists() or self.path(".txt", LIVE).exists()

    @property
    def model(self) -> str:
        return next((t.model for t in self.tracks if t.model), "")

    @property
    def vocabulary(self) -> str:
        return next((t.vocabulary for t in self.tracks if t.vocabulary), "")


def find_session(path: str | os.PathLike[str]) -> Session:
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
    if not tracks:
        where = folder / f"{stem}.audio{AUDIO_SUFFIX}"
        raise NothingToRefine(f"The session {stem} has no recorded audio ({where} is not there): its transcript cannot be "
                              "refined. Sessions keep their audio when recording is on (Settings, or `caption --keep-audio`).")
    return Session(folder, stem, tracks)


def _stem_of(name: str) -> str:
    """The session stem in a file name: `talk` of talk.srt, talk.live.txt, talk.refined.vtt, talk.audio-2.opus."""
    if ".audio" in name and name.endswith(AUDIO_SUFFIX):
        return name.split(".audio")[0]
    for kind in (LIVE, REFINED, ""):
        for suffix in TRANSCRIPT_SUFFIXES:
            if name.endswith(kind + suffix) and len(name) > len(kind + suffix):
                return name[: -len(kind + suffix)]
    return Path(name).stem


def refine_session(session: Session, model, *, vocabulary: str | None = None, language: str | None = "en", srt_labels: bool = False,
                   progress: Progress | None = None, cancel: threading.Event | None = None, delete_audio: bool = False,
                   kinds: Sequence[str] = ()) -> list[CaptionEvent]:
    """Decode the session's recorded channels, write its refined SRT/TXT/VTT (the live ones kept as `.live.*`), and return
    the refined captions. `vocabulary` None: the one the session captioned with; `kinds`: each channel's MICROPHONE/SYSTEM
    (echoes of the speakers are dropped from the microphone); `delete_audio`: remove the recordings once the files are
    written. Raises Cancelled (nothing written) or OSError / SubtitleFileError when the files cannot be written (the live
    ones are then untouched).
    """
    from captioner.audio.sources import decode_file

    terms = session.vocabulary if vocabulary is None else vocabulary
    audio = [decode_file(str(track.path)) for track in session.tracks]
    total = sum(len(a) for a in audio) / SAMPLE_RATE
    done = 0.0
    channels = []
    for n, (track, samples) in enumerate(zip(session.tracks, audio)):
        report = None if progress is None else (lambda s, at=done: progress(at + s, total))
        events = decode_audio_file(model, samples, label=track.label, vocabulary=terms, language=language, progress=report, cancel=cancel)
        done += len(samples) / SAMPLE_RATE
        channels.append((kinds[n] if n < len(kinds) else track.kind, events))
    events = merge_channels(channels)
    save_refined(session, events, srt_labels=srt_labels)
    if delete_audio:
        for track in session.tracks:
            with contextlib.suppress(FileNotFoundError):
                track.path.unlink()
        session.tracks = []
    return events


def save_refined(session: Session, events: Sequence[CaptionEvent], *, srt_labels: bool = False) -> None:
    """Write the refined SRT/TXT/VTT as the session's files, the live SRT/TXT kept beside them as `.live.*`.

    Every refined file is complete on disk before any live file is renamed; a live file already set aside
    (by an earlier refine) is never written over.
    """
    for fmt in FORMATS:
        write_atomic(session.path(fmt.suffix, REFINED), fmt.format(events, labels=srt_labels))
    for fmt in FORMATS:
        current, live = session.path(fmt.suffix), session.path(fmt.suffix, LIVE)
        if fmt.live is not None and current.exists() and not live.exists():  # only a file written live has a live version
            _keep_live(current, live)
        os.replace(session.path(fmt.suffix, REFINED), current)
    sync_folder(session.folder)


def _keep_live(current: Path, live: Path) -> None:
    """The live file under its `.live` name too, before the refined one takes its place: the session's file never
    goes missing, not even for a moment (a hard link; a private copy where the file system has none)."""
    try:
        os.link(current, live)
    except OSError:
        files.write_atomic(live, current.read_text(encoding="utf-8"))
