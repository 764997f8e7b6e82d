"""Running one file: live on a simulated clock, live on the wall clock, and offline.

Simulated live run (`simulate_live`): the file plays like a microphone, one block of
`block_ms` at a time, on the engine's own simulated clock (`captioner.engine.live.replay`, the runner
the tests use too): every pass costs its measured compute time, so every caption carries the
simulated moment it would have appeared on screen.

Real-time run (`realtime_live`): the app's own session (`open_session`) on `FileSource(realtime=True)`,
wall clock, two threads; used to check the simulation.

Offline run (`offline`): plain `faster_whisper.WhisperModel.transcribe` on the whole file.
"""

from __future__ import annotations

import resource
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from captioner.engine.live.session import accelerated
from captioner.events import SAMPLE_RATE, CaptionEvent

if TYPE_CHECKING:
    from captioner.engine.live.replay import Pass  # the one record of a pass, the engine's tests and the benchmarks alike

SR = SAMPLE_RATE


@dataclass
class LiveRun:
    mode: str  # "sim" or "realtime"
    duration_s: float  # the file's audio (padding excluded)
    fed_s: float  # audio fed, padding included
    events: list[tuple[float, CaptionEvent]] = field(default_factory=list)  # (emitted at, event)
    passes: list[Pass] = field(default_factory=list)  # simulated only: each pass as it ran, its clip's samples left out
    compute_s: float = 0.0
    cpu_s: float = float("nan")
    wall_s: float = 0.0
    clock_at_emit: list[float] = field(default_factory=list)  # realtime only: engine audio clock (s) at each event
    stalled: str = ""  # why the run was cut short (the engine never got done), else ""
    segments: list = field(default_factory=list)  # simulated only: (samples fed, segmenter event), as the run went


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


def simulate_live(transcribe, audio: np.ndarray, config, *, block_ms: int = 30, pad_s: float = 1.0,
                  max_overrun_s: float = MAX_OVERRUN_S, final_pace: float = 1.0,
                  pass_cost: tuple[float, float] | None = None) -> LiveRun:
    """Play `audio` into a fresh CaptionEngine on the engine's simulated clock (captioner/engine/live/replay.py).

    `transcribe` runs one job (a Transcriber's `run`, or any Job -> Transcript function). `final_pace`: the passes
    of the final model (finals, pause passes, revisions; not the drafts of an interim model) take this many times
    their measured compute on the clock: a bigger model's pace, with a real model's words. `pass_cost` (a, b): each
    such pass takes a + b × its clip's seconds instead, whatever the machine's load: the same audio gives the same
    passes at the same times in every run, so two rule sets compare on the same decodes.
    """
    from captioner.engine.live.pipeline import CaptionEngine
    from captioner.engine.live.replay import replay

    owner = getattr(transcribe, "__self__", None)  # a Transcriber's run: revising passes where it says so, as a session
    if config.revise and owner is not None and not getattr(owner, "revises", True):
        config = replace(config, revise=False)
    if owner is not None and accelerated(owner):  # a GPU's timing rules, as a session gives them
        config = replace(config, accelerated=True)
    if pass_cost is not None:
        transcribe = fixed_cost(transcribe, *pass_cost)
    elif final_pace != 1.0:
        transcribe = pace(transcribe, final_pace)
    duration = len(audio) / SR
    padded = pad_audio(audio, pad_s)
    sim = replay(padded, CaptionEngine(config), transcribe, block=max(1, SR * block_ms // 1000), max_overrun_s=max_overrun_s)
    run = LiveRun("sim", duration, len(padded) / SR, compute_s=sim.compute_s, cpu_s=sim.cpu_s, wall_s=sim.wall_s, stalled=sim.stalled)
    run.events = [(e.at_s, e.event) for e in sim.emitted]
    run.passes = [without_audio(p) for p in sim.passes]
    run.segments = sim.segments
    return run


def pace(transcribe, factor: float):
    """`transcribe` whose final-model passes count `factor` times their compute."""
    return _costed(transcribe, lambda job, result: result.compute_s * factor)


def fixed_cost(transcribe, a: float, b: float):
    """`transcribe` whose final-model passes count a + b × their clip's seconds, not their measured compute."""
    return _costed(transcribe, lambda job, result: a + b * (job.end - job.start) / SR)


def _costed(transcribe, cost):
    """`transcribe` whose final-model passes (not an interim model's drafts) count `cost(job, result)` on the clock."""

    def run(job):
        result = transcribe(job)
        return result if result.draft else replace(result, compute_s=cost(job, result))

    return run


NO_AUDIO = np.zeros(0, dtype=np.float32)


def without_audio(p: Pass) -> Pass:
    """The pass with its job's clip left out (a run's passes are kept and sent between processes); the clip's
    place on the clock stays in `job.start` / `job.end`."""
    return replace(p, job=replace(p.job, audio=NO_AUDIO))


def audio_s(p: Pass) -> float:
    """Length of the clip the pass transcribed (s)."""
    return (p.job.end - p.job.start) / SR


def pass_fields(p: Pass) -> dict:
    """One pass as a flat record for a results file."""
    return {"start_s": p.started_s, "end_s": p.done_s, "final": p.job.final, "segment_id": p.job.segment_id,
            "audio_s": audio_s(p), "compute_s": p.result.compute_s, "cpu_s": p.cpu_s, "prompt_chars": len(p.job.prompt or ""),
            "text": p.result.text, "dropped": p.result.dropped, "reruns": p.result.reruns, "level": p.level, "pause": p.job.pause}


def realtime_live(transcriber, path: str, config, *, block_ms: int = 30, pad_s: float = 1.0,
                  max_overrun_s: float = MAX_OVERRUN_S) -> LiveRun:
    """The app's session (`open_session`) on FileSource(realtime=True): wall clock, real threads."""
    from captioner.audio.sources import FileSource
    from captioner.engine.live.open import SessionOptions, SessionRequest, open_session

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

    session = open_session(SessionRequest(src, SessionOptions(config)), transcriber, [Recorder()])
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
