"""A second recognizer, for tests: words are voiced tones, and it hears them.

`say` writes sentences of words from `LEXICON` as audio the voice detector takes for speech (a voice-like harmonic
series a word, each word its own pitch); `ToneRecognizer` is a real recognizer of that audio: it finds the voiced
stretches of a clip, tells each word by its pitch, and writes them with their times, as faster-whisper's output
segments are given (`captioner.engine.models.recognizer.Heard`). It needs no model, so the engine, the pass policy, the
refine and `transcribe` run on it in milliseconds, and what it hears follows from the audio alone. It can be told to
fail as a model does: loop on a short encoder window (`loop_below_frames`), be unsure of its words
(`probability`), or mishear the last word of every window of a recording decoded whole (`mishears_window_ends`:
Whisper's words at a window's edge are its least sure). Every request it is given is kept (`requests`).
"""

from __future__ import annotations

import numpy as np

from captioner.engine.models.recognizer import DecodeRequest, Heard
from captioner.events import SAMPLE_RATE, Word

LEXICON = ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel")
LOWEST_HZ = 110.0  # the first word's pitch
STEP_HZ = 20.0  # each next word's pitch is this much higher
WORD_S = 0.3
BETWEEN_WORDS_S = 0.12
FRAME = 160  # 10 ms
LOUD_RMS = 0.01  # a frame this loud is voiced
SHORTEST_WORD_FRAMES = 8
SENTENCE_GAP_S = 0.5  # quiet this long after a word ends its sentence


def word_audio(word: str, seconds: float = WORD_S) -> np.ndarray:
    """One word: a harmonic series at the word's pitch, partials up to 3.5 kHz falling as 1/k, faded in and out."""
    f0 = LOWEST_HZ + STEP_HZ * LEXICON.index(word)
    t = np.arange(round(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    tone = sum(np.sin(2 * np.pi * f0 * k * t) / k for k in range(1, 40) if f0 * k < 3500)
    fade = np.minimum(1.0, np.minimum(t, seconds - t) / 0.03)
    return (0.1 * tone * fade).astype(np.float32)


def say(sentences: list[list[str]], *, lead_s: float = 1.0, gap_s: float = 1.5, trail_s: float = 1.5,
        seed: int = 0) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """The sentences spoken one after another over faint noise: the audio, and each sentence's (start, end) in
    samples."""
    parts = [np.zeros(round(lead_s * SAMPLE_RATE), np.float32)]
    between = np.zeros(round(BETWEEN_WORDS_S * SAMPLE_RATE), np.float32)
    spans = []
    for n, sentence in enumerate(sentences):
        start = sum(len(p) for p in parts)
        spoken = [word_audio(word) for word in sentence]
        parts += [piece for k, word in enumerate(spoken) for piece in ((between, word) if k else (word,))]
        spans.append((start, sum(len(p) for p in parts)))
        parts.append(np.zeros(round((gap_s if n < len(sentences) - 1 else trail_s) * SAMPLE_RATE), np.float32))
    audio = np.concatenate(parts)
    return audio + np.random.default_rng(seed).normal(0, 1e-4, len(audio)).astype(np.float32), spans


def text_of(sentence: list[str]) -> str:
    """A sentence as the recognizer writes it."""
    return " ".join(sentence).capitalize() + "."


class ToneRecognizer:
    """Hears the words `say` speaks. A `captioner.engine.models.recognizer.Recognizer`."""

    def __init__(self, *, probability: float = 0.95, loop_below_frames: int = 0, encoder_layers: int | None = None,
                 device: str = "cpu", mishears_window_ends: bool = False) -> None:
        self.name = "tones"
        self.device = device
        self.compute_type = "float32"
        self.multilingual = False
        self.encoder_layers = encoder_layers
        self.workers = 1
        self.device_note = ""
        self.cuda_libs_missing = False
        self.moves = 0
        self.task = "transcribe"
        self.chinese_script = "auto"  # it writes no Chinese
        self.probability = probability
        self.loop_below_frames = loop_below_frames  # a decode on a window shorter than this loops, as a small model can
        self.mishears_window_ends = mishears_window_ends  # a window's last word (`DecodeRequest.clips`) is heard as the
        # next word of the lexicon
        self.requests: list[DecodeRequest] = []

    def decode(self, audio: np.ndarray, request: DecodeRequest) -> list[Heard]:
        self.requests.append(request)
        audio = np.asarray(audio, np.float32)
        clips = request.clips or (0.0, len(audio) / SAMPLE_RATE)
        out: list[Heard] = []
        for start_s, end_s in zip(clips[::2], clips[1::2], strict=True):
            start = round(start_s * SAMPLE_RATE)
            seen = min(round(end_s * SAMPLE_RATE), start + request.window_frames * FRAME)  # what the window holds
            out += self._heard(audio[start:seen], start, len(audio[start:round(end_s * SAMPLE_RATE)]), request)
        return out

    def _heard(self, clip: np.ndarray, at: int, length: int, request: DecodeRequest) -> list[Heard]:
        words = [Word(" " + _pitch_word(clip[a:b]), at + a, at + b, self.probability) for a, b in _voiced(clip)]
        if not words:
            return []
        if self.mishears_window_ends and request.clips:
            last = words[-1]
            words[-1] = Word(" " + LEXICON[(LEXICON.index(last.text.strip()) + 1) % len(LEXICON)], last.start, last.end, last.probability)
        if request.window_frames < self.loop_below_frames:  # the short window made the decoder loop
            looped = tuple(words[0] for _ in range(12))
            text = "".join(w.text for w in looped)
            return [Heard(text, words[0].start / SAMPLE_RATE, (at + length) / SAMPLE_RATE, looped, 0.1, -0.3, 3.5, cut=True)]
        cut = bool(request.max_tokens) and len(words) > request.max_tokens
        words = words[:request.max_tokens] if cut else words
        groups: list[list[Word]] = [[words[0]]]
        for word in words[1:]:
            if word.start - groups[-1][-1].end >= SENTENCE_GAP_S * SAMPLE_RATE:
                groups.append([])
            groups[-1].append(word)
        out = []
        for n, group in enumerate(groups):
            after = (groups[n + 1][0].start if n + 1 < len(groups) else at + length) - group[-1].end
            first = Word(" " + group[0].text.strip().capitalize(), group[0].start, group[0].end, group[0].probability)
            group = [first, *group[1:]]
            if after >= SENTENCE_GAP_S * SAMPLE_RATE:
                group[-1] = Word(group[-1].text + ".", group[-1].start, group[-1].end, group[-1].probability)
            last = n == len(groups) - 1
            out.append(Heard("".join(w.text for w in group), group[0].start / SAMPLE_RATE, group[-1].end / SAMPLE_RATE,
                             tuple(group), 0.01, -0.1, 1.2, cut=cut and last,
                             text_end=None if cut and last else group[-1].end / SAMPLE_RATE + 0.02))
        return out


def _voiced(clip: np.ndarray) -> list[tuple[int, int]]:
    """The voiced stretches of `clip`, (start, end) in samples: runs of loud 10 ms frames long enough to be a word."""
    frames = len(clip) // FRAME
    loud = np.sqrt(np.mean(clip[:frames * FRAME].reshape(frames, FRAME) ** 2, axis=1)) > LOUD_RMS if frames else np.zeros(0, bool)
    stretches, start = [], None
    for n, is_loud in enumerate([*loud, False]):
        if is_loud and start is None:
            start = n
        elif not is_loud and start is not None:
            if n - start >= SHORTEST_WORD_FRAMES:
                stretches.append((start * FRAME, n * FRAME))
            start = None
    return stretches


def _pitch_word(voiced: np.ndarray) -> str:
    """The word whose pitch is the strongest partial of `voiced` between the lowest and highest word's."""
    spectrum = np.abs(np.fft.rfft(voiced * np.hanning(len(voiced)), n=SAMPLE_RATE))  # 1 Hz a bin
    low, high = int(LOWEST_HZ - STEP_HZ / 2), int(LOWEST_HZ + STEP_HZ * (len(LEXICON) - 0.5))
    f0 = low + int(np.argmax(spectrum[low:high]))
    return LEXICON[min(len(LEXICON) - 1, max(0, round((f0 - LOWEST_HZ) / STEP_HZ)))]
