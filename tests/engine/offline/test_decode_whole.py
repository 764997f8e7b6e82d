"""A recording decoded whole with the real tiny.en: speech a window passed over decoded alone, pieces side by side as one at a time."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from captioner.engine.offline.decode_whole import decode_audio_file, side_by_side
from captioner.engine.offline.speech_spans import decode_windows, live_segments, pieces
from captioner.events import SAMPLE_RATE
from tests.speech import FIRST, SECOND, THIRD, place, wer


@pytest.mark.slow
def test_speech_a_window_passed_over_is_decoded_alone(speech, tiny_transcriber, monkeypatch) -> None:
    from captioner.engine.offline import decode_whole

    audio = place(24.0, [(1.0, speech[FIRST]), (9.0, speech[SECOND]), (17.0, speech[THIRD])])
    heard = live_segments(audio)
    assert len(heard) >= 3
    windows = decode_windows(heard, len(audio))
    second = next(seg for seg in heard if seg[1] > 8.5 * SAMPLE_RATE)
    # the windows' decoding as if Whisper had passed over the second sentence: its stretch left out of every window
    monkeypatch.setattr(decode_whole, "decode_windows", lambda segments, length, first_s: [(0, second[0]), (second[2], length)])
    assert windows  # (the real windows hold it)
    events = decode_audio_file(tiny_transcriber.recognizer, audio)
    assert wer(" ".join((FIRST, SECOND, THIRD)), " ".join(e.text for e in events)) <= 0.2
    assert [e.start for e in events] == sorted(e.start for e in events) and [e.id for e in events] == list(range(1, len(events) + 1))
    kitchen = next(e for e in events if "kitchen" in e.text.lower())
    assert second[0] <= kitchen.start and kitchen.end <= second[2] + round(0.4 * SAMPLE_RATE)


@pytest.mark.slow
def test_speech_a_window_dated_late_is_written_once(speech, tiny_transcriber) -> None:
    """Whisper's timestamps drift late (after a disfluency, say): the window writes the second sentence dated from the
    end of the silence after it into the next speech, so no word of the window's is on that sentence. Decoded alone, it
    must not be written twice (`within_speech` would have put the late words on the third sentence)."""
    from dataclasses import replace

    audio = place(24.0, [(1.0, speech[FIRST]), (9.0, speech[SECOND]), (17.0, speech[THIRD])])
    heard = live_segments(audio)
    second = next(seg for seg in heard if seg[1] > 8.5 * SAMPLE_RATE)
    third = next(seg for seg in heard if seg[1] > 16.5 * SAMPLE_RATE)
    offset = decode_windows(heard, len(audio))[0][0]  # one piece: the window's clip starts here
    tiny = tiny_transcriber.recognizer
    drifted = []

    class Drifting:  # the real tiny.en, but its window decodes date the second sentence's words late
        def __getattr__(self, name):
            return getattr(tiny, name)

        def decode(self, clip, request):
            out = tiny.decode(clip, request)
            if not request.clips:
                return out
            late = []
            for seg in out:
                if seg.words and second[0] <= seg.words[0].start + offset < second[2]:
                    shift = third[0] - 1 - (seg.words[0].end + offset)  # its first word at the end of the silence after it
                    words = tuple(replace(w, start=w.start + shift, end=min(w.end + shift, third[2] - offset)) for w in seg.words)
                    seg = replace(seg, words=words, start=seg.start + shift / SAMPLE_RATE, end=seg.end + shift / SAMPLE_RATE)
                    drifted.append(seg.text)
                late.append(seg)
            return late

    events = decode_audio_file(Drifting(), audio)
    text = " ".join(e.text for e in events)
    assert drifted and "kitchen" in " ".join(drifted).lower()  # the window did write it, dated late
    assert text.lower().count("kitchen") == 1, text
    assert wer(" ".join((FIRST, SECOND, THIRD)), text) <= 0.2
    kitchen = next(e for e in events if "kitchen" in e.text.lower())
    assert second[0] <= kitchen.start and kitchen.end <= second[2] + round(0.4 * SAMPLE_RATE)  # where it was said


@pytest.mark.slow
def test_speech_a_window_wrote_in_part_is_decoded_alone(speech, tiny_transcriber) -> None:
    """A window that gave up on a sentence: Whisper wrote its first words and ended the segment, its last word stretched
    over the rest. The sentence is decoded alone in place of those words: nothing of it is lost, nothing doubled."""
    from dataclasses import replace

    audio = place(24.0, [(1.0, speech[FIRST]), (9.0, speech[SECOND]), (17.0, speech[THIRD])])
    heard = live_segments(audio)
    second = next(seg for seg in heard if seg[1] > 8.5 * SAMPLE_RATE)
    offset = decode_windows(heard, len(audio))[0][0]  # one piece: the window's clip starts here
    tiny = tiny_transcriber.recognizer
    cut = []

    class GivingUp:  # the real tiny.en, but its window decodes write the second sentence's first two words only
        def __getattr__(self, name):
            return getattr(tiny, name)

        def decode(self, clip, request):
            out = list(tiny.decode(clip, request))
            if not request.clips:
                return out
            for n, seg in enumerate(out):
                if len(seg.words) > 3 and second[0] <= seg.words[0].start + offset < second[2]:
                    first, last = seg.words[0], replace(seg.words[1], end=second[2] - offset)  # over the rest of it
                    out[n] = replace(seg, words=(first, last), text=first.text + last.text)
                    cut.append(out[n].text)
            return out

    events = decode_audio_file(GivingUp(), audio)
    text = " ".join(e.text for e in events)
    assert cut and "kitchen" not in " ".join(cut).lower()  # the window's text lost most of it
    assert text.lower().count("kitchen") == 1 and text.lower().count("office") == 1, text
    assert wer(" ".join((FIRST, SECOND, THIRD)), text) <= 0.2


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
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.models.whisper import CPU_WORKERS, ShortWindowWhisper, WhisperRecognizer
    from captioner.engine.offline import speech_spans

    monkeypatch.setattr(speech_spans, "PIECE_S", 10.0)
    audio = place(70.0, [(1.0, speech[FIRST]), (31.0, speech[SECOND]), (61.0, speech[THIRD])])
    assert len(pieces(decode_windows(live_segments(audio), len(audio)))) == 3
    loaded = Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", name="tiny.en")
    one = WhisperRecognizer(ShortWindowWhisper(str(tiny_model), device="cpu", compute_type="int8", num_workers=1))
    assert loaded.recognizer.workers == CPU_WORKERS > 1 == one.workers
    heard: list[float] = []
    together = decode_audio_file(loaded.recognizer, audio, progress=heard.append)
    alone = decode_audio_file(one, audio)
    assert [(e.id, e.start, e.end, e.text) for e in together] == [(e.id, e.start, e.end, e.text) for e in alone]
    assert wer(" ".join((FIRST, SECOND, THIRD)), " ".join(e.text for e in together)) <= 0.2
    assert heard == sorted(heard) and heard[-1] == len(audio) / SAMPLE_RATE


def test_a_reader_gives_the_samples_asked_for_in_order_and_lets_go_of_those_behind() -> None:
    from captioner.engine.offline.decode_whole import Reader

    audio = np.arange(1000, dtype=np.int16)
    reader = Reader(audio[at : at + 64] for at in range(0, 1000, 64))
    for start, end in [(0, 10), (5, 300), (250, 260), (260, 700), (690, 1000), (990, 1200)]:
        np.testing.assert_array_equal(reader.read(start, end), audio[start:end])
        assert sum(len(b) for b in reader._held) <= end - start + 64 + max(0, end - 1000)


def test_a_recording_is_decoded_whole_by_any_recognizer(monkeypatch) -> None:
    """tests/tones.py's recognizer (no model) through the same path: pieces, windows, captions on the recording's clock."""
    from captioner.engine.offline import speech_spans
    from tests.tones import FRAME, ToneRecognizer, say

    monkeypatch.setattr(speech_spans, "PIECE_S", 10.0)  # several pieces
    sentences = [["alpha", "bravo", "charlie"], ["hotel", "golf", "echo", "delta"], ["foxtrot", "alpha"], ["echo"]]
    audio, spans = say(sentences, gap_s=12.0)
    tones = ToneRecognizer()
    heard: list[float] = []
    events = decode_audio_file(tones, audio, vocabulary=" Quorvane ", progress=heard.append)
    assert [e.text for e in events] == [" ".join(s).capitalize() + "." for s in sentences]
    for event, (start, end) in zip(events, spans, strict=True):
        assert start - 2 * FRAME <= event.start and event.end <= end + 2 * FRAME
    assert [e.id for e in events] == [1, 2, 3, 4] and heard == sorted(heard) and heard[-1] == len(audio) / SAMPLE_RATE
    assert len(tones.requests) > 1 and all(r.clips and r.follow_on and r.beam_size == 5 and r.hotwords == "Quorvane"
                                           for r in tones.requests)


def test_chinese_captions_of_pieces_decoded_apart_keep_one_script():
    from captioner.engine.offline.decode_whole import in_one_script
    from captioner.events import CaptionEvent, Word

    def event(n: int, text: str) -> CaptionEvent:
        start = n * 60 * SAMPLE_RATE
        return CaptionEvent(n, start, start + SAMPLE_RATE, text, True, (Word(text[:2], start, start + 1), Word(text[2:], start + 1, start + 2)))

    events = [event(0, "好的好的"), event(1, "我們今天去"), event(2, "天气很好"), event(3, "天气很好")]
    chinese = [(0, 150 * SAMPLE_RATE)]  # the last caption is in a piece decoded as another language: left as it is
    kept = in_one_script(events, chinese)
    assert [e.text for e in kept] == ["好的好的", "我們今天去", "天氣很好", "天气很好"]
    assert [w.text for w in kept[2].words] == ["天氣", "很好"]
    assert [e.text for e in in_one_script(events, chinese, "simplified")][:3] == ["好的好的", "我们今天去", "天气很好"]


def test_a_recording_decoded_whole_writes_its_chinese_in_the_script_given(base_model, chinese_wav):
    """The pieces decoded as Chinese (their language detected) are written in the script a refine gives (the live
    captions'), whatever script the model chose."""
    from captioner.audio.sources import decode_file
    from captioner.engine.models.recognizers import load_recognizer
    from captioner.engine.offline.decode_whole import decode
    from captioner.subtitles.chinese import SIMPLIFIED, TRADITIONAL, in_script, script_of

    recognizer = load_recognizer(base_model, device="cpu", compute_type="int8", threads=None, name="base")
    audio = decode_file(str(chinese_wav))
    for script in (SIMPLIFIED, TRADITIONAL):
        events = decode(recognizer, live_segments(audio), len(audio), lambda start, end: audio[start:end], channel="",
                        vocabulary="", language=None, progress=None, cancel=None, script=script)
        text = "".join(e.text for e in events)
        assert script_of(text) == script and in_script(text, script) == text
        words = "".join(w.text for e in events for w in e.words)
        assert script_of(words) == script and in_script(words, script) == words  # the words the files are timed by too


def test_chinese_transcribed_keeps_its_characters(base_model, chinese_wav):
    """A Mandarin recording decoded whole, its language detected, holds the characters plain faster-whisper writes."""
    from captioner.audio.sources import decode_file
    from captioner.engine.models.recognizers import load_recognizer
    from captioner.engine.offline.decode_whole import transcribe_audio
    from tests.speech import cer, plain_whisper

    recognizer = load_recognizer(base_model, device="cpu", compute_type="int8", threads=None, name="base")
    said = "".join(e.text for e in transcribe_audio(recognizer, decode_file(str(chinese_wav)), language=None))
    assert cer(plain_whisper(base_model, chinese_wav), said) <= 0.15


def test_japanese_transcribed_keeps_its_characters(base_model, japanese_wav):
    """A Japanese recording decoded whole, its language detected, holds as many characters as plain faster-whisper writes (in kana or kanji, as the model chooses)."""
    from captioner.audio.sources import decode_file
    from captioner.engine.models.recognizers import load_recognizer
    from captioner.engine.offline.decode_whole import transcribe_audio
    from tests.speech import plain_whisper, unspaced_share

    recognizer = load_recognizer(base_model, device="cpu", compute_type="int8", threads=None, name="base")
    said = "".join(e.text for e in transcribe_audio(recognizer, decode_file(str(japanese_wav)), language=None))
    assert 0.8 <= unspaced_share(plain_whisper(base_model, japanese_wav), said) <= 1.25  # none dropped, none doubled
