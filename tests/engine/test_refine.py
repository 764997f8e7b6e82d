"""Refining a session from its recorded audio with the real tiny.en: sides kept, spoken order, live files never lost."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from captioner.audio.recorder import SessionRecorder
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.cleanup import after_onsets, sentences
from captioner.engine.decode_whole import Cancelled, decode_audio_file, side_by_side
from captioner.engine.refine import refine_session
from captioner.engine.segmenter import SegmentClosed, VadSegmenter
from captioner.engine.session_files import NothingToRefine, find_session, save_transcript
from captioner.engine.speech_spans import LONG_SILENCE_S, WINDOW_S, decode_windows, live_segments, pieces
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.subtitles import LiveSrtWriter, LiveTxtWriter
from tests.speech import layout, quiet, read_wav, speak, wer

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
        writer.on_caption(CaptionEvent(1, 8000, 40000, "our team finish the quarterly", final=True, channel=MICROPHONE))
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
    heard = decode_audio_file(tiny_transcriber.model, you, channel=MICROPHONE)
    assert wer(SECOND, " ".join(e.text for e in heard)) <= 0.3  # the microphone alone does carry the words
    events = refine_session(find_session(tmp_path), tiny_transcriber.model)
    assert [e.channel for e in events] == [SYSTEM] * len(events) and events


@pytest.mark.slow
def test_a_cancelled_refine_writes_nothing(tmp_path, speech, tiny_transcriber) -> None:
    folder = tmp_path / "sessions"  # its own folder: tmp_path also holds the test's config home, where libpulse may write
    folder.mkdir()
    record_meeting(folder, place(10.0, [(0.5, speech[FIRST])]), place(10.0, [(5.0, speech[SECOND])]))
    live = live_files(folder)
    cancel = threading.Event()
    with pytest.raises(Cancelled):
        refine_session(find_session(folder), tiny_transcriber.model, progress=lambda *_: cancel.set(), cancel=cancel)
    assert {p.name for p in folder.iterdir()} == {"call.srt", "call.txt", "call.audio-1.opus", "call.audio-2.opus"}
    assert {name: (folder / name).read_bytes() for name in live} == live


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
    parts = sentences(CaptionEvent(1, 0, 700, "Yes. I think \"so.\" Fine", final=True, words=words, channel=MICROPHONE))
    assert [(p.text, p.start, p.end, p.channel) for p in parts] == [
        ("Yes.", 0, 90, MICROPHONE), ("I think \"so.\"", 100, 390, MICROPHONE), ("Fine", 400, 490, MICROPHONE)]
    words = tuple(Word(f" {w}", i * 100, i * 100 + 90) for i, w in enumerate("And Mr. Quilter came. Dr. Lee too.".split()))
    parts = sentences(CaptionEvent(2, 0, 700, "And Mr. Quilter came. Dr. Lee too.", final=True, words=words))
    assert [p.text for p in parts] == ["And Mr. Quilter came.", "Dr. Lee too."]  # not cut after a title


def _said(n: int, channel: str, text: str, at_s: list[float]) -> CaptionEvent:
    """A caption whose words start at `at_s` (seconds) and last 0.4 s each."""
    words = tuple(Word(f" {w}", round(t * SAMPLE_RATE), round((t + 0.4) * SAMPLE_RATE)) for w, t in zip(text.split(), at_s))
    return CaptionEvent(n, words[0].start, words[-1].end, text, final=True, words=words, channel=channel)


def test_a_caption_is_cut_where_the_other_side_spoke_between_two_of_its_words() -> None:
    from captioner.engine.cleanup import between_turns
    from captioner.engine.merge import merge_channels

    # one window of system audio ran on across the user's turn, with no sentence end where the turn came
    others = _said(1, SYSTEM, "ask what you can do for your country I'm Abigail", [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 9, 9.5])
    you = _said(2, MICROPHONE, "Author of the danger trail", [4.5, 5, 5.5, 6, 6.5])
    assert [(e.channel, e.text) for e in merge_channels([(MICROPHONE, [you]), (SYSTEM, [others])])] == [
        (SYSTEM, "ask what you can do for your country"), (MICROPHONE, "Author of the danger trail"), (SYSTEM, "I'm Abigail")]
    # a word of the other side that overlaps one of the caption's (talking at once, an echo) cuts nothing
    yeah = _said(3, MICROPHONE, "yeah", [1.2])
    assert between_turns([others, yeah]) == [others, yeah]
    # nor does a pause of the caption's own channel, however long
    assert between_turns([others]) == [others]


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
    assert sides == [MICROPHONE, SYSTEM, MICROPHONE]
    assert wer(SECOND, " ".join(e.text for e in events if e.channel == SYSTEM)) <= 0.2
    live = [e.channel for e in session.finals]
    assert set(live) == {MICROPHONE, SYSTEM}


def test_the_refine_decodes_every_stretch_the_live_engine_hears_and_leaves_long_silences_out() -> None:
    audio, voiced = layout([(1.0, False), (1.2, True), (0.9, False), (0.8, True), (1.5, False), (2.0, True), (25.0, False),
                            (1.0, True), (4.0, False)])
    heard = live_segments(audio)
    windows = decode_windows(heard, len(audio))
    segmenter = VadSegmenter()
    live = [(e.start, e.end) for e in [*segmenter.feed(audio), *segmenter.flush()] if isinstance(e, SegmentClosed)]
    assert live and live == [(start, end) for start, _onset, end in heard]  # the live engine's own segments
    for start, end in [*voiced, *live]:  # all the speech, and all the live engine would decode, is decoded
        assert any(w_start <= start and end <= w_end for w_start, w_end in windows), (start, end, windows)
    assert len(windows) == 2 and all(end - start <= WINDOW_S * SAMPLE_RATE for start, end in windows)
    assert windows[1][0] - windows[0][1] > LONG_SILENCE_S * SAMPLE_RATE  # the 25 s silence is left out
    assert windows[1][1] < len(audio) - 3 * SAMPLE_RATE  # and the silence at the end
    assert decode_windows(live_segments(quiet(10.0)), 10 * SAMPLE_RATE) == []


def test_windows_hold_whole_segments_and_short_pauses_between_them_are_cut_in_the_middle() -> None:
    s = SAMPLE_RATE
    # 12 phrases of 2.5 s, 1 s apart (41.5 s), then one more after 50 s of silence
    segments = [(round((3.5 * k) * s), round((3.5 * k + 0.3) * s), round((3.5 * k + 2.5) * s)) for k in range(12)]
    segments.append((round(92.0 * s), round(92.3 * s), round(95.0 * s)))
    windows = decode_windows(segments, 100 * s)
    assert all(end - start <= WINDOW_S * s for start, end in windows)
    assert windows[0][1] == windows[1][0]  # contiguous: a 1 s pause between windows is cut at its middle, nothing dropped
    cut = windows[0][1]
    assert any(end < cut and cut - end == round(0.5 * s) for _start, _onset, end in segments)  # ... in its middle
    for start, _onset, end in segments:  # no segment is split
        assert sum(1 for w_start, w_end in windows if w_start <= start and end <= w_end) == 1
    assert windows[-1] == (round(91.6 * s), round(95.4 * s))  # after a long silence: the segment and CHUNK_PAD_S around it


def test_a_transcribed_recording_is_saved_whole_and_never_over_another(tmp_path) -> None:
    events = [CaptionEvent(1, 0, 16000, "Hello there.", final=True), CaptionEvent(2, 20000, 40000, "Second line.", final=True)]
    folder = tmp_path / "sessions" / "new"
    first = save_transcript(folder, "talk", events)
    assert [p.name for p in first] == ["talk.srt", "talk.txt", "talk.vtt"]
    assert folder.stat().st_mode & 0o777 == 0o700 and all(p.stat().st_mode & 0o777 == 0o600 for p in first)
    assert "Second line." in (folder / "talk.txt").read_text() and (folder / "talk.vtt").read_text().startswith("WEBVTT")
    (folder / "other.vtt").write_text("mine")
    again = save_transcript(folder, "other", events)
    assert [p.name for p in again] == ["other-2.srt", "other-2.txt", "other-2.vtt"] and (folder / "other.vtt").read_text() == "mine"


def test_refined_files_call_each_channel_what_its_recording_called_it(tmp_path) -> None:
    """A refined caption carries its channel's id; its files show the label the session recorded for that channel,
    renamed or not. A recording that does not say its kind (an early one) is known by its label."""
    from captioner.audio.recorder import Track
    from captioner.engine.session_files import Session, save_refined

    session = Session(tmp_path, "call", [Track(tmp_path / "call.audio-1.opus", "Me", kind=MICROPHONE),
                                         Track(tmp_path / "call.audio-2.opus", "The team", kind=SYSTEM)])
    assert session.labels == {MICROPHONE: "Me", SYSTEM: "The team"}
    events = [CaptionEvent(1, 0, 16000, "Shall we start?", final=True, channel=MICROPHONE),
              CaptionEvent(2, 20000, 40000, "Yes.", final=True, channel=SYSTEM)]
    save_refined(session, events, srt_labels=True, labels=session.labels)
    assert (tmp_path / "call.txt").read_text().splitlines() == ["Me: Shall we start?", "The team: Yes."]
    assert "\nMe: Shall we start?\n" in (tmp_path / "call.srt").read_text()
    assert "<v The team>Yes." in (tmp_path / "call.vtt").read_text()
    early = Session(tmp_path, "old", [Track(tmp_path / "old.audio-1.opus", "You"), Track(tmp_path / "old.audio-2.opus", "Others")])
    assert [t.channel for t in early.tracks] == ["You", "Others"] and early.labels == {"You": "You", "Others": "Others"}
    assert Session(tmp_path, "one", [Track(tmp_path / "one.audio.opus")]).labels == {}  # one input: no channel, no label


def test_a_word_dated_from_the_silence_before_a_voice_starts_with_the_voice() -> None:
    words = [Word(" The", 1000, 9000), Word(" new", 9000, 12000), Word(" office.", 30000, 40000), Word(" Yes", 50000, 52000)]
    moved = after_onsets(words, [8000, 35000, 60000])
    assert [(w.start, w.end) for w in moved] == [(8000, 9000), (9000, 12000), (35000, 40000), (50000, 52000)]
    assert after_onsets(words, []) == words


def test_words_dated_in_the_silence_after_their_speech_are_put_back_within_it() -> None:
    from captioner.engine.cleanup import within_speech

    starts, ends = [0, 40000, 60000], [20000, 60000, 90000]  # the live segments; the second cut where speech went on
    words = [Word(" like", 15000, 18000), Word(" this.", 18000, 100000), Word(" the", 10000, 30000), Word(" tents", 33000, 35000),
             Word(" went", 55000, 62000), Word(" on.", 85000, 99000), Word(" so", 95000, 97000)]
    assert [(w.start, w.end) for w in within_speech(words, starts, ends)] == [
        (15000, 18000),  # within its speech: as it was
        (18000, 20000),  # ran on into the silence: ends where the speech did
        (10000, 20000),
        (19999, 20000),  # wholly in the silence after a word of the speech before it: with that speech, however far
        (55000, 62000),  # over a cut with no silence in it: as it was
        (85000, 90000),  # the recording's last segment too
        (89999, 90000)]
    # a caption's first word wholly in a silence: at the nearer edge
    assert [(w.start, w.end) for w in within_speech([Word(" Yes", 37000, 39000)], starts, ends)] == [(40000, 40001)]
    assert [(w.start, w.end) for w in within_speech([Word(" Yes", 22000, 23000)], starts, ends)] == [(19999, 20000)]
    assert within_speech(words, [], []) == words


def test_windows_are_handed_over_in_pieces_of_bounded_length() -> None:
    s = SAMPLE_RATE
    windows = [(0, 4 * s), (4 * s, 13 * s), (20 * s, 40 * s), (50 * s, 51 * s)]
    assert pieces(windows, 15.0) == [windows[:2], [windows[2]], [windows[3]]]  # a window is never split
    assert pieces(windows, 600.0) == [windows] and pieces([], 8.0) == []


@pytest.mark.slow
def test_speech_a_window_passed_over_is_decoded_alone(speech, tiny_transcriber, monkeypatch) -> None:
    from captioner.engine import decode_whole

    audio = place(24.0, [(1.0, speech[FIRST]), (9.0, speech[SECOND]), (17.0, speech[THIRD])])
    heard = live_segments(audio)
    assert len(heard) >= 3
    windows = decode_windows(heard, len(audio))
    second = next(seg for seg in heard if seg[1] > 8.5 * SAMPLE_RATE)
    # the windows' decoding as if Whisper had passed over the second sentence: its stretch left out of every window
    monkeypatch.setattr(decode_whole, "decode_windows", lambda segments, length: [(0, second[0]), (second[2], length)])
    assert windows  # (the real windows hold it)
    events = decode_audio_file(tiny_transcriber.model, audio)
    assert wer(" ".join((FIRST, SECOND, THIRD)), " ".join(e.text for e in events)) <= 0.2
    assert [e.start for e in events] == sorted(e.start for e in events) and [e.id for e in events] == list(range(1, len(events) + 1))
    kitchen = next(e for e in events if "kitchen" in e.text.lower())
    assert second[0] <= kitchen.start and kitchen.end <= second[2] + round(0.4 * SAMPLE_RATE)


def test_a_window_that_wrote_a_sentence_twice_keeps_it_once() -> None:
    from captioner.engine.cleanup import without_repeats

    def caption(n: int, text: str, at: int) -> CaptionEvent:
        words = tuple(Word(f" {w}", at + k * 4000, at + (k + 1) * 4000) for k, w in enumerate(text.split()))
        return CaptionEvent(n, words[0].start, words[-1].end, text, final=True, words=words)

    said = caption(1, "There is going to be no voiced speech here.", 0)
    again = caption(2, "There is going to be no voiced speech here.", 40000)
    other = caption(3, "Then something else.", 80000)
    assert [e.text for e in without_repeats([said, again, other])] == [said.text, other.text]
    assert without_repeats([said, other]) == [said, other]  # nothing repeated: as it was


def test_side_by_side_keeps_the_order_and_runs_up_to_its_workers_at_once() -> None:
    meet = threading.Barrier(2, timeout=10)  # the first two items only get past it together

    def work(n: int) -> int:
        if n < 2:
            meet.wait()
        time.sleep(0.01 * (5 - n))  # later items finish sooner
        return n * n

    finished: list[int] = []
    assert side_by_side(work, list(range(5)), 2, finished.append) == [0, 1, 4, 9, 16]
    assert finished == list(range(5))  # heard in order
    assert side_by_side(lambda n: n + 1, [1, 2, 3], 1) == [2, 3, 4] and side_by_side(work, [], 2) == []


def test_side_by_side_raises_the_first_failure() -> None:
    def work(n: int) -> int:
        if n == 1:
            raise ValueError("piece 1")
        return n

    for workers in (1, 2):
        with pytest.raises(ValueError, match="piece 1"):
            side_by_side(work, [0, 1, 2, 3], workers)


@pytest.mark.slow
def test_pieces_decoded_side_by_side_give_the_captions_of_one_at_a_time(speech, tiny_model, monkeypatch) -> None:
    from faster_whisper import WhisperModel

    from captioner.engine import speech_spans
    from captioner.engine.transcriber import CPU_WORKERS, Transcriber

    monkeypatch.setattr(speech_spans, "PIECE_S", 10.0)
    audio = place(70.0, [(1.0, speech[FIRST]), (31.0, speech[SECOND]), (61.0, speech[THIRD])])
    assert len(pieces(decode_windows(live_segments(audio), len(audio)))) == 3
    loaded = Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", name="tiny.en")
    one = WhisperModel(str(tiny_model), device="cpu", compute_type="int8", num_workers=1)
    assert loaded.model.model.num_workers == CPU_WORKERS > 1 == one.model.num_workers
    heard: list[float] = []
    together = decode_audio_file(loaded.model, audio, progress=heard.append)
    alone = decode_audio_file(one, audio)
    assert [(e.id, e.start, e.end, e.text) for e in together] == [(e.id, e.start, e.end, e.text) for e in alone]
    assert wer(" ".join((FIRST, SECOND, THIRD)), " ".join(e.text for e in together)) <= 0.2
    assert heard == sorted(heard) and heard[-1] == len(audio) / SAMPLE_RATE


def test_a_session_is_refined_from_its_recording_as_its_audio_decoded_whole(tmp_path, speech, tiny_transcriber, monkeypatch) -> None:
    from captioner.audio.sources import decode_pcm16
    from captioner.engine import speech_spans

    monkeypatch.setattr(speech_spans, "PIECE_S", 10.0)  # several pieces, each read from the file as it is decoded
    audio = place(70.0, [(1.0, speech[FIRST]), (31.0, speech[SECOND]), (61.0, speech[THIRD])])
    recorder = SessionRecorder.open(tmp_path, "talk", [""])
    for start in range(0, len(audio), 1600):
        recorder.feed(0, audio[start : start + 1600])
    recorder.close()
    session = find_session(tmp_path)
    whole = decode_audio_file(tiny_transcriber.model, decode_pcm16(str(session.tracks[0].path)))
    refined = refine_session(session, tiny_transcriber.model)
    assert [(e.start, e.end, e.text) for e in refined] == [(e.start, e.end, e.text) for e in whole]
    assert wer(" ".join((FIRST, SECOND, THIRD)), " ".join(e.text for e in refined)) <= 0.2


def test_a_reader_gives_the_samples_asked_for_in_order_and_lets_go_of_those_behind() -> None:
    from captioner.engine.decode_whole import Reader

    audio = np.arange(1000, dtype=np.int16)
    reader = Reader(audio[at : at + 64] for at in range(0, 1000, 64))
    for start, end in [(0, 10), (5, 300), (250, 260), (260, 700), (690, 1000), (990, 1200)]:
        np.testing.assert_array_equal(reader.read(start, end), audio[start:end])
        assert sum(len(b) for b in reader._held) <= end - start + 64 + max(0, end - 1000)


def test_a_short_silence_at_either_end_of_the_recording_is_decoded_with_the_speech() -> None:
    s = SAMPLE_RATE
    one = [(round(1.5 * s), round(1.8 * s), round(6.0 * s))]
    assert decode_windows(one, 7 * s) == [(0, 7 * s)]  # 1.5 s before, 1 s after: kept, as a pause between windows is
    late = [(round(3.0 * s), round(3.3 * s), round(6.0 * s))]
    assert decode_windows(late, 9 * s) == [(round(2.6 * s), round(6.4 * s))]  # 3 s: a long silence, CHUNK_PAD_S kept


def _spoken(n: int, text: str, at: int, word_s: float = 0.25, channel: str = "") -> CaptionEvent:
    step = round(word_s * SAMPLE_RATE)
    words = tuple(Word(f" {w}", at + k * step, at + (k + 1) * step) for k, w in enumerate(text.split()))
    return CaptionEvent(n, words[0].start, words[-1].end, text, final=True, words=words, channel=channel)


def test_text_written_where_no_speech_was_heard_is_no_caption() -> None:
    from captioner.engine.cleanup import in_silence

    starts, ends = [SAMPLE_RATE, 5 * SAMPLE_RATE], [3 * SAMPLE_RATE, 7 * SAMPLE_RATE]
    assert in_silence(_spoken(1, "Okay.", round(3.5 * SAMPLE_RATE)).words, starts, ends)  # between two stretches of speech
    assert in_silence(_spoken(1, "Okay.", 8 * SAMPLE_RATE).words, starts, ends)  # after the last
    assert in_silence(_spoken(1, "Thank you.", 0, word_s=0.1).words, starts, ends)  # before the first
    assert not in_silence(_spoken(1, "and then okay", round(2.6 * SAMPLE_RATE)).words, starts, ends)  # one word in speech
    assert not in_silence(_spoken(1, "Okay.", round(4.9 * SAMPLE_RATE), word_s=0.2).words, starts, ends)  # overlapping it
    assert not in_silence([], starts, ends)


def test_a_sentence_written_for_noise_after_noise_is_written_once() -> None:
    from captioner.engine.cleanup import repeats_dropped

    loop = [_spoken(n, "All right, that's it.", round((32 + n * 1.1) * SAMPLE_RATE)) for n in range(1, 5)]
    later = _spoken(9, "All right, that's it.", 60 * SAMPLE_RATE)  # said again much later: kept
    other = _spoken(5, "Then we went home.", round(37.5 * SAMPLE_RATE))
    kept = repeats_dropped([*loop, other, later])
    assert [e.text for e in kept] == ["All right, that's it.", "Then we went home.", "All right, that's it."]
    assert kept[0].words == loop[0].words and kept[-1].start == later.start
    once = [_spoken(1, "Come on.", 0), _spoken(2, "We went home.", SAMPLE_RATE)]
    assert repeats_dropped(once) == once  # nothing repeated: as it was


def test_a_sentence_cut_across_two_segments_is_one_caption() -> None:
    from captioner.engine.cleanup import whole_sentences

    first, rest = _spoken(1, "And so ask what", 0), _spoken(2, "you can do for your country.", round(1.3 * SAMPLE_RATE))
    new = _spoken(3, "Then the next one.", round(3.5 * SAMPLE_RATE))
    joined = whole_sentences([first, rest, new])
    assert [e.text for e in joined] == ["And so ask what you can do for your country.", "Then the next one."]
    assert joined[0].start == first.start and joined[0].end == rest.end and [e.id for e in joined] == [1, 2]
    # a full stop, a capital, a long pause or another channel keeps them apart
    assert len(whole_sentences([_spoken(1, "We stopped.", 0), _spoken(2, "then went on", SAMPLE_RATE)])) == 2
    assert len(whole_sentences([_spoken(1, "We stopped", 0), _spoken(2, "Then went on", SAMPLE_RATE)])) == 2
    assert len(whole_sentences([_spoken(1, "We stopped", 0), _spoken(2, "then went on", 3 * SAMPLE_RATE)])) == 2
    assert len(whole_sentences([_spoken(1, "We stopped", 0, channel="mic"), _spoken(2, "then went on", SAMPLE_RATE, channel="sys")])) == 2
