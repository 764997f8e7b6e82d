"""`captioner sessions`: the library of kept sessions in the terminal (`captioner.library.terminal`)."""

from __future__ import annotations

from captioner.cli.options import Command
from captioner.library import terminal

__all__ = ["SESSIONS"]

SESSIONS = Command("sessions", terminal.HELP, terminal.add_arguments, terminal.run)
