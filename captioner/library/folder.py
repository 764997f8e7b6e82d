"""The sessions folder as files: which files make up each session, and how to tell when they changed.

A session is every file sharing its stem: its transcript (`<stem>.srt`, `.txt`, `.vtt`), the live copy a refine set
aside (`<stem>.live.srt`, `.live.txt`), its recorded audio (`<stem>.audio.opus`, `<stem>.audio-1.opus`, …), the
library's sidecar (`<stem>.session.json`: the title the user gave it) and what a killed refine left
(`<stem>.refined.*`). Any transcript file makes a session, whoever wrote it (an older version, a copy, another
program); so does a recording without one. Hidden files and temporary files are never a session's.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from captioner import files
from captioner.audio.recorder import AUDIO_SUFFIX
from captioner.subtitles.formats import FORMATS

__all__ = ["SIDECAR", "StoredSession", "read_sidecar", "read_title", "scan_folder", "stems_newest_first", "write_sidecar"]

SIDECAR = ".session.json"  # the library's own file beside a session's: {"title": …}
LIVE, REFINED = ".live", ".refined"  # as engine.offline.session_files names a refined session's set-aside files
TRANSCRIPT_SUFFIXES = tuple(fmt.suffix for fmt in FORMATS)
LIVE_STEM = re.compile(r"(\d{4}-\d\d-\d\d_\d\d-\d\d)(?:-\d+)?")  # autosave.session_stem, numbered when taken
_AUDIO = re.compile(r"(.+)\.audio(?:-(\d+))?" + re.escape(AUDIO_SUFFIX))
STEM_TIME = "%Y-%m-%d_%H-%M"


@dataclass
class StoredSession:
    """The files of one session in the sessions folder, by role."""

    folder: Path
    stem: str
    transcripts: dict[str, Path] = field(default_factory=dict)  # by suffix: {".srt": …, ".txt": …, ".vtt": …}
    live: dict[str, Path] = field(default_factory=dict)  # the live copy of a refined session, by suffix
    audio: list[Path] = field(default_factory=list)  # one file per recorded channel, in channel order
    sidecar: Path | None = None
    leftovers: list[Path] = field(default_factory=list)  # a killed refine's `<stem>.refined.*`
    stamps: list[tuple[str, int, int]] = field(default_factory=list)  # (name, size, mtime in ns) of every file

    @property
    def signature(self) -> str:
        """What the session's files are, as of the last look: changes whenever one is added, removed or written."""
        return json.dumps(sorted(self.stamps), separators=(",", ":"))

    @property
    def paths(self) -> list[Path]:
        """Every file of the session."""
        return [*self.transcripts.values(), *self.live.values(), *self.audio, *([self.sidecar] if self.sidecar else []),
                *self.leftovers]

    @property
    def refined(self) -> bool:
        return bool(self.live)

    @property
    def started(self) -> datetime:
        """When the session began: the time its stem says (the app's sessions), else the one its sidecar keeps, else when
        its files were first written."""
        named = LIVE_STEM.fullmatch(self.stem)
        if named:
            return datetime.strptime(named.group(1), STEM_TIME)
        kept = read_sidecar(self).get("started")
        if isinstance(kept, str):
            try:
                return datetime.fromisoformat(kept)
            except ValueError:
                pass
        sidecar = self.sidecar.name if self.sidecar else ""
        oldest = min((mtime for name, _, mtime in self.stamps if name != sidecar), default=0)
        return datetime.fromtimestamp(oldest / 1e9)

    def main(self, suffix: str) -> Path:
        """`<stem><suffix>` in the folder: where the session's file of that format is (or would be written)."""
        return self.folder / f"{self.stem}{suffix}"


def scan_folder(folder: Path) -> dict[str, StoredSession]:
    """Every session in `folder` by stem (nothing for a folder that is not there); reads no file, only their names
    and sizes."""
    sessions: dict[str, StoredSession] = {}
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return sessions
    for entry in entries:
        name = entry.name
        if name.startswith(".") or name.endswith(".tmp"):
            continue
        try:
            if not entry.is_file():
                continue
            stat = entry.stat()
        except OSError:
            continue
        placed = _place(name)
        if placed is None:
            continue
        stem, role, key = placed
        session = sessions.get(stem)
        if session is None:
            session = sessions[stem] = StoredSession(folder, stem)
        path = Path(entry.path)
        if role == "transcript":
            session.transcripts[key] = path
        elif role == "live":
            session.live[key] = path
        elif role == "audio":
            session.audio.append(path)
        elif role == "sidecar":
            session.sidecar = path
        else:
            session.leftovers.append(path)
        session.stamps.append((name, stat.st_size, stat.st_mtime_ns))
    for stem in [stem for stem, s in sessions.items() if not (s.transcripts or s.live or s.audio)]:
        del sessions[stem]  # a sidecar or a refine's leftovers alone: no session
    for session in sessions.values():
        session.audio.sort(key=_track_order)
    return sessions


def _place(name: str) -> tuple[str, str, str] | None:
    """(stem, role, suffix) of a file in the sessions folder; None for a file that is no session's."""
    audio = _AUDIO.fullmatch(name)
    if audio:
        return audio.group(1), "audio", AUDIO_SUFFIX
    if name.endswith(SIDECAR) and len(name) > len(SIDECAR):
        return name[: -len(SIDECAR)], "sidecar", SIDECAR
    for suffix in TRANSCRIPT_SUFFIXES:
        if not name.endswith(suffix) or len(name) == len(suffix):
            continue
        stem = name[: -len(suffix)]
        for kind, role in ((LIVE, "live"), (REFINED, "leftover")):
            if stem.endswith(kind) and len(stem) > len(kind):
                return stem[: -len(kind)], role, suffix
        return stem, "transcript", suffix
    return None


def _track_order(path: Path) -> int:
    found = _AUDIO.fullmatch(path.name)
    return int(found.group(2)) if found and found.group(2) else 0


def read_sidecar(session: StoredSession) -> dict[str, object]:
    """What the session's sidecar keeps ({} for none, or one that cannot be read)."""
    if session.sidecar is None:
        return {}
    try:
        data = json.loads(session.sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_title(session: StoredSession) -> str:
    """The title the user gave the session ("" for none)."""
    title = read_sidecar(session).get("title")
    return " ".join(title.split()) if isinstance(title, str) else ""


def write_sidecar(session: StoredSession, **kept: object) -> Path:
    """Keep `kept` in the session's sidecar beside what it holds (a value of None or "" is dropped), written atomically;
    the sidecar is removed once it holds nothing. Returns its path; raises OSError."""
    data = {**read_sidecar(session), **kept}
    data = {key: value for key, value in data.items() if value not in (None, "")}
    path = session.main(SIDECAR)
    if data:
        files.write_atomic(path, json.dumps(data, ensure_ascii=False) + "\n")
        session.sidecar = path
    else:
        path.unlink(missing_ok=True)
        session.sidecar = None
    return path


def stems_newest_first(sessions: dict[str, StoredSession]) -> Iterator[StoredSession]:
    """The sessions, the newest first."""
    return iter(sorted(sessions.values(), key=lambda s: (s.started, s.stem), reverse=True))
