"""What a session says in the window's banner: its problems, and what happens to its autosave files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.app.autosave import FAILED, REMADE, AutosaveReport
from captioner.events import SessionProblem

__all__ = ["SessionNotices"]


class SessionNotices(QObject):
    """A session's notices as signals on the GUI thread: its problems (a meeting's inputs one line each, the last word
    of each; a problem that is over said in passing), what happened to its autosave files (deleted and made again,
    failing, working again), and what else the session's start and end have to say (`message`). The problems and
    failures of the session running or last run are kept in `errors`. `current(path)` says whether a file is the
    session's still: a report about another is let go."""

    message = Signal(str, str)  # level ("info" | "warning" | "error"), text
    passingMessage = Signal(str, str)  # the same, for news that a problem is over: shown a few seconds, then gone
    autosaveMessage = Signal(str, str)  # level, text: what happened to the session's autosave files
    reported = Signal(object)  # AutosaveReport, emitted on the engine thread: said on the GUI thread

    def __init__(self, current: Callable[[Path], bool]) -> None:
        super().__init__()
        self.current = current
        self.errors: list[str] = []
        self._inputs_said: dict[str, str] = {}  # what each input of the session said last (non-fatal), by channel id
        self._remade: list[Path] = []  # autosave files deleted and made again this session
        self.reported.connect(self.on_autosave)

    def begin(self) -> None:
        """A session begins: nothing said of it yet."""
        self.errors, self._inputs_said, self._remade = [], {}, []

    def warn(self, text: str) -> None:
        """A warning for the banner; safe from any thread."""
        self.message.emit("warning", text)

    def on_problem(self, error: SessionProblem) -> None:
        """What the session reported (SessionProblem), said in the banner."""
        if error.remade:  # the recording, made again with the autosave files: one banner names them all
            self.on_autosave(AutosaveReport(Path(error.remade), REMADE))
            return
        self.errors.append(error.message)
        text = self._said_by_inputs(error) if error.channel and not error.fatal else error.message
        if error.over:  # a problem is over: said, then it goes by itself
            self.passingMessage.emit("info", text)
        else:
            self.message.emit("error" if error.fatal else "warning", text)

    def on_autosave(self, report: AutosaveReport) -> None:
        """What happened to an autosave file, said in the banner."""
        if not self.current(report.path):
            return  # a session that has ended
        if report.what == REMADE:
            self._remade = [*(p for p in self._remade if p != report.path), report.path]
            names = [p.name for p in self._remade]
            named = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
            verb = "is" if len(self._remade) == 1 else "are"
            self.autosaveMessage.emit("warning", f"Files of the session were deleted during it: {named} {verb} back in "
                                                 f"{report.path.parent}, with everything so far.")
        elif report.what == FAILED:
            text = f"Autosave stopped: {report.error} The captions still show here and can be exported."
            self.errors.append(text)
            self.autosaveMessage.emit("warning", text)
        else:
            self.autosaveMessage.emit("info", f"Autosave works again: {report.path.name} holds everything captioned so far.")

    def _said_by_inputs(self, error: SessionProblem) -> str:
        """What each input of a meeting said last, one line each (in the order they first spoke): the banner shows one
        notice, and one input's word must not hide another's ("Others: The sound server is back" after "You: … back")."""
        self._inputs_said[error.channel] = error.message
        return "\n".join(self._inputs_said.values())
