"""A recording decoded whole, after the session or from any file: the offline transcript of one channel.

Live captions are each decoded from a few seconds of speech, within a second; offline, the recognizer
sees 30 s around every word. Each channel is decoded by itself by the recognizer the live captions used
(`captioner.engine.models.recognizer.Recognizer.decode`: beam 5, word timestamps, the speech the live engine's voice
detector hears, the user's vocabulary as hotwords); its
words keep their side and their place on the session clock (a recording starts at the session's
zero). Where the speech is and the windows it is decoded in: `speech_spans`; what is kept of the words
the recognizer writes: `cleanup`. A recognizer with several workers decodes that many pieces at once
(`side_by_side`).

Each transcript mishears other words; a decoding most of all near its windows' edges, where Whisper sees the least
around a word. Where the live captions of a channel are at hand (a session's refine), the channel is decoded a second
time in windows cut elsewhere (`SECOND_WINDOW_S`), and the words two of the three transcripts heard are kept
(`decode_voted`, `vote`).
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from typing import TypeVar

import numpy as np

from captioner.engine.filters import is_invented
from captioner.engine.models.hardware import large_buffers_returned
from captioner.engine.models.recognizer import FALLBACK_TEMPERATURES, DecodeRequest, Recognizer
from captioner.engine.offline.cleanup import (
    after_onsets,
    caption,
    dated_beside,
    in_silence,
    invented,
    longest_unheard,
    repeats_dropped,
    whole_sentences,
    within_speech,
    without_repeats,
    without_words_in,
    words_at,
)
from captioner.engine.offline.speakers_whole import speakers_if_installed
from captioner.engine.offline.speech_spans import CHUNK_PAD_S, WINDOW_S, as_float, decode_windows, live_segments, pieces
from captioner.engine.offline.vote import voted_captions
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.speaker_count import SpeakerCount, count_of
from captioner.subtitles.chinese import AUTO, CHINESE, SessionScript, script_of, text_and_words_in

__all__ = [
    "DECODING",
    "SECOND_WINDOW_S",
    "TELLING_SPEAKERS",
    "Cancelled",
    "Reader",
    "decode",
    "decode_audio_file",
    "decode_voted",
    "side_by_side",
    "transcribe_audio",
]

BEAM_SIZE = 5
UNHEARD_S = 2.0  # speech in which no word of its window's starts for longer than this may have been passed over in
# part: it is decoded alone too, and that decode's words stand in for the window's where it heard more of them
# (benchmarks/README.md, "Refined after the session")
SECOND_WINDOW_S = WINDOW_S / 2  # how much speech the second decoding's first window holds: half a window from the
# first decoding's cuts (benchmarks/README.md, "Refined after the session")

T = TypeVar("T")
R = TypeVar("R")


DECODING = "decoding"  # the phases of an offline job, as `phase` callbacks hear them: the audio decoded,
TELLING_SPEAKERS = "speakers"  # then its sentences given their speakers by voice (a pass of its own, with no share of the audio)


class Cancelled(CaptionerError):
    """The decoding was cancelled; nothing was written. `partial`: the captions of the audio decoded before the cancel,
    from its start to `partial_s` seconds in, where the work keeps them (`decode`: the pieces finished in order)."""

    def __init__(self, partial: Sequence[CaptionEvent] = (), partial_s: float = 0.0) -> None:
        super().__init__("cancelled")
        self.partial, self.partial_s = list(partial), partial_s


def decode_audio_file(recognizer: Recognizer, audio: np.ndarray, *, channel: str = "", vocabulary: str = "", language: str | None = "en",
                      progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None) -> list[CaptionEvent]:
    """One channel's 16 kHz mono audio decoded whole: a final caption per stretch the recognizer writes, on the channel
    `channel` (its id; "" for a recording of one input).

    `audio`: float32, or int16 as `decode_pcm16` gives; `language` None
    detects it (multilingual models; English-only ones always decode English); `progress(seconds)` hears how far into
    the audio the decoding is; Cancelled is raised once `cancel` is set. (`refine_session` decodes a session's
    recordings the same way without holding them.)
    """
    return decode(recognizer, live_segments(audio), len(audio), lambda start, end: audio[start:end], channel=channel,
                  vocabulary=vocabulary, language=language, progress=progress, cancel=cancel)


def decode_voted(recognizer: Recognizer, heard: list[tuple[int, int, int]], length: int, reader: Callable[[], Callable[[int, int], np.ndarray]],
                 *, channel: str, vocabulary: str, language: str | None, progress: Callable[[float], None] | None,
                 cancel: threading.Event | None, said: Sequence[Word] = ()) -> list[CaptionEvent]:
    """`decode`, put to the vote with the live captions' words of the same audio (`said`, on its clock): the audio is
    decoded twice, the second time in windows cut elsewhere (`SECOND_WINDOW_S`), and the words two of the three
    transcripts heard are kept (`vote.voted_captions`: the first decoding's captions, their words put to the vote).
    Without `said`, decoded once (`decode`). `reader()` gives a fresh `read` for each decoding (each reads the audio
    from its start); `progress` hears how far into the audio the work is, the decodings taken together.

    Without live captions there is no third transcript and no vote: a third decoding does not stand in for them
    (benchmarks/README.md, "Refined after the session")."""
    phases = (WINDOW_S, SECOND_WINDOW_S) if said else (WINDOW_S,)
    decodings: list[list[CaptionEvent]] = []
    script = script_of("".join(w.text for w in said))  # Chinese in the live captions' script, so that the vote compares
    for n, first_window_s in enumerate(phases):
        report = None if progress is None else (lambda s, n=n: progress((n * length / SAMPLE_RATE + s) / len(phases)))
        decodings.append(decode(recognizer, heard, length, reader(), channel=channel, vocabulary=vocabulary, language=language,
                                progress=report, cancel=cancel, first_window_s=first_window_s,
                                script=script or script_of("".join(e.text for d in decodings for e in d))))
    if not said:
        return decodings[0]
    voted = voted_captions(decodings[0], [[w for e in decodings[1] for w in e.words], list(said)], channel)
    return [replace(e, id=n) for n, e in enumerate(whole_sentences(voted), 1)]


def transcribe_audio(recognizer: Recognizer, audio: np.ndarray, *, vocabulary: str = "", language: str | None = "en",
                     speakers: bool | SpeakerCount = False, progress: Callable[[float], None] | None = None,
                     cancel: threading.Event | None = None, warn: Callable[[str], None] | None = None,
                     phase: Callable[[str], None] | None = None) -> list[CaptionEvent]:
    """A recording's transcript, as `captioner transcribe` and the app's "Transcribe a recording" make it: decoded whole
    (`decode_audio_file`), then, with `speakers`, each sentence with its speaker told apart by voice (a SpeakerCount:
    as many people as it says; `phase` hears TELLING_SPEAKERS as that begins); when that cannot be done the transcript
    is kept unlabelled and `warn` hears why. Cancelled while speakers are told apart: the whole transcript, unlabelled,
    is its `partial`."""
    events = decode_audio_file(recognizer, audio, vocabulary=vocabulary, language=language, progress=progress, cancel=cancel)
    if speakers and events:
        if phase is not None:
            phase(TELLING_SPEAKERS)
        labelled = speakers_if_installed(events, audio, count=count_of(speakers), warn=warn)
        if cancel is not None and cancel.is_set():
            raise Cancelled(events, len(audio) / SAMPLE_RATE)
        events = labelled
    return events


def decode(recognizer: Recognizer, heard: list[tuple[int, int, int]], length: int, read: Callable[[int, int], np.ndarray], *, channel: str,
           vocabulary: str, language: str | None, progress: Callable[[float], None] | None,
           cancel: threading.Event | None, first_window_s: float = WINDOW_S, script: str = "") -> list[CaptionEvent]:
    """The live segments `heard` of audio `length` samples long decoded; `read(start, end)` gives the audio's samples,
    asked for in order (each start at or after the one before).

    Chinese is written in one script throughout (`script`; "": the one its first Chinese caption that tells is in): the
    pieces are decoded apart, and each may choose its own (`in_one_script`).

    The speech is decoded in the windows `decode_windows` cuts (`DecodeRequest.clips`; `first_window_s`: how much
    speech the first one may hold, the rest cut from there), handed to the recognizer a
    piece of at most `PIECE_S` seconds at a time, so memory stays bounded however long the recording is. A
    recognizer with several workers (faster-whisper on a CPU: `whisper.CPU_WORKERS`) decodes that many pieces at
    once, each exactly as it would be alone; only the pieces being decoded are read.
    """
    hotwords = vocabulary.strip() or None
    onsets = [onset for _start, onset, _end in heard]
    spans = ([start for start, _onset, _end in heard], [end for _start, _onset, end in heard])
    windows = decode_windows(heard, length, first_window_s)
    workers = recognizer.workers
    length_s = length / SAMPLE_RATE
    pad = round(CHUNK_PAD_S * SAMPLE_RATE)
    first_undone = [0]  # progress is told from the earliest piece not yet decoded
    finished: dict[int, tuple[list[CaptionEvent], int]] = {}  # each piece decoded: its captions, and where it ends
    under_way: dict[int, list[CaptionEvent]] = {}  # each piece begun: the captions of its first windows, as they come
    chinese: list[tuple[int, int]] = []  # the pieces decoded as Chinese: where each starts and ends

    def decode(item: tuple[int, list[tuple[int, int]], int, np.ndarray]) -> list[CaptionEvent]:
        n, piece, at, audio = item  # the piece's number and windows, and its audio from `at` on (CHUNK_PAD_S either side)
        events = _decode_piece(item)
        finished[n] = (events, piece[-1][1])
        return events

    def _decode_piece(item: tuple[int, list[tuple[int, int]], int, np.ndarray]) -> list[CaptionEvent]:
        n, piece, at, audio = item
        offset = piece[0][0]
        clips = [round((x - offset) / SAMPLE_RATE, 3) for window in piece for x in window]
        request = DecodeRequest(language=language, beam_size=BEAM_SIZE, hotwords=hotwords, clips=tuple(clips), follow_on=True,
                                temperatures=FALLBACK_TEMPERATURES)
        segments = recognizer.decode(as_float(audio[offset - at:piece[-1][1] - at]), request)
        events = under_way[n] = []
        dated: dict[tuple[int, str], list] = {}  # each caption's words as the recognizer dated them
        for segment in segments:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            words = words_at(segment, offset)
            if (language or segment.language) in CHINESE and (offset, piece[-1][1]) not in chinese:
                chinese.append((offset, piece[-1][1]))
            if invented(segment, audio, offset - at) or in_silence(words, *spans):
                continue
            event = caption(within_speech(after_onsets(words, onsets), *spans), channel)
            if event is not None:
                events.append(event)
                dated[event.start, event.text] = words
            if progress is not None and n == first_undone[0]:
                progress(min(segment.end + offset / SAMPLE_RATE, length_s))
        events = [e for w in piece for e in without_repeats([e for e in events if w[0] <= e.start < w[1]])]
        for k, (start, onset, end) in enumerate(heard):  # speech the window's decoding passed over, wholly or in part:
            if not piece[0][0] <= start < piece[-1][1]:  # decoded alone, as the live engine does, in place of the window's
                continue  # words for it dated beside it (`dated_beside`) or on it
            if cancel is not None and cancel.is_set():
                raise Cancelled
            on_it = [word for e in events for word in e.words if word.start < end and word.end > onset]
            if on_it and longest_unheard(on_it, onset, end) <= UNHEARD_S * SAMPLE_RATE:
                continue
            alone = _decode_alone(recognizer, audio, at, start, end, onsets, spans, language=language, hotwords=hotwords,
                                  channel=channel)
            if not on_it:
                events = [e for e in events if not dated_beside(dated.get((e.start, e.text), ()), k, *spans)] + alone
            elif sum(len(e.words) for e in alone) > len(on_it):  # passed over in part: decoded alone, it heard more
                events = without_words_in(events, start, end) + alone
        return events

    def items():
        for n, piece in enumerate(pieces(windows)):
            at = max(0, piece[0][0] - pad)
            yield n, piece, at, read(at, min(length, piece[-1][1] + pad))

    def piece_done(item) -> None:
        first_undone[0] = item[0] + 1
        if progress is not None:
            progress(min(item[1][-1][1] / SAMPLE_RATE, length_s))

    try:
        with large_buffers_returned():
            events = _in_order([e for part in side_by_side(decode, items(), workers, piece_done) for e in part])
    except Cancelled:
        kept, end, n = [], 0, 0
        while n in finished:  # the pieces finished one after another from the start: nothing missing between them
            kept += finished[n][0]
            end, n = finished[n][1], n + 1
        kept += under_way.get(n, [])  # and what the next one had written, from its start
        end = max([end, *(e.end for e in kept)])
        raise Cancelled(_in_order(kept), end / SAMPLE_RATE) from None
    if cancel is not None and cancel.is_set():
        raise Cancelled(events, length_s)
    if progress is not None:
        progress(length_s)  # the rest was silence
    return in_one_script(events, chinese, script) if getattr(recognizer, "chinese_script", AUTO) == AUTO else events


def in_one_script(events: list[CaptionEvent], chinese: Sequence[tuple[int, int]], script: str = "") -> list[CaptionEvent]:
    """`events` in order, those within the spans `chinese` (start, end) written in `script` ("": the one the first of
    them that tells is written in, as a live session keeps it: `subtitles.chinese.SessionScript`)."""
    session, out = SessionScript(script or AUTO), []
    for event in events:
        if any(start <= event.start < end for start, end in chinese):
            text, words = text_and_words_in(event.text, event.words, session.wanted)
            session.saw(text)
            event = replace(event, text=text, words=words)
        out.append(event)
    return out


def _in_order(events: list[CaptionEvent]) -> list[CaptionEvent]:
    """Decoded captions in time order, a sentence cut across two put back together, repeats dropped, numbered from 1."""
    events = whole_sentences(repeats_dropped(sorted(events, key=lambda e: e.start)))
    return [replace(e, id=n) for n, e in enumerate(events, 1)]


class Reader:
    """Samples from a run of blocks, read in order: `read(start, end)` with each start at or after the one before; only
    the samples from the last start on are held."""

    def __init__(self, blocks: Iterable[np.ndarray]) -> None:
        self._blocks = iter(blocks)
        self._held: list[np.ndarray] = []
        self._at = 0  # the sample the first held block starts at

    def read(self, start: int, end: int) -> np.ndarray:
        while self._held and self._at + len(self._held[0]) <= start:  # blocks wholly before `start`: never read again
            self._at += len(self._held.pop(0))
        if self._held and self._at < start:  # a copy, so the samples before `start` are let go
            self._held[0], self._at = self._held[0][start - self._at:].copy(), start
        held = sum(len(b) for b in self._held)
        while self._at + held < end:
            block = next(self._blocks, None)
            if block is None:
                break
            self._held.append(block)
            held += len(block)
        if len(self._held) > 1:
            self._held = [np.concatenate(self._held)]
        if not self._held:
            return np.zeros(0, np.int16)
        return self._held[0][max(0, start - self._at):end - self._at]


def side_by_side(work: Callable[[T], R], items: Iterable[T], workers: int, done: Callable[[T], None] | None = None) -> list[R]:
    """`work(item)` for each item, in order; up to `workers` at once on threads of their own (a model's workers each
    decode one piece; their C++ code lets go of the GIL). Items are taken from `items` only as they are needed: at
    most one more than `workers` is held at a time. `done(item)` hears each item finished, in order. The first
    exception is raised once the items already begun are over; those not begun are never taken."""
    out: list[R] = []
    if workers <= 1:
        for item in items:
            out.append(work(item))
            if done is not None:
                done(item)
        return out
    from concurrent.futures import ThreadPoolExecutor

    running: collections.deque = collections.deque()
    with ThreadPoolExecutor(workers, thread_name_prefix="captioner-decode") as pool:
        try:
            for item in items:
                if len(running) == workers:
                    _finish(running.popleft(), out, done)
                running.append((item, pool.submit(work, item)))
            while running:
                _finish(running.popleft(), out, done)
        finally:
            for _item, future in running:
                future.cancel()
    return out


def _finish(job, out: list, done) -> None:
    item, future = job
    out.append(future.result())
    if done is not None:
        done(item)


def _decode_alone(recognizer: Recognizer, audio: np.ndarray, at: int, start: int, end: int, onsets: Sequence[int],
                  spans: tuple[Sequence[int], Sequence[int]], *, language: str | None, hotwords: str | None,
                  channel: str) -> list[CaptionEvent]:
    """One live segment decoded by itself (with `CHUNK_PAD_S` around it): Whisper sometimes passes over a quiet
    sentence between louder ones in a window, and a refined transcript must not lose what the live one would have.
    What the live engine's filters judge not to be speech (Whisper's no-speech rule, loops, fillers in noise) is
    left out. `audio` begins `at` samples into the recording; `onsets` and `spans` (starts, ends): the live segments'."""
    pad = round(CHUNK_PAD_S * SAMPLE_RATE)
    offset = max(0, start - pad)
    clip = as_float(audio[offset - at:end + pad - at])
    rms = float(np.sqrt(np.mean(clip * clip))) if len(clip) else 0.0
    request = DecodeRequest(language=language, beam_size=BEAM_SIZE, hotwords=hotwords, temperatures=FALLBACK_TEMPERATURES)
    heard = (caption(within_speech(after_onsets(words_at(segment, offset), onsets), *spans), channel)
             for segment in recognizer.decode(clip, request) if not is_invented(segment.score, rms))
    return [event for event in heard if event is not None]
