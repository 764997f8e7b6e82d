"""The refine of a kept session: its recorded audio decoded again, the offline way, and written as its transcript.

`refine_kept_session` runs the engine's refine (`engine.offline.refine`) and writes what it gives through
`write_transcript`, the one place the offline use cases write transcript files: a refined session's, a
transcription saved beside others, or the files a command names.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from captioner.channels import DEFAULT_LABELS
from captioner.engine.models.catalogue import default_model
from captioner.engine.models.recognizer import Recognizer
from captioner.engine.offline.refine import refine_session
from captioner.engine.offline.session_files import SessionFiles, save_refined
from captioner.events import CaptionEvent
from captioner.speaker_count import SpeakerCount
from captioner.subtitles.formats import FORMATS
from captioner.transcript import Transcript

__all__ = ["refine_kept_session", "refine_model", "write_transcript"]


def refine_model(chosen: str | None, session: SessionFiles) -> str:
    """The model a refine decodes with: the one chosen, else the one the session captioned with, else the default."""
    return chosen or session.model or default_model()


def refine_kept_session(session: SessionFiles, recognizer: Recognizer, *, vocabulary: str | None = None,
                        language: str | None = "en", srt_labels: bool = False, delete_audio: bool = False,
                        kinds: Sequence[str] = (), speakers: bool | SpeakerCount = False, live: Sequence[CaptionEvent] = (),
                        labels: Mapping[str, str] | None = None, progress: Callable[[float, float], None] | None = None,
                        phase: Callable[[str], None] | None = None, cancel: threading.Event | None = None) -> list[CaptionEvent]:
    """Refine `session` (`engine.offline.refine.refine_session`: its arguments) and write its refined files with
    `write_transcript`; the refined captions. Raises Cancelled (nothing written), or OSError / SubtitleFileError when
    the files cannot be written (the live ones untouched)."""

    def save(found: SessionFiles, events: Sequence[CaptionEvent], *, srt_labels: bool, labels: Mapping[str, str]) -> None:
        write_transcript(events, session=found, srt_labels=srt_labels, labels=labels)

    return refine_session(session, recognizer, vocabulary=vocabulary, language=language, srt_labels=srt_labels,
                          progress=progress, cancel=cancel, delete_audio=delete_audio, kinds=kinds, speakers=speakers,
                          live=live, labels=labels, phase=phase, save=save)


def write_transcript(events: Sequence[CaptionEvent], *, session: SessionFiles | None = None, folder: Path | None = None,
                     stem: str = "", paths: Sequence[tuple[str, str | os.PathLike[str]]] = (), srt_labels: bool = False,
                     labels: Mapping[str, str] = DEFAULT_LABELS) -> list[Path]:
    """Write a transcript's files, the one way the offline use cases do: as a refined `session`'s files (the live ones
    kept as `.live.*`); whole in `folder` as `<stem>.srt/.txt/.vtt`, never over another file (`<stem>-2.*`, …); or
    as each (format name, path) of `paths`, replacing what is there. Returns the paths written; raises
    SubtitleFileError (and OSError for a session)."""
    if session is not None:
        save_refined(session, events, srt_labels=srt_labels, labels=labels)
        return [session.path(fmt.suffix) for fmt in FORMATS]
    transcript = Transcript(events, labels=labels, srt_labels=srt_labels)
    written = [transcript.write(path, kind) for kind, path in paths]
    if folder is not None:
        written += transcript.save(folder, stem, new=True)
    return written
