"""The refine of a kept session, and the one writer of the offline jobs' files."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from captioner.app.refine import refine_kept_session, refine_model, write_transcript
from captioner.audio.recorder import SessionRecorder
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.models.catalogue import default_model
from captioner.engine.offline.decode_whole import Cancelled
from captioner.engine.offline.session_files import find_session
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles import LiveSrtWriter, LiveTxtWriter
from tests.tones import ToneRecognizer, say

CAPTIONS = [CaptionEvent(1, 0, SAMPLE_RATE, "Hello there.", final=True, channel=MICROPHONE),
            CaptionEvent(2, 2 * SAMPLE_RATE, 3 * SAMPLE_RATE, "Good morning.", final=True, channel=SYSTEM)]


def meeting(folder: Path, *, model: str = "") -> dict[str, bytes]:
    """A meeting session as one leaves it: both sides recorded (the tones' words), its live SRT and TXT."""
    you, _ = say([["alpha", "bravo", "charlie"], ["delta", "echo"]], gap_s=6.0, trail_s=4.0)
    others, _ = say([["hotel", "golf"]], lead_s=4.5)
    others = np.pad(others, (0, len(you) - len(others)))
    recorder = SessionRecorder.open(folder, "call", ["You", "Others"], kinds=[MICROPHONE, SYSTEM], model=model)
    for start in range(0, len(you), 1600):
        recorder.feed(0, you[start : start + 1600])
        recorder.feed(1, others[start : start + 1600])
    recorder.close()
    for writer in (LiveSrtWriter(folder / "call.srt"), LiveTxtWriter(folder / "call.txt")):
        writer.on_caption(CaptionEvent(1, 8000, 40000, "alpha bravo", final=True, channel=MICROPHONE))
        writer.close()
    return {name: (folder / name).read_bytes() for name in ("call.srt", "call.txt")}


def test_a_kept_session_is_refined_into_its_files_the_live_ones_kept_and_its_audio_deleted_when_asked(tmp_path) -> None:
    live = meeting(tmp_path)
    seen, phases = [], []
    events = refine_kept_session(find_session(tmp_path / "call.srt"), ToneRecognizer(), delete_audio=True,
                                 progress=lambda done, total: seen.append((done, total)), phase=phases.append)
    assert [(e.channel, e.text) for e in events] == [(MICROPHONE, "Alpha bravo charlie."), (SYSTEM, "Hotel golf."),
                                                     (MICROPHONE, "Delta echo.")]
    assert {name: (tmp_path / name.replace("call.", "call.live.")).read_bytes() for name in live} == live
    assert (tmp_path / "call.txt").read_text(encoding="utf-8").splitlines() == ["You: Alpha bravo charlie.", "Others: Hotel golf.",
                                                                               "You: Delta echo."]
    assert "<v Others>" in (tmp_path / "call.vtt").read_text(encoding="utf-8")
    assert seen and seen[-1][0] == pytest.approx(seen[-1][1], abs=0.1)
    assert not list(tmp_path.glob("*.opus")) and not list(tmp_path.glob("*.refined.*"))


def test_a_cancelled_refine_writes_nothing(tmp_path) -> None:
    live = meeting(tmp_path)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        refine_kept_session(find_session(tmp_path), ToneRecognizer(), progress=lambda *_: cancel.set(), cancel=cancel, delete_audio=True)
    assert {p.name for p in tmp_path.iterdir()} == {"call.srt", "call.txt", "call.audio-1.opus", "call.audio-2.opus"}
    assert {name: (tmp_path / name).read_bytes() for name in live} == live


def test_the_model_a_refine_decodes_with(tmp_path) -> None:
    meeting(tmp_path, model="small.en")
    session = find_session(tmp_path)
    assert refine_model("base", session) == "base" and refine_model(None, session) == "small.en"
    session.tracks = []
    assert refine_model(None, session) == default_model()


def test_a_transcribed_recording_is_saved_whole_and_never_over_another(tmp_path) -> None:
    events = [CaptionEvent(1, 0, 16000, "Hello there.", final=True), CaptionEvent(2, 20000, 40000, "Second line.", final=True)]
    folder = tmp_path / "sessions" / "new"
    first = write_transcript(events, folder=folder, stem="talk")
    assert [p.name for p in first] == ["talk.srt", "talk.txt", "talk.vtt"]
    assert folder.stat().st_mode & 0o777 == 0o700 and all(p.stat().st_mode & 0o777 == 0o600 for p in first)
    assert "Second line." in (folder / "talk.txt").read_text() and (folder / "talk.vtt").read_text().startswith("WEBVTT")
    (folder / "other.vtt").write_text("mine")
    again = write_transcript(events, folder=folder, stem="other")
    assert [p.name for p in again] == ["other-2.srt", "other-2.txt", "other-2.vtt"] and (folder / "other.vtt").read_text() == "mine"


def test_a_transcript_is_written_where_it_is_asked_for_and_never_over_another_in_a_folder(tmp_path) -> None:
    folder = tmp_path / "new" / "transcripts"
    written = write_transcript(CAPTIONS, folder=folder, stem="talk")
    assert [p.name for p in written] == ["talk.srt", "talk.txt", "talk.vtt"]
    assert all(p.stat().st_mode & 0o077 == 0 for p in written) and folder.stat().st_mode & 0o077 == 0
    again = write_transcript(CAPTIONS, folder=folder, stem="talk", srt_labels=True)
    assert [p.name for p in again] == ["talk-2.srt", "talk-2.txt", "talk-2.vtt"]
    assert "You: Hello there." in again[0].read_text(encoding="utf-8") and "You: " not in written[0].read_text(encoding="utf-8")
    named = tmp_path / "mine.txt"
    named.write_text("old")
    assert write_transcript(CAPTIONS, paths=[("txt", named), ("vtt", tmp_path / "mine.vtt")]) == [named, tmp_path / "mine.vtt"]
    assert named.read_text(encoding="utf-8").splitlines() == ["You: Hello there.", "Others: Good morning."]
    assert (tmp_path / "mine.vtt").read_text(encoding="utf-8").startswith("WEBVTT")
    assert write_transcript([], paths=[("txt", named)]) == [named] and named.read_text() == ""


def test_a_refined_session_is_written_as_its_files_with_the_live_ones_kept(tmp_path) -> None:
    live = meeting(tmp_path)
    session = find_session(tmp_path)
    written = write_transcript(CAPTIONS, session=session, labels={MICROPHONE: "Ann", SYSTEM: "Bo"})
    assert written == [tmp_path / "call.srt", tmp_path / "call.txt", tmp_path / "call.vtt"]
    assert (tmp_path / "call.txt").read_text(encoding="utf-8").splitlines() == ["Ann: Hello there.", "Bo: Good morning."]
    assert {name: (tmp_path / name.replace("call.", "call.live.")).read_bytes() for name in live} == live
