"""Where a recording's speech is, and the windows and pieces an offline decoding hands to faster-whisper.

The speech is found as the live engine finds it, by its voice detector and segmenter fed a block at a time
(`live_segments`), not by faster-whisper's Silero VAD (`decode_windows` says why). The segments are grouped into
windows of up to Whisper's 30 s, a long silence left out (`decode_windows`), and the windows into pieces of at most
`PIECE_S` seconds (`pieces`): the audio held while a recording is decoded is bounded however long it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from captioner.engine.live.segmenter import SegmentClosed, SegmenterConfig, SegmentOpened, VadSegmenter
from captioner.events import SAMPLE_RATE

__all__ = [
    "CHUNK_PAD_S",
    "LONG_SILENCE_S",
    "WINDOW_S",
    "as_float",
    "decode_windows",
    "live_segments",
    "live_segments_of",
    "pieces",
]

CHUNK_PAD_S = 0.4  # silence kept around each stretch of speech decoded (faster-whisper's own VAD pads as much)
LONG_SILENCE_S = 2.0  # only silences longer than this are cut out; shorter pauses stay, as spoken
WINDOW_S = 30.0  # Whisper's window
PIECE_S = 120.0  # the most audio handed to faster-whisper at once: an hour's features at once would take gigabytes
FEED_BLOCK = 30 * SAMPLE_RATE  # audio handed to the voice detector at a time


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


def decode_windows(segments: Sequence[tuple[int, int, int]], length: int, first_s: float = WINDOW_S) -> list[tuple[int, int]]:
    """The windows the refine decodes, (start, end) in samples, from the live segments (start, onset, end) of audio
    `length` samples long: consecutive segments grouped while they fit in one Whisper window (`WINDOW_S`, less the
    padding; the first window in `first_s` — half a window: every later window is cut about half a window from where
    it would be, the second decoding a vote needs, `vote`); a pause between two windows of up to `LONG_SILENCE_S` is cut in its middle (nothing is dropped), a
    longer silence is left out but for `CHUNK_PAD_S` on either side. The same at the recording's two ends: a silence
    of up to `LONG_SILENCE_S` before the first word or after the last is decoded with it, as spoken, so a short
    recording is decoded as whole as offline decoding decodes it.

    Each window is decoded on its own, from its start: Whisper sees up to 30 s around every word, as it was
    trained, and a window never starts inside a word; faster-whisper's long-form seeking over the whole recording
    instead can restart windows mid-phrase and skip whole sentences. The segments are the live engine's own, not
    faster-whisper's Silero VAD, because that one can miss whole passages of quiet, whispered and telephone speech that
    the live captions have, and a refined transcript must never lose what the live one had (benchmarks/README.md,
    "Refined after the session").
    """
    pad, long_silence = round(CHUNK_PAD_S * SAMPLE_RATE), round(LONG_SILENCE_S * SAMPLE_RATE)
    groups: list[list[int]] = []
    for start, _onset, end in segments:
        span = first_s if len(groups) == 1 else WINDOW_S
        if groups and end - groups[-1][0] <= span * SAMPLE_RATE - 2 * pad:
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
