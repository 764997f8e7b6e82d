"""Work done in a fresh child process, so that each run's peak memory is its own."""

from __future__ import annotations

import time

import numpy as np

from benchmarks import runners
from captioner.events import SAMPLE_RATE


def _transcriber(model_path, decode, device, compute_type, threads):
    from captioner.engine.live.transcriber import Transcriber

    began = time.perf_counter()
    tr = Transcriber.load(str(model_path), decode, device=device, compute_type=compute_type, threads=threads)
    return tr, time.perf_counter() - began


def live(model_path, paths, engine_cfg, decode, device, compute_type, threads, block_ms, pad_s, repeat, realtime=False,
         log=print):
    """Live runs of every file (`repeat` times, rounds outermost); returns runs[file][round]."""
    from captioner.audio.sources import decode_file

    tr, load_s = _transcriber(model_path, decode, device, compute_type, threads)
    tr.transcribe(decode_file(str(paths[0]))[: SAMPLE_RATE * 2])  # warm-up: first call pays one-off setup
    audio = {str(p): decode_file(str(p)) for p in paths} if not realtime else {}
    runs = {str(p): [] for p in paths}
    for r in range(repeat):
        for p in paths:
            if realtime:
                run = runners.realtime_live(tr, str(p), engine_cfg, block_ms=block_ms, pad_s=pad_s)
            else:
                run = runners.simulate_live(tr.run, audio[str(p)], engine_cfg, block_ms=block_ms, pad_s=pad_s)
            runs[str(p)].append(run)
            log(f"  {'realtime' if realtime else 'live'} [{r + 1}/{repeat}] {p.name}: {run.duration_s:.1f} s audio, "
                f"compute {run.compute_s:.1f} s, wall {run.wall_s:.1f} s" + (f"  STALLED: {run.stalled}" if run.stalled else ""), flush=True)
    return {"runs": runs, "load_s": load_s, "peak_rss_mb": runners.peak_rss_mb(), "device": tr.device, "compute_type": tr.compute_type}


def offline(model_path, paths, device, compute_type, threads, beam_size, language, word_timestamps, log=print):
    from faster_whisper import WhisperModel

    from captioner.audio.sources import decode_file

    began = time.perf_counter()
    model = WhisperModel(str(model_path), device=device, compute_type=compute_type, cpu_threads=threads)
    load_s = time.perf_counter() - began
    if not model.model.is_multilingual:
        language = "en"
    warm, _ = model.transcribe(decode_file(str(paths[0]))[: SAMPLE_RATE * 2], beam_size=beam_size, language=language)
    list(warm)  # warm-up, as for the live runs
    runs = {}
    for p in paths:
        audio = decode_file(str(p))
        run = runners.offline(model, audio, beam_size=beam_size, language=language, word_timestamps=word_timestamps, load_s=load_s)
        runs[str(p)] = run
        log(f"  offline {p.name}: {run.duration_s:.1f} s audio, compute {run.compute_s:.1f} s", flush=True)
    return {"runs": runs, "load_s": load_s, "peak_rss_mb": runners.peak_rss_mb()}


def peer(peer_script, model_path, paths, threads, log=print):
    """The naive VAD loop of `peer_script` (`../shared/peers/naive_vad.py`) on every file:
    {file: (text, final latencies, compute s, audio s)}."""
    import importlib.util

    from faster_whisper import WhisperModel

    spec = importlib.util.spec_from_file_location("naive_vad", peer_script)
    naive = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(naive)
    model = WhisperModel(str(model_path), device="cpu", compute_type="int8", cpu_threads=threads)
    list(model.transcribe(np.zeros(SAMPLE_RATE, dtype=np.float32), language="en")[0])  # warm-up, as the peer does
    runs = {}
    for p in paths:
        text, latencies, compute, duration = naive.run(model, str(p))
        runs[str(p)] = (text, latencies, compute, duration)
        log(f"  peer {p.name}: {duration:.1f} s audio, compute {compute:.1f} s", flush=True)
    return {"runs": runs, "peak_rss_mb": runners.peak_rss_mb()}


def in_child(fn, *args, **kwargs):
    """Run fn(*args, **kwargs) in a fresh spawned process and return its result."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
        return pool.submit(fn, *args, **kwargs).result()
