"""Files on disk: replaced atomically, private to their owner, and no empty leftovers.

Transcripts of meetings are private: every file captioner writes is readable by its
owner only (0600 on POSIX) and the folders it makes for them are 0700.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_BINARY = getattr(os, "O_BINARY", 0)


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Replace `path` with `text` in one step (readers see the old file or the new one); raises OSError.

    The new file is private to its owner. A folder at `path` raises IsADirectoryError.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY, PRIVATE_FILE)
    try:
        try:
            write_all(fd, text.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    sync_folder(path.parent)


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if not written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def sync_folder(folder: Path) -> None:
    """Make a rename durable where the platform allows syncing a folder."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    with contextlib.suppress(OSError):
        os.fsync(fd)
    os.close(fd)


def make_private(fd: int) -> None:
    """Make an open file readable by its owner only (where the platform has modes)."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, PRIVATE_FILE)


def numbered_stems(stem: str) -> Iterator[str]:
    """`stem`, then `stem-2`, `stem-3`, …: the names to try, in turn, for files that must not replace others."""
    yield stem
    for n in itertools.count(2):
        yield f"{stem}-{n}"


def private_folder(folder: Path, *, tighten: bool = False) -> Path:
    """Create `folder` (and its parents), the folder itself private to its owner; raises OSError.

    A folder that is already there keeps its mode unless `tighten` (the app's own folders).
    """
    existed = folder.is_dir()
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if not existed or tighten:
        os.chmod(folder, PRIVATE_FOLDER)  # mkdir's mode is cut by the umask
    return folder


def remove_if_empty(*paths: str | os.PathLike[str] | None) -> list[Path]:
    """Remove the files among `paths` that hold nothing; return those removed."""
    removed = []
    for path in paths:
        if path is None:
            continue
        path = Path(path)
        with contextlib.suppress(OSError):
            if path.is_file() and path.stat().st_size == 0:
                path.unlink()
                removed.append(path)
    return removed
