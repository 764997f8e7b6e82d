"""Writing subtitle files safely: live appends and atomic exports.

A live file is appended to with one write per caption, each followed by an
fsync, so the file on disk is complete up to the last caption at every moment.
When an entry would go before one already written (two people talking at once),
or the file was deleted under the writer (its folder too), or a write failed,
the whole file is written anew to a temporary file beside it and moved over it,
so a reader (or a crash) sees the old complete file or the new one. The file
is in start order at every moment. An export is written the same atomic way.
Every file is readable by its owner only, and a folder made again is too.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from captioner import files
from captioner.events import CaptionEvent, replaced_final
from captioner.subtitles.cues import in_start_order
from captioner.subtitles.errors import SUBTITLES, SubtitleFileError, exists_error, file_error, folder_error, lost_error

log = logging.getLogger(__name__)

_BINARY = getattr(os, "O_BINARY", 0)
_W = TypeVar("_W", bound="LiveWriter")


@dataclass(frozen=True)
class Entry:
    """One entry of a live file: where it starts (samples), and its text (an SRT cue without its number)."""

    start: int
    text: str


class _AppendFile:
    """A file that grows one durable write at a time, or is replaced whole; private to its owner."""

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
        opened = os.fstat(self._fd)
        self._size = opened.st_size
        self.regular = stat.S_ISREG(opened.st_mode)  # a device (/dev/stdout) is only ever appended to
        self.closed = False

    def gone(self) -> bool:
        """Whether the file was deleted (its folder too) or another file took its place since it was opened."""
        if not self.regular:
            return False
        try:
            here = os.stat(self.path)
        except (FileNotFoundError, NotADirectoryError):
            return True
        except OSError:
            return False
        if self._fd is None:
            return False
        mine = os.fstat(self._fd)
        return mine.st_nlink == 0 or (mine.st_dev, mine.st_ino) != (here.st_dev, here.st_ino)

    def append(self, text: str) -> None:
        """Write `text` with one write and fsync it; on failure the file keeps its earlier text."""
        data = text.encode("utf-8")
        try:
            if self._fd is None:
                raise OSError(errno.EBADF, "the file is not open")
            written = os.write(self._fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            os.fsync(self._fd)
        except OSError as error:
            self._cut_back()
            raise file_error("write to", self.path, error, self.kind) from error
        self._size += written

    def replace(self, text: str) -> bool:
        """Replace the file with `text` in one step, making its folder again if it went; True if it did.

        Raises OSError; the file then is as it was, or gone if it had gone.
        """
        self._drop()  # Windows moves nothing over an open file
        folder = self.path.parent
        made = not folder.is_dir()
        if made:
            files.private_folder(folder)
        files.write_atomic(self.path, text)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | _BINARY)
        self._size = os.fstat(self._fd).st_size
        return made

    def close(self) -> None:
        self.closed = True
        self._drop()

    def _drop(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)

    def _cut_back(self) -> None:
        """Drop a partly written caption so the file ends where the last whole one did."""
        with contextlib.suppress(OSError, TypeError):
            if os.fstat(self._fd).st_size > self._size:
                os.ftruncate(self._fd, self._size)
                os.fsync(self._fd)


class LiveWriter(ABC):
    """A caption sink that appends each final caption to a file as it arrives.

    Interim captions are ignored. A revised final (`revision` > 0) replaces the
    final of its id, and the file is written whole again (atomically). The finals received are kept (`finals`) so
    they can be exported again, even after a write failed; the next caption (or
    closing) writes the file whole again with everything. `on_notice(text)` is
    told, in words for people, when the file or its folder was deleted and made
    again; a write that cannot be done raises SubtitleFileError.
    """

    kind = SUBTITLES  # what the file is, in messages

    def __init__(self, path: str | os.PathLike[str], *, overwrite: bool = False,
                 on_notice: Callable[[str], None] | None = None):
        self._file = _AppendFile(path, overwrite=overwrite, kind=self.kind)
        self.on_notice = on_notice
        self._finals: list[CaptionEvent] = []
        self._entries: list[Entry] = []  # of every final so far, in start order
        self._written = 0  # entries in the file
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

    @property
    def saved(self) -> bool:
        """Whether the file holds every final received so far."""
        with self._lock:
            return self._written == len(self._entries) and not (self._entries and self._file.gone())

    def on_caption(self, event: CaptionEvent) -> None:
        """Add a final caption's entries to the file; raises SubtitleFileError when the file cannot hold them."""
        if not event.final:
            return
        with self._lock:
            if self._file.closed:
                raise ValueError(f"the {self.kind} {self.path} is closed")
            if event.revision:
                self._revise(event)
                return
            self._finals.append(event)
            new = in_start_order(self._entries_of(event), lambda entry: entry.start)
            if not new:
                return
            in_order = not self._entries or new[0].start >= self._entries[-1].start
            first = len(self._entries) + 1
            self._entries.extend(new)
            if not in_order:
                self._entries = in_start_order(self._entries, lambda entry: entry.start)
            if not self._file.regular or (in_order and self._written == first - 1 and not self._file.gone()):
                try:
                    self._file.append("".join(self._format(i, entry) for i, entry in enumerate(new, first)))
                except SubtitleFileError as error:
                    if not self._file.regular:
                        raise
                    log.warning("%s Writing the whole file again.", error)
                else:
                    self._written = len(self._entries)
                    return
            self._rewrite()

    def close(self) -> None:
        """Close the file, first writing it whole again if it is missing anything (it was deleted, a write failed)."""
        with self._lock:
            if self._file.closed:
                return
            try:
                if self._entries and self._file.regular and (self._written < len(self._entries) or self._file.gone()):
                    self._rewrite()
            finally:
                self._file.close()

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """Call channels and speakers by `labels` (by id) from now on, in what the file holds already too (written again
        whole): a speaker named mid-session is named everywhere."""
        with self._lock:
            self.labels = labels
            self._entries = in_start_order([entry for final in self._finals for entry in self._entries_of(final)],
                                           lambda entry: entry.start)
            if self._entries and self._file.regular and not self._file.closed:
                self._rewrite()

    def __enter__(self: _W) -> _W:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _revise(self, event: CaptionEvent) -> None:
        at = replaced_final(self._finals, event)
        if at is None:
            self._finals.append(event)
        else:
            self._finals[at] = event
        self._entries = in_start_order([entry for final in self._finals for entry in self._entries_of(final)],
                                       lambda entry: entry.start)
        if self._file.regular:  # a pipe or a terminal keeps what it was given
            self._rewrite()

    def _rewrite(self) -> None:
        """Write the file whole, in start order and numbered; raises SubtitleFileError when it cannot be."""
        gone = self._file.gone()
        try:
            made_folder = self._file.replace("".join(self._format(i, entry) for i, entry in enumerate(self._entries, 1)))
        except OSError as error:
            raise (lost_error(self.path, error, self.kind) if gone else file_error("write", self.path, error, self.kind)) from error
        self._written = len(self._entries)
        if gone:
            what = f"The folder {self.path.parent} was" if made_folder else f"The {self.kind} {self.path} was"
            again = f"made again and {self.path.name} written" if made_folder else "written again"
            notice = f"{what} deleted during the session: it was {again} with everything captioned so far."
            log.warning(notice)
            if self.on_notice is not None:
                self.on_notice(notice)

    def _format(self, index: int, entry: Entry) -> str:
        """An entry as it stands in the file, `index` its number (from 1)."""
        return entry.text

    @abstractmethod
    def _entries_of(self, event: CaptionEvent) -> list[Entry]:
        """The file entries of a final caption."""


def write_atomic(path: str | os.PathLike[str], text: str, kind: str = SUBTITLES) -> None:
    """Replace `path` with `text` in one step (readers see the old file or the new one); raises SubtitleFileError."""
    try:
        files.write_atomic(path, text)
    except OSError as error:
        raise file_error("write", Path(path), error, kind) from error
