"""What a session says in the banner (`gui.session_notices`): a meeting's inputs one line each, autosave files' fate."""

from __future__ import annotations

from pathlib import Path

from captioner.app.autosave import FAILED, REMADE, RESUMED, AutosaveReport
from captioner.events import SessionProblem
from captioner.gui.session_notices import SessionNotices


def listening(notices: SessionNotices) -> list[tuple[str, str, str]]:
    said: list[tuple[str, str, str]] = []
    notices.message.connect(lambda level, text: said.append(("message", level, text)))
    notices.passingMessage.connect(lambda level, text: said.append(("passing", level, text)))
    notices.autosaveMessage.connect(lambda level, text: said.append(("autosave", level, text)))
    return said


def test_each_input_of_a_meeting_keeps_its_last_word_and_a_problem_over_passes(qtbot) -> None:
    notices = SessionNotices(lambda _path: True)
    said = listening(notices)
    notices.on_problem(SessionProblem("You: The microphone was unplugged.", fatal=False, channel="mic"))
    notices.on_problem(SessionProblem("Others: The sound server stopped.", fatal=False, channel="system"))
    notices.on_problem(SessionProblem("You: The microphone is back.", fatal=False, channel="mic", over=True))
    assert said[1] == ("message", "warning", "You: The microphone was unplugged.\nOthers: The sound server stopped.")
    assert said[2] == ("passing", "info", "You: The microphone is back.\nOthers: The sound server stopped.")
    notices.on_problem(SessionProblem("The transcriber failed."))
    assert said[3] == ("message", "error", "The transcriber failed.") and len(notices.errors) == 4
    notices.begin()
    assert notices.errors == []


def test_files_made_again_are_named_together_and_a_report_of_an_ended_session_is_let_go(qtbot, tmp_path: Path) -> None:
    mine = {tmp_path / "talk.srt", tmp_path / "talk.txt"}
    notices = SessionNotices(lambda path: path in mine)
    said = listening(notices)
    notices.on_autosave(AutosaveReport(tmp_path / "talk.srt", REMADE))
    notices.on_problem(SessionProblem("", remade=str(tmp_path / "talk.txt")))  # the recording's word for the same
    assert said[-1] == ("autosave", "warning", f"Files of the session were deleted during it: talk.srt and talk.txt are back "
                                               f"in {tmp_path}, with everything so far.")
    notices.on_autosave(AutosaveReport(tmp_path / "talk.srt", FAILED, OSError("Disk full.")))
    assert said[-1][:2] == ("autosave", "warning") and notices.errors == [said[-1][2]]
    notices.on_autosave(AutosaveReport(tmp_path / "talk.srt", RESUMED))
    assert said[-1] == ("autosave", "info", "Autosave works again: talk.srt holds everything captioned so far.")
    notices.on_autosave(AutosaveReport(tmp_path / "other.srt", FAILED, OSError("Disk full.")))
    assert len(said) == 4 and len(notices.errors) == 1
