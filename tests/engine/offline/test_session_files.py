"""A session's files: found by any of them, a transcript saved without writing over another, each channel called what its recording called it."""

from __future__ import annotations

import numpy as np
import pytest

from captioner.audio.recorder import SessionRecorder
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.offline.session_files import NothingToRefine, find_session
from captioner.events import SAMPLE_RATE, CaptionEvent


def test_sessions_are_found_by_any_of_their_files_and_a_missing_recording_is_said(tmp_path) -> None:
    recorder = SessionRecorder.open(tmp_path, "talk.v2")
    recorder.feed(0, np.zeros(SAMPLE_RATE, np.float32))
    recorder.close()
    for name in ("talk.v2.srt", "talk.v2.live.txt", "talk.v2.refined.vtt", "talk.v2.audio.opus"):
        assert find_session(tmp_path / name).stem == "talk.v2"
    assert find_session(tmp_path).stem == "talk.v2"
    with pytest.raises(NothingToRefine, match=r"other\.srt does not exist: name a session's \.srt or \.txt file"):
        find_session(tmp_path / "other.srt")
    (tmp_path / "other.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nHello.\n", encoding="utf-8")
    with pytest.raises(NothingToRefine, match=r"The session other has no recorded audio .*other\.audio\.opus is not there"):
        find_session(tmp_path / "other.srt")
    (tmp_path / "sub").mkdir()
    with pytest.raises(NothingToRefine, match="holds no recorded session audio"):
        find_session(tmp_path / "sub")


def test_refined_files_call_each_channel_what_its_recording_called_it(tmp_path) -> None:
    """A refined caption carries its channel's id; its files show the label the session recorded for that channel,
    renamed or not. A recording that does not say its kind (an early one) is known by its label."""
    from captioner.audio.recorder import Track
    from captioner.engine.offline.session_files import SessionFiles, save_refined

    session = SessionFiles(tmp_path, "call", [Track(tmp_path / "call.audio-1.opus", "Me", kind=MICROPHONE),
                                         Track(tmp_path / "call.audio-2.opus", "The team", kind=SYSTEM)])
    assert session.labels == {MICROPHONE: "Me", SYSTEM: "The team"}
    events = [CaptionEvent(1, 0, 16000, "Shall we start?", final=True, channel=MICROPHONE),
              CaptionEvent(2, 20000, 40000, "Yes.", final=True, channel=SYSTEM)]
    save_refined(session, events, srt_labels=True, labels=session.labels)
    assert (tmp_path / "call.txt").read_text().splitlines() == ["Me: Shall we start?", "The team: Yes."]
    assert "\nMe: Shall we start?\n" in (tmp_path / "call.srt").read_text()
    assert "<v The team>Yes." in (tmp_path / "call.vtt").read_text()
    early = SessionFiles(tmp_path, "old", [Track(tmp_path / "old.audio-1.opus", "You"), Track(tmp_path / "old.audio-2.opus", "Others")])
    assert [t.channel for t in early.tracks] == ["You", "Others"] and early.labels == {"You": "You", "Others": "Others"}
    assert SessionFiles(tmp_path, "one", [Track(tmp_path / "one.audio.opus")]).labels == {}  # one input: no channel, no label


def test_live_captions_are_read_back_from_a_one_channel_sessions_srt_and_from_nothing_else(tmp_path) -> None:
    from captioner.engine.offline.session_files import live_captions

    recorder = SessionRecorder.open(tmp_path, "talk")
    recorder.feed(0, np.zeros(SAMPLE_RATE, np.float32))
    recorder.close()
    session = find_session(tmp_path)
    assert live_captions(session) == []  # no SRT
    (tmp_path / "talk.srt").write_text("1\n00:00:01,000 --> 00:00:02,500\nYou: Good morning,\nKatie.\n\n"
                                       "2\n00:00:03,000 --> 00:00:03,500\nYou: Hi.\n\n", encoding="utf-8")
    read = live_captions(session)
    assert [(e.start, e.end, e.text, [w.text for w in e.words]) for e in read] == [
        (16000, 40000, "Good morning, Katie.", [" Good", " morning,", " Katie."]), (48000, 56000, "Hi.", [" Hi."])]
    assert [(w.start, w.end) for w in read[0].words] == [(16000, 24000), (24000, 32000), (32000, 40000)]  # spread over the cue
    (tmp_path / "talk.srt").write_text("1\n00:00:01,000 --> 00:00:02,500\nNote: the room was loud.\n\n"
                                       "2\n00:00:03,000 --> 00:00:03,500\nHi.\n\n", encoding="utf-8")
    assert [e.text for e in live_captions(session)] == ["Note: the room was loud.", "Hi."]  # not every cue labelled: no labels
    (tmp_path / "talk.srt").write_bytes(b"\xff\xfe not an SRT \x00")
    assert live_captions(session) == []
    (tmp_path / "talk.srt").write_text("1\n00:00:01,000 -> nonsense\n", encoding="utf-8")
    assert live_captions(session) == []
    two = tmp_path / "two"
    two.mkdir()
    recorder = SessionRecorder.open(two, "call", ["You", "Others"], kinds=[MICROPHONE, SYSTEM])
    recorder.feed(0, np.zeros(SAMPLE_RATE, np.float32))
    recorder.feed(1, np.zeros(SAMPLE_RATE, np.float32))
    recorder.close()
    (two / "call.srt").write_text("1\n00:00:01,000 --> 00:00:02,500\nYou: Good morning.\n\n", encoding="utf-8")
    assert live_captions(find_session(two)) == []  # whose each cue is, an SRT does not say
