"""Errors raised when a subtitle file cannot be created or written."""

from __future__ import annotations

import errno
import os
from pathlib import Path

_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class SubtitleFileError(OSError):
    """A subtitle file could not be created or written; the message says why and what to do."""

    def __init__(self, message: str, path: str | os.PathLike[str] | None = None, code: int | None = None):
        super().__init__(message)
        self.path = Path(path) if path is not None else None
        self.errno = code


class SubtitleFileExistsError(SubtitleFileError, FileExistsError):
    """The subtitle file already exists and may not be overwritten."""


def file_error(action: str, path: Path, error: OSError) -> SubtitleFileError:
    """A SubtitleFileError for `error`, met while trying to `action` the file at `path`."""
    reason = error.strerror or str(error)
    if error.errno in _FULL:
        advice = "Free some disk space or choose another folder."
    else:
        advice = "Choose another folder you can write to."
    return SubtitleFileError(f"Could not {action} subtitle file {path}: {reason}. {advice}", path, error.errno)


def exists_error(path: Path) -> SubtitleFileExistsError:
    return SubtitleFileExistsError(
        f"Subtitle file {path} already exists. Choose another name, or allow overwriting it.",
        path,
        errno.EEXIST,
    )
