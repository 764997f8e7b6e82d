"""Running one file: live on a simulated clock, live on the wall clock, and offline.

Simulated live run (`simulate_live`): the file plays like a microphone, one block of
`block_ms` at a time, each block available at its own time on a simulated clock. The engine gets
every block when it arrives; whenever the transcriber is free it asks the engine for a job, runs
it for real and the job's measured compute time moves the clock: its result is handed back at
start + compute, while the audio that arrived meanwhile has already been fed. The clock is an
event queue (next block vs. running job's end), so every caption carries the simulated moment it
would have appeared on screen.

Real-time run (`realtime_live`): the app's own `CaptionSession` with `FileSource(realtime=True)`,
wall clock, two threads; used to check the simulation.

Offline run (`offline`): plain `faster_whisper.WhisperModel.transcribe` on the whole file.
"""

from __future__ import annotations

import math
import resource
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from captioner.events import SAMPLE_RATE, CaptionEvent

SR = SAMPLE_RATE


@dataclass
class JobRecord:
    start_s: float  # simulated (or wall) time the pass started
    end_s: float  # ... and when its result was handed back
    final: bool
    segment_id: int
    audio_s: float  # length of the clip transcribed
    compute_s: float
    cpu_s: float = float("nan")  # process CPU time during the pass (all threads)
    prompt_chars: int = 0
    text: str = ""
    dropped: tuple[str, ...] = ()  # output segments the engine's filters judged invented


@dataclass
class LiveRun:
    mode: str  # "sim" or "realtime"
    duration_s: float  # the file's audio (padding excluded)
    fed_s: float  # audio fed, padding included
    events: list[tuple[float, CaptionEvent]] = field(default_factory=list)  # (emitted at, event)
    jobs: list[JobRecord] = field(default_factory=list)
    compute_s: float = 0.0
    cpu_s: float = float("nan")
    wall_s: float = 0.0
    clock_at_emit: list[float] = field(default_factory=list)  # realtime only: engine audio clock (s) at each event
    stalled: str = ""  # why the run was cut short (the engine never got done), else ""


@dataclass
class OfflineRun:
    duration_s: float
    text: str
    segments: list[dict]
    words: list[tuple[str, float, float]]
    compute_s: float
    load_s: float


def pad_audio(audio: np.ndarray, pad_s: float) -> np.ndarray:
    if pad_s <= 0:
        return audio
    return np.concatenate([audio, np.zeros(int(round(pad_s * SR)), dtype=np.float32)])


MAX_OVERRUN_S = 60.0  # a run still busy this long after its audio ended is stopped and marked stalled


def simulate_live(transcriber, audio: np.ndarray, config, *, block_ms: int = 30, pad_s: float = 1.0,
                  max_overrun_s: float = MAX_OVERRUN_S) -> LiveRun:
    """Play `audio` into a fresh CaptionEngine on a simulated clock (see the module docstring)."""
    from captioner.engine.pipeline import CaptionEngine

    duration = len(audio) / SR
    audio = pad_audio(audio, pad_s)
    n = len(audio)
    block = max(1, SR * block_ms // 1000)
    engine = CaptionEngine(config)
    run = LiveRun("sim", duration, n / SR)
    fed = 0
    finished = False
    running = None  # (job, result, started_s, done_s, cpu_s)
    began = time.perf_counter()
    t = 0.0
    while True:
        next_block = min(fed + block, n) / SR if fed < n else math.inf
        next_done = running[3] if running else math.inf
        if next_block == math.inf and next_done == math.inf:
            break  # fed everything, nothing running and nothing left to start
        if next_done <= next_block:
            t = next_done
            job, result, started, done, cpu = running
            running = None
            run.jobs.append(JobRecord(started, done, job.final, job.segment_id, len(job.audio) / SR,
                                      result.compute_s, cpu, len(job.prompt or ""), result.text,
                                      tuple(getattr(result, "dropped", ()))))
            events = engine.complete(job, result)
        else:
            t = next_block
            events = engine.feed(audio[fed : fed + block])
            fed = min(fed + block, n)
            if fed >= n:
                events = events + engine.finish()
                finished = True
        run.events.extend((t, e) for e in events)
        if running is None:
            job = engine.next_job()
            if job is not None:
                cpu0 = time.process_time()
                result = transcriber.transcribe(job.audio, job.prompt)
                cpu = time.process_time() - cpu0
                run.compute_s += result.compute_s
                run.cpu_s = (0.0 if math.isnan(run.cpu_s) else run.cpu_s) + cpu
                running = (job, result, t, t + result.compute_s, cpu)
        if finished and running is None and engine.done:
            break
        if t > n / SR + max_overrun_s:
            last = run.jobs[-max(1, min(len(run.jobs), 5)):]
            run.stalled = (f"engine not done {max_overrun_s:.0f} s after the audio ended; last passes: "
                           + ", ".join(f"segment {j.segment_id} {'final' if j.final else 'interim'} {j.audio_s:.1f} s -> {j.text[:30]!r}" for j in last))
            break
    run.wall_s = time.perf_counter() - began
    return run


def realtime_live(transcriber, path: str, config, *, block_ms: int = 30, pad_s: float = 1.0,
                  max_overrun_s: float = MAX_OVERRUN_S) -> LiveRun:
    """The app's CaptionSession on FileSource(realtime=True): wall clock, real threads."""
    from captioner.audio.sources import FileSource
    from captioner.engine.session import CaptionSession

    class PaddedFileSource(FileSource):
        """FileSource whose decoded audio ends in `pad_s` of silence, like a mic that stays open."""

        def start(self) -> None:
            super().start()
            self._audio = pad_audio(self._audio, pad_s)
            self._t0 = time.monotonic()

    src = PaddedFileSource(str(path), realtime=True, block_ms=block_ms)
    rec: list[tuple[float, float, CaptionEvent]] = []
    holder: dict = {}
    lock = threading.Lock()

    class Recorder:
        def on_caption(self, event: CaptionEvent) -> None:
            now = time.monotonic()
            with lock:
                rec.append((now - src._t0, holder["s"].engine.clock / SR, event))

        def close(self) -> None:
            pass

    session = CaptionSession(src, transcriber, config, sinks=[Recorder()])
    holder["s"] = session
    began = time.perf_counter()
    cpu0 = time.process_time()
    session.start()
    stalled = ""
    if not session.wait(timeout=src.duration_s + max_overrun_s):
        stalled = f"session still running {max_overrun_s:.0f} s after the audio ended; stopped"
        session.stop()
        session.wait(timeout=30)
    run = LiveRun("realtime", src.duration_s - pad_s, src.duration_s)
    run.stalled = stalled
    run.wall_s = time.perf_counter() - began
    run.cpu_s = time.process_time() - cpu0
    run.compute_s = session.compute_s
    run.events = [(t, e) for t, _, e in rec]
    run.clock_at_emit = [c for _, c, _ in rec]
    if session.errors:
        raise RuntimeError("; ".join(session.errors))
    return run


def offline(model, audio: np.ndarray, *, beam_size: int = 5, language: str | None = "en", word_timestamps: bool = True, load_s: float = 0.0) -> OfflineRun:
    """`WhisperModel.transcribe` on the whole file, faster-whisper's defaults otherwise."""
    began = time.perf_counter()
    segments, _info = model.transcribe(audio, beam_size=beam_size, language=language, word_timestamps=word_timestamps)
    segs, words = [], []
    for s in segments:
        segs.append({"start": s.start, "end": s.end, "text": s.text, "no_speech_prob": s.no_speech_prob,
                     "avg_logprob": s.avg_logprob, "compression_ratio": s.compression_ratio})
        for w in s.words or ():
            words.append((w.word, w.start, w.end))
    compute = time.perf_counter() - began
    text = " ".join("".join(s["text"] for s in segs).split())
    return OfflineRun(len(audio) / SR, text, segs, words, compute, load_s)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (MiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
