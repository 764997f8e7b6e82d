"""Refining a session from its recorded audio with the real tiny.en: sides kept, spoken order, live files never lost."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from captioner.audio.recorder import SessionRecorder
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.offline.decode_whole import Cancelled, decode_audio_file
from captioner.engine.offline.refine import refine_session
from captioner.engine.offline.session_files import NothingToRefine, find_session
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles import LiveSrtWriter, LiveTxtWriter
from tests.speech import FIRST, SECOND, THIRD, place, wer


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
        writer.on_caption(CaptionEvent(1, 8000, 40000, "our team finish the quarterly", final=True, channel=MICROPHONE))
        writer.close()
    return {name: (folder / name).read_bytes() for name in ("call.srt", "call.txt")}


@pytest.mark.slow
def test_a_meeting_is_refined_with_each_side_labelled_in_spoken_order(tmp_path, speech, tiny_transcriber) -> None:
    you = place(24.0, [(0.5, speech[FIRST]), (15.0, speech[THIRD])])
    others = place(24.0, [(7.5, speech[SECOND])])
    record_meeting(tmp_path, you, others, model="tiny.en")
    live = live_files(tmp_path)
    session = find_session(tmp_path / "call.srt")
    assert [t.label for t in session.tracks] == ["You", "Others"] and session.model == "tiny.en"
    seen: list[tuple[float, float]] = []
    events = refine_session(session, tiny_transcriber.recognizer, progress=lambda done, total: seen.append((done, total)))
    turns = [(e.channel, e.text) for e in events]
    sides = [channel for n, (channel, _) in enumerate(turns) if n == 0 or turns[n - 1][0] != channel]
    assert sides == [MICROPHONE, SYSTEM, MICROPHONE]  # in spoken order
    assert wer(FIRST + " " + THIRD, " ".join(t for c, t in turns if c == MICROPHONE)) <= 0.2
    assert wer(SECOND, " ".join(t for c, t in turns if c == SYSTEM)) <= 0.2
    starts = [e.start for e in events]
    assert starts == sorted(starts)
    others_event = next(e for e in events if e.channel == SYSTEM)
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
    refine_session(find_session(tmp_path / "call.live.srt"), tiny_transcriber.recognizer, delete_audio=True)
    assert {name: (tmp_path / name.replace("call.", "call.live.")).read_bytes() for name in live} == live
    assert not list(tmp_path.glob("*.opus"))
    with pytest.raises(NothingToRefine, match="has no recorded audio"):
        find_session(tmp_path / "call.srt")


@pytest.mark.slow
def test_the_microphone_hearing_the_speakers_is_not_written_twice(tmp_path, speech, tiny_transcriber) -> None:
    others = place(12.0, [(1.0, speech[SECOND])])
    you = place(12.0, [(1.15, 0.4 * speech[SECOND])])  # no headphones: the microphone hears the speakers
    record_meeting(tmp_path, you, others)
    heard = decode_audio_file(tiny_transcriber.recognizer, you, channel=MICROPHONE)
    assert wer(SECOND, " ".join(e.text for e in heard)) <= 0.3  # the microphone alone does carry the words
    events = refine_session(find_session(tmp_path), tiny_transcriber.recognizer)
    assert [e.channel for e in events] == [SYSTEM] * len(events) and events


@pytest.mark.slow
def test_a_cancelled_refine_writes_nothing(tmp_path, speech, tiny_transcriber) -> None:
    folder = tmp_path / "sessions"  # its own folder: tmp_path also holds the test's config home, where libpulse may write
    folder.mkdir()
    record_meeting(folder, place(10.0, [(0.5, speech[FIRST])]), place(10.0, [(5.0, speech[SECOND])]))
    live = live_files(folder)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        refine_session(find_session(folder), tiny_transcriber.recognizer, progress=lambda *_: cancel.set(), cancel=cancel)
    assert {p.name for p in folder.iterdir()} == {"call.srt", "call.txt", "call.audio-1.opus", "call.audio-2.opus"}
    assert {name: (folder / name).read_bytes() for name in live} == live


@pytest.mark.slow
def test_a_meeting_session_records_both_sides_and_its_refine_keeps_them_apart(tmp_path, speech, tiny_transcriber) -> None:
    from captioner.audio.sources import FileSource
    from captioner.engine.live.meeting import Channel, MeetingSession
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
    events = refine_session(found, tiny_transcriber.recognizer)
    sides = [e.channel for n, e in enumerate(events) if n == 0 or events[n - 1].channel != e.channel]
    assert sides == [MICROPHONE, SYSTEM, MICROPHONE]
    assert wer(SECOND, " ".join(e.text for e in events if e.channel == SYSTEM)) <= 0.2
    live = [e.channel for e in session.finals]
    assert set(live) == {MICROPHONE, SYSTEM}


def test_a_session_is_refined_from_its_recording_as_its_audio_decoded_whole(tmp_path, speech, tiny_transcriber, monkeypatch) -> None:
    from captioner.audio.sources import decode_pcm16
    from captioner.engine.offline import speech_spans

    monkeypatch.setattr(speech_spans, "PIECE_S", 10.0)  # several pieces, each read from the file as it is decoded
    audio = place(70.0, [(1.0, speech[FIRST]), (31.0, speech[SECOND]), (61.0, speech[THIRD])])
    recorder = SessionRecorder.open(tmp_path, "talk", [""])
    for start in range(0, len(audio), 1600):
        recorder.feed(0, audio[start : start + 1600])
    recorder.close()
    session = find_session(tmp_path)
    whole = decode_audio_file(tiny_transcriber.recognizer, decode_pcm16(str(session.tracks[0].path)))
    refined = refine_session(session, tiny_transcriber.recognizer)
    assert [(e.start, e.end, e.text) for e in refined] == [(e.start, e.end, e.text) for e in whole]
    assert wer(" ".join((FIRST, SECOND, THIRD)), " ".join(e.text for e in refined)) <= 0.2




def test_a_meeting_is_refined_by_any_recognizer(tmp_path) -> None:
    """tests/tones.py's recognizer (no model) refines a meeting recorded as a session records it (Ogg/Opus): each side's
    words, in spoken order, on the session clock."""
    from tests.tones import ToneRecognizer, say

    you, you_spans = say([["alpha", "bravo", "charlie"], ["delta", "echo"]], gap_s=6.0, trail_s=4.0)
    others, others_spans = say([["hotel", "golf"]], lead_s=4.5)
    others = np.pad(others, (0, len(you) - len(others)))
    record_meeting(tmp_path, you, others)
    events = refine_session(find_session(tmp_path), ToneRecognizer())
    assert [(e.channel, e.text) for e in events] == [(MICROPHONE, "Alpha bravo charlie."), (SYSTEM, "Hotel golf."),
                                                     (MICROPHONE, "Delta echo.")]
    assert abs(events[1].start - others_spans[0][0]) < 0.05 * SAMPLE_RATE
    assert (tmp_path / "call.txt").is_file() and "Hotel golf." in (tmp_path / "call.txt").read_text(encoding="utf-8")
