"""The library's index: what each session is (title, date, length, people) and every line's words, in SQLite.

The index is made from the sessions' files and only from them, so it can be deleted at any time: it is made again.
Each session is kept with its files' signature (names, sizes, times written); `refresh` reads again only the sessions
whose files changed, and drops those that are gone. The lines are an FTS5 table (see `words` for how words in every
language are cut); a line's rowid is its session's id and its place (`LINE_BITS`), so a session's lines are one range
of rowids, and sessions read in date order have growing ids: the newest lines come first without sorting.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from captioner import files
from captioner.channels import DEFAULT_LABELS, MICROPHONE
from captioner.events import SAMPLE_RATE
from captioner.library.folder import LIVE_STEM, StoredSession, read_title
from captioner.library.reading import Reading, read_session
from captioner.library.words import PREFIX_FROM, TOKENIZER, match_expression, searchable

__all__ = ["Hit", "SearchIndex", "Session"]

SCHEMA = 3  # an index of another schema is made again from the files
LINE_BITS = 20  # a line's rowid: its session's id, shifted, and its place; a session's lines beyond 2**20 are not searched
BUSY_WAIT_S = 10.0  # how long a write waits for another process writing the index
SEARCH_LIMIT = 200  # the most lines a search gives
LIVE, MEETING, TRANSCRIPTION = "live", "meeting", "transcription"  # what a session is
MICROPHONE_LABEL = DEFAULT_LABELS[MICROPHONE]


@dataclass(frozen=True)
class Session:
    """A session as the library lists it."""

    stem: str
    title: str  # the user's title, else its date (an app's session) or its file name
    started: datetime
    length_s: float
    people: tuple[str, ...]
    refined: bool
    audio: tuple[Path, ...]  # its recorded channels, one file each
    kind: str  # LIVE, MEETING or TRANSCRIPTION
    notes: tuple[str, ...]  # what could not be read
    lines: int
    files: tuple[Path, ...]  # every file of the session


@dataclass(frozen=True)
class Hit:
    """A line a search found: its session, its place and time, who said it and what."""

    stem: str
    title: str
    n: int
    start_s: float
    speaker: str
    text: str


def default_title(stored: StoredSession) -> str:
    """A session's title until the user gives one: its date for the app's sessions, else its files' name."""
    return stored.started.strftime("%Y-%m-%d %H:%M") if LIVE_STEM.fullmatch(stored.stem) else stored.stem


def summary(stored: StoredSession, reading: Reading) -> dict:
    """What the index keeps of a session beside its lines."""
    dated = LIVE_STEM.fullmatch(stored.stem) is not None
    if len(stored.audio) > 1 or (dated and MICROPHONE_LABEL in reading.people and len(reading.people) > 1):
        kind = MEETING  # two sides recorded, or captioned: the user's microphone and the call
    else:
        kind = LIVE if dated or stored.audio else TRANSCRIPTION
    return {"title": read_title(stored) or default_title(stored), "started": stored.started.isoformat(),
            "length": reading.length, "people": reading.people, "kind": kind, "notes": reading.notes,
            "lines": len(reading.lines)}


class SearchIndex:
    """The index file of one sessions folder: sessions' summaries and their lines, searched with FTS5."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db = self._open()
        self._known: dict[int, tuple[str, dict]] = {}  # the sessions' stems and summaries, by id, as a search last read them

    def _open(self) -> sqlite3.Connection:
        files.private_folder(self.path.parent)
        try:
            return self._connect()
        except sqlite3.DatabaseError:  # not an index, or a damaged one: made again from the files
            self.forget()
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=BUSY_WAIT_S, isolation_level=None, check_same_thread=False)
        try:
            if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:
                db.executescript("DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS lines;")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(f"""
                CREATE TABLE IF NOT EXISTS sessions(id INTEGER PRIMARY KEY, stem TEXT UNIQUE NOT NULL,
                                                    signature TEXT NOT NULL, summary TEXT NOT NULL);
                CREATE VIRTUAL TABLE IF NOT EXISTS lines USING fts5(body, text UNINDEXED, start UNINDEXED,
                                                                    speaker UNINDEXED, tokenize="{TOKENIZER}",
                                                                    prefix="{PREFIX_FROM}");
                PRAGMA user_version={SCHEMA};
            """)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self._db.close()

    def forget(self) -> None:
        """Delete the index file (it is made again from the sessions' files)."""
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.path}{suffix}").unlink()

    # -- kept up to date ---------------------------------------------------------
    def refresh(self, stored: Mapping[str, StoredSession], progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the index up to the sessions `stored` (scan_folder's): those whose files changed are read again, the
        gone ones dropped; `progress(done, total)` after each read. Returns how many were read."""
        known = dict(self._db.execute("SELECT stem, signature FROM sessions"))
        for stem in known.keys() - stored.keys():
            self.drop(stem)
        changed = sorted((s for stem, s in stored.items() if known.get(stem) != s.signature), key=lambda s: (s.started, s.stem))
        for done, session in enumerate(changed, 1):
            self.put(session, read_session(session))
            if progress is not None:
                progress(done, len(changed))
        return len(changed)

    def put(self, stored: StoredSession, reading: Reading) -> None:
        """Keep (or replace) a session's summary and lines."""
        rows = [(body, None if body == line.text else line.text, line.start, line.speaker)
                for line in reading.lines[: 1 << LINE_BITS] for body in (searchable(line.text),)]
        text = json.dumps(summary(stored, reading), ensure_ascii=False)
        self._known = {}
        with self._writing():
            found = self._db.execute("SELECT id FROM sessions WHERE stem = ?", (stored.stem,)).fetchone()
            if found is None:
                sid = self._db.execute("INSERT INTO sessions(stem, signature, summary) VALUES (?, ?, ?)",
                                       (stored.stem, stored.signature, text)).lastrowid
            else:
                sid = found[0]
                self._db.execute("UPDATE sessions SET signature = ?, summary = ? WHERE id = ?", (stored.signature, text, sid))
                self._drop_lines(sid)
            base = sid << LINE_BITS
            self._db.executemany("INSERT INTO lines(rowid, body, text, start, speaker) VALUES (?, ?, ?, ?, ?)",
                                 ((base + n, *row) for n, row in enumerate(rows)))

    def drop(self, stem: str) -> None:
        """Forget a session."""
        self._known = {}
        with self._writing():
            found = self._db.execute("SELECT id FROM sessions WHERE stem = ?", (stem,)).fetchone()
            if found is not None:
                self._drop_lines(found[0])
                self._db.execute("DELETE FROM sessions WHERE id = ?", (found[0],))

    def _drop_lines(self, sid: int) -> None:
        self._db.execute("DELETE FROM lines WHERE rowid BETWEEN ? AND ?", (sid << LINE_BITS, ((sid + 1) << LINE_BITS) - 1))

    @contextlib.contextmanager
    def _writing(self):
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # -- read --------------------------------------------------------------------
    def sessions(self, stored: Mapping[str, StoredSession]) -> list[Session]:
        """The sessions of `stored` the index knows, the newest first."""
        out = []
        for stem, text in self._db.execute("SELECT stem, summary FROM sessions"):
            files_of = stored.get(stem)
            if files_of is not None:
                out.append(_session(files_of, json.loads(text)))
        out.sort(key=lambda s: (s.started, s.stem), reverse=True)
        return out

    def search(self, words: str, limit: int = SEARCH_LIMIT) -> list[Hit]:
        """The lines holding every word of `words` (each word matching the words it begins), the newest sessions'
        first, at most `limit`."""
        expression = match_expression(words)
        if not expression:
            return []
        found = self._db.execute("SELECT rowid, coalesce(text, body), start, speaker FROM lines WHERE lines MATCH ? "
                                 "ORDER BY rowid DESC LIMIT ?", (expression, limit)).fetchall()
        if any(rowid >> LINE_BITS not in self._known for rowid, *_ in found):  # sessions indexed since (here or elsewhere)
            self._known = {sid: (stem, json.loads(text)) for sid, stem, text in self._db.execute("SELECT id, stem, summary FROM sessions")}
        hits = []
        for rowid, text, start, speaker in found:
            stem, data = self._known.get(rowid >> LINE_BITS, ("", None))
            if data is not None:
                hits.append((data["started"], Hit(stem, data["title"], rowid & ((1 << LINE_BITS) - 1), start / SAMPLE_RATE, speaker, text)))
        hits.sort(key=lambda hit: (hit[0], hit[1].stem, -hit[1].n), reverse=True)  # a session indexed late, in its place
        return [hit for _, hit in hits]

    def stems(self) -> Iterable[str]:
        return [stem for (stem,) in self._db.execute("SELECT stem FROM sessions")]


def _session(stored: StoredSession, data: dict) -> Session:
    return Session(stored.stem, data["title"], datetime.fromisoformat(data["started"]), data["length"] / SAMPLE_RATE,
                   tuple(data["people"]), stored.refined, tuple(stored.audio), data["kind"], tuple(data["notes"]),
                   data["lines"], tuple(stored.paths))
