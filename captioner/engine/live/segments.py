"""Segment bookkeeping: the segments whose captions are not all out, and what the passes over each heard.

A segment opens and closes where the segmenter says (`SegmentOpened`, `SegmentClosed`); one dropped
for too little speech is forgotten. A closed segment waits for its final, in the order the segments
closed: its final is out once a pass that heard all its speech, and no more, is back (`covered_by`).
Every position is a sample index on the audio clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from captioner.engine.live.segmenter import SegmentClosed, SegmentOpened, SpeechGate
from captioner.engine.models.recognizer import Transcript
from captioner.events import Word

__all__ = ["Part", "Segment", "Segments", "middle", "place_words"]

MAX_LENGTH = "max_length"  # the reason of a segment cut at the length limit, where speech went on


@dataclass(frozen=True)
class Part:
    """A segment's words up to a sentence end, shown as a final before the segment ended (`early_finals`)."""

    id: int
    start: int  # its speech on the audio clock
    split: int  # where its speech ended: the pause its final was shown at
    text: str
    words: tuple[Word, ...]


@dataclass
class Segment:
    """One segment of speech, open or waiting for its final, with what the passes over it heard and showed."""

    id: int
    start: int
    speech_start: int
    speech_end: int = 0
    end: int | None = None  # set once closed
    reason: str = ""
    passed_to: int = 0  # audio end of the latest pass started on it
    final_to: int = 0  # ... of the latest started pass that may become its final (not a draft)
    drafted_to: int = 0  # ... of the latest started draft (interim worker)
    done_to: int = 0  # audio end of the latest finished pass, drafts included
    best: tuple[int, Transcript] | None = None  # (audio end, result) of the latest finished pass that may be its final
    draft_heard: tuple[int, bool] | None = None  # (audio end, whether its words end a sentence) of the latest pause draft
    good: Transcript | None = None  # latest pass with text that passed its checks
    last_words: list[str] = field(default_factory=list)
    shown: bool = False  # an interim of it was emitted
    shown_words: tuple[Word, ...] = ()  # the words of the latest interim shown, on the audio clock
    parts: list[Part] = field(default_factory=list)  # its finals shown early, at sentence ends, oldest first
    shown_id: int = 0  # the id its captions show under: its own, or after an early final the continuation's
    resumed: int | None = None  # where speech went on after the latest early final (None: not yet)

    def __post_init__(self) -> None:
        self.shown_id = self.shown_id or self.id

    @property
    def split(self) -> int:
        """Where its words after the early finals begin on the clock (-1 without early finals)."""
        return self.parts[-1].split if self.parts else -1

    @property
    def shown_start(self) -> int:
        """Where the speech its captions show now begins: its own, or the continuation's."""
        if not self.parts:
            return self.speech_start
        return self.resumed if self.resumed is not None else self.split

    def covered_by(self, end: int) -> bool:
        """Whether a pass reaching `end` heard all of this closed segment's speech, and no more."""
        if self.reason == MAX_LENGTH:
            return end == self.end  # speech went on past the cut: only a pass up to the cut will do
        return end >= self.speech_end

    @property
    def covered(self) -> bool:
        """Whether its latest pass that may be its final heard all of this closed segment's speech."""
        return self.best is not None and self.covered_by(self.best[0])


class Segments:
    """The open segment and the closed ones waiting for their final, oldest first."""

    def __init__(self) -> None:
        self.open: Segment | None = None
        self.closed: deque[Segment] = deque()  # waiting for their final

    def opened(self, event: SegmentOpened) -> None:
        self.open = Segment(event.id, event.start, event.speech_start, speech_end=event.speech_start)

    def dropped(self) -> Segment | None:
        """The open segment held too little speech: forgotten (returned)."""
        seg, self.open = self.open, None
        return seg

    def close(self, event: SegmentClosed) -> Segment:
        """The open segment ended: it waits for its final."""
        seg, self.open = self.open, None
        assert seg is not None and seg.id == event.id
        seg.end, seg.speech_end, seg.reason = event.end, event.speech_end, event.reason
        self.closed.append(seg)
        return seg

    def follow(self, gate: SpeechGate) -> None:
        """The open segment's speech as the gate has it now; after an early final, where the speaker went on."""
        seg = self.open
        if seg is None:
            return
        seg.speech_end = gate.speech_end
        if seg.parts and seg.resumed is None and seg.speech_end > seg.split:
            seg.resumed = gate.speech_after(seg.split)  # the speaker went on: the continuation

    def uncovered(self) -> Segment | None:
        """The oldest closed segment that still needs a pass over all its speech."""
        return next((seg for seg in self.closed if not seg.covered), None)

    def covered(self) -> Iterator[Segment]:
        """Take the closed segments, in order, whose latest pass heard all their speech: their finals are due."""
        while self.closed and self.closed[0].covered:
            yield self.closed.popleft()

    def find(self, segment_id: int) -> Segment | None:
        if self.open is not None and self.open.id == segment_id:
            return self.open
        return next((s for s in self.closed if s.id == segment_id), None)

    def starts(self) -> list[int]:
        """Where each segment's audio begins: all of it is still needed."""
        return [seg.start for seg in (*self.closed, self.open) if seg is not None]

    def processed(self, clock: int) -> int:
        """Audio-clock position up to which captions are out (final, or interim text of a segment
        whose final is still to come)."""
        if self.closed:
            return max(self.closed[0].start, self.closed[0].done_to)
        if self.open is not None:
            return max(self.open.start, self.open.done_to)
        return clock

    @property
    def unfinished_start(self) -> int | None:
        """Audio-clock start of the oldest speech whose final is not out yet (a closed or the open segment)."""
        if self.closed:
            return self.closed[0].speech_start
        return self.open.speech_start if self.open is not None else None


def middle(word: Word) -> int:
    return (word.start + word.end) // 2


def place_words(words: tuple[Word, ...], offset: int, lo: int, hi: int) -> tuple[Word, ...]:
    """Move clip-relative words onto the audio clock, inside [lo, hi]."""
    placed = []
    for w in words:
        s = min(max(w.start + offset, lo), hi)
        e = min(max(w.end + offset, s), hi)
        placed.append(Word(w.text, s, e, w.probability))
    return tuple(placed)
