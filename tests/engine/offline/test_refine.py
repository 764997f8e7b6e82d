"""Refining a session from its recorded audio with the real tiny.en: sides kept, spoken order, live files never lost."""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from captioner.audio.recorder import SessionRecorder
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.offline.decode_whole import Cancelled, decode_audio_file
from captioner.engine.offline.refine import refine_session
from captioner.engine.offline.session_files import NothingToRefine, find_session
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
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


def _tone_session(folder: Path) -> tuple[list[list[str]], list[CaptionEvent]]:
    """A one-input session of 24 spoken sentences (about 65 s: three windows of the refine's first decoding, four of
    its second), recorded as a session records it; its sentences and, as its live captions, each heard right."""
    from tests.tones import BETWEEN_WORDS_S, LEXICON, WORD_S, say, text_of

    # three words a sentence, by their place in the lexicon: no run of four words said twice (a decoding drops a run it
    # wrote twice, as a decoder's loop) and no word twice in a row
    spoken = "742 416 024 740 546 053 253 617 306 246 165 675 127 357 162 372 560 350 603 710 375 140 164 361"
    sentences = [[LEXICON[int(k)] for k in sentence] for sentence in spoken.split()]
    audio, spans = say(sentences)
    recorder = SessionRecorder.open(folder, "talk", [""])
    for start in range(0, len(audio), 1600):
        recorder.feed(0, audio[start : start + 1600])
    recorder.close()
    step = round((WORD_S + BETWEEN_WORDS_S) * SAMPLE_RATE)
    live = []
    for n, (sentence, (start, end)) in enumerate(zip(sentences, spans, strict=True), 1):
        said = text_of(sentence).split()
        words = tuple(Word(f" {w}", start + k * step, start + k * step + round(WORD_S * SAMPLE_RATE)) for k, w in enumerate(said))
        live.append(CaptionEvent(n, start, end, text_of(sentence), final=True, words=words))
    return sentences, live


def test_the_words_two_of_three_transcripts_heard_are_kept(tmp_path) -> None:
    """A recognizer that mishears the last word of every window it decodes (as Whisper is least sure at a window's edge):
    decoded once, each window's last word stays misheard; with the session's live captions at hand, the refine decodes
    again in windows cut elsewhere and puts the words to the vote with the live ones: each such word is heard right by
    two of the three, and kept right. The recording's last word ends a window in both decodings: it stays misheard."""
    from tests.tones import LEXICON, ToneRecognizer, text_of

    results = {}
    for given in (True, False):
        folder = tmp_path / ("live" if given else "none")  # a session as the live captions left it, each time
        folder.mkdir()
        sentences, live = _tone_session(folder)
        recognizer = ToneRecognizer(mishears_window_ends=True)
        results[given] = refine_session(find_session(folder), recognizer, live=live if given else ())
        assert sum(bool(r.clips) for r in recognizer.requests) == (2 if given else 1)  # decoded twice with live captions
    said = " ".join(text_of(s) for s in sentences)
    last = sentences[-1][-1]
    misheard_last = said[: -len(last) - 1] + LEXICON[(LEXICON.index(last) + 1) % 8] + "."
    assert " ".join(e.text for e in results[False]) != misheard_last  # its windows' edges inside the recording: misheard too
    voted = results[True]
    assert " ".join(e.text for e in voted) == misheard_last
    assert [e.text for e in voted][:-1] == [text_of(s) for s in sentences][:-1]  # a caption a sentence, as decoded
    assert [e.id for e in voted] == list(range(1, len(sentences) + 1))
    assert all(abs(e.start - f.start) < 0.1 * SAMPLE_RATE for e, f in zip(voted, live, strict=True))


def test_a_past_session_is_refined_with_the_live_captions_its_srt_holds(tmp_path) -> None:
    """`captioner refine` and a past session refined in the app have no live captions at hand: the session's live SRT
    is read back (labels and all, as Settings may write them), and the refine votes with it; refined again, it reads
    the live SRT kept beside the refined one."""
    from captioner.engine.offline.session_files import live_captions
    from tests.tones import ToneRecognizer, text_of

    sentences, live = _tone_session(tmp_path)
    with LiveSrtWriter(tmp_path / "talk.srt", srt_labels=True, labels={"speaker-1": "Ann"}) as srt:
        for caption in live:
            srt.on_caption(replace(caption, speaker="speaker-1"))
    read = live_captions(find_session(tmp_path))
    assert [e.text for e in read] == [e.text for e in live]  # "Ann: " left out
    assert all(abs(e.start - f.start) <= SAMPLE_RATE // 1000 and abs(e.end - f.end) <= SAMPLE_RATE // 1000 for e, f in zip(read, live, strict=True))
    recognizer = ToneRecognizer(mishears_window_ends=True)
    first = refine_session(find_session(tmp_path), recognizer)
    assert [e.text for e in first][:-1] == [text_of(s) for s in sentences][:-1]
    assert sum(bool(r.clips) for r in recognizer.requests) == 2  # the live SRT the third transcript: decoded twice
    assert (tmp_path / "talk.live.srt").is_file()
    recognizer = ToneRecognizer(mishears_window_ends=True)
    again = refine_session(find_session(tmp_path), recognizer)
    assert [e.text for e in again] == [e.text for e in first]
    assert sum(bool(r.clips) for r in recognizer.requests) == 2  # with the live SRT kept beside the refined one
