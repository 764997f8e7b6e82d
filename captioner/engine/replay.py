"""Run the engine over recorded audio on a simulated live clock.

Audio becomes available at its own pace; the transcriber starts a job when it
is free; each job's measured compute time moves the clock on. The captions
come out when a real-time run on this machine would emit them, without
waiting in real time. With `compute_advances_clock=False` the transcriber is
taken as infinitely fast (useful to check the engine's rules alone).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from captioner.engine.pipeline import CaptionEngine, Job
from captioner.engine.transcriber import Transcript
from captioner.events import SAMPLE_RATE, CaptionEvent


@dataclass(frozen=True)
class Emitted:
    at: int  # audio clock (samples) when the event came out
    event: CaptionEvent


@dataclass(frozen=True)
class Replay:
    emitted: list[Emitted]
    jobs: list[tuple[Job, Transcript]]
    compute_s: float
    duration_s: float

    @property
    def finals(self) -> list[CaptionEvent]:
        return [e.event for e in self.emitted if e.event.final and e.event.text]


def replay(
    audio: np.ndarray,
    engine: CaptionEngine,
    transcribe: Callable[[Job], Transcript],
    *,
    block: int = 480,
    compute_advances_clock: bool = True,
) -> Replay:
    emitted: list[Emitted] = []
    jobs: list[tuple[Job, Transcript]] = []
    clock = 0.0  # simulated seconds
    fed = 0
    compute = 0.0

    def feed_until(t: float) -> None:
        nonlocal fed
        available = min(len(audio), int(t * SAMPLE_RATE))
        while fed < available and (available - fed >= block or available == len(audio)):
            n = min(block, available - fed)
            emitted.extend(Emitted(fed + n, e) for e in engine.feed(audio[fed : fed + n]))
            fed += n
        if fed >= len(audio) and not engine.finished:
            emitted.extend(Emitted(fed, e) for e in engine.finish())

    while not engine.done:
        feed_until(clock)
        job = engine.next_job()
        if job is None:
            clock = max(clock, fed / SAMPLE_RATE) + block / SAMPLE_RATE
            continue
        result = transcribe(job)
        jobs.append((job, result))
        compute += result.compute_s
        if compute_advances_clock:
            clock += result.compute_s
            feed_until(clock)
        at = max(fed, int(clock * SAMPLE_RATE)) if compute_advances_clock else fed
        emitted.extend(Emitted(at, e) for e in engine.complete(job, result))
    return Replay(emitted, jobs, compute, len(audio) / SAMPLE_RATE)
