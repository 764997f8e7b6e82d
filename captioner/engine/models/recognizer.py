"""What the engine needs of a speech recognizer, and what one gives back.

A `Recognizer` decodes a clip of 16 kHz mono audio as a `DecodeRequest` says and gives back what it heard, a
stretch of text at a time (`Heard`): that is all a model has to do. The same call serves the live engine's passes
(`captioner.engine.live.transcriber.Transcriber`, which owns the pass policy: which search, which window, checked and
run again when it looks wrong) and decoding whole recordings (`captioner.engine.offline.decode_whole`: the refine and
`transcribe`). `captioner.engine.models.whisper` (faster-whisper, CTranslate2) is the one the app has; another is a module
with a class like it and a line in `captioner.engine.models.recognizers`. Nothing here imports the ML stack.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from captioner.engine.filters import SegmentScore
from captioner.events import Word

if TYPE_CHECKING:
    import numpy as np

__all__ = [
    "FALLBACK_TEMPERATURES",
    "FRAMES_PER_SECOND",
    "FULL_WINDOW_FRAMES",
    "DecodeRequest",
    "Heard",
    "PassJob",
    "Recognizer",
    "Transcript",
    "TRANSCRIBE",
    "TRANSLATE",
    "join_words",
    "most_probable",
    "translating",
]

TRANSCRIBE = "transcribe"  # the text in the language spoken
TRANSLATE = "translate"  # the text in English, whatever the language spoken (Whisper's translate task)

FRAMES_PER_SECOND = 100  # the encoder's frames (Whisper's 10 ms mel frames), the unit of a pass's window
FULL_WINDOW_FRAMES = 3000  # the whole window: 30 s
FALLBACK_TEMPERATURES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)  # decoded again hotter while a decode looks wrong (offline)


@dataclass(frozen=True)
class DecodeRequest:
    """How to decode one clip. The defaults are the live engine's interim pass."""

    language: str | None = "en"  # None: detected (multilingual models; an English-only one always decodes English)
    beam_size: int = 1
    prompt: str | None = None  # text said before the clip
    hotwords: str | None = None  # names and terms to expect
    window_frames: int = FULL_WINDOW_FRAMES  # the encoder sees this much of the window from the clip's start
    max_tokens: int = 0  # the most tokens the decoder writes (0: as many as its window holds)
    clips: tuple[float, ...] = ()  # long audio: the stretches to decode, start and end in turn, seconds from its start
    follow_on: bool = False  # long audio: each window is told the text of the one before
    temperatures: tuple[float, ...] = (0.0,)  # more than one: decoded again hotter while a decode looks wrong
    word_timestamps: bool = True
    chinese_script: str = ""  # Chinese in this script (`subtitles.chinese`: SIMPLIFIED, TRADITIONAL; "": each text in
    # the one most of it is written in), where the recognizer's own `chinese_script` is AUTO


@dataclass(frozen=True)
class Heard:
    """A stretch of text a recognizer wrote for a clip (faster-whisper's output segment); times from the clip's start."""

    text: str
    start: float  # seconds
    end: float
    words: tuple[Word, ...]  # sample times; the stretch as one word a token when the recognizer times no words
    no_speech_prob: float = 0.0  # how sure the recognizer is that the stretch held no speech
    avg_logprob: float = 0.0  # the mean log-probability of its tokens
    compression_ratio: float = 1.0  # its text's gzip ratio: high for a loop
    cut: bool = False  # the decoder stopped without marking where the text ends (its token budget ran out)
    text_end: float | None = None  # where the decoder marks the text's end, seconds from the clip's start
    languages: tuple[tuple[str, float], ...] = ()  # the language detected: (language, probability) pairs, most probable
    # first; () when the language was given

    @property
    def score(self) -> SegmentScore:
        return SegmentScore(self.text, self.no_speech_prob, self.avg_logprob, self.compression_ratio)

    @property
    def language(self) -> str:
        """The language detected as most probable, "" when it was given."""
        return most_probable(self.languages)


def most_probable(languages: Sequence[tuple[str, float]]) -> str:
    """The first of a decode's detected languages (code, probability), most probable first; "" when none was detected."""
    return languages[0][0] if languages else ""


class Recognizer(Protocol):
    """Turns clips of 16 kHz mono float32 audio into text. Live, its decodes never overlap (the pass policy's lock);
    a recording decoded whole runs up to `workers` decodes at once."""

    name: str  # for people: the model's name
    device: str  # where it runs: "cpu", "cuda"
    compute_type: str  # how it computes there: "int8", "float16"
    multilingual: bool  # False: it decodes English whatever language is asked
    encoder_layers: int | None  # the model's size where known (None: taken as small): the pass policy's rules follow it
    workers: int  # decodes it runs at once
    device_note: str  # why it runs on the CPU though a GPU was meant ("" otherwise): a session says it once
    cuda_libs_missing: bool  # the cause of that is a CUDA library that cannot be loaded (cuBLAS 12: `cuda_fetch` gets it)
    moves: int  # times a decode failed on the GPU and ran again on the CPU
    task: str  # TRANSCRIBE, or TRANSLATE (a multilingual model: `translating`); live, transcribe and refine decode so
    chinese_script: str  # the script Chinese is written in (`subtitles.chinese.SCRIPTS`; AUTO: as each request says)

    def decode(self, audio: np.ndarray, request: DecodeRequest) -> Iterable[Heard]:
        """What it heard in `audio` (float32), in order. Long audio (`request.clips`) may be given as it is decoded."""
        ...


@dataclass(frozen=True)
class Transcript:
    """Text of one clip, one pass of the live engine; word times in samples from the clip's start."""

    text: str
    words: tuple[Word, ...]
    compute_s: float
    dropped: tuple[str, ...] = ()  # output segments judged invented
    problem: str = ""  # why the pass looks wrong (after any re-run), "" when it passed its checks
    reruns: int = 0  # passes run again on the full window
    draft: bool = False  # written by the interim model: shown, never a final
    beam_size: int = 0  # the beam the pass searched with


def translating(recognizer: Recognizer) -> Recognizer:
    """`recognizer`, from now on writing English whatever the language spoken (its `task` TRANSLATE); raises
    TranslateUnsupported for an English-only model."""
    from captioner.engine.models.errors import TranslateUnsupported

    if not recognizer.multilingual:
        raise TranslateUnsupported(recognizer.name)
    recognizer.task = TRANSLATE
    return recognizer


def join_words(words: list[Word] | tuple[Word, ...]) -> str:
    return "".join(w.text for w in words).strip()


class PassJob(Protocol):
    """What the pass policy reads of an engine job (`captioner.engine.live.pipeline.Job`)."""

    @property
    def audio(self) -> np.ndarray: ...

    @property
    def prompt(self) -> str | None: ...

    @property
    def start(self) -> int: ...  # where the pass's audio starts on the audio clock (samples)

    @property
    def final(self) -> bool: ...  # the segment has ended: its final pass

    @property
    def pause(self) -> bool: ...  # made when speech paused: it may become the final

    @property
    def revises(self) -> tuple[int, ...]: ...  # a revising pass: the ids of the finals it decodes again

    @property
    def revised_later(self) -> bool: ...  # a pass that may become a final which a revising pass will hear again

    @property
    def heard(self) -> bool: ...  # an earlier pass over the same segment heard words
