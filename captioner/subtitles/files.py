"""Writing subtitle files safely: live appends and atomic exports.

A live file is appended to with one write per caption, each followed by an
fsync, so the file on disk is complete up to the last caption at every moment.
An export is written to a temporary file beside the target and moved over it.
Both are readable by their owner only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TypeVar

from captioner import files
from captioner.events import CaptionEvent
from captioner.subtitles.errors import SUBTITLES, exists_error, file_error, folder_error

_BINARY = getattr(os, "O_BINARY", 0)
_W = TypeVar("_W", bound="LiveWriter")


class _AppendFile:
    """A file that only grows, one durable write at a time; private to its owner."""

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False, kind: str = SUBTITLES):
        self.path = Path(path)
        self.kind = kind
        if self.path.is_dir():
            raise folder_error(self.path, kind)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _BINARY
        flags |= os.O_TRUNC if overwrite else os.O_EXCL
        try:
            self._fd: int | None = os.open(self.path, flags, files.PRIVATE_FILE)
            files.make_private(self._fd)
        except FileExistsError:
            raise exists_error(self.path, kind) from None
        except OSError as error:
            raise file_error("create", self.path, error, kind) from error
        self._size = os.fstat(self._fd).st_size

    @property
    def closed(self) -> bool:
        return self._fd is None

    def append(self, text: str) -> None:
        """Write `text` with one write and fsync it; on failure the file keeps its earlier text."""
        data = text.encode("utf-8")
        try:
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(self._fd)
        except OSError as error:
            self._cut_back()
            raise file_error("write to", self.path, error, self.kind) from error
        self._size += written

    def close(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def _cut_back(self) -> None:
        """Drop a partly written caption so the file ends where the last whole one did."""
        with contextlib.suppress(OSError):
            if os.fstat(self._fd).st_size > self._size:
                os.ftruncate(self._fd, self._size)
                os.fsync(self._fd)


class LiveWriter(ABC):
    """A caption sink that appends each final caption to a file as it arrives.

    Interim captions are ignored. The finals received are kept (`finals`) so
    they can be exported again, even after a write failed.
    """

    kind = SUBTITLES  # what the file is, in messages

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False):
        self._file = _AppendFile(path, overwrite=overwrite, kind=self.kind)
        self._finals: list[CaptionEvent] = []
        self._written = 0
        self._lock = threading.Lock()

    @property
    def path(self) -> Path:
        return self._file.path

    @property
    def finals(self) -> list[CaptionEvent]:
        with self._lock:
            return list(self._finals)

    @property
    def closed(self) -> bool:
        return self._file.closed

    def on_caption(self, event: CaptionEvent) -> None:
        """Append a final caption's entries; raises SubtitleFileError when the write fails."""
        if not event.final:
            return
        with self._lock:
            if self._file.closed:
                raise ValueError(f"the {self.kind} {self.path} is closed")
            self._finals.append(event)
            entries = self._render(event, self._written + 1)
            if entries:
                self._file.append("".join(entries))
                self._written += len(entries)

    def close(self) -> None:
        with self._lock:
            self._file.close()

    def __enter__(self: _W) -> _W:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def _render(self, event: CaptionEvent, first_index: int) -> list[str]:
        """The file entries for a final caption, numbered from `first_index`."""


def write_atomic(path: str | os.PathLike[str], text: str, kind: str = SUBTITLES) -> None:
    """Replace `path` with `text` in one step (readers see the old file or the new one); raises SubtitleFileError."""
    try:
        files.write_atomic(path, text)
    except OSError as error:
        raise file_error("write", Path(path), error, kind) from error
