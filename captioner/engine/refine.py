"""The offline transcript: recorded audio decoded whole, after the session or from any file.

Live captions are each decoded from a few seconds of speech, within a second; offline, faster-whisper
sees 30 s around every word. Each channel is decoded by itself with `WhisperModel.transcribe`
(beam 5, word timestamps, the speech the live engine's voice detector hears, the user's vocabulary as hotwords); its
words keep their side and their place on the session clock (a recording starts at the session's
zero). A meeting's channels are cut into sentences and merged in spoken order; a microphone sentence
that repeats what the speakers just played is dropped as an echo, as the live session drops it.

A refined session's files are written complete beside the live ones first (`<stem>.refined.srt`, …);
only then is each live file kept as `<stem>.live.srt` / `.live.txt` and the refined one moved over the
session's name, in one step (the session's file never goes missing). A refine killed at any point loses nothing: run again, it starts over and finishes,
and a live file already set aside is never written over.
"""

from __future__ import annotations

import bisect
import collections
import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import numpy as np

from captioner import files
from captioner.audio.recorder import AUDIO_SUFFIX, Track, find_tracks
from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM
from captioner.engine.echo import EchoRule, strip_echo
from captioner.engine.features import bounded_features
from captioner.engine.filters import SegmentScore, collapse_repeats, drop_repeated_runs, ends_sentence, is_invented
from captioner.engine.hardware import large_buffers_returned
from captioner.engine.segmenter import SegmentClosed, SegmenterConfig, SegmentOpened, VadSegmenter
from captioner.engine.transcriber import FULL_WINDOW_FRAMES, ShortWindowWhisper, join_words, segment_words
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.files import sync_folder
from captioner.speaker_count import ANY_COUNT, SpeakerCount, count_of
from captioner.subtitles.errors import SubtitleFileError
from captioner.subtitles.files import write_atomic
from captioner.subtitles.formats import FORMATS, live_formats

__all__ = [
    "LONG_SILENCE_S",
    "WINDOW_S",
    "Cancelled",
    "NothingToRefine",
    "Session",
    "after_onsets",
    "as_float",
    "between_turns",
    "decode_audio_file",
    "decode_windows",
    "find_session",
    "in_silence",
    "live_segments",
    "live_segments_of",
    "merge_channels",
    "pieces",
    "refine_session",
    "repeats_dropped",
    "save_refined",
    "save_transcript",
    "sentences",
    "side_by_side",
    "speakers_if_installed",
    "tell_speakers",
    "transcribe_audio",
    "transcript_texts",
    "whole_sentences",
    "within_speech",
    "without_repeats",
]

log = logging.getLogger(__name__)

BEAM_SIZE = 5
CHUNK_PAD_S = 0.4  # silence kept around each stretch of speech decoded (faster-whisper's own VAD pads as much)
LONG_SILENCE_S = 2.0  # only silences longer than this are cut out; shorter pauses stay, as spoken
WINDOW_S = 30.0  # Whisper's window
PIECE_S = 120.0  # the most audio handed to faster-whisper at once: an hour's features at once would take gigabytes
FEED_BLOCK = 30 * SAMPLE_RATE  # audio handed to the voice detector at a time
LIVE, REFINED = ".live", ".refined"
TRANSCRIPT_SUFFIXES = tuple(fmt.suffix for fmt in FORMATS)

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[float, float], None]  # (audio seconds decoded, audio seconds in all)


class Cancelled(CaptionerError):
    """The refine was cancelled; nothing was written."""


class NothingToRefine(CaptionerError):
    """The session has no recorded audio (or no such session); str() says so in words."""


def decode_audio_file(model, audio: np.ndarray, *, channel: str = "", vocabulary: str = "", language: str | None = "en",
                      progress: Callable[[float], None] | None = None, cancel: threading.Event | None = None) -> list[CaptionEvent]:
    """One channel's 16 kHz mono audio decoded whole: a final caption per faster-whisper segment, on the channel `channel`
    (its id; "" for a recording of one input).

    `audio`: float32, or int16 as `decode_pcm16` gives; `model`: a faster-whisper WhisperModel; `language` None
    detects it (multilingual models; English-only ones always decode English); `progress(seconds)` hears how far into
    the audio the decoding is; Cancelled is raised once `cancel` is set. (`refine_session` decodes a session's
    recordings the same way without holding them.)
    """
    return _decode(model, live_segments(audio), len(audio), lambda start, end: audio[start:end], channel=channel,
                   vocabulary=vocabulary, language=language, progress=progress, cancel=cancel)


def transcribe_audio(model, audio: np.ndarray, *, vocabulary: str = "", language: str | None = "en",
                     speakers: bool | SpeakerCount = False, progress: Callable[[float], None] | None = None,
                     cancel: threading.Event | None = None, warn: Callable[[str], None] | None = None) -> list[CaptionEvent]:
    """A recording's transcript, as `captioner transcribe` and the app's "Transcribe a recording" make it: decoded whole
    (`decode_audio_file`), then, with `speakers`, each sentence with its speaker told apart by voice (a SpeakerCount:
    as many people as it says); when that cannot be done the transcript is kept unlabelled and `warn` hears why."""
    events = decode_audio_file(model, audio, vocabulary=vocabulary, language=language, progress=progress, cancel=cancel)
    if speakers:
        events = speakers_if_installed(events, audio, count=count_of(speakers), warn=warn)
    return events


def _decode(model, heard: list[tuple[int, int, int]], length: int, read: Callable[[int, int], np.ndarray], *, channel: str,
            vocabulary: str, language: str | None, progress: Callable[[float], None] | None,
            cancel: threading.Event | None) -> list[CaptionEvent]:
    """The live segments `heard` of audio `length` samples long decoded; `read(start, end)` gives the audio's samples,
    asked for in order (each start at or after the one before).

    The speech is decoded in the windows `decode_windows` cuts (faster-whisper's clip timestamps), handed to
    faster-whisper a piece of at most `PIECE_S` seconds at a time, so memory stays bounded however long the
    recording is; the model computes a piece's features a block at a time (`features.bounded_features`). A model
    loaded with several workers (a CPU: `transcriber.CPU_WORKERS`) decodes that many pieces at once, each exactly as
    it would be alone; only the pieces being decoded are read.
    """
    if isinstance(model, ShortWindowWhisper):
        model.window_frames = FULL_WINDOW_FRAMES
    bounded_features(model)
    if not model.model.is_multilingual:
        language = "en"
    onsets = [onset for _start, onset, _end in heard]
    spans = ([start for start, _onset, _end in heard], [end for _start, _onset, end in heard])
    windows = decode_windows(heard, length)
    workers = getattr(model.model, "num_workers", 1)
    length_s = length / SAMPLE_RATE
    pad = round(CHUNK_PAD_S * SAMPLE_RATE)
    first_undone = [0]  # progress is told from the earliest piece not yet decoded

    def decode(item: tuple[int, list[tuple[int, int]], int, np.ndarray]) -> list[CaptionEvent]:
        n, piece, at, audio = item  # the piece's number and windows, and its audio from `at` on (CHUNK_PAD_S either side)
        offset = piece[0][0]
        clips = [round((x - offset) / SAMPLE_RATE, 3) for window in piece for x in window]
        segments, _info = model.transcribe(as_float(audio[offset - at:piece[-1][1] - at]), language=language, beam_size=BEAM_SIZE,
                                           word_timestamps=True, clip_timestamps=clips, hotwords=vocabulary.strip() or None)
        events = []
        for segment in segments:
            if cancel is not None and cancel.is_set():
                raise Cancelled
            words = _words_at(segment, offset)
            if _invented(segment, audio, offset - at) or in_silence(words, *spans):
                continue
            event = _caption(within_speech(after_onsets(words, onsets), *spans), channel)
            if event is not None:
                events.append(event)
            if progress is not None and n == first_undone[0]:
                progress(min(segment.end + offset / SAMPLE_RATE, length_s))
        events = [e for w in piece for e in without_repeats([e for e in events if w[0] <= e.start < w[1]])]
        for start, onset, end in heard:  # speech the window's decoding passed over: decoded alone, as the live engine does
            if not piece[0][0] <= start < piece[-1][1]:
                continue
            if cancel is not None and cancel.is_set():
                raise Cancelled
            if not any(word.start < end and word.end > onset for e in events for word in e.words):
                events += _decode_alone(model, audio, at, start, end, onsets, spans, language=language, vocabulary=vocabulary,
                                        channel=channel)
        return events

    def items():
        for n, piece in enumerate(pieces(windows)):
            at = max(0, piece[0][0] - pad)
            yield n, piece, at, read(at, min(length, piece[-1][1] + pad))

    def piece_done(item) -> None:
        first_undone[0] = item[0] + 1
        if progress is not None:
            progress(min(item[1][-1][1] / SAMPLE_RATE, length_s))

    with large_buffers_returned():
        events = [e for part in side_by_side(decode, items(), workers, piece_done) for e in part]
    events.sort(key=lambda e: e.start)
    events = whole_sentences(repeats_dropped(events))
    events = [replace(e, id=n) for n, e in enumerate(events, 1)]
    if cancel is not None and cancel.is_set():
        raise Cancelled
    if progress is not None:
        progress(length_s)  # the rest was silence
    return events


class _Reader:
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


def _invented(segment, audio: np.ndarray, at: int) -> bool:
    """Whether a window's output segment is most likely not speech that was there, by the live engine's rules (a loop,
    Whisper's no-speech rule, a filler such as "Thank you." or "Okay." over quiet or unsure audio); `audio` holds the
    segment's samples from `at` on (the segment's times are from `at`)."""
    clip = as_float(audio[max(0, at + round(segment.start * SAMPLE_RATE)):max(0, at + round(segment.end * SAMPLE_RATE))])
    rms = float(np.sqrt(np.mean(clip * clip))) if len(clip) else 0.0
    return is_invented(SegmentScore(segment.text, segment.no_speech_prob, segment.avg_logprob, segment.compression_ratio), rms)


JOIN_GAP_S = 1.0  # a caption that ends mid-sentence and one that goes on with it, this close, are one sentence


def whole_sentences(events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """Captions in time order with a sentence Whisper cut across two of its segments put back together: a caption whose
    last word ends no sentence, followed within `JOIN_GAP_S` on its channel (and speaker) by one that begins in lower
    case ("…ask what" / "you can do for your country." is one caption). Renumbered from 1 when any were joined."""
    out: list[CaptionEvent] = []
    for event in events:
        before = next((e for e in reversed(out) if e.channel == event.channel), None)
        first = event.words[0].text.strip() if event.words else ""
        if (before is not None and before is out[-1] and before.speaker == event.speaker and before.words
                and not ends_sentence(before.words[-1].text) and first[:1].islower()
                and event.start - before.end <= JOIN_GAP_S * SAMPLE_RATE):
            words = before.words + event.words
            text = join_words(words)
            out[-1] = replace(before, end=max(before.end, event.end), text=text, words=words, stable=len(text))
            continue
        out.append(event)
    if len(out) == len(events):
        return list(events)
    return [replace(e, id=n) for n, e in enumerate(out, 1)]


def repeats_dropped(events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """Captions in time order without a run of words that repeats the run just before it (`collapse_repeats`, the live
    engine's rule) across captions said within `LONG_SILENCE_S` of each other: the same sentence written for noise
    after noise, each decoded by itself ("All right, that's it." four times in three seconds), is written once. Speech
    further apart is never compared: a sentence said again later stays."""
    groups: list[list[CaptionEvent]] = []
    for event in events:
        if groups and event.start - groups[-1][-1].end <= LONG_SILENCE_S * SAMPLE_RATE:
            groups[-1].append(event)
        else:
            groups.append([event])
    out: list[CaptionEvent] = []
    for group in groups:
        words = [(n, word) for n, e in enumerate(group) for word in e.words]
        kept = collapse_repeats(words, key=lambda item: item[1].text)
        if len(kept) == len(words):
            out.extend(group)
            continue
        out.extend(e for n, old in enumerate(group)
                   if (e := _caption([word for k, word in kept if k == n], old.channel)) is not None)
    return out


def without_repeats(events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """One window's captions without the runs of words that repeat an earlier run of theirs word for word (the live
    engine's rule for a decoder repeating itself: a window's tail decoded again after its last sentence writes that
    sentence twice), nor a run that repeats the run just before it (the live engine's `collapse_repeats`: "Okay. Okay.
    Okay." over noise is one "Okay."); a caption left without words goes."""
    words = [(n, word) for n, e in enumerate(events) for word in e.words]
    kept = collapse_repeats(drop_repeated_runs(words, key=lambda item: item[1].text), key=lambda item: item[1].text)
    if len(kept) == len(words):
        return list(events)
    out = []
    for n, e in enumerate(events):
        event = _caption([word for k, word in kept if k == n], e.channel)
        if event is not None:
            out.append(event)
    return out


def _decode_alone(model, audio: np.ndarray, at: int, start: int, end: int, onsets: Sequence[int],
                  spans: tuple[Sequence[int], Sequence[int]], *, language: str | None, vocabulary: str, channel: str) -> list[CaptionEvent]:
    """One live segment decoded by itself (with `CHUNK_PAD_S` around it): Whisper sometimes passes over a quiet
    sentence between louder ones in a window, and a refined transcript must not lose what the live one would have.
    What the live engine's filters judge not to be speech (Whisper's no-speech rule, loops, fillers in noise) is
    left out. `audio` begins `at` samples into the recording; `onsets` and `spans` (starts, ends): the live segments'."""
    pad = round(CHUNK_PAD_S * SAMPLE_RATE)
    offset = max(0, start - pad)
    clip = as_float(audio[offset - at:end + pad - at])
    rms = float(np.sqrt(np.mean(clip * clip))) if len(clip) else 0.0
    segments, _info = model.transcribe(clip, language=language, beam_size=BEAM_SIZE, word_timestamps=True,
                                       condition_on_previous_text=False, hotwords=vocabulary.strip() or None)
    heard = (_caption(within_speech(after_onsets(_words_at(segment, offset), onsets), *spans), channel) for segment in segments
             if not is_invented(SegmentScore(segment.text, segment.no_speech_prob, segment.avg_logprob, segment.compression_ratio), rms))
    return [event for event in heard if event is not None]


def _words_at(segment, offset: int) -> list[Word]:
    """A faster-whisper segment's words on the recording's clock: decoded from audio that began `offset` samples in."""
    return [replace(w, start=w.start + offset, end=w.end + offset) for w in segment_words(segment)]


def _caption(words: Sequence[Word], channel: str) -> CaptionEvent | None:
    """A final caption of `words` on the channel `channel` (numbered once the channel's captions are in order), or None
    if they hold no text."""
    text = join_words(words)
    if not text:
        return None
    return CaptionEvent(0, words[0].start, max(words[-1].end, words[0].start + 1), text, final=True, words=tuple(words),
                        stable=len(text), channel=channel)


def as_float(audio: np.ndarray) -> np.ndarray:
    """Samples as float32 in [-1, 1): int16 scaled, float32 as it is."""
    return audio.astype(np.float32) / 32768.0 if audio.dtype == np.int16 else np.asarray(audio, np.float32)


def live_segments(audio: np.ndarray, config: SegmenterConfig = SegmenterConfig()) -> list[tuple[int, int, int]]:
    """The segments the live engine's segmenter cuts `audio` (float32 or int16) into: (start, first voiced sample, end)
    in samples. Fed a block at a time, as the live engine is: memory stays that of the audio."""
    return live_segments_of((audio[at:at + FEED_BLOCK] for at in range(0, len(audio), FEED_BLOCK)), config)[0]


def live_segments_of(blocks: Iterable[np.ndarray], config: SegmenterConfig = SegmenterConfig()) -> tuple[list[tuple[int, int, int]], int]:
    """`live_segments` of the audio that `blocks` (of any sizes) make up, and its length in samples."""
    segmenter = VadSegmenter(config)
    onsets: dict[int, int] = {}
    segments = []
    events = []
    length = 0
    for block in blocks:
        length += len(block)
        events += segmenter.feed(as_float(block))
    for event in [*events, *segmenter.flush()]:
        if isinstance(event, SegmentOpened):
            onsets[event.id] = event.speech_start
        elif isinstance(event, SegmentClosed):
            segments.append((event.start, onsets.get(event.id, event.start), event.end))
    return segments, length


def decode_windows(segments: Sequence[tuple[int, int, int]], length: int) -> list[tuple[int, int]]:
    """The windows the refine decodes, (start, end) in samples, from the live segments (start, onset, end) of audio
    `length` samples long: consecutive segments grouped while they fit in one Whisper window (`WINDOW_S`, less the
    padding); a pause between two windows of up to `LONG_SILENCE_S` is cut in its middle (nothing is dropped), a
    longer silence is left out but for `CHUNK_PAD_S` on either side. The same at the recording's two ends: a silence
    of up to `LONG_SILENCE_S` before the first word or after the last is decoded with it, as spoken, so a short
    recording is decoded as whole as offline decoding decodes it.

    Each window is decoded on its own, from its start: Whisper sees up to 30 s around every word, as it was
    trained, and a window never starts inside a word; faster-whisper's long-form seeking over the whole recording
    instead restarted windows mid-phrase and skipped whole sentences (measured: a third of one recording's words).
    The segments are the live engine's own, not faster-whisper's Silero VAD, because that one misses whole passages
    of quiet, whispered and telephone speech that the live captions have (measured: half of an 8 kHz telephone
    recording), and a refined transcript must never lose what the live one had.
    """
    pad, long_silence = round(CHUNK_PAD_S * SAMPLE_RATE), round(LONG_SILENCE_S * SAMPLE_RATE)
    groups: list[list[int]] = []
    for start, _onset, end in segments:
        if groups and end - groups[-1][0] <= WINDOW_S * SAMPLE_RATE - 2 * pad:
            groups[-1][1] = end
        else:
            groups.append([start, end])
    windows = []
    for n, (start, end) in enumerate(groups):
        before = groups[n - 1][1] if n else None
        after = groups[n + 1][0] if n + 1 < len(groups) else None
        if before is None:  # the recording's start: like a pause between windows, a short silence stays as it is
            start = 0 if start <= long_silence else start - pad
        else:
            start = (before + start) // 2 if start - before <= long_silence else start - pad
        if after is None:
            end = length if length - end <= long_silence else end + pad
        else:
            end = (end + after) // 2 if after - end <= long_silence else end + pad
        windows.append((start, end))
    return windows


def pieces(windows: Sequence[tuple[int, int]], piece_s: float | None = None) -> list[list[tuple[int, int]]]:
    """Windows grouped in order into pieces spanning at most `piece_s` (default `PIECE_S`) seconds each."""
    piece_s = PIECE_S if piece_s is None else piece_s
    out: list[list[tuple[int, int]]] = []
    for window in windows:
        if not out or window[1] - out[-1][0][0] > piece_s * SAMPLE_RATE:
            out.append([])
        out[-1].append(window)
    return out


def after_onsets(words: Sequence[Word], onsets: Sequence[int]) -> list[Word]:
    """Words that start no earlier than the voice they belong to: Whisper dates the first word after a silence from the
    start of the audio it was given, which holds the silence before the voice. `onsets`: the first voiced sample of
    each live segment, in order; a word that starts in the silence before an onset and ends after it starts at that
    onset (its end kept)."""
    out = []
    for word in words:
        k = bisect.bisect_right(onsets, word.start)
        onset = onsets[k] if k < len(onsets) else None
        if onset is not None and word.start < onset < word.end:
            word = replace(word, start=onset)
        out.append(word)
    return out


def in_silence(words: Sequence[Word], starts: Sequence[int], ends: Sequence[int]) -> bool:
    """Whether every one of `words` (an output segment's) lies wholly outside the speech the voice detector heard
    (`starts`, `ends`: the live segments', in order): text Whisper wrote where neither the live engine nor the detector
    heard anyone ("Okay." after "Okay." over radio hiss), which `within_speech` would otherwise squeeze onto the
    speech's edges as cues of a few milliseconds. None is written."""
    for word in words:
        k = bisect.bisect_right(starts, word.end - 1) - 1  # the last segment that starts before the word ends
        if k >= 0 and ends[k] > word.start:
            return False
    return bool(words)


def within_speech(words: Sequence[Word], starts: Sequence[int], ends: Sequence[int]) -> list[Word]:
    """Words dated within the speech they belong to, not in the silence after it: Whisper stretches the last word
    before a silence over it (a word of several seconds, a cue that stays on through the other side's turn), and dates
    a word after that stretch inside the silence. `starts`, `ends`: the live segments', in order. A word that starts
    within a segment and ends in the silence after it ends at the segment's end (its start kept); a word wholly inside
    a silence goes with the word before it (`words` are one caption's, in order) when that one is the speech's before
    the silence, else with the nearer of the silence's two edges (a word of one sample there); a segment cut where
    speech went on (the next one starts where it ends) has no silence after it. The first word after a silence that
    starts early is `after_onsets`' business."""
    out: list[Word] = []
    for word in words:
        k = bisect.bisect_right(starts, word.start) - 1
        nxt = starts[k + 1] if 0 <= k < len(starts) - 1 else None
        if k < 0 or (nxt is not None and ends[k] >= nxt):
            pass  # before all speech, or no silence after this segment
        elif word.start < ends[k] < word.end:
            word = replace(word, end=ends[k])
        elif ends[k] <= word.start and (nxt is None or word.end <= nxt):
            spoken = bool(out) and starts[k] <= out[-1].start < ends[k]  # the caption's word before it was this speech's
            at = ends[k] if spoken or nxt is None or word.start - ends[k] <= nxt - word.end else nxt
            word = replace(word, start=at - 1, end=at) if at == ends[k] else replace(word, start=at, end=at + 1)
        out.append(word)
    return out


def sentences(event: CaptionEvent) -> list[CaptionEvent]:
    """A caption cut after each word that ends a sentence."""
    parts: list[list[Word]] = [[]]
    for word in event.words:
        parts[-1].append(word)
        if ends_sentence(word.text):
            parts.append([])
    return _cut(event, parts)


def _cut(event: CaptionEvent, parts: list[list[Word]]) -> list[CaptionEvent]:
    """`event` as one caption per non-empty run of its words in `parts` (the event itself when there is one run)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return [event]
    return [replace(event, start=p[0].start, end=max(p[-1].end, p[0].start + 1), text=join_words(p), words=tuple(p), stable=len(join_words(p)))
            for p in parts]


def between_turns(captions: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """Several channels' captions, each cut where another channel spoke in a pause between two of its words (a word of
    that channel lies wholly within the pause), so that sorted by start they interleave as spoken also where no sentence
    ends at the turn: a model that writes no punctuation, a window whose text ran on across the other side's turn."""
    words = sorted((w.start, w.end, e.channel) for e in captions for w in e.words)
    starts = [start for start, _end, _channel in words]
    out: list[CaptionEvent] = []
    for event in captions:
        parts: list[list[Word]] = [[]]
        for word, after in zip(event.words, event.words[1:]):
            parts[-1].append(word)
            within = range(bisect.bisect_left(starts, word.end), bisect.bisect_right(starts, after.start))
            if any(words[k][2] != event.channel and words[k][1] <= after.start for k in within):
                parts.append([])
        parts[-1].extend(event.words[-1:])
        out.extend(_cut(event, parts))
    return out


def tell_speakers(events: Sequence[CaptionEvent], audio: np.ndarray, *, live: Sequence[CaptionEvent] = (),
                  count: SpeakerCount = ANY_COUNT) -> list[CaptionEvent]:
    """A recording's captions (one channel, on the clock of `audio`) cut into sentences, each with its speaker told apart
    by voice with the whole recording in hand (`speakers_offline`; ids as in `live`, the finals shown live, where the
    voices match; `count`: how many people speak, when the user said). Raises VoiceEncoderMissing when the voice encoder's weights are not installed."""
    from captioner.engine.speakers import speakers_offline
    from captioner.voices import load_encoder

    return speakers_offline([s for e in events for s in sentences(e)], lambda a, b: as_float(audio[a:b]), load_encoder(), live=live,
                            count=count)


def speakers_if_installed(events: list[CaptionEvent], audio: np.ndarray, *, live: Sequence[CaptionEvent] = (),
                          count: SpeakerCount = ANY_COUNT, warn=None) -> list[CaptionEvent]:
    """`tell_speakers`, or the captions as they are when the voice encoder is not installed or labelling fails (the
    transcript matters more than its labels: a labeller never costs it). `warn` hears why, in one line."""
    try:
        return tell_speakers(events, audio, live=live, count=count)
    except Exception as exc:  # noqa: BLE001 (any failure of the labeller leaves the transcript unlabelled, never lost)
        log.warning("speakers not told apart: %s", exc)
        if warn is not None:
            warn(f"speakers were not told apart ({exc}); the transcript is kept without their labels")
        return events


def merge_channels(channels: Sequence[tuple[str, list[CaptionEvent]]], echo: EchoRule | None = EchoRule()) -> list[CaptionEvent]:
    """Every channel's captions as one transcript in spoken order, cut into sentences, and where another channel spoke
    between two words (`between_turns`), so turns interleave.

    `channels`: (kind, captions) per channel, kind MICROPHONE or SYSTEM ("" unknown). A microphone
    sentence that repeats what a system-audio channel played is an echo: dropped, or cut to what it adds.
    """
    played = [s for kind, events in channels if kind == SYSTEM for e in events for s in sentences(e)]
    merged = []
    for kind, events in channels:
        for sentence in (s for e in events for s in sentences(e)):
            if echo is not None and kind == MICROPHONE and played:
                sentence = strip_echo(sentence, played, echo)
                if sentence is None:
                    continue
            merged.append(sentence)
    if len(channels) > 1:
        merged = between_turns(merged)
    merged.sort(key=lambda e: e.start)
    return [replace(e, id=n) for n, e in enumerate(merged, 1)]


@dataclass
class Session:
    """A captioned session on disk: its folder, the stem of its files, its recorded channels."""

    folder: Path
    stem: str
    tracks: list[Track] = field(default_factory=list)

    def path(self, suffix: str, kind: str = "") -> Path:
        """`<stem><kind><suffix>`: kind "" (the session's file), LIVE or REFINED."""
        return self.folder / f"{self.stem}{kind}{suffix}"

    @property
    def refined(self) -> bool:
        """Whether the session's files are a refined transcript (the live ones set aside)."""
        return any(self.path(fmt.suffix, LIVE).exists() for fmt in live_formats())

    @property
    def model(self) -> str:
        return next((t.model for t in self.tracks if t.model), "")

    @property
    def vocabulary(self) -> str:
        return next((t.vocabulary for t in self.tracks if t.vocabulary), "")

    @property
    def labels(self) -> dict[str, str]:
        """What each recorded channel was called in the session, by id: {MICROPHONE: "You", SYSTEM: "Others"}."""
        return {t.channel: t.label for t in self.tracks if t.channel}


def find_session(path: str | os.PathLike[str]) -> Session:
    """The session a path names: its .srt or .txt (live or refined), one of its recordings, or a folder holding
    exactly one session with audio. Raises NothingToRefine when there is no recorded audio to refine."""
    path = Path(path)
    if path.is_dir():
        stems = sorted({p.name.split(".audio")[0] for p in path.glob(f"*.audio*{AUDIO_SUFFIX}")})
        if not stems:
            raise NothingToRefine(f"{path} holds no recorded session audio (*.audio.opus) to refine.")
        if len(stems) > 1:
            raise NothingToRefine(f"{path} holds {len(stems)} sessions with audio ({', '.join(stems)}): name one by its .srt file.")
        folder, stem = path, stems[0]
    else:
        folder, stem = path.parent, _stem_of(path.name)
    tracks = find_tracks(folder, stem)
    if not tracks:
        where = folder / f"{stem}.audio{AUDIO_SUFFIX}"
        raise NothingToRefine(f"The session {stem} has no recorded audio ({where} is not there): its transcript cannot be "
                              "refined. Sessions keep their audio when recording is on (Settings, or `caption --keep-audio`).")
    return Session(folder, stem, tracks)


def _stem_of(name: str) -> str:
    """The session stem in a file name: `talk` of talk.srt, talk.live.txt, talk.refined.vtt, talk.audio-2.opus."""
    if ".audio" in name and name.endswith(AUDIO_SUFFIX):
        return name.split(".audio")[0]
    for kind in (LIVE, REFINED, ""):
        for suffix in TRANSCRIPT_SUFFIXES:
            if name.endswith(kind + suffix) and len(name) > len(kind + suffix):
                return name[: -len(kind + suffix)]
    return Path(name).stem


def refine_session(session: Session, model, *, vocabulary: str | None = None, language: str | None = "en", srt_labels: bool = False,
                   progress: Progress | None = None, cancel: threading.Event | None = None, delete_audio: bool = False,
                   kinds: Sequence[str] = (), speakers: bool | SpeakerCount = False, live: Sequence[CaptionEvent] = (),
                   labels: Mapping[str, str] | None = None) -> list[CaptionEvent]:
    """Decode the session's recorded channels, write its refined SRT/TXT/VTT (the live ones kept as `.live.*`), and return
    the refined captions. `vocabulary` None: the one the session captioned with; `kinds`: each channel's MICROPHONE/SYSTEM
    (echoes of the speakers are dropped from the microphone); `delete_audio`: remove the recordings once the files are
    written. `speakers`: system audio's captions (or the one channel's) carry their speakers, told apart again with the
    whole recording in hand (`speakers_offline`; a SpeakerCount: as many people as it says), named as in the session where `live` (its finals) shows the same voice
    had a name in `labels` (the session's labels, by channel and speaker id). Raises Cancelled (nothing written) or
    OSError / SubtitleFileError when the files cannot be written (the live ones are then untouched).

    Each recording is gone through twice and never held whole (once for its speech, once for the pieces decoded):
    memory is the same for an hour as for a minute (but for telling speakers apart, which reads the channel whole).
    """
    from captioner.audio.sources import decode_pcm16, pcm16_blocks

    terms = session.vocabulary if vocabulary is None else vocabulary
    done, total = 0.0, 0.0
    channels = []
    for n, track in enumerate(session.tracks):  # one channel at a time, never held whole while it is decoded
        heard, length = live_segments_of(pcm16_blocks(str(track.path)))
        seconds = length / SAMPLE_RATE
        total = done + seconds * (len(session.tracks) - n)  # a session's channels are about as long as each other
        report = None if progress is None else (lambda s, at=done, whole=total: progress(at + s, whole))
        events = _decode(model, heard, length, _Reader(pcm16_blocks(str(track.path))).read, channel=track.channel,
                         vocabulary=terms, language=language, progress=report, cancel=cancel)
        kind = kinds[n] if n < len(kinds) else track.kind
        if speakers and kind != MICROPHONE:  # the others (or everyone, with one input), by voice; the microphone is "You"
            events = speakers_if_installed(events, decode_pcm16(str(track.path)), live=[f for f in live if f.channel == track.channel],
                                           count=count_of(speakers))
        done += seconds
        channels.append((kind, events))
    events = merge_channels(channels)
    save_refined(session, events, srt_labels=srt_labels, labels={**session.labels, **(labels or {})})
    if delete_audio:
        for track in session.tracks:
            with contextlib.suppress(FileNotFoundError):
                track.path.unlink()
        session.tracks = []
    return events


def save_refined(session: Session, events: Sequence[CaptionEvent], *, srt_labels: bool = False,
                 labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
    """Write the refined SRT/TXT/VTT as the session's files, the live SRT/TXT kept beside them as `.live.*`;
    `labels`: what each channel is called, by id (the session's own: `Session.labels`).

    Every refined file is complete on disk before any live file is renamed; a live file already set aside
    (by an earlier refine) is never written over.
    """
    texts = transcript_texts(events, srt_labels=srt_labels, labels=labels)
    for suffix, text in texts.items():
        write_atomic(session.path(suffix, REFINED), text)
    kept_live = {fmt.suffix for fmt in live_formats()}  # only a file written live has a live version
    for suffix in texts:
        current, live = session.path(suffix), session.path(suffix, LIVE)
        if suffix in kept_live and current.exists() and not live.exists():
            _keep_live(current, live)
        os.replace(session.path(suffix, REFINED), current)
    sync_folder(session.folder)


def transcript_texts(events: Sequence[CaptionEvent], *, srt_labels: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> dict[str, str]:
    """The transcript as each file keeps it, by suffix (subtitles.formats): {".srt": …, ".txt": …, ".vtt": …}."""
    return {fmt.suffix: fmt.format(events, srt_labels=srt_labels, labels=labels) for fmt in FORMATS}


def save_transcript(folder: Path, stem: str, events: Sequence[CaptionEvent], *, srt_labels: bool = False,
                    labels: Mapping[str, str] = DEFAULT_LABELS) -> list[Path]:
    """A transcribed recording's SRT/TXT/VTT written whole as `<folder>/<stem>.*` (`<stem>-2.*`, … where a file of that
    name is there: nothing is written over); the folder is made (private) if missing. Returns the paths written."""
    try:
        folder = files.private_folder(Path(folder))
    except OSError as exc:
        raise SubtitleFileError(f"The transcript could not be saved: the folder {folder} could not be made ({exc.strerror or exc}).") from exc
    texts = transcript_texts(events, srt_labels=srt_labels, labels=labels)
    name = next(name for name in files.numbered_stems(stem) if not any((folder / f"{name}{suffix}").exists() for suffix in texts))
    paths = []
    for suffix, text in texts.items():
        write_atomic(folder / f"{name}{suffix}", text)
        paths.append(folder / f"{name}{suffix}")
    return paths


def _keep_live(current: Path, live: Path) -> None:
    """The live file under its `.live` name too, before the refined one takes its place: the session's file never
    goes missing, not even for a moment (a hard link; a private copy where the file system has none)."""
    try:
        os.link(current, live)
    except OSError:
        files.write_atomic(live, current.read_text(encoding="utf-8"))
