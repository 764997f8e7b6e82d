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

Tests and benchmarks both use this one runner.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from captioner.engine.pipeline import CaptionEngine, Job
from captioner.engine.transcriber import Transcript
from captioner.events import SAMPLE_RATE, CaptionEvent


@dataclass(frozen=True)
class Emitted:
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
    level: int = 0  # the engine's pacing level when the pass started (captioner.engine.pacing)


@dataclass
class Replay:
    emitted: list[Emitted] = field(default_factory=list)
    passes: list[Pass] = field(default_factory=list)
    compute_s: float = 0.0
    cpu_s: float = 0.0
    duration_s: float = 0.0  # audio played
    wall_s: float = 0.0
    stalled: str = ""  # why the run was cut short (the engine never got done), else ""

    @property
    def finals(self) -> list[CaptionEvent]:
        return [e.event for e in self.emitted if e.event.final and e.event.text]

    @property
    def jobs(self) -> list[tuple[Job, Transcript]]:
        return [(p.job, p.result) for p in self.passes]


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
    n = len(audio)
    run = Replay(duration_s=n / SAMPLE_RATE)
    fed = 0
    t = 0.0
    running: tuple[Job, Transcript, float, float, float, int] | None = None  # job, result, started, done, cpu, level
    began = time.perf_counter()
    while True:
        next_block = min(fed + block, n) / SAMPLE_RATE if not engine.finished else math.inf
        next_done = running[3] if running else math.inf
        if next_block == math.inf and next_done == math.inf:
            break  # fed everything, nothing running and nothing left to start
        if next_done <= next_block:
            t = next_done
            job, result, started, done, cpu, level = running
            running = None
            run.passes.append(Pass(job, result, started, done, cpu, level))
            events = engine.complete(job, result)
        else:
            t = next_block
            events = engine.feed(audio[fed : fed + block]) if fed < n else []
            fed = min(fed + block, n)
            if fed >= n:
                events = events + engine.finish()
        at = round(t * SAMPLE_RATE)
        run.emitted.extend(Emitted(at, e) for e in events)
        if running is None:
            job = engine.next_job()
            if job is not None:
                cpu0 = time.process_time()
                result = transcribe(job)
                cpu = time.process_time() - cpu0
                run.compute_s += result.compute_s
                run.cpu_s += cpu
                cost = result.compute_s if compute_advances_clock else 0.0
                running = (job, result, t, t + cost, cpu, engine.level)
        if engine.done and running is None:
            break
        if t > run.duration_s + max_overrun_s:
            last = run.passes[-5:]
            run.stalled = (f"engine not done {max_overrun_s:.0f} s after the audio ended; last passes: "
                           + ", ".join(f"segment {p.job.segment_id} {'final' if p.job.final else 'interim'} "
                                       f"{len(p.job.audio) / SAMPLE_RATE:.1f} s -> {p.result.text[:30]!r}" for p in last))
            break
    run.wall_s = time.perf_counter() - began
    return run
