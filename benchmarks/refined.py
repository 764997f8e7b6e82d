"""The refined transcript vs plain offline decoding, per model, on an evaluation set: WER, refine speed, memory.

Each file is kept as a session would keep it (the real recorder: Ogg/Opus through `SessionRecorder`, the
live SRT beside it) and refined with `refine_session`, the path `captioner refine` and the app run; plain
offline decoding is `WhisperModel.transcribe` of the original file (beam 5, word timestamps), as in
`live_vs_offline.py`. Each model runs in a fresh child process, so its peak memory is its own. The live WER
of the same set is `live_vs_offline.py`'s (same files, same normaliser).

    python -m benchmarks.refined --set report --models tiny.en base
    python -m benchmarks.refined --hour 60 --models tiny.en     # memory and speed refining an hour's recording
    python -m benchmarks.refined --hour 20 --models base --live  # ... with its live captions, as the app refines at Stop
    python -m benchmarks.refined --set tune --shifts 5           # each file five times, started 3.3 ms apart
    python -m benchmarks.refined --set report --live              # the live captions' WER beside, on the same draws

Without `--live` the kept session's live SRT is empty, so the refine has no live captions to vote with and decodes
each file once (as `captioner transcribe` does); with it, each draw is captioned live first and the refine is given
those finals, as the app gives them at Stop (the refine then decodes twice and votes, `engine.offline.vote`).

`--shifts N`: each file is kept and decoded N times, the k-th time after k x 53 samples (3.3 ms) of digital
silence, as if the recording had been started a moment earlier. Whisper's text moves with such a shift (the
10 ms mel frames fall elsewhere, and a word decoded otherwise changes the prompt of everything after it): the
same file decoded whole gave 10 to 18 errors on one recording. One decode of each file is one draw; the refined
and offline columns are then the mean over the N draws, with their range.

`--hour`: the real recordings of the shared speech folder laid end to end with pauses of 0.8-3 s under faint
room noise, looped to fill the hour (as `hour.py` plays it live), kept as a session's recording; then, in a
fresh process, the model is loaded and the session refined while the process's memory is sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from benchmarks import dataset, modelpaths, workers
from benchmarks.kept import record_session
from benchmarks.metrics import word_errors
from benchmarks.runners import peak_rss_mb

RESULTS = Path(__file__).resolve().parent / "results"
SHIFT = 53  # samples of silence put before a file per draw (`--shifts`): not a multiple of the 160-sample mel hop


def refine_files(model_path: str, name: str, paths: list[str], threads: int, shifts: int = 1, log=print, live: bool = False) -> dict:
    """Record each file as a session, refine it, and time the refine alone; plus plain offline decoding. With
    `shifts` > 1, each file is run that many times, the k-th after k x `SHIFT` samples of silence: runs[path][k].
    `live`: each draw is also captioned live first (the engine on an instant clock, as `same_finals` runs it): "live"
    holds the finals' text as they stand, and the refine is given those finals, as the app gives them at Stop."""
    import numpy as np

    from captioner.audio.sources import decode_file
    from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
    from captioner.engine.live.replay import replay
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.offline.refine import refine_session
    from captioner.engine.offline.session_files import find_session
    from captioner.events import SAMPLE_RATE

    transcriber = Transcriber.load(model_path, device="cpu", compute_type="int8", threads=threads)
    recognizer = transcriber.recognizer  # as the app loads it
    model = recognizer.model  # faster-whisper's own, for plain offline decoding
    list(model.transcribe(decode_file(paths[0])[: SAMPLE_RATE * 2], language="en")[0])  # warm-up
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n, path in enumerate(paths):
            original = decode_file(path)  # once a file, whatever the draws
            for k in range(shifts):
                audio = np.concatenate([np.zeros(k * SHIFT, np.float32), original])
                folder = Path(tmp) / f"s{n}-{k}"
                folder.mkdir(mode=0o700)
                record_session(folder, "session", audio, name)
                disk = sum(p.stat().st_size for p in folder.glob("session.audio*"))
                extra, finals = {}, []
                if live:
                    finals = replay(audio, CaptionEngine(EngineConfig()), transcriber.run, compute_advances_clock=False).finals
                    extra = {"live": " ".join(e.text for e in finals)}
                began = time.perf_counter()
                cpu0 = os.times()
                events = refine_session(find_session(folder / "session.srt"), recognizer, live=finals)
                wall = time.perf_counter() - began
                cpu = (lambda t: t.user + t.system)(os.times()) - (cpu0.user + cpu0.system)
                began = time.perf_counter()
                segments, _ = model.transcribe(audio, language="en", beam_size=5, word_timestamps=True)
                offline = " ".join(s.text.strip() for s in segments)
                offline_wall = time.perf_counter() - began
                out.setdefault(path, []).append({"audio_s": len(audio) / SAMPLE_RATE, "shift": k * SHIFT,
                                                 "refined": " ".join(e.text for e in events), "refine_s": wall,
                                                 "refine_cpu_s": cpu, "offline": offline, "offline_s": offline_wall, "audio_bytes": disk,
                                                 **extra})
                log(f"  {name} {Path(path).name}{f' +{k * SHIFT}' if k else ''}: {len(audio) / SAMPLE_RATE:.1f} s audio, refine {wall:.1f} s, offline {offline_wall:.1f} s",
                    flush=True)
    return {"runs": out, "peak_rss_mb": peak_rss_mb()}


def refine_hour(model_path: str, folder: str, threads: int, live: bool = False) -> dict:
    """Refine the session in `folder` and sample this process's memory meanwhile: before the model, with the model
    loaded and warm, and the peak during the refine. `live`: the recording is captioned live first (instant clock, the
    same model) and the refine given those finals, as the app gives them at Stop (it then decodes twice and votes);
    only the refine is timed."""
    import threading

    import psutil

    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.offline.refine import refine_session
    from captioner.engine.offline.session_files import find_session
    from captioner.events import SAMPLE_RATE

    proc = psutil.Process()
    before = proc.memory_info().rss / 2**20
    recognizer = Transcriber.load(model_path, device="cpu", compute_type="int8", threads=threads).recognizer  # as the app loads it
    model = recognizer.model
    unused = proc.memory_info().rss / 2**20  # the model before its first decode
    import numpy as np

    list(model.transcribe(np.zeros(2 * SAMPLE_RATE, np.float32), language="en")[0])  # warm-up
    session = find_session(Path(folder) / "session.srt")
    finals = []
    if live:
        from captioner.audio.sources import decode_pcm16
        from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
        from captioner.engine.live.replay import replay

        transcriber = Transcriber(recognizer)
        finals = replay(decode_pcm16(str(session.tracks[0].path)), CaptionEngine(EngineConfig()), transcriber.run,
                        compute_advances_clock=False).finals
    loaded = proc.memory_info().rss / 2**20
    peak = [loaded]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], proc.memory_info().rss / 2**20)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    high_water = _reset_high_water()
    began, cpu0 = time.perf_counter(), os.times()
    events = refine_session(session, recognizer, live=finals)
    wall = time.perf_counter() - began
    cpu = (lambda t: t.user + t.system)(os.times()) - (cpu0.user + cpu0.system)
    done.set()
    sampler.join()
    hwm = _high_water_mb() if high_water else 0.0
    return {"rss_before_model_mb": before, "rss_model_unused_mb": unused, "rss_model_loaded_mb": loaded, "rss_peak_mb": max(peak[0], hwm), "rss_peak_sampled_mb": peak[0],
            "rss_high_water_mb": hwm, "wall_s": wall, "cpu_s": cpu, "captions": len(events), "words": sum(len(e.words) for e in events)}


def _reset_high_water() -> bool:
    """Start the kernel's count of this process's peak resident memory afresh (Linux: /proc/self/clear_refs), so even
    a peak between two samples is seen. False where it cannot be."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _high_water_mb() -> float:
    """The peak resident memory since `_reset_high_water` (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def hour_main(args) -> int:
    from benchmarks.longsession import looped_speech
    from captioner.audio.sources import decode_file
    from captioner.events import SAMPLE_RATE

    started = dt.datetime.now()
    paths = dataset.loop_recordings(args.speech_dir)
    looped = looped_speech([decode_file(str(p)) for p in paths], args.hour * 60)
    audio_s = len(looped.audio) / SAMPLE_RATE
    out = args.out or RESULTS / f"refined-hour-{started:%Y%m%d-%H%M}"
    out.mkdir(parents=True, exist_ok=True)
    record = {"started": started.isoformat(timespec="seconds"), "audio_s": audio_s, "load_start": os.getloadavg()[0],
              "live": args.live, "models": {}}
    with tempfile.TemporaryDirectory() as tmp:
        record_session(Path(tmp), "session", looped.audio, "")
        disk = sum(p.stat().st_size for p in Path(tmp).glob("session.audio*"))
        del looped
        record["audio_mb_per_hour"] = disk / 1e6 * 3600 / audio_s
        print(f"{audio_s / 60:.1f} min recorded: {disk / 1e6:.1f} MB ({record['audio_mb_per_hour']:.1f} MB per hour)", flush=True)
        for spec in args.models:
            name, folder = modelpaths.resolve(spec, args.cache_dir)
            res = workers.in_child(refine_hour, str(folder), tmp, args.threads, args.live)
            res["speed"] = audio_s / res["wall_s"]
            res["cpu_per_audio_s"] = res["cpu_s"] / audio_s
            record["models"][name] = res
            print(f"{name}: refined in {res['wall_s']:.0f} s ({res['speed']:.1f}x real time, {res['cpu_per_audio_s']:.3f} CPU s per audio s); "
                  f"RSS before the model {res['rss_before_model_mb']:.0f} MB, model loaded {res['rss_model_loaded_mb']:.0f} MB, "
                  f"peak {res['rss_peak_mb']:.0f} MB (+{res['rss_peak_mb'] - res['rss_model_loaded_mb']:.0f} MB over the loaded model)",
                  flush=True)
    record["load_end"] = os.getloadavg()[0]
    (out / "refined-hour.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return 0


def refine_standin(name: str, path: str, threads: int) -> dict:
    """The refine's cost with a stand-in of `name` (random weights, real shape): `decode_audio_file` on `path`, each
    window's decode held to the tokens real speech needs (`STANDIN_TOKENS_PER_S`) at temperature 0 (a random decoder
    never ends its text and always fails the fallback checks, which a real one rarely does)."""

    from benchmarks.standin_models import STANDIN_TOKENS_PER_S, StandinWhisper, build
    from captioner.audio.sources import decode_file
    from captioner.engine.models.whisper import CPU_WORKERS, WhisperRecognizer
    from captioner.engine.offline.decode_whole import decode_audio_file
    from captioner.engine.offline.speech_spans import WINDOW_S
    from captioner.events import SAMPLE_RATE

    model = StandinWhisper(str(build(name)), device="cpu", compute_type="int8", cpu_threads=threads, num_workers=CPU_WORKERS)
    plain = model.transcribe
    model.transcribe = lambda *a, **kw: plain(*a, **{**kw, "max_new_tokens": round(STANDIN_TOKENS_PER_S * WINDOW_S), "temperature": 0.0})
    audio = decode_file(path)
    began, cpu0 = time.perf_counter(), os.times()
    decode_audio_file(WhisperRecognizer(model), audio)
    wall = time.perf_counter() - began
    cpu = (lambda t: t.user + t.system)(os.times()) - (cpu0.user + cpu0.system)
    return {"audio_s": len(audio) / SAMPLE_RATE, "wall_s": wall, "cpu_s": cpu, "peak_rss_mb": peak_rss_mb()}


def _pooled(rows: list[tuple[str, str]]) -> tuple[float, int]:
    errors = words = 0
    for ref, hyp in rows:
        we = word_errors(ref, hyp)
        errors += we.sub + we.dele + we.ins
        words += we.ref_words
    return 100 * errors / max(words, 1), words


def _spread(values: list[float]) -> str:
    """The mean of `values` (WER %), with their range when there are several."""
    mean = sum(values) / len(values)
    return f"{mean:.1f}" if len(values) == 1 else f"{mean:.1f} ({min(values):.1f}–{max(values):.1f})"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    p.add_argument("--set", default="report", choices=("main", "shared", "all", "tune", "report"))
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--cache-dir", type=Path, default=modelpaths.DEFAULT_CACHE)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--shifts", type=int, default=1, metavar="N", help="decode each file N times, started 53 samples apart "
                   "(the mean over the draws is reported)")
    p.add_argument("--live", action="store_true", help="also caption each draw live (instant clock): the live WER beside "
                   "the refined and offline ones, on the same draws")
    p.add_argument("--hour", type=float, default=None, metavar="MINUTES", help="refine a recording this long: memory and speed")
    p.add_argument("--standin", metavar="MODEL", help="the refine's speed with a stand-in of MODEL (e.g. distil-large-v3.5) "
                   "on the set's long-form file")
    args = p.parse_args(argv)
    started = dt.datetime.now()
    if args.hour:
        return hour_main(args)
    if args.standin:
        path = next(f.path for f in dataset.load_set(args.set, args.speech_dir) if f.stem.endswith("-longform"))
        res = workers.in_child(refine_standin, args.standin, str(path), args.threads)
        res["load"] = os.getloadavg()[0]
        print(f"{args.standin} (stand-in) refining {res['audio_s']:.0f} s of {path.name}: {res['wall_s']:.0f} s "
              f"({res['audio_s'] / res['wall_s']:.2f}x real time, {res['cpu_s'] / res['audio_s']:.2f} CPU s per audio s), "
              f"peak RSS {res['peak_rss_mb']:.0f} MB; load average {res['load']:.1f}")
        out = args.out or RESULTS / f"refined-standin-{started:%Y%m%d-%H%M}"
        out.mkdir(parents=True, exist_ok=True)
        (out / "refined-standin.json").write_text(json.dumps(res, indent=1), encoding="utf-8")
        return 0
    files = [f for f in dataset.load_set(args.set, args.speech_dir) if f.ref is not None and f.pooled]
    out = args.out or RESULTS / f"refined-{args.set}-{started:%Y%m%d-%H%M}"
    out.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    lines = [f"# Refined vs offline — {started:%Y-%m-%d %H:%M}, set {args.set} ({len(files)} files), {os.cpu_count()} cores, "
             f"CPU int8, {args.threads} threads; load average at start {load:.2f}", "",
             f"{args.shifts} draw(s) a file (`--shifts`): WER is the mean over the draws, their range in brackets; "
             "'refined ≤ offline': the draws where it is.", "",
             "| model | refined WER % | offline WER % | refined ≤ offline | words | audio s | refine speed (audio s per s) | "
             "CPU s per audio s | peak RSS MiB | audio kB per hour |", "|---|---|---|---|---|---|---|---|---|---|"]
    record = {"started": started.isoformat(timespec="seconds"), "set": args.set, "shifts": args.shifts, "load_start": load,
              "models": {}}
    chosen: list[str] = []
    for spec in args.models:
        name, folder = modelpaths.resolve(spec, args.cache_dir)
        print(f"{name}: refining {len(files)} files", flush=True)
        res = workers.in_child(refine_files, str(folder), name, [str(f.path) for f in files], args.threads, args.shifts,
                               live=args.live)
        runs = res["runs"]
        if args.live:
            side = {kind: [_pooled([(f.ref, runs[str(f.path)][k][kind]) for f in files])[0] for k in range(args.shifts)]
                    for kind in ("live", "refined", "offline")}
            chosen.append(f"| {name} | " + " | ".join(_spread(side[kind]) for kind in side) + " |")
            record.setdefault("live", {})[name] = side
        draws = [(_pooled([(f.ref, runs[str(f.path)][k]["refined"]) for f in files]),
                  _pooled([(f.ref, runs[str(f.path)][k]["offline"]) for f in files])) for k in range(args.shifts)]
        n_words = draws[0][0][1]
        refined = [r for (r, _), _ in draws]
        offline = [o for _, (o, _) in draws]
        every = [r for each in runs.values() for r in each]
        audio = sum(r["audio_s"] for r in every)
        speed = audio / sum(r["refine_s"] for r in every)
        cpu = sum(r["refine_cpu_s"] for r in every) / audio
        disk = sum(r["audio_bytes"] for r in every) / audio * 3600 / 1000
        lines.append(f"| {name} | {_spread(refined)} | {_spread(offline)} | {sum(r <= o for r, o in zip(refined, offline))} of "
                     f"{len(draws)} | {n_words} | {audio / args.shifts:.0f} | {speed:.1f}× | {cpu:.3f} | {res['peak_rss_mb']:.0f} | {disk:.0f} |")
        record["models"][name] = {"refined_wer": sum(refined) / len(refined), "offline_wer": sum(offline) / len(offline),
                                  "refined_wer_draws": refined, "offline_wer_draws": offline, "words": n_words,
                                  "audio_s": audio / args.shifts, "speed": speed, "cpu_per_audio_s": cpu,
                                  "peak_rss_mb": res["peak_rss_mb"], "runs": runs}
    if args.live:
        lines += ["", "Live, refined and offline on the same draws (`--live`; WER %):", "",
                  "| model | live | refined | offline |", "|---|---|---|---|", *chosen]
    lines.append("")
    lines.append(f"Load average at end {os.getloadavg()[0]:.2f}.")
    (out / "refined.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "refined.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
