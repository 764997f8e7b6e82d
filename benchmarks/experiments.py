"""Engine changes tried out in the benchmark only (captioner/ is not touched), to put numbers on
proposals. Selected in tune.py with a variant key `experiment`, e.g. "own-cr+loop-retry".

- own-cr: judge each output segment by the compression ratio of its own text. faster-whisper
  reports one ratio for the whole 30 s window decode, so when the decoder loops ("Concord returned
  to its place amidst the tense." ×6) every segment of that window, the good first one included,
  carries ratio 13 and `is_invented` drops them all: the whole segment's final comes out empty.
  With its own ratio the first copy is kept and `collapse_repeats` removes the copies.
- loop-retry: when the pass shows a loop (faster-whisper's window compression ratio > 2.4, a word
  4-gram said twice, or collapse_repeats removing words), decode once more with the full 30 s
  window (no loops seen there) and keep that result.
"""

from __future__ import annotations

import time
import zlib

import numpy as np

from captioner.engine.filters import SegmentScore, collapse_repeats, is_invented
from captioner.engine.live.transcriber import Transcriber, token_budget, window_frames
from captioner.engine.models.recognizer import FULL_WINDOW_FRAMES, Transcript, join_words
from captioner.engine.models.whisper import segment_words

KNOWN = ("own-cr", "loop-retry")


def compression_ratio(text: str) -> float:
    b = text.encode("utf-8")
    return len(b) / len(zlib.compress(b)) if b else 0.0


def _repeats_4gram(words: list[str]) -> bool:
    from captioner.engine.filters import normalise

    toks = normalise(" ".join(words)).split()
    grams = [tuple(toks[i : i + 4]) for i in range(len(toks) - 3)]
    return len(grams) != len(set(grams))


class ExperimentalTranscriber(Transcriber):
    def __init__(self, *a, experiments: tuple[str, ...] = (), **kw) -> None:
        super().__init__(*a, **kw)
        bad = set(experiments) - set(KNOWN)
        if bad:
            raise ValueError(f"unknown experiment(s) {sorted(bad)}; known: {KNOWN}")
        self.experiments = set(experiments)

    def _decode(self, audio, prompt, frames):
        opts = self.options
        model = self.recognizer.model  # faster-whisper's own: the experiments read its output segments
        model.window_frames = frames
        language = opts.language if model.model.is_multilingual else "en"
        extra = {"max_new_tokens": token_budget(len(audio))}
        segments, _ = model.transcribe(
            audio, language=language, beam_size=opts.beam_size,
            temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if opts.temperature_fallback else 0.0,
            condition_on_previous_text=False, initial_prompt=prompt or None,
            word_timestamps=opts.word_timestamps, vad_filter=False, **extra)
        rms = float(np.sqrt(np.mean(audio * audio))) if len(audio) else 0.0
        words, dropped, looped = [], [], False
        for seg in segments:
            cr = compression_ratio(seg.text) if "own-cr" in self.experiments else seg.compression_ratio
            looped |= seg.compression_ratio > 2.4
            score = SegmentScore(seg.text, seg.no_speech_prob, seg.avg_logprob, cr)
            if is_invented(score, rms):
                dropped.append(seg.text.strip())
                continue
            words.extend(segment_words(seg))
        kept = collapse_repeats(words, key=lambda w: w.text)
        looped |= len(kept) < len(words) or _repeats_4gram([w.text for w in words])
        return kept, dropped, looped

    def transcribe(self, audio: np.ndarray, prompt: str | None = None) -> Transcript:
        began = time.perf_counter()
        frames = window_frames(len(audio), self.margin_s)
        words, dropped, looped = self._decode(audio, prompt, frames)
        if looped and "loop-retry" in self.experiments and frames < FULL_WINDOW_FRAMES:
            words, dropped2, _ = self._decode(audio, prompt, FULL_WINDOW_FRAMES)
            dropped = dropped + ["(loop: retried with the full window)"] + dropped2
        return Transcript(join_words(words), tuple(words), time.perf_counter() - began, tuple(dropped))
