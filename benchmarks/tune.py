"""Sweep engine settings on the simulated live clock and tabulate what each one moves.

    python -m benchmarks.tune --model base --repeat 3
    python -m benchmarks.tune --model base --variants baseline max-seg-8 max-seg-20 \
        --files ../shared/speech/audio/whisper-timestamped_apollo11.mp3

The model is loaded once; each variant gets its own Transcriber (same weights, its own decode
options) and a fresh CaptionEngine. Rounds run every variant once, in a rotated order, so that
load from other users of the machine spreads over all variants; the table shows medians over
rounds (and the spread of compute and latency p50). Baseline = the engine's defaults plus any
engine flags given here (the same flags as live_vs_offline.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

from benchmarks import dataset, metrics, modelpaths, runners
from benchmarks.engine_args import add_engine_args, configs_from_args, describe, engine_fingerprint, strict_json
from benchmarks.report import f, pc

REPO = Path(__file__).resolve().parent.parent

VARIANTS: dict[str, dict] = {
    "baseline": {},
    "hangover-300": {"hangover_ms": 300},
    "hangover-600": {"hangover_ms": 600},
    "interval-0.5": {"interim_interval_s": 0.5},
    "interval-1.5": {"interim_interval_s": 1.5},
    "first-interim-1.0": {"first_interim_s": 1.0},
    "no-interims": {"interims": False},
    "beam-5": {"beam_size": 5},
    "prompt-200": {"prompt_chars": 200},
    "margin-2": {"window_margin_s": 2.0},
    "margin-3": {"window_margin_s": 3.0},
    "margin-4": {"window_margin_s": 4.0},
    "margin-6": {"window_margin_s": 6.0},
    "margin-0 (full 30 s)": {"window_margin_s": 0.0},
    "max-seg-8": {"max_segment_s": 8.0},
    "max-seg-10": {"max_segment_s": 10.0},
    "max-seg-20": {"max_segment_s": 20.0},
    # engine changes tried in benchmarks/experiments.py only
    "x-own-cr": {"experiment": "own-cr"},
    "x-loop-retry": {"experiment": "loop-retry"},
    "x-own-cr+loop-retry": {"experiment": "own-cr+loop-retry"},
}


def parse_variant(text: str) -> tuple[str, dict]:
    """A named variant, or an ad-hoc one: 'name:flag=value,flag=value'."""
    if text in VARIANTS:
        return text, VARIANTS[text]
    if ":" in text:
        name, spec = text.split(":", 1)
        over = {}
        for item in spec.split(","):
            k, v = item.split("=", 1)
            over[k.strip().replace("-", "_")] = v.strip()
        return name, over
    raise SystemExit(f"unknown variant {text!r}; known: {', '.join(VARIANTS)}, or name:flag=value,...")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="base")
    p.add_argument("--files", nargs="+", type=Path, help="default: the round-robin file")
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--variants", nargs="+", default=list(VARIANTS))
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--device", default="cpu")
    p.add_argument("--compute-type", default="int8")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--block-ms", type=int, default=30)
    p.add_argument("--pad-s", type=float, default=1.0)
    p.add_argument("--name", default=None)
    p.add_argument("--resume", action="store_true", help="keep the rounds already in results/<name>/tune.json (same engine code)")
    add_engine_args(p)
    args = p.parse_args(argv)

    from benchmarks.experiments import ExperimentalTranscriber
    from captioner.audio.sources import decode_file
    from captioner.engine.live.transcriber import Transcriber
    files = [dataset.load_file(x, args.speech_dir) for x in args.files] if args.files else dataset.load_set("main", args.speech_dir)
    audio = {bf.stem: decode_file(str(bf.path)) for bf in files}
    voicing = {stem: metrics.reference_voicing(a) for stem, a in audio.items()}
    variants = [parse_variant(v) for v in args.variants]
    name, folder = modelpaths.resolve(args.model)
    _, base_decode = configs_from_args(args)
    loaded = Transcriber.load(str(folder), base_decode, device=args.device, compute_type=args.compute_type, threads=args.threads, name=name)
    loaded.transcribe(audio[files[0].stem][: 32000])  # warm-up
    started = dt.datetime.now()
    rounds: dict[str, list[dict]] = {v: [] for v, _ in variants}
    per_file: dict[str, list[dict]] = {v: [] for v, _ in variants}
    settings = {}
    out = REPO / "benchmarks" / "results" / (args.name or f"tune-{name}-{started.strftime('%Y%m%d-%H%M%S')}")
    out.mkdir(parents=True, exist_ok=True)
    if args.resume and (out / "tune.json").is_file():
        old = json.loads((out / "tune.json").read_text())
        if old.get("engine_code") != engine_fingerprint():
            raise SystemExit(f"{out}/tune.json comes from engine code {old.get('engine_code')}, now {engine_fingerprint()}: not resuming")
        for v in rounds:
            rounds[v] = old["rounds"].get(v, [])[: args.repeat]
            per_file[v] = old["per_file"].get(v, [])[: args.repeat]
        settings.update(old.get("settings", {}))

    def save() -> None:
        (out / "tune.json").write_text(json.dumps(strict_json({
            "started": started.isoformat(timespec="seconds"), "command": " ".join(sys.argv), "model": name, "folder": str(folder),
            "engine_code": engine_fingerprint(),
            "files": [bf.stem for bf in files], "repeat": args.repeat, "settings": settings,
            "rounds": rounds, "per_file": per_file}), indent=1, default=str))

    for r in range(args.repeat):
        order = variants[r % len(variants):] + variants[: r % len(variants)]
        for vname, over in order:
            if len(rounds[vname]) > r:
                continue
            over = dict(over)
            experiment = tuple(x for x in str(over.pop("experiment", "")).split("+") if x)
            engine_cfg, decode = configs_from_args(args, **over)
            settings[vname] = {**describe(engine_cfg, decode), "experiment": experiment}
            if experiment:
                tr = ExperimentalTranscriber(loaded.recognizer, decode, experiments=experiment)
            else:
                tr = Transcriber(loaded.recognizer, decode)
            figs, stalled = [], []
            t0 = time.perf_counter()
            for bf in files:
                run = runners.simulate_live(tr.run, audio[bf.stem], engine_cfg, block_ms=args.block_ms, pad_s=args.pad_s)
                stalled.append(run.stalled)
                figs.append((bf, metrics.live_figures(run, bf, voicing[bf.stem])))
            pooled = metrics.pooled(figs, "live")
            pooled["passes"] = sum(m["passes"] for _, m in figs)
            pooled["passes_over_1s"] = sum(m["passes_over_1s"] for _, m in figs)
            pooled["empty_finals"] = sum(m["empty_finals"] for _, m in figs)
            pooled["lost_shown"] = sum(m["lost_shown"] for _, m in figs)
            pooled["retracted_shown"] = sum(m["retracted_shown"] for _, m in figs)
            pooled["words_out"] = sum(m["words_out"] for _, m in figs)
            pooled["stalled"] = sum(bool(x) for x in stalled)
            rounds[vname].append(pooled)
            per_file[vname].append({bf.stem: {k: v for k, v in m.items() if "latency" not in k} for bf, m in figs})
            print(f"[{r + 1}/{args.repeat}] {vname:22s} WER {pc(pooled['wer'])} % final p50 {f(pooled['final_p50'])} p90 {f(pooled['final_p90'])} "
                  f"first p50 {f(pooled['first_p50'])} p90 {f(pooled['first_p90'])} compute {f(pooled['rtf'])} s/s "
                  f"({time.perf_counter() - t0:.0f} s)" + (" STALLED" if any(stalled) else ""), flush=True)
            save()
    table = render(name, files, variants, rounds, args.repeat)
    (out / "tune.md").write_text(table)
    save()
    print(table)
    print(f"wrote {out}/tune.md, tune.json")
    return 0


def render(model, files, variants, rounds, repeat) -> str:
    lines = [f"Engine code {engine_fingerprint()}. Model {model}; files: {', '.join(bf.stem for bf in files)}; medians of {repeat} round(s) "
             f"(compute and final p50 also as min–max).", "",
             "| variant | WER % | final latency p50 / p90 / max (s) | first text p50 / p90 (s) | vs fixed ref. VAD: final p50 / p90, first p50 / p90 (s) | compute s per audio s | passes (>1 s) "
             "| finals lost / shown then retracted | repeated 5-grams | words out (outside speech) | cues OK |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for vname, _ in variants:
        rs = rounds[vname]
        m = metrics.median_of(rs)
        rtf = [x["rtf"] for x in rs]
        p50 = [x["final_p50"] for x in rs]
        spread = lambda xs: f" ({min(xs):.2f}–{max(xs):.2f})" if len(xs) > 1 else ""  # noqa: E731
        lines.append(
            f"| {vname}{' **(stalled)**' if m.get('stalled') else ''} | {pc(m['wer'])} | {f(m['final_p50'])}{spread(p50)} / {f(m['final_p90'])} / {f(m['final_max'])} "
            f"| {f(m['first_p50'])} / {f(m['first_p90'])} | {f(m.get('final_ref_p50'))} / {f(m.get('final_ref_p90'))}, "
            f"{f(m.get('first_ref_p50'))} / {f(m.get('first_ref_p90'))} | {f(m['rtf'])}{spread(rtf)} | {m['passes']:g} ({m['passes_over_1s']:g}) "
            f"| {m['lost_shown']:g} / {m['retracted_shown']:g} | {m['rep5']:g} | {m['words_out']:g} ({m['nospeech_words']:g}) "
            f"| {pc(m['cue_ok_share'], 0)} % ({m['cue_bad_cps']:g} too fast, {m['cue_bad_duration']:g} too long) |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
