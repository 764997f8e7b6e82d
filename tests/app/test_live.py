"""A live session as the terminal and the app both run it (`captioner.app.live`)."""

from __future__ import annotations

import pytest

from captioner.app.live import LAG_WARNING_S, LagWatch, LiveSession, ModelNotes, discard_outputs, open_outputs
from captioner.audio.sources import FileSource
from captioner.events import SessionStatus
from captioner.subtitles.errors import SubtitleFileExistsError


def status(lag_s: float) -> SessionStatus:
    return SessionStatus(audio_s=30.0, processed_s=30.0 - lag_s, lag_s=lag_s)


def test_lag_is_warned_of_once_and_only_live():
    said, seen = [], []
    watch = LagWatch(said.append, then=seen.append)
    for lag in (1.0, LAG_WARNING_S, LAG_WARNING_S + 2, LAG_WARNING_S + 5):
        watch(status(lag))
    assert said == [LAG_WARNING_S + 2] and len(seen) == 4
    quiet = []
    LagWatch(quiet.append, live=False)(status(LAG_WARNING_S * 3))
    assert quiet == []


def test_model_notes_read_what_a_model_wants_said():
    class Loaded:
        interim_note, device_note, cuda_libs_missing = "no interim model", "runs on the CPU", True

    assert ModelNotes.of(Loaded()) == ModelNotes("no interim model", "runs on the CPU", True)
    assert ModelNotes.of(object()) == ModelNotes()


def test_outputs_that_cannot_all_be_opened_leave_nothing_behind(tmp_path):
    (tmp_path / "talk.txt").write_text("taken")
    with pytest.raises(SubtitleFileExistsError):
        open_outputs({"srt": tmp_path / "talk.srt", "txt": tmp_path / "talk.txt"})
    assert not (tmp_path / "talk.srt").exists() and (tmp_path / "talk.txt").read_text() == "taken"
    writers = open_outputs({"srt": tmp_path / "new.srt"})
    assert discard_outputs(writers) == [tmp_path / "new.srt"] and not (tmp_path / "new.srt").exists()


def test_a_session_writes_its_files_and_its_document_alike_and_a_rename_reaches_both(tmp_path, transcriber, speech_wav):
    outputs = open_outputs({"srt": tmp_path / "s.srt", "txt": tmp_path / "s.txt"})
    live = LiveSession(transcriber, FileSource(str(speech_wav)), outputs=outputs, vocabulary="Quarterly")
    live.start()
    assert live.wait(120) and not live.errors
    assert transcriber.vocabulary == ""  # the vocabulary is the session's, the shared model is left as it is
    assert live.finish() == [] and live.saved and len(live.transcript) >= 2
    assert (tmp_path / "s.srt").read_text() == live.transcript.render("srt")
    assert (tmp_path / "s.txt").read_text() == live.transcript.render("txt")
    live.rename_speaker("microphone", "Ann")  # a finished session's files are written again whole
    assert (tmp_path / "s.srt").read_text() == live.transcript.render("srt")
    assert live.to_refine(refine=True, drop_unrefined=True) == []  # no audio kept


def test_a_session_that_captions_nothing_leaves_no_empty_files(tmp_path, transcriber):
    import numpy as np

    from tests.speech import write_wav

    quiet = write_wav(tmp_path / "quiet.wav", np.zeros(16000 * 2, dtype=np.float32))
    live = LiveSession(transcriber, FileSource(str(quiet)), outputs=open_outputs({"srt": tmp_path / "q.srt"}))
    live.start()
    assert live.wait(60)
    assert live.finish() == [tmp_path / "q.srt"] and not (tmp_path / "q.srt").exists()
