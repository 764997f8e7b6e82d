"""Refining a session from its recorded audio with the real tiny.en: sides kept, spoken order, live files never lost."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from captioner.audio.recorder import SessionRecorder
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.refine import Cancelled, NothingToRefine, decode_audio_file, find_session, refine_session, sentences
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.subtitles import LiveSrtWriter, LiveTxtWriter
from tests.speech import quiet, read_wav, speak, wer

FIRST = "Our team finished the quarterly report and the budget looks good."
SECOND = "The new office has a large kitchen and a quiet room for calls."
THIRD = "Please send the meeting notes to everyone before Friday afternoon."


def place(length_s: float, parts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    audio = quiet(length_s)
    for at, speech in parts:
        start = round(at * SAMPLE_RATE)
        audio[start : start + len(speech)] += speech
    return audio


def record_meeting(folder: Path, you: np.ndarray, others: np.ndarray, *, model: str = "") -> None:
    """A meeting's recording as a session writes it: both channels in blocks, on one clock."""
    recorder = SessionRecorder.open(folder, "call", ["You", "Others"], kinds=[MICROPHONE, SYSTEM], model=model)
    for start in range(0, len(you), 1600):
        recorder.feed(0, you[start : start + 1600])
        recorder.feed(1, others[start : start + 1600])
    recorder.close()


def live_files(folder: Path) -> dict[str, bytes]:
    """The live SRT and TXT of the session, as a session leaves them."""
    srt, txt = LiveSrtWriter(folder / "call.srt"), LiveTxtWriter(folder / "call.txt")
    for writer in (srt, txt):
        writer.on_caption(CaptionEvent(1, 8000, 40000, "our team finish the quarterly", final=True, channel="You"))
        writer.close()
    return {name: (folder / name).read_bytes() for name in ("call.srt", "call.txt")}


@pytest.fixture(scope="module")
def speech(tmp_path_factory) -> dict[str, np.ndarray]:
    folder = tmp_path_factory.mktemp("speech")
    return {text: read_wav(speak(text, folder / f"{n}.wav", lead_s=0.1, trail_s=0.1)) for n, text in enumerate((FIRST, SECOND, THIRD))}


@pytest.mark.slow
def test_a_meeting_is_refined_with_each_side_labelled_in_spoken_order(tmp_path, speech, tiny_transcriber) -> None:
    you = place(24.0, [(0.5, speech[FIRST]), (15.0, speech[THIRD])])
    others = place(24.0, [(7.5, speech[SECOND])])
    record_meeting(tmp_path, you, others, model="tiny.en")
    live = live_files(tmp_path)
    session = find_session(tmp_path / "call.srt")
    assert [t.label for t in session.tracks] == ["You", "Others"] and session.model == "tiny.en"
    seen: list[tuple[float, float]] = []
    events = refine_session(session, tiny_transcriber.model, progress=lambda done, total: seen.append((done, total)))
    turns = [(e.channel, e.text) for e in events]
    sides = [channel for n, (channel, _) in enumerate(turns) if n == 0 or turns[n - 1][0] != channel]
    assert sides == ["You", "Others", "You"]  # in spoken order
    assert wer(FIRST + " " + THIRD, " ".join(t for c, t in turns if c == "You")) <= 0.2
    assert wer(SECOND, " ".join(t for c, t in turns if c == "Others")) <= 0.2
    starts = [e.start for e in events]
    assert starts == sorted(starts)
    others_event = next(e for e in events if e.channel == "Others")
    assert 7.0 * SAMPLE_RATE <= others_event.start <= 8.5 * SAMPLE_RATE  # on the session clock
    # the refined files are the session's; the live ones are kept beside them, byte for byte
    assert {name: (tmp_path / name.replace("call.", "call.live.")).read_bytes() for name in live} == live
    txt = (tmp_path / "call.txt").read_text()
    assert txt.splitlines()[0].startswith("You: ") and any(line.startswith("Others: ") for line in txt.splitlines())
    assert "<v Others>" in (tmp_path / "call.vtt").read_text()
    assert not list(tmp_path.glob("*.refined.*"))
    assert seen[-1] == (pytest.approx(48.0, abs=0.1), pytest.approx(48.0, abs=0.1))
    assert all(a[0] <= b[0] for a, b in zip(seen, seen[1:]))
    # refined again (the audio is still there): the live files set aside are never written over
    refine_session(find_session(tmp_path / "call.live.srt"), tiny_transcriber.model, delete_audio=True)
    assert {name: (tmp_path / name.replace("call.", "call.live.")).read_bytes() for name in live} == live
    assert not list(tmp_path.glob("*.opus"))
    with pytest.raises(NothingToRefine, match="has no recorded audio"):
        find_session(tmp_path / "call.srt")


@pytest.mark.slow
def test_the_microphone_hearing_the_speakers_is_not_written_twice(tmp_path, speech, tiny_transcriber) -> None:
    others = place(12.0, [(1.0, speech[SECOND])])
    you = place(12.0, [(1.15, 0.4 * speech[SECOND])])  # no headphones: the microphone hears the speakers
    record_meeting(tmp_path, you, others)
    heard = decode_audio_file(tiny_transcriber.model, you, label="You")
    assert wer(SECOND, " ".join(e.text for e in heard)) <= 0.3  # the microphone alone does carry the words
    events = refine_session(find_session(tmp_path), tiny_transcriber.model)
    assert [e.channel for e in events] == ["Others"] * len(events) and events


@pytest.mark.slow
def test_a_cancelled_refine_writes_nothing(tmp_path, speech, tiny_transcriber) -> None:
    record_meeting(tmp_path, place(10.0, [(0.5, speech[FIRST])]), place(10.0, [(5.0, speech[SECOND])]))
    live = live_files(tmp_path)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        refine_session(find_session(tmp_path), tiny_transcriber.model, progress=lambda *_: cancel.set(), cancel=cancel)
    assert {p.name for p in tmp_path.iterdir()} == {"call.srt", "call.txt", "call.audio-1.opus", "call.audio-2.opus"}
    assert {name: (tmp_path / name).read_bytes() for name in live} == live


def test_sessions_are_found_by_any_of_their_files_and_a_missing_recording_is_said(tmp_path) -> None:
    recorder = SessionRecorder.open(tmp_path, "talk.v2")
    recorder.feed(0, np.zeros(SAMPLE_RATE, np.float32))
    recorder.close()
    for name in ("talk.v2.srt", "talk.v2.live.txt", "talk.v2.refined.vtt", "talk.v2.audio.opus"):
        assert find_session(tmp_path / name).stem == "talk.v2"
    assert find_session(tmp_path).stem == "talk.v2"
    with pytest.raises(NothingToRefine, match=r"The session other has no recorded audio .*other\.audio\.opus is not there"):
        find_session(tmp_path / "other.srt")
    (tmp_path / "sub").mkdir()
    with pytest.raises(NothingToRefine, match="holds no recorded session audio"):
        find_session(tmp_path / "sub")


def test_a_caption_is_cut_after_each_sentence() -> None:
    words = tuple(Word(f" {w}", i * 100, i * 100 + 90) for i, w in enumerate("Yes. I think \"so.\" Fine".split()))
    parts = sentences(CaptionEvent(1, 0, 700, "Yes. I think \"so.\" Fine", final=True, words=words, channel="You"))
    assert [(p.text, p.start, p.end, p.channel) for p in parts] == [
        ("Yes.", 0, 90, "You"), ("I think \"so.\"", 100, 390, "You"), ("Fine", 400, 490, "You")]


@pytest.mark.slow
def test_a_meeting_session_records_both_sides_and_its_refine_keeps_them_apart(tmp_path, speech, tiny_transcriber) -> None:
    from captioner.audio.sources import FileSource
    from captioner.engine.meeting import Channel, MeetingSession
    from tests.speech import write_wav

    you = write_wav(tmp_path / "you.wav", place(20.0, [(0.5, speech[FIRST]), (13.0, speech[THIRD])]))
    others = write_wav(tmp_path / "others.wav", place(20.0, [(6.5, speech[SECOND])]))
    channels = [Channel("You", FileSource(str(you)), MICROPHONE), Channel("Others", FileSource(str(others)), SYSTEM)]
    recorder = SessionRecorder.open(tmp_path, "call", ["You", "Others"], kinds=[MICROPHONE, SYSTEM])
    session = MeetingSession(channels, tiny_transcriber, sinks=[LiveSrtWriter(tmp_path / "call.srt")], recorder=recorder)
    session.start()
    assert session.wait(180) and not session.errors
    found = find_session(tmp_path / "call.srt")
    assert [(t.label, t.kind) for t in found.tracks] == [("You", MICROPHONE), ("Others", SYSTEM)]
    events = refine_session(found, tiny_transcriber.model)
    sides = [e.channel for n, e in enumerate(events) if n == 0 or events[n - 1].channel != e.channel]
    assert sides == ["You", "Others", "You"]
    assert wer(SECOND, " ".join(e.text for e in events if e.channel == "Others")) <= 0.2
    live = [e.channel for e in session.finals]
    assert set(live) == {"You", "Others"}
