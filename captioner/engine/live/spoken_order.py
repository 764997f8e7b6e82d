"""The rules that put several channels on one clock and one transcriber: which job runs next,
when a final's turn comes, and which microphone finals are echoes of system audio.

`MeetingSession` runs them live; `engine.live.replay` on a simulated clock. Times are on one session
clock: a channel's own audio clock plus the moment its first sample was captured after the
session started.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from captioner.audio.sources import AudioSource
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.live.echo import EchoRule, strip_echo
from captioner.engine.live.pipeline import CaptionEngine, EngineConfig, Job
from captioner.events import SAMPLE_RATE, CaptionEvent, Word

log = logging.getLogger(__name__)


# a segment can open this long after its speech began (pre-roll plus the onset frames)
OPENING_MARGIN = SAMPLE_RATE // 2
KEEP_PLAYED_S = 30.0  # system-audio finals kept to compare microphone finals with


def lane_engine(config: EngineConfig) -> CaptionEngine:
    """A channel's engine in a meeting: without revising passes, nor early finals where passes are cheap (one
    transcriber serves every channel, and the spoken order hands each final out once, never to be redrawn); on a GPU
    (`EngineConfig.accelerated`) its interims still come at the GPU's pace."""
    return CaptionEngine(replace(config, revise=False, early_finals=False))


@dataclass
class Channel:
    """One input of a meeting session."""

    label: str  # what people call it, in the session's messages ("Others: the device was lost"): "You", "Others"
    source: AudioSource
    kind: str = MICROPHONE  # its stable id, what it hears: MICROPHONE or SYSTEM; its captions carry it


@dataclass
class Lane:
    """One channel in a session over several: its engine, its place on the session clock, its turn at the transcriber."""

    index: int
    channel: Channel
    engine: CaptionEngine
    offset: int | None = None  # session-clock sample of this channel's first sample
    reading: bool = True
    lost: bool = False
    level: float = 0.0
    served: float = 0.0  # when this lane last got the transcriber
    delays_s: list[float] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.channel.label

    @property
    def at(self) -> int:
        return self.offset or 0

    def watermark(self, now: int) -> float:
        """Session-clock sample before which this lane will produce no more finals; `now`: samples since the start."""
        if self.engine.done:
            return float("inf")
        if self.offset is None:  # no audio yet: nothing it says later can start before now
            return now - OPENING_MARGIN if self.channel.source.live and self.reading else 0
        start = self.engine.unfinished_start
        bound = self.engine.clock - (0 if self.engine.finished else OPENING_MARGIN)
        if start is not None:
            bound = min(bound, start)
        return self.at + bound


def pick_job(lanes: Sequence[Lane]) -> tuple[Lane, Job] | None:
    """The transcriber's next job: the oldest waiting final of any channel, else an interim, lanes in turn
    (the one served longest ago first); None when no lane has one."""
    waiting = sorted((lane for lane in lanes if lane.engine.pending_finals), key=lambda lane: lane.at + (lane.engine.unfinished_start or 0))
    for lane in waiting + sorted(lanes, key=lambda lane: lane.served):
        job = lane.engine.next_job()
        if job is not None:
            return lane, job
    return None


class SpokenOrder:
    """Finals of all channels, held until their turn and handed out in spoken order.

    A final's turn comes when no other channel can still produce a caption that
    starts before it (for a microphone final beside system audio: that ends
    before it, so its echo would have been heard). A microphone final that
    repeats what system audio carried is an echo: it goes out as an empty
    final (clearing its interims) and is kept in `echoes`; one that only
    begins or ends with such a repeat goes out without it, the part cut kept
    in `echoes`.
    """

    def __init__(self, lanes: Sequence[Lane], echo: EchoRule | None = EchoRule()) -> None:
        self.lanes = lanes
        self.echo = echo
        self.echoes: list[CaptionEvent] = []
        self._held: list[tuple[Lane, CaptionEvent]] = []
        self._played: list[CaptionEvent] = []  # recent system-audio finals

    def take(self, lane: Lane, events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
        """A lane's events placed on the session clock: finals held for their turn, interims returned to go out now."""
        interims = []
        for event in events:
            placed = _on_session_clock(event, lane)
            if placed.final:
                self._held.append((lane, placed))
            else:
                interims.append(placed)
        return interims

    def release(self, now: int, *, everything: bool = False) -> list[tuple[Lane, CaptionEvent]]:
        """The held finals whose turn has come by `now` (session-clock samples since the start), oldest first."""
        self._held.sort(key=lambda item: (item[1].start, item[0].index))
        out = []
        while self._held:
            lane, event = self._held[0]
            if not everything and not self._due(lane, event, now):
                break
            self._held.pop(0)
            screened = self._screen(lane, event)
            if screened.start > event.start and any(e.start < screened.start for _, e in self._held):
                self._held.append((lane, screened))  # an echo cut from its start: it now starts later
                self._held.sort(key=lambda item: (item[1].start, item[0].index))
                continue
            out.append((lane, screened))
        return out

    def _due(self, lane: Lane, event: CaptionEvent, now: int) -> bool:
        for other in self.lanes:
            if other is lane:
                continue
            needs = event.end if self._checks_echo(lane, other) else event.start
            if other.watermark(now) < needs:
                return False
        return True

    def _checks_echo(self, lane: Lane, other: Lane) -> bool:
        return self.echo is not None and lane.channel.kind == MICROPHONE and other.channel.kind == SYSTEM

    def _screen(self, lane: Lane, event: CaptionEvent) -> CaptionEvent:
        """The final as it goes out: emptied when it is an echo."""
        if event.text and lane.channel.kind == SYSTEM:
            self._played.append(event)
            horizon = event.end - round(KEEP_PLAYED_S * SAMPLE_RATE)
            self._played = [e for e in self._played if e.end >= horizon]
        if not event.text or self.echo is None or lane.channel.kind != MICROPHONE:
            return event
        # what system audio carried: finals already out, and those still held for their turn (a
        # microphone final that starts earlier, its own noise before the echo, goes out first)
        carried = self._played + [e for other, e in self._held if other.channel.kind == SYSTEM and e.text]
        kept = strip_echo(event, carried, self.echo)
        if kept is None:
            log.info("dropped as an echo of system audio: %s", event.text)
            self.echoes.append(event)
            return replace(event, end=event.start, text="", words=(), stable=0)
        if kept is not event:
            cut = tuple(w for w in event.words if w not in kept.words)
            log.info("cut as an echo of system audio: %s", "".join(w.text for w in cut))
            self.echoes.append(replace(event, start=cut[0].start, end=cut[-1].end, text="".join(w.text for w in cut).strip(), words=cut))
        return kept


def _on_session_clock(event: CaptionEvent, lane: Lane) -> CaptionEvent:
    """The event with session-clock times, an id unique across channels, and its channel's id."""
    at, n = lane.at, 1 + lane.index
    words = tuple(Word(w.text, w.start + at, w.end + at, w.probability) for w in event.words)
    return replace(event, id=event.id * 16 + n, start=event.start + at, end=event.end + at, words=words, channel=lane.channel.kind)
