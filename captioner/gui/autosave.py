"""Autosave files for a session: a dated SRT and TXT that never overwrite an earlier session."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from captioner.events import CaptionEvent
from captioner.subtitles import LiveSrtWriter, LiveTxtWriter, SubtitleFileError
from captioner.subtitles.errors import SubtitleFileExistsError

log = logging.getLogger(__name__)


def session_stem(when: datetime) -> str:
    return when.strftime("%Y-%m-%d_%H-%M")


def open_autosave(folder: Path, stem: str) -> tuple[LiveSrtWriter, LiveTxtWriter]:
    """Create `<stem>.srt` and `<stem>.txt` in `folder` (or `<stem>-2`, `-3`, … if taken).

    Files are created exclusively, so two sessions can never share a name. Raises
    SubtitleFileError when the folder cannot be made or written to.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SubtitleFileError(
            f"Could not create the autosave folder {folder}: {exc.strerror or exc}. Choose another folder in Settings.",
            folder,
            exc.errno,
        ) from exc
    for n in itertools.count(1):
        name = stem if n == 1 else f"{stem}-{n}"
        srt_path, txt_path = folder / f"{name}.srt", folder / f"{name}.txt"
        if srt_path.exists() or txt_path.exists():
            continue
        try:
            srt = LiveSrtWriter(srt_path)
        except SubtitleFileExistsError:
            continue
        try:
            txt = LiveTxtWriter(txt_path)
        except BaseException as exc:
            srt.close()
            with contextlib.suppress(OSError):
                srt_path.unlink()
            if isinstance(exc, SubtitleFileExistsError):
                continue
            raise
        return srt, txt
    raise AssertionError("unreachable")


def remove_if_empty(*paths: Path | None) -> None:
    """Remove autosave files of a session that captioned nothing."""
    for path in paths:
        if path is None:
            continue
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_size == 0:
                os.remove(path)


class GuardedWriter:
    """A live writer sink that reports a write failure once and then stops writing, instead of raising.

    The session keeps running: captions still reach the screen and the in-memory
    transcript, which can be exported elsewhere.
    """

    def __init__(self, writer: LiveSrtWriter | LiveTxtWriter, on_failure: Callable[[Path, Exception], None]) -> None:
        self.writer = writer
        self.on_failure = on_failure
        self.failed = False

    @property
    def path(self) -> Path:
        return self.writer.path

    def on_caption(self, event: CaptionEvent) -> None:
        if self.failed:
            return
        try:
            self.writer.on_caption(event)
        except (SubtitleFileError, OSError, ValueError) as exc:
            self.failed = True
            log.error("autosave to %s failed: %s", self.writer.path, exc)
            self.on_failure(self.writer.path, exc)

    def close(self) -> None:
        self.writer.close()
