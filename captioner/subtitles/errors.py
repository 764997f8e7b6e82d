"""Errors raised when a subtitle file cannot be created or written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from captioner.errors import CaptionerError

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class SubtitleFileError(OSError, CaptionerError):
    """A subtitle file could not be created or written; the message says why and what to do."""

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None, code: int | None = None):
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.errno = code


class SubtitleFileExistsError(SubtitleFileError, FileExistsError):
    """The subtitle file already exists and may not be overwritten."""


SUBTITLES = "subtitle file"
TRANSCRIPT = "transcript file"


class FolderNotFileError(SubtitleFileError, IsADirectoryError):
    """The path given for the file is a folder."""


def file_error(action: str, path: Path, error: OSError, kind: str = SUBTITLES) -> SubtitleFileError:
    """A SubtitleFileError for `error`, met while trying to `action` the `kind` ("subtitle file") at `path`."""
    if isinstance(error, IsADirectoryError) or Path(path).is_dir():
        return folder_error(path, kind)
    reason = error.strerror or "the system refused it"
    if isinstance(error, FileNotFoundError) and not Path(path).parent.is_dir():
        return SubtitleFileError(f"Could not {action} the {kind} {path}: its folder {Path(path).parent} does not exist. "
                                 "Create it or choose another folder.", path, error.errno)
    if error.errno in _FULL:
        advice = "Free some disk space or choose another folder."
    else:
        advice = "Choose another folder you can write to."
    return SubtitleFileError(f"Could not {action} the {kind} {path}: {reason}. {advice}", path, error.errno)


def lost_error(path: Path, error: OSError, kind: str = SUBTITLES) -> SubtitleFileError:
    """The `kind` at `path` (or its folder) was deleted while it was written, and `error` kept it from being made again."""
    reason = error.strerror or str(error)
    return SubtitleFileError(
        f"The {kind} {path} was deleted during the session and could not be made again: {reason}.", path, error.errno
    )


def folder_error(path: Path, kind: str = SUBTITLES) -> FolderNotFileError:
    return FolderNotFileError(
        f"{path} is a folder, not a file; give a file name for the {kind} (for example {Path(path) / 'captions'}{_suffix(kind)}).",
        path,
        errno.EISDIR,
    )


def exists_error(path: Path, kind: str = SUBTITLES) -> SubtitleFileExistsError:
    return SubtitleFileExistsError(
        f"The {kind} {path} already exists. Choose another name, or allow overwriting it.",
        path,
        errno.EEXIST,
    )


def _suffix(kind: str) -> str:
    return ".txt" if kind == TRANSCRIPT else ".srt"
