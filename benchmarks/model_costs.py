"""What each model costs live on this machine: pass times, live latency, compute, lag over a long run.

    python -m benchmarks.model_costs [--models tiny.en base small.en large-v3-turbo distil-large-v3.5]
        [--interim tiny.en [--interim-threads 1] [--serial-interims]] [--margin S] [--realtime]
        [--sections passes live long] [--long-minutes 10]

Models: tiny.en and base are real (benchmarks/modelpaths.py); small.en, large-v3-turbo and
distil-large-v3.5 are stand-ins of their exact shape with random weights (benchmarks/standin_models.py):
their text is garbage, their timing is real. A stand-in decodes exactly the transcriber's token
budget on every pass, set to 16 + `standin_models.STANDIN_TOKENS_PER_S` tokens a second of audio (4/s:
the round-robin file's reference has 2.3 words/s, ~3 tokens/s, so this errs on the costly side);
its passes are not checked (its text always looks wrong), so the full-window re-runs are counted
on the real models only, and what one would cost is the full-window pass time.

Sections:
- passes: one pass over 2/5/10 s of speech (the engine's own pace clip, `pacing.pace_audio`) with
  the short encoder window, and over 5 s with the full 30 s window; median of --repeat.
- live: the round-robin file (first --seconds of it) on the engine's simulated live clock
  (captioner/engine/live/replay.py via runners.simulate_live): final latency p50/p90 after the end of
  speech, first text p90, compute per audio second, full-window re-runs, share of passes started
  while the engine was behind (pacing level > 0), WER for the real models. With --realtime the
  app's own CaptionSession plays the file on the wall clock instead (runners.realtime_live): the
  way to time an interim model running beside the final one, as the simulated clock runs each
  pass alone and does not see the two contend for the cores; no per-pass figures then.
- long: the round-robin file repeated to --long-minutes: final latency per 2-minute stretch, and
  whether it stays bounded.

Every pass runs for real on this machine's CPU; the timings move with the machine's load, which
is printed. `--final-pace F` counts the final model's passes at F times their measured compute (0.1:
about a GPU's pace); `--pass-cost A B` at A + B x each clip's seconds instead (0.07 0.005: the default
model's pass times on the H200), so a live run repeats exactly, whatever the load: two rule sets are
compared on the same decodes, and only what the rules change moves. Set MKL_ENABLE_INSTRUCTIONS=AVX2
for laptop-like timings (a separate run).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
from pathlib import Path

import numpy as np

from benchmarks import dataset, metrics, modelpaths, runners, standin_models
from benchmarks.engine_args import machine
from captioner.engine.live import pacing
from captioner.engine.live.pipeline import EngineConfig
from captioner.engine.live.transcriber import DecodeOptions, Transcriber
from captioner.events import SAMPLE_RATE

RESULTS = Path(__file__).resolve().parent / "results"
STRETCH_S = 120.0  # the long run's latency is reported per stretch of this much audio
SHIFT = 53  # samples: each further draw (--shifts) starts this much later
LIVE_KEYS = ("final_p50", "final_p90", "first_p50", "first_p90", "seen_p50", "seen_p90", "word_p50", "word_p90", "rtf", "wer",
             "finals", "revised", "revised_share")


def load(spec: str, options: DecodeOptions, threads: int, interim: str | None = None, interim_threads: int | None = None) -> Transcriber:
    """A Transcriber for a real model or a stand-in, with an optional interim model (on `interim_threads`, default
    `threads`)."""
    if spec in standin_models.SHAPES:
        tr = standin_models.load(spec, options, threads=threads)
    else:
        name, folder = modelpaths.resolve(spec)
        tr = Transcriber.load(str(folder), options, device="cpu", compute_type="int8", threads=threads, name=name)
    if interim:
        tr.interim = load(interim, DecodeOptions(window_margin_s=options.window_margin_s), interim_threads or threads)
    return tr


def median_pass(tr: Transcriber, seconds: float, margin_s: float, repeat: int) -> float:
    """Median compute time of `repeat` passes over `seconds` of speech with this window margin."""
    tr.options = dataclasses.replace(tr.options, window_margin_s=margin_s)
    audio = pacing.pace_audio(seconds)
    return float(np.median([tr.transcribe(audio).compute_s for _ in range(repeat)]))


def live_figures(run, bench_file) -> dict:
    """The benchmark's live figures plus re-runs and the share of passes started while behind."""
    fig = metrics.live_figures(run, bench_file)
    fig["reruns"] = sum(p.result.reruns for p in run.passes)
    fig["behind_share"] = sum(p.level > 0 for p in run.passes) / len(run.passes) if run.passes else float("nan")
    fig["stalled"] = run.stalled
    return fig


def stretches(run) -> list[dict]:
    """Final latency per STRETCH_S of audio (by the end of the speech it captions)."""
    out = []
    finals = [(t, e) for t, e in run.events if e.final and e.text]
    for k in range(int(np.ceil(run.duration_s / STRETCH_S))):
        lat = [t - e.end / SAMPLE_RATE for t, e in finals if k * STRETCH_S <= e.end / SAMPLE_RATE < (k + 1) * STRETCH_S]
        out.append({"from_s": k * STRETCH_S, "finals": len(lat), "p50": metrics.pct(lat, 50), "p90": metrics.pct(lat, 90),
                    "max": max(lat, default=float("nan"))})
    return out


def table(result_files: list[Path]) -> str:
    """One markdown row per model and run (each results file's settings in the row's name)."""
    from benchmarks.report import f, pc

    head = ("| model | run | load | pass 2 / 5 / 10 s, short window (s) | pass 5 s, full window (s) | final p50 / p90 (s) "
            "| first text p90 (s) | compute s per audio s | full-window re-runs | passes while behind "
            "| long run: final p50 / p90, first → last 2 min (s) |\n|---|---|---|---|---|---|---|---|---|---|---|\n")
    rows = []
    for path in result_files:
        data = json.loads(Path(path).read_text())
        info = data["info"]
        interims = ""
        if info.get("interim"):
            interims = (f"interims by {info['interim']} ({info.get('interim_threads') or info.get('threads', 2)} thread"
                        f"{'s' if (info.get('interim_threads') or info.get('threads', 2)) > 1 else ''}, "
                        + ("queued behind the finals" if not info.get("interim_worker", False) else "beside the finals")
                        + (f"; final model {info['threads']} thread{'s' if info['threads'] > 1 else ''})" if "threads" in info else ")"))
        run = ", ".join(x for x in (interims, info.get("realtime") and "wall clock",
                                    f"margin {info['margin_s']:g} s" if info['margin_s'] >= 0 else "margin by size", info.get("mkl_instructions") and "MKL " + info["mkl_instructions"]) if x)
        for model, res in data["results"].items():
            short = res.get("short", {})
            live = res.get("live", {})
            long = res.get("long", {})
            stretch = [x for x in long.get("stretches", []) if x["finals"]]
            long_cell = "—"
            if stretch:
                long_cell = (f"{f(stretch[0]['p50'], 1)} / {f(stretch[0]['p90'], 1)} → {f(stretch[-1]['p50'], 1)} / {f(stretch[-1]['p90'], 1)} "
                             f"(by {stretch[-1]['from_s'] / 60:.0f} min); {long['figures']['finals']} finals, "
                             f"{f(long['figures']['rtf'])} s/s" + ("; stopped, not done" if long["figures"].get("stalled") else ""))
            standin_mark = " (stand-in)" if model in standin_models.SHAPES else ""
            rows.append(f"| {model}{standin_mark} | {run} | {res['load_before']:.1f}–{res['load_after']:.1f} "
                        f"| {' / '.join(f(v) for v in short.values()) or '—'} | {f(res.get('full', {}).get('5.0'))} "
                        f"| {f(live.get('final_p50'))} / {f(live.get('final_p90'))} | {f(live.get('first_p90'))} | {f(live.get('rtf'))} "
                        f"| {live.get('reruns', '—') if not standin_mark else 'n/a'} | {pc(live.get('behind_share'), 0)} % | {long_cell} |")
    return head + "\n".join(rows) + "\n"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=["tiny.en", "base", "small.en", "large-v3-turbo", "distil-large-v3.5"])
    p.add_argument("--interim", default=None, help="a small model for the interim passes (e.g. tiny.en)")
    p.add_argument("--interim-threads", type=int, default=None, help="CPU threads of the interim model (default: --threads)")
    p.add_argument("--serial-interims", action="store_true",
                   help="the interim model's passes queue behind the final model's, one pass at a time (as before the interim worker)")
    p.add_argument("--realtime", action="store_true", help="live and long: the app's session on the wall clock, not the simulated clock")
    p.add_argument("--margin", type=float, default=DecodeOptions().window_margin_s, help="encoder window margin (s); -1: by the model's size (transcriber.margin_for)")
    p.add_argument("--sections", nargs="+", default=["passes", "live"], choices=("passes", "live", "long"))
    p.add_argument("--lengths", nargs="+", type=float, default=[2.0, 5.0, 10.0], help="clip lengths for the short-window passes")
    p.add_argument("--full-lengths", nargs="*", type=float, default=[5.0], help="clip lengths for the full-window passes")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--seconds", type=float, default=None, help="live: only the first SECONDS of the round-robin file")
    p.add_argument("--shifts", type=int, default=1,
                   help="live, round-robin file: decode it this many times, each started 53 samples later, and pool the figures "
                        "(one decode is one draw: the words move with where the passes fall)")
    p.add_argument("--set", default=None, choices=("tune", "report"),
                   help="live: every file of this half of the evaluation set instead of the round-robin file (figures pooled)")
    p.add_argument("--long-minutes", type=float, default=10.0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--final-pace", type=float, default=1.0,
                   help="simulated clock: the final model's passes take this many times their compute (a bigger model's pace, real words)")
    p.add_argument("--pass-cost", type=float, nargs=2, metavar=("A", "B"), default=None,
                   help="simulated clock: each pass of the final model takes A + B x its clip's seconds instead of its measured "
                        "compute (e.g. 0.07 0.005, about the H200's pace), so that a run repeats whatever the machine's load and "
                        "two rule sets compare on the same decodes")
    p.add_argument("--gpu-rules", choices=("auto", "on", "off"), default="auto",
                   help="the engine's timing rules for a GPU (EngineConfig.accelerated); auto: on with --final-pace under 1 (a GPU's pace "
                        "simulated on this CPU) or a model on CUDA, as a session sets them")
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--name", default=None, help="results folder name (default: model-costs-<date-time>)")
    p.add_argument("--table", nargs="+", type=Path, help="only print the table of these model_costs.json files")
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.table:
        print(table(args.table))
        return 0
    started = dt.datetime.now()
    out = RESULTS / (args.name or "model-costs-" + started.strftime("%Y%m%d-%H%M%S"))
    out.mkdir(parents=True, exist_ok=True)
    info = {"started": started.isoformat(timespec="seconds"), "command": " ".join(sys.argv), "machine": machine(),
            "mkl_instructions": os.environ.get("MKL_ENABLE_INSTRUCTIONS", ""), "interim": args.interim, "margin_s": args.margin,
            "standin_tokens_per_s": standin_models.STANDIN_TOKENS_PER_S, "threads": args.threads, "interim_threads": args.interim_threads,
            "interim_worker": bool(args.interim) and not args.serial_interims, "realtime": args.realtime,
            "final_pace": args.final_pace, "pass_cost": args.pass_cost, "gpu_rules": args.gpu_rules}
    print(json.dumps(info), flush=True)
    main_file = dataset.load_set("main", args.speech_dir)[0]
    from captioner.audio.sources import decode_file

    audio = decode_file(str(main_file.path))
    if args.seconds:
        audio = audio[: int(args.seconds * SAMPLE_RATE)]
        main_file = dataclasses.replace(main_file, ref=None)  # the reference covers the whole file
    gpu_rules = args.gpu_rules == "on" or (args.gpu_rules == "auto" and (args.final_pace < 1.0 or args.pass_cost is not None))
    config = EngineConfig(interim_worker=info["interim_worker"], accelerated=gpu_rules)
    if args.gpu_rules == "off":
        config = dataclasses.replace(config, cheap_pass_s=0.0)  # not even on CUDA

    def live(tr, clip, max_overrun_s=runners.MAX_OVERRUN_S):
        if not args.realtime:
            return runners.simulate_live(tr.run, clip, config, max_overrun_s=max_overrun_s, final_pace=args.final_pace,
                                         pass_cost=args.pass_cost)
        wav = out / "clip.wav"
        write_wav(wav, clip)
        try:
            return runners.realtime_live(tr, str(wav), config, max_overrun_s=max_overrun_s)
        finally:
            wav.unlink()

    results = {}
    for spec in args.models:
        tr = load(spec, DecodeOptions(window_margin_s=args.margin), args.threads, args.interim, args.interim_threads)
        tr.warm_up()
        res: dict = {"load_before": os.getloadavg()[0]}
        if "passes" in args.sections:
            res["short"] = {str(s): median_pass(tr, s, args.margin, args.repeat) for s in args.lengths}
            res["full"] = {str(s): median_pass(tr, s, 0.0, args.repeat) for s in args.full_lengths}
            tr.options = dataclasses.replace(tr.options, window_margin_s=args.margin)
            print(spec, "passes", res["short"], "full", res["full"], flush=True)
        if "live" in args.sections and args.set:
            per_file = []
            for bench_file in dataset.load_set(args.set, args.speech_dir):
                run = live(tr, decode_file(str(bench_file.path)))
                per_file.append((bench_file, metrics.live_figures(run, bench_file)))
                print(spec, bench_file.path.name, {k: per_file[-1][1].get(k) for k in ("final_p50", "first_p90", "seen_p90", "rtf")},
                      flush=True)
            res["live"] = metrics.pooled(per_file, "live")
            res["live"]["set"] = args.set
            print(spec, "live", args.set, {k: res["live"].get(k) for k in ("final_p50", "final_p90", "first_p50", "first_p90", "seen_p50",
                                                                          "seen_p90", "rtf", "wer", "finals")}, flush=True)
        elif "live" in args.sections:
            draws = []
            for k in range(args.shifts):  # each draw starts SHIFT samples later: one decode of a file is one draw
                run = live(tr, np.concatenate([np.zeros(SHIFT * k, dtype=np.float32), audio]))
                draws.append((main_file, live_figures(run, main_file)))
                if args.shifts > 1:
                    print(spec, "draw", k, {key: draws[-1][1].get(key) for key in LIVE_KEYS}, flush=True)
            fig = draws[0][1] if args.shifts == 1 else {**metrics.pooled(draws, "live"), "reruns": sum(d["reruns"] for _, d in draws),
                                                       "behind_share": float(np.mean([d["behind_share"] for _, d in draws])),
                                                       "stalled": ",".join(d["stalled"] for _, d in draws if d["stalled"]),
                                                       "draws": args.shifts, "draw_wer": [d.get("wer") for _, d in draws]}
            res["live"] = {k: v for k, v in fig.items() if not isinstance(v, list) or k == "draw_wer"}
            res["live_passes"] = [{"start_s": p.started_s, "end_s": p.done_s, "final": p.job.final, "segment": p.job.segment_id,
                                   "audio_s": runners.audio_s(p), "compute_s": p.result.compute_s, "level": p.level} for p in run.passes]
            print(spec, "live", {k: res["live"].get(k) for k in (*LIVE_KEYS, "reruns", "behind_share", "stalled", "draw_wer")}, flush=True)
        if "long" in args.sections:
            reps = int(np.ceil(args.long_minutes * 60 * SAMPLE_RATE / len(audio)))
            long_audio = np.tile(audio, reps)[: int(args.long_minutes * 60 * SAMPLE_RATE)]
            run = live(tr, long_audio, max_overrun_s=600)
            fig = live_figures(run, dataclasses.replace(main_file, ref=None))
            res["long"] = {"figures": {k: v for k, v in fig.items() if not isinstance(v, list)}, "stretches": stretches(run),
                           "wall_s": run.wall_s}
            print(spec, "long", json.dumps(res["long"]["stretches"]), "rtf", round(fig["rtf"], 2), "stalled", run.stalled, flush=True)
        res["load_after"] = os.getloadavg()[0]
        results[spec] = res
        (out / "model_costs.json").write_text(json.dumps({"info": info, "results": results}, indent=1, default=float))
    print(f"results in {out}")
    return 0


def write_wav(path: Path, audio: np.ndarray) -> None:
    """16 kHz mono 16-bit PCM, for the real-time runner's file source."""
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())


if __name__ == "__main__":
    sys.exit(main())
