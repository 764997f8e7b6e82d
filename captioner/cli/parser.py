"""The terminal's arguments: its commands, in `captioner --help`'s order (`COMMANDS`: adding a command is a line
there), each given its own parser; the options themselves are made from the settings' declarations
(`captioner.config`)."""

from __future__ import annotations

import argparse
import os
import re

from captioner import __version__
from captioner.cli.caption import CAPTION
from captioner.cli.offline import REFINE, TRANSCRIBE
from captioner.cli.options import Command
from captioner.cli.sessions import SESSIONS
from captioner.cli.tools import CUDA_LIBS, DEVICES, DOWNLOAD, GUI, SELFTEST

__all__ = ["COMMANDS", "build_parser", "command_named", "speakers_alone"]

# every command, in the order `captioner --help` lists them
COMMANDS: tuple[Command, ...] = (CAPTION, REFINE, TRANSCRIBE, DEVICES, SELFTEST, DOWNLOAD, CUDA_LIBS, SESSIONS, GUI)

_COUNT = re.compile(r"\d[\d\s.,\-–]*")  # what a user writes as a number of people, right or wrong ("2", "2-4", "2.5")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="captioner", description="Live captions while people talk, saved as subtitles. Without a command, opens the app.")
    parser.add_argument("--version", action="version", version=f"captioner {__version__}")
    sub = parser.add_subparsers(dest="command")
    for command in COMMANDS:
        command.add_arguments(sub.add_parser(command.name, help=command.help))
    return parser


def command_named(name: str | None) -> Command:
    """The command `name` names; without one, the app (`gui`)."""
    return next((command for command in COMMANDS if command.name == name), GUI)


def speakers_alone(argv: list[str]) -> list[str]:
    """`--speakers` followed by an option or a path (a FILE, say: a word with a dot or a slash, or one on disk) as
    `--speakers=`, so that argparse does not take it for the option's value; any other word is its value, for
    argparse to refuse as no number of people."""
    def no_value(word: str) -> bool:
        return not _COUNT.fullmatch(word) and (word.startswith("-") or "." in word or os.sep in word or os.path.exists(word))

    return ["--speakers=" if a == "--speakers" and (i + 1 == len(argv) or no_value(argv[i + 1])) else a
            for i, a in enumerate(argv)]
