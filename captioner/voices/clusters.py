"""Who is speaking, online: voice embeddings grouped into speakers as they come.

Pure rules over unit vectors (`encoder.VoiceEncoder.embed`), no model. Each speaker is the weighted
mean of the embeddings given to it (weights: seconds of speech). A turn joins the speaker whose mean
it is closest to when their cosine similarity reaches `join`; else, if it holds enough speech to
speak for a voice (`new_s`), it starts a new speaker; a shorter one takes the previous turn's
speaker (a "yeah" is not a new person). Two speakers whose means have come to `merge` apart are one
speaker: the later one is folded into the earlier one, and the caller relabels what it showed.

The thresholds are the encoder's, not a recording's: GE2E embeddings of one voice lie about 0.75–0.95
apart by cosine, different voices 0.3–0.7 (measured in `benchmarks/speakers.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Assignment", "ClusterRule", "OnlineSpeakers", "speaker_id"]


def speaker_id(n: int) -> str:
    """The stable id of the n-th speaker found (1-based): what captions carry and names are keyed by."""
    return f"speaker-{n}"


@dataclass(frozen=True)
class ClusterRule:
    join: float = 0.72  # cosine to a speaker's mean voice that makes a turn theirs
    merge: float = 0.82  # two speakers' means this close are one speaker
    new_s: float = 2.0  # seconds of speech a turn needs to start a new speaker


@dataclass(frozen=True)
class Assignment:
    speaker: str  # the speaker id given to the turn; "" when none could be
    merged: dict[str, str] = field(default_factory=dict)  # speakers folded into another: old id → surviving id


@dataclass
class _Speaker:
    id: str
    total: np.ndarray  # weighted sum of the embeddings
    weight: float

    @property
    def mean(self) -> np.ndarray:
        return self.total / max(np.linalg.norm(self.total), 1e-9)


class OnlineSpeakers:
    """The speakers found so far in one stream of turns (one channel)."""

    def __init__(self, rule: ClusterRule = ClusterRule()) -> None:
        self.rule = rule
        self._speakers: list[_Speaker] = []
        self._found = 0
        self._last = ""

    @property
    def speakers(self) -> list[str]:
        """The ids of the speakers there are now, oldest first."""
        return [s.id for s in self._speakers]

    def assign(self, embedding: np.ndarray | None, speech_s: float) -> Assignment:
        """The speaker of a turn with this voice `embedding` (None: too little speech to embed) and `speech_s` seconds
        of speech; and the speakers it showed to be one."""
        if embedding is None:
            return Assignment(self._last)
        e = np.asarray(embedding, dtype=np.float64)
        best, sim = self._closest(e)
        if best is not None and sim >= self.rule.join:
            best.total += e * speech_s
            best.weight += speech_s
            self._last = best.id
            return Assignment(best.id, self._merge(best))
        if speech_s < self.rule.new_s and self._speakers:
            return Assignment(self._last)  # too short to tell a new voice: the previous turn's
        self._found += 1
        speaker = _Speaker(speaker_id(self._found), e * speech_s, speech_s)
        self._speakers.append(speaker)
        self._last = speaker.id
        return Assignment(speaker.id)

    def _closest(self, e: np.ndarray) -> tuple[_Speaker | None, float]:
        if not self._speakers:
            return None, -1.0
        sims = [float(s.mean @ e) for s in self._speakers]
        k = int(np.argmax(sims))
        return self._speakers[k], sims[k]

    def _merge(self, grown: _Speaker) -> dict[str, str]:
        """Fold into one the speakers the grown one has come close to; old id → surviving (earliest) id."""
        merged: dict[str, str] = {}
        for other in list(self._speakers):
            if other is grown or float(other.mean @ grown.mean) < self.rule.merge:
                continue
            keep, gone = (other, grown) if self._speakers.index(other) < self._speakers.index(grown) else (grown, other)
            keep.total += gone.total
            keep.weight += gone.weight
            self._speakers.remove(gone)
            merged[gone.id] = keep.id
            if self._last == gone.id:
                self._last = keep.id
            grown = keep
        return merged
