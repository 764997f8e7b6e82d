"""Run the engine over recorded audio on a simulated live clock.

The audio plays like a microphone: one block at a time, each available at its
own moment on the clock. Whenever the transcriber is free the engine is asked
for a job; the job runs for real and its measured compute time moves the
clock on: its result is handed back at start + compute, while the audio that
arrived meanwhile has already been fed. The clock is an event queue (next
block vs. the running job's end), so every caption carries the moment a
real-time run on this machine would have shown it, without waiting in real
time. With `compute_advances_clock=False` the transcriber is taken as
infinitely fast (useful to check the engine's rules alone).

An engine with `interim_worker` has a second slot on the clock for its
interim passes, beside the final model's pass. Each pass still runs alone
here, on all the threads it was given, so the two workers' contention for
the CPU is not modelled: time them with the real-time runner
(`benchmarks/runners.realtime_live`).

`replay_meeting` plays several channels at once the same way (the microphone
and system audio of a meeting): one engine per channel, one transcriber, the
meeting session's rules for which job runs next, for spoken order and for
echoes.

Tests and benchmarks both use this one runner.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from captioner.engine.live.echo import EchoRule
from captioner.engine.live.pipeline import CaptionEngine, EngineConfig, Job
from captioner.engine.live.segmenter import SegmentEvent
from captioner.engine.live.spoken_order import Channel, Lane, SpokenOrder, lane_engine, pick_job
from captioner.engine.models.recognizer import Transcript
from captioner.events import SAMPLE_RATE, CaptionEvent


def latest_finals(events) -> list[CaptionEvent]:
    """Finals with text, each id in the place of its first final, a revision taking its place."""
    out: dict[tuple[int, str], CaptionEvent] = {}
    for event in events:
        if event.final and event.text and (event.revision or (event.id, event.channel) not in out):
            out[(event.id, event.channel)] = event
    return list(out.values())


@dataclass(frozen=True)
class Emitted:
    """A caption as it came out of a replay, with when."""

    at: int  # simulated clock (samples) when the event came out
    event: CaptionEvent

    @property
    def at_s(self) -> float:
        return self.at / SAMPLE_RATE


@dataclass(frozen=True)
class Pass:
    """One transcription job as it ran on the simulated clock."""

    job: Job
    result: Transcript
    started_s: float
    done_s: float
    cpu_s: float  # process CPU time during the pass (all threads)
    channel: str = ""  # whose audio it was, by id (meeting replays: channels.MICROPHONE, SYSTEM)
    level: int = 0  # the engine's pacing level when the pass started (captioner.engine.live.pacing)


@dataclass
class Replay:
    """What a replay made: the captions with when they came out, the passes run, and their compute time."""

    emitted: list[Emitted] = field(default_factory=list)
    passes: list[Pass] = field(default_factory=list)
    compute_s: float = 0.0
    cpu_s: float = 0.0
    duration_s: float = 0.0  # audio played
    wall_s: float = 0.0
    stalled: str = ""  # why the run was cut short (the engine never got done), else ""
    segments: list[tuple[int, SegmentEvent]] = field(default_factory=list)  # (samples fed, event): where the
    # segmenter opened, closed and dropped segments, as the run went (single-engine replays)

    @property
    def finals(self) -> list[CaptionEvent]:
        """The finals as the transcript stands at the end: each in the place of its first, revisions replacing it."""
        return latest_finals(e.event for e in self.emitted)

    @property
    def jobs(self) -> list[tuple[Job, Transcript]]:
        return [(p.job, p.result) for p in self.passes]


@dataclass
class MeetingReplay(Replay):
    """A meeting's replay: also the microphone finals dropped as echoes."""

    echoes: list[CaptionEvent] = field(default_factory=list)  # microphone finals dropped as echoes


class _OneEngine:
    """One audio stream into one engine; events go out as they come."""

    def __init__(self, audio: np.ndarray, engine: CaptionEngine) -> None:
        self.audio, self.engine = audio, engine

    def feed(self, start: int, stop: int) -> list[CaptionEvent]:
        return self.engine.feed(self.audio[start:stop])

    def finish(self) -> list[CaptionEvent]:
        return self.engine.finish()

    def next_job(self, now_s: float) -> tuple[object, Job] | None:
        job = self.engine.next_job()
        return None if job is None else (self.engine, job)

    def next_interim_job(self, now_s: float) -> tuple[object, Job] | None:
        job = self.engine.next_interim_job()
        return None if job is None else (self.engine, job)

    def complete(self, owner, job: Job, result: Transcript) -> list[CaptionEvent]:
        return self.engine.complete(job, result)

    def release(self, at: int, everything: bool = False) -> list[CaptionEvent]:
        return []

    def channel(self, owner) -> str:
        return ""

    def level(self, owner: CaptionEngine) -> int:
        return owner.level

    @property
    def finished(self) -> bool:
        return self.engine.finished

    @property
    def done(self) -> bool:
        return self.engine.done


class _Meeting:
    """Channels of equal length, each into its own engine on one clock, finals in spoken order (as MeetingSession)."""

    def __init__(self, channels: Sequence[tuple[Channel, np.ndarray]], config: EngineConfig, echo: EchoRule | None) -> None:
        self.lanes = [Lane(i, channel, lane_engine(config), offset=0) for i, (channel, _) in enumerate(channels)]
        self.audio = [audio for _, audio in channels]
        self.order = SpokenOrder(self.lanes, echo)

    def feed(self, start: int, stop: int) -> list[CaptionEvent]:
        return [e for lane, audio in zip(self.lanes, self.audio) for e in self.order.take(lane, lane.engine.feed(audio[start:stop]))]

    def finish(self) -> list[CaptionEvent]:
        return [e for lane in self.lanes for e in self.order.take(lane, lane.engine.finish())]

    def next_job(self, now_s: float) -> tuple[object, Job] | None:
        picked = pick_job(self.lanes)
        if picked is not None:
            picked[0].served = now_s
        return picked

    def next_interim_job(self, now_s: float) -> tuple[object, Job] | None:
        return None  # a meeting runs every pass on one transcriber

    def complete(self, lane: Lane, job: Job, result: Transcript) -> list[CaptionEvent]:
        return self.order.take(lane, lane.engine.complete(job, result))

    def release(self, at: int, everything: bool = False) -> list[CaptionEvent]:
        return [event for _, event in self.order.release(at, everything=everything)]

    def channel(self, lane: Lane) -> str:
        return lane.channel.kind

    def level(self, lane: Lane) -> int:
        return lane.engine.level

    @property
    def finished(self) -> bool:
        return all(lane.engine.finished for lane in self.lanes)

    @property
    def done(self) -> bool:
        return all(lane.engine.done for lane in self.lanes)


def replay(
    audio: np.ndarray,
    engine: CaptionEngine,
    transcribe: Callable[[Job], Transcript],
    *,
    block: int = 480,
    compute_advances_clock: bool = True,
    max_overrun_s: float = math.inf,
) -> Replay:
    """Play `audio` (16 kHz mono float32) into `engine`; `transcribe` runs each job.

    A run still busy `max_overrun_s` after its audio ended is stopped and marked stalled.
    """
    run = Replay(duration_s=len(audio) / SAMPLE_RATE)
    engine.on_segment = lambda event: run.segments.append((engine.clock, event))
    return _play(_OneEngine(audio, engine), len(audio), run, transcribe,
                 block=block, compute_advances_clock=compute_advances_clock, max_overrun_s=max_overrun_s)


def replay_meeting(
    channels: Sequence[tuple[Channel, np.ndarray]],
    transcribe: Callable[[Job], Transcript],
    config: EngineConfig = EngineConfig(),
    *,
    echo: EchoRule | None = EchoRule(),
    block: int = 480,
    compute_advances_clock: bool = True,
    max_overrun_s: float = math.inf,
) -> MeetingReplay:
    """Play each channel's audio (16 kHz mono float32, all of one length, starting together) at once.

    Finals come out with their channel's id, in spoken order, when a meeting
    session would hand them out; microphone echoes of system audio come out
    empty and are listed in `echoes`. The channels' sources are not used.
    """
    lengths = {len(audio) for _, audio in channels}
    if len(lengths) != 1:
        raise ValueError("the channels of a meeting replay must be of one length")
    stage = _Meeting(channels, config, echo)
    n = lengths.pop()
    run = _play(stage, n, MeetingReplay(duration_s=n / SAMPLE_RATE), transcribe,
                block=block, compute_advances_clock=compute_advances_clock, max_overrun_s=max_overrun_s)
    run.echoes = list(stage.order.echoes)
    return run


def _play(stage, n: int, run, transcribe, *, block: int, compute_advances_clock: bool, max_overrun_s: float):
    fed = 0
    t = 0.0
    # running passes: the final model's (slot 0) and the interim worker's (slot 1), each
    # (owner, job, result, started, done, cpu, level) or None
    running: list[tuple[object, Job, Transcript, float, float, float, int] | None] = [None, None]
    began = time.perf_counter()

    def start(picked, slot: int) -> None:
        owner, job = picked
        cpu0 = time.process_time()
        result = transcribe(job)
        cpu = time.process_time() - cpu0
        run.compute_s += result.compute_s
        run.cpu_s += cpu
        cost = result.compute_s if compute_advances_clock else 0.0
        running[slot] = (owner, job, result, t, t + cost, cpu, stage.level(owner))

    while True:
        next_block = min(fed + block, n) / SAMPLE_RATE if not stage.finished else math.inf
        slot = min((0, 1), key=lambda k: running[k][4] if running[k] else math.inf)
        next_done = running[slot][4] if running[slot] else math.inf
        if next_block == math.inf and next_done == math.inf:
            break  # fed everything, nothing running and nothing left to start
        if next_done <= next_block:
            t = next_done
            owner, job, result, started, done, cpu, level = running[slot]
            running[slot] = None
            run.passes.append(Pass(job, result, started, done, cpu, stage.channel(owner), level))
            events = stage.complete(owner, job, result)
        else:
            t = next_block
            events = stage.feed(fed, fed + block) if fed < n else []
            fed = min(fed + block, n)
            if fed >= n:
                events = events + stage.finish()
        at = round(t * SAMPLE_RATE)
        run.emitted.extend(Emitted(at, e) for e in events + stage.release(at))
        if running[0] is None:
            picked = stage.next_job(t)
            if picked is not None:
                start(picked, 0)
        if running[1] is None:
            picked = stage.next_interim_job(t)
            if picked is not None:
                start(picked, 1)
        if stage.done and running == [None, None]:
            break
        if t > run.duration_s + max_overrun_s:
            last = run.passes[-5:]
            run.stalled = (f"engine not done {max_overrun_s:.0f} s after the audio ended; last passes: "
                           + ", ".join(f"segment {p.job.segment_id} {'final' if p.job.final else 'interim'} "
                                       f"{len(p.job.audio) / SAMPLE_RATE:.1f} s -> {p.result.text[:30]!r}" for p in last))
            break
    run.emitted.extend(Emitted(round(t * SAMPLE_RATE), e) for e in stage.release(round(t * SAMPLE_RATE), everything=True))
    run.wall_s = time.perf_counter() - began
    return run
