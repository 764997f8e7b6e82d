"""The library: every session in the sessions folder, listed, searched, opened, corrected, exported and deleted.

`Library` is what the app's window and the terminal use: the folder's sessions as files (`folder`), read (`reading`),
indexed (`index`, in the app's data folder: `default_index_path`) and changed (`editing`). Listing brings the index up
to the files first, reading again only what changed; a search answers from the index as last brought up to date.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

from captioner.library import editing
from captioner.library.editing import EditRefused
from captioner.library.folder import StoredSession, scan_folder, write_sidecar
from captioner.library.index import SEARCH_LIMIT, Hit, SearchIndex, Session
from captioner.library.reading import Reading, read_session
from captioner.settings import APP_NAME

__all__ = ["Library", "default_index_path"]


def default_index_path(folder: Path) -> Path:
    """Where the index of the sessions folder `folder` is kept: the app's data folder, one file a sessions folder."""
    key = hashlib.sha256(os.fsencode(Path(folder).expanduser().resolve())).hexdigest()[:16]
    return Path(platformdirs.user_data_dir(APP_NAME)) / "library" / f"index-{key}.sqlite3"


class Library:
    """The sessions of one folder. `sessions()` lists them (and brings the index up to date); the others act on one
    session, named by its stem (`find` turns a file name, path or title into one)."""

    def __init__(self, folder: str | os.PathLike[str], index_path: str | os.PathLike[str] | None = None) -> None:
        self.folder = Path(folder).expanduser()
        self.index = SearchIndex(Path(index_path) if index_path is not None else default_index_path(self.folder))
        self._stored: dict[str, StoredSession] = {}

    def close(self) -> None:
        self.index.close()

    def sessions(self, progress: Callable[[int, int], None] | None = None) -> list[Session]:
        """Every session in the folder, the newest first; sessions whose files changed since are read again first
        (`progress(done, total)` after each)."""
        self._stored = scan_folder(self.folder)
        self.index.refresh(self._stored, progress)
        return self.index.sessions(self._stored)

    def search(self, words: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
        """The lines holding every word of `words`, the newest sessions' first (`SearchIndex.search`)."""
        if not self._stored:
            self.sessions()
        return self.index.search(words, limit)

    def find(self, name: str) -> str:
        """The stem of the session `name` names: its stem, one of its files (name or path), or its title. Raises
        EditRefused for none, or a title that several sessions have."""
        stored = self._stored or scan_folder(self.folder)
        if name in stored:
            return name
        path = Path(name)
        for stem, session in stored.items():
            if path.name in (p.name for p in session.paths) and (path.parent == Path() or path.parent.resolve() == self.folder.resolve()):
                return stem
        titled = [s.stem for s in self.sessions() if s.title == " ".join(name.split())]
        if len(titled) == 1:
            return titled[0]
        if titled:
            raise EditRefused(f"{len(titled)} sessions are called {name!r}: name one by its file ({', '.join(titled)}).")
        raise EditRefused(f"No session {name!r} in {self.folder}: `captioner sessions` lists them.")

    def read(self, stem: str) -> Reading:
        """The session's lines as its files hold them now, with notes on what could not be read."""
        stored = scan_folder(self.folder).get(stem)
        if stored is None:
            raise EditRefused(f"The session {stem} is no longer in {self.folder}.")
        return read_session(stored)

    def audio(self, stem: str) -> list[Path]:
        """The session's recorded channels, one file each ([] when its audio is not kept)."""
        stored = scan_folder(self.folder).get(stem)
        return list(stored.audio) if stored is not None else []

    def export(self, stem: str, kind: str, out: str | os.PathLike[str]) -> Path:
        """Write the session to `out` in the format `kind` ("srt", "txt", "vtt"); raises SubtitleFileError."""
        stored = scan_folder(self.folder).get(stem)
        if stored is None:
            raise EditRefused(f"The session {stem} is no longer in {self.folder}.")
        return editing.transcript_of(read_session(stored), refined=stored.refined).write(out, kind)

    # -- changes -------------------------------------------------------------------
    def correct(self, stem: str, n: int, text: str, *, was: str | None = None) -> list[Path]:
        """Line `n` (from 0) says `text` (nothing: the line is deleted); `was`: the text it was shown with."""
        return self._changed(stem, functools.partial(editing.corrected, n=n, text=text, was=was))

    def delete_line(self, stem: str, n: int, *, was: str | None = None) -> list[Path]:
        return self._changed(stem, functools.partial(editing.without, n=n, was=was))

    def rename(self, stem: str, speaker: str, name: str) -> list[Path]:
        """Call `speaker` `name` in the session; another speaker's name merges the two."""
        return self._changed(stem, functools.partial(editing.renamed, speaker=speaker, name=name))

    def set_title(self, stem: str, title: str) -> None:
        """Give the session a title (an empty one gives back its default)."""
        with editing.locked(self.folder):
            stored = scan_folder(self.folder).get(stem)
            if stored is None:
                raise EditRefused(f"The session {stem} is no longer in {self.folder}.")
            write_sidecar(stored, title=" ".join(title.split()))
        self._reindex(stem)

    def delete(self, stem: str) -> list[Path]:
        """Delete the session's files and audio; the paths deleted."""
        gone = editing.delete_session(self.folder, stem)
        self.index.drop(stem)
        self._stored.pop(stem, None)
        return gone

    def _changed(self, stem: str, change: Callable) -> list[Path]:
        written = editing.edited(self.folder, stem, change)
        self._reindex(stem)
        return written

    def _reindex(self, stem: str) -> None:
        stored = scan_folder(self.folder).get(stem)
        if stored is not None:
            self._stored[stem] = stored
            self.index.put(stored, read_session(stored))
