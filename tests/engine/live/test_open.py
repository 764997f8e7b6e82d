"""Opening a live session: the one way the command line and the app both take (`engine.live.open.open_session`)."""

from __future__ import annotations

from captioner.audio.sources import FileSource
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.live.meeting import Channel, MeetingSession
from captioner.engine.live.open import SessionOptions, SessionRequest, open_session
from captioner.engine.live.session import CaptionSession


def test_a_request_makes_the_session_it_asks_for(tmp_path, sentence_wav, tiny_transcriber) -> None:
    said = []
    transcript = tmp_path / "talk.srt"
    request = SessionRequest(FileSource(str(sentence_wav)), vocabulary="Quilter\nDashwood", record_beside=transcript, model="tiny.en")
    session = open_session(request, tiny_transcriber, warn=said.append)
    assert isinstance(session, CaptionSession) and not said
    assert session.transcriber.vocabulary == "Quilter\nDashwood" and tiny_transcriber.vocabulary == ""  # per session
    assert session.recorder is not None and session.recorder.paths == [tmp_path / "talk.audio.opus"]
    session.start()
    assert session.wait(120) and session.finals and not session.errors
    assert (tmp_path / "talk.audio.opus").is_file()
    meeting = open_session(SessionRequest([Channel("You", FileSource(str(sentence_wav)), MICROPHONE),
                                           Channel("Others", FileSource(str(sentence_wav)), SYSTEM)]), tiny_transcriber)
    assert isinstance(meeting, MeetingSession) and meeting.recorder is None


def test_what_a_session_goes_without_is_said_and_it_goes_on(tmp_path, monkeypatch, sentence_wav, tiny_transcriber) -> None:
    monkeypatch.setenv("CAPTIONER_VOICE_ENCODER", str(tmp_path / "not-there.pt"))  # the voice encoder is not installed
    locked = tmp_path / "not-a-folder"
    locked.write_text("a file where the transcript's folder should be: no recording can be made in it")
    said = []
    session = open_session(SessionRequest(FileSource(str(sentence_wav)), SessionOptions(speakers=True), record_beside=locked / "talk.srt"),
                           tiny_transcriber, warn=said.append)
    assert session.recorder is None and session.engine.speakers is None
    assert len(said) == 2 and "not labelled by speaker" in said[0] and "cannot be refined afterwards" in said[1]
    session.start()
    assert session.wait(120) and session.finals
