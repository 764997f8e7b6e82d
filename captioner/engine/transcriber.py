"""Speech segments to text with faster-whisper.

Whisper pads every input to a 30 s window, so a 4 s segment costs a full
30 s encoder pass. `ShortWindowWhisper` encodes only the part of the window
that holds the segment plus a margin of padding, which keeps accuracy (the
decoder still sees trailing silence, so it ends cleanly) at a fraction of the
cost: on 2 CPU cores, Whisper base went from 0.75 s to 0.3 s for a median 5 s
segment at the same WER. Margins under ~3 s make the decoder loop; tiny.en
needs ~6 s to stay clear of loops on very short clips.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass

import numpy as np
from faster_whisper import WhisperModel

from captioner.engine.filters import SegmentScore, collapse_repeats, is_invented
from captioner.engine.model_errors import LanguageUnsupported
from captioner.engine.models import choose_device, cpu_threads
from captioner.events import SAMPLE_RATE, Word

FRAMES_PER_SECOND = 100  # Whisper's mel frames
FULL_WINDOW_FRAMES = 3000


class ShortWindowWhisper(WhisperModel):
    """A WhisperModel whose encoder sees only `window_frames` of the padded window."""

    window_frames: int = FULL_WINDOW_FRAMES

    def encode(self, features: np.ndarray):  # type: ignore[override]
        if features.shape[-1] > self.window_frames:
            features = np.ascontiguousarray(features[..., : self.window_frames])
        return super().encode(features)


@dataclass(frozen=True)
class DecodeOptions:
    language: str | None = "en"  # None: detect per segment (multilingual models)
    beam_size: int = 1
    temperature_fallback: bool = False  # re-decoding hot crashes some Windows builds
    window_margin_s: float = 6.0  # padding the encoder sees after the audio; 0 = full 30 s
    word_timestamps: bool = True


@dataclass(frozen=True)
class Transcript:
    """Text of one clip; word times in samples from the clip's start."""

    text: str
    words: tuple[Word, ...]
    compute_s: float
    dropped: tuple[str, ...] = ()  # output segments judged invented


def window_frames(n_samples: int, margin_s: float) -> int:
    """Encoder frames for a clip: its length plus the margin, whole seconds, ≤ 30 s."""
    if margin_s <= 0:
        return FULL_WINDOW_FRAMES
    seconds = math.ceil(n_samples / SAMPLE_RATE + margin_s)
    return min(FULL_WINDOW_FRAMES, seconds * FRAMES_PER_SECOND)


def token_budget(n_samples: int) -> int:
    """Most tokens a clip can need: fast speech is ~7 tokens/s, plus timestamps.

    A decoder caught in a loop stops here instead of filling the 448-token window.
    """
    return min(440, 16 + math.ceil(10 * n_samples / SAMPLE_RATE))


def join_words(words: list[Word] | tuple[Word, ...]) -> str:
    return "".join(w.text for w in words).strip()


class Transcriber:
    """Runs one faster-whisper model. Passes never overlap: a pass started from a second thread
    (timing the model in the background while a session starts) waits for the one running."""

    def __init__(self, model: ShortWindowWhisper, options: DecodeOptions = DecodeOptions(), *, name: str = "", device: str = "cpu", compute_type: str = "int8") -> None:
        self.model = model
        self.options = options
        self.name = name
        self.device = device
        self.compute_type = compute_type
        self._pass_lock = threading.Lock()
        if not model.model.is_multilingual and options.language not in (None, "en"):
            raise LanguageUnsupported(name, options.language)

    @classmethod
    def load(cls, model_path: str, options: DecodeOptions = DecodeOptions(), *, device: str = "auto", compute_type: str = "auto", threads: int | None = None, name: str = "") -> "Transcriber":
        device, compute_type = choose_device(device, compute_type)
        model = ShortWindowWhisper(
            str(model_path),
            device=device,
            compute_type=compute_type,
            cpu_threads=threads or cpu_threads(),
        )
        return cls(model, options, name=name or str(model_path), device=device, compute_type=compute_type)

    def warm_up(self) -> float:
        """One pass over a second of quiet, so the first real pass is not slowed by first-use costs
        (memory allocation, kernel selection); returns its seconds of compute."""
        from captioner.engine.pacing import test_clip

        return self.transcribe(test_clip(1.0)).compute_s

    def run(self, job) -> Transcript:
        """Run one engine job (`captioner.engine.pipeline.Job`)."""
        return self.transcribe(job.audio, job.prompt)

    def transcribe(self, audio: np.ndarray, prompt: str | None = None) -> Transcript:
        """Transcribe one clip of 16 kHz mono float32 audio."""
        with self._pass_lock:
            return self._transcribe(audio, prompt)

    def _transcribe(self, audio: np.ndarray, prompt: str | None) -> Transcript:
        opts = self.options
        began = time.perf_counter()
        self.model.window_frames = window_frames(len(audio), opts.window_margin_s)
        language = opts.language if self.model.model.is_multilingual else "en"
        segments, _ = self.model.transcribe(
            audio,
            language=language,
            beam_size=opts.beam_size,
            temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if opts.temperature_fallback else 0.0,
            condition_on_previous_text=False,
            initial_prompt=prompt or None,
            word_timestamps=opts.word_timestamps,
            vad_filter=False,
            max_new_tokens=token_budget(len(audio)),
        )
        rms = float(np.sqrt(np.mean(audio * audio))) if len(audio) else 0.0
        words: list[Word] = []
        dropped: list[str] = []
        for seg in segments:
            score = SegmentScore(seg.text, seg.no_speech_prob, seg.avg_logprob, seg.compression_ratio)
            if is_invented(score, rms):
                dropped.append(seg.text.strip())
                continue
            words.extend(_segment_words(seg))
        words = collapse_repeats(words, key=lambda w: w.text)
        return Transcript(join_words(words), tuple(words), time.perf_counter() - began, tuple(dropped))


def _segment_words(seg) -> list[Word]:
    """Words of a faster-whisper segment, or the segment as one word without timestamps."""
    if seg.words:
        return [
            Word(w.word, round(w.start * SAMPLE_RATE), round(w.end * SAMPLE_RATE), w.probability)
            for w in seg.words
        ]
    start, end = round(seg.start * SAMPLE_RATE), round(seg.end * SAMPLE_RATE)
    tokens = seg.text.split()
    step = (end - start) / max(1, len(tokens))
    return [Word(" " + t, round(start + i * step), round(start + (i + 1) * step)) for i, t in enumerate(tokens)]
