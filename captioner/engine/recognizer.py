"""What the engine needs of a speech recognizer, and what one gives back.

`Recognizer` is the surface the sessions (session.py, meeting.py) and the pacing helpers use;
`captioner.engine.transcriber.Transcriber` (faster-whisper) is the one there is. Another
recognizer offers the same methods and attributes, returns `Transcript`s, and the engine runs it
unchanged. Nothing here imports the ML stack.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from captioner.events import Word

if TYPE_CHECKING:
    import numpy as np

__all__ = ["PassJob", "Recognizer", "Transcript", "join_words"]


@dataclass(frozen=True)
class Transcript:
    """Text of one clip; word times in samples from the clip's start."""

    text: str
    words: tuple[Word, ...]
    compute_s: float
    dropped: tuple[str, ...] = ()  # output segments judged invented
    problem: str = ""  # why the pass looks wrong (after any re-run), "" when it passed its checks
    reruns: int = 0  # passes run again on the full window
    draft: bool = False  # written by the interim model: shown, never a final
    beam_size: int = 0  # the beam the decoder searched with, as faster-whisper records the pass


def join_words(words: list[Word] | tuple[Word, ...]) -> str:
    return "".join(w.text for w in words).strip()


class PassJob(Protocol):
    """What a recognizer reads of an engine job (`captioner.engine.pipeline.Job`)."""

    @property
    def audio(self) -> np.ndarray: ...

    @property
    def prompt(self) -> str | None: ...

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


class Recognizer(Protocol):
    """Turns clips of 16 kHz mono float32 audio into text, one pass at a time (passes never overlap)."""

    name: str  # for people: the model's name
    device: str  # where it runs: "cpu", "cuda"
    compute_type: str  # how it computes there: "int8", "float16"
    vocabulary: str  # names and terms the passes that may become finals are told to expect
    # Optional: `device_note` (why it runs on the CPU though a GPU was meant, "" otherwise) and `moves` (times a pass
    # failed on the GPU and ran again on the CPU): a session reports each move once (`SessionBase._report_moves`).

    def run(self, job: PassJob) -> Transcript:
        """Run one engine job: a revising pass (`job.revises`), a pass that may become a final (`job.final`,
        `job.pause`), else an interim pass."""
        ...

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, *, checked: bool = False) -> Transcript:
        """One pass over a clip; `checked`: a pass that may become a final (its search and its checks)."""
        ...

    def warm_up(self) -> float:
        """A first pass, so the first real one is not slow; seconds spent."""
        ...
