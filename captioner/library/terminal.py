"""`captioner sessions`: the library in the terminal. Lists the kept sessions, searches them, prints one, exports one.

`add_arguments` declares the command's arguments on its parser; `run` does what they ask and returns the exit status.
The sessions folder is the app's (Settings' autosave folder, else the default), or `--folder`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from captioner.clock import format_clock
from captioner.events import SAMPLE_RATE
from captioner.subtitles import SubtitleFileError
from captioner.subtitles.formats import FORMATS

__all__ = ["add_arguments", "run"]

HELP = "list the kept sessions, search what was said in them, print or export one"
TITLE_WIDTH = 32  # characters of a title the list shows
PROGRESS_EVERY = 25  # sessions read between two progress lines


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of `captioner sessions` (its parser, made by the command line)."""
    parser.description = ("Without a command: every session kept in the sessions folder, the newest first, with its date, length, "
                          "title, people, and whether it was refined and its audio kept.")
    parser.add_argument("--folder", metavar="DIR", help="the sessions folder (default: the app's, as Settings has it)")
    sub = parser.add_subparsers(dest="sessions_command", metavar="{search,show,export}")
    find = sub.add_parser("search", help="the lines that say all these words, in every session, with session, time and speaker")
    find.add_argument("words", metavar="WORDS", nargs="+", help="words to find (a word finds the words it begins)")
    find.add_argument("--limit", type=int, default=50, metavar="N", help="show at most N lines (default 50)")
    show = sub.add_parser("show", help="print a session's lines with their times and speakers")
    show.add_argument("session", metavar="SESSION", help="a session: its name as listed, one of its files, or its title")
    out = sub.add_parser("export", help="write a session as subtitles or a transcript")
    out.add_argument("session", metavar="SESSION", help="a session: its name as listed, one of its files, or its title")
    for fmt in FORMATS:
        out.add_argument(f"--{fmt.name}", metavar="OUT", help=fmt.help)


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Do what `args` ask; the exit status (1 with a message on `err` for a session that cannot be found or written)."""
    from captioner.library import EditRefused, Library

    out, err = out or sys.stdout, err or sys.stderr
    folder = Path(args.folder).expanduser() if args.folder else sessions_folder()
    library = Library(folder)
    try:
        command = args.sessions_command
        if command == "search":
            return _search(library, " ".join(args.words), args.limit, out, err)
        if command == "show":
            return _show(library, library.find(args.session), out)
        if command == "export":
            return _export(library, args, out, err)
        return _list(library, out, err)
    except (EditRefused, SubtitleFileError, OSError) as exc:
        print(f"captioner: error: {exc}", file=err)
        return 1
    finally:
        library.close()


def sessions_folder() -> Path:
    """The app's sessions folder, as its settings file has it (read only: a file that cannot be read gives the default)."""
    from captioner.settings import default_sessions_dir, default_settings_path, settings_from_dict

    try:
        data = json.loads(default_settings_path().read_text(encoding="utf-8"))
        return settings_from_dict(data)[0].sessions_dir() if isinstance(data, dict) else default_sessions_dir()
    except (OSError, ValueError, TypeError):
        return default_sessions_dir()


def _progress(err: TextIO):
    def said(done: int, total: int) -> None:
        if total > PROGRESS_EVERY and (done % PROGRESS_EVERY == 0 or done == total):
            end = "\r" if err.isatty() and done < total else "\n"
            print(f"Reading sessions into the search index: {done}/{total}", end=end, file=err, flush=True)
    return said


def _list(library, out: TextIO, err: TextIO) -> int:
    sessions = library.sessions(_progress(err))
    if not sessions:
        print(f"No sessions in {library.folder}.", file=out)
        return 0
    print(f"{'SESSION':<22}  {'DATE':<16}  {'LENGTH':>8}  {'TITLE':<{TITLE_WIDTH}}  PEOPLE", file=out)
    for s in sessions:
        title = s.title if len(s.title) <= TITLE_WIDTH else s.title[: TITLE_WIDTH - 1] + "…"
        marks = "".join((" [refined]" if s.refined else "", " [audio]" if s.audio else ""))
        length = format_clock(round(s.length_s * SAMPLE_RATE), hours="short")
        print(f"{s.stem:<22}  {s.started:%Y-%m-%d %H:%M}  {length:>8}  {title:<{TITLE_WIDTH}}  {', '.join(s.people)}{marks}", file=out)
        for note in s.notes:
            print(f"{'':<24}! {note}", file=out)
    print(f"{len(sessions)} sessions in {library.folder}", file=out)
    return 0


def _search(library, words: str, limit: int, out: TextIO, err: TextIO) -> int:
    library.sessions(_progress(err))
    hits = library.search(words, limit)
    for hit in hits:
        who = f"{hit.speaker}: " if hit.speaker else ""
        at = format_clock(round(hit.start_s * SAMPLE_RATE), hours="short")
        print(f"{hit.stem}  {at:>8}  {who}{hit.text}", file=out)
    if not hits:
        print(f"Nothing found for {words!r}.", file=err)
        return 1
    return 0


def _show(library, stem: str, out: TextIO) -> int:
    reading = library.read(stem)
    for note in reading.notes:
        print(f"! {note}", file=out)
    for line in reading.lines:
        who = f"{line.speaker}: " if line.speaker else ""
        at = format_clock(line.start, hours="short") if reading.timed else ""
        print(f"{at:>8}  {who}{line.text}", file=out)
    return 0


def _export(library, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    wanted = [(fmt.name, getattr(args, fmt.name)) for fmt in FORMATS if getattr(args, fmt.name)]
    if not wanted:
        print(f"captioner: error: name at least one file to write: {' '.join(f'--{fmt.name} OUT' for fmt in FORMATS)}", file=err)
        return 2
    stem = library.find(args.session)
    for kind, path in wanted:
        print(f"Wrote {library.export(stem, kind, path)}", file=out)
    return 0
