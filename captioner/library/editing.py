"""Changing a session's files: a line corrected or deleted, speakers renamed or merged, the title, the session deleted.

Every change is made to the transcript document (`captioner.transcript.Transcript`) read from the session's files
as they are at that moment, and every file of the session in a transcript format (`<stem>.srt`, `.txt`, `.vtt`) is
written again from it, whole and atomically; the live copy a refine set aside (`<stem>.live.*`) stays as it was.
A change holds the sessions folder's lock (`LOCK_NAME`, a file lock), so two writers, two app windows or the app
and the terminal, take turns and never write a file at once. A session whose files could not all be read is not
changed: writing it again from what could be read would lose the rest.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from captioner.errors import CaptionerError
from captioner.events import CaptionEvent
from captioner.files import PRIVATE_FILE
from captioner.library.folder import LIVE_STEM, StoredSession, scan_folder, write_sidecar
from captioner.library.reading import Reading, read_session
from captioner.transcript import Transcript

__all__ = ["EditRefused", "corrected", "delete_session", "edited", "locked", "renamed", "transcript_of", "without"]

LOCK_NAME = ".captioner-library.lock"  # in the sessions folder: hidden, so never a session's file
LOCK_WAIT_S = 10.0  # how long a change waits for another writer to finish
LONGEST_NAME = 60  # a speaker's name, as the TXT files can read it back
_NOT_IN_NAMES = (":", "\n")


class EditRefused(CaptionerError):
    """A change that cannot be made; str() says why, for people. Nothing was written."""


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """Hold the folder's lock for a change (waiting up to LOCK_WAIT_S for another writer); raises EditRefused."""
    lock = FileLock(folder / LOCK_NAME, timeout=LOCK_WAIT_S, mode=PRIVATE_FILE)
    try:
        lock.acquire()
    except Timeout:
        raise EditRefused(f"Another window or the terminal is changing the sessions in {folder}: try again.") from None
    try:
        yield
    finally:
        lock.release()


def transcript_of(reading: Reading, *, refined: bool = False) -> Transcript:
    """The transcript document of the lines read: each line a final, its speaker named as the files name them."""
    return Transcript([line.event() for line in reading.lines], labels={}, refined=refined, srt_labels=reading.srt_labels)


def edited(folder: Path, stem: str, change: Callable[[Transcript], Transcript]) -> list[Path]:
    """Read the session `stem` again under the lock, make `change` to its transcript and write every file of it in a
    transcript format again (the live copy kept). Returns the paths written; raises EditRefused (nothing written),
    SubtitleFileError or OSError."""
    with locked(folder):
        stored = _here(folder, stem)
        kinds = [suffix.lstrip(".") for suffix in stored.transcripts]
        if not kinds:
            raise EditRefused(f"The session {stem} has no transcript to change: only its live copy, which is kept as it was.")
        reading = read_session(stored)
        if reading.notes:
            raise EditRefused(f"The session {stem} is not changed: not all of it could be read ({' '.join(reading.notes)})")
        transcript = change(transcript_of(reading, refined=stored.refined))
        if not LIVE_STEM.fullmatch(stem):  # its date is when its files were written: kept before they are written again
            write_sidecar(stored, started=stored.started.isoformat(timespec="seconds"))
        return transcript.save(folder, stem, [kind for kind in ("srt", "txt", "vtt") if kind in kinds])


def corrected(transcript: Transcript, n: int, text: str, was: str | None) -> Transcript:
    """The transcript with line `n` saying `text` (its subtitles made again from it); `was`: the text it must have."""
    event = _line(transcript, n, was)
    text = " ".join(text.split())
    if not text:
        return without(transcript, n, was)
    transcript.add(dataclasses.replace(event, text=text, words=(), revision=event.revision + 1))
    return transcript


def without(transcript: Transcript, n: int, was: str | None) -> Transcript:
    """The transcript without line `n`; `was`: the text it must have."""
    _line(transcript, n, was)
    finals = transcript.finals
    return Transcript(finals[:n] + finals[n + 1:], labels=transcript.labels, refined=transcript.refined,
                      srt_labels=transcript.srt_labels)


def renamed(transcript: Transcript, speaker: str, name: str) -> Transcript:
    """The transcript with `speaker` called `name` everywhere: one of the other speakers' names merges the two."""
    name = " ".join(name.split())
    if not name or len(name) > LONGEST_NAME or any(mark in name for mark in _NOT_IN_NAMES):
        raise EditRefused(f"A speaker's name is 1 to {LONGEST_NAME} characters, without a colon.")
    if not any(transcript.label_of(event) == speaker for event in transcript.finals):
        raise EditRefused(f"No one is called {speaker} in this session.")
    transcript.rename_speaker(speaker, name)
    return transcript


def _line(transcript: Transcript, n: int, was: str | None) -> CaptionEvent:
    finals = transcript.finals
    if not 0 <= n < len(finals):
        raise EditRefused(f"The session has no line {n + 1}: its files changed since it was shown.")
    if was is not None and " ".join(was.split()) != finals[n].text:
        raise EditRefused(f"Line {n + 1} changed since it was shown (it now says {finals[n].text!r}): nothing was written.")
    return finals[n]


def delete_session(folder: Path, stem: str) -> list[Path]:
    """Delete every file of the session `stem`: its transcripts, its live copy, its audio, its sidecar. Returns those
    deleted; raises OSError (what was deleted before stays deleted)."""
    with locked(folder):
        stored = scan_folder(folder).get(stem)
        if stored is None:
            return []
        gone = []
        for path in stored.paths:
            path.unlink(missing_ok=True)
            gone.append(path)
        return gone


def _here(folder: Path, stem: str) -> StoredSession:
    stored = scan_folder(folder).get(stem)
    if stored is None:
        raise EditRefused(f"The session {stem} is no longer in {folder}.")
    return stored
