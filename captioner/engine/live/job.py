"""A transcription job: one pass over a stretch of the audio clock, as the engine hands it to a worker."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Job"]


@dataclass(frozen=True)
class Job:
    """One transcription pass over [start, end) of the audio clock."""

    id: int
    segment_id: int
    final: bool  # True: the segment has ended and this is its final pass
    start: int
    end: int
    audio: np.ndarray = field(repr=False)
    prompt: str | None = None
    pause: bool = False  # made when speech paused: it may become the final
    revises: tuple[int, ...] = ()  # a revising pass: the ids of the finals it decodes again (their audio, gaps and all)
    revised_later: bool = False  # a pass that may become a final, which a revising pass will hear again
    at_pause: bool = False  # a draft over the speech up to a pause (interim worker): its words may end the segment
    heard: bool = False  # an earlier pass over this segment heard words
