"""How good live captions are and how fast they come, next to the same model offline.

    python -m benchmarks.live_vs_offline                      # tiny.en + base, shared set
    python -m benchmarks.live_vs_offline --models base --set main --hangover-ms 600
    python -m benchmarks.live_vs_offline --models base --set main --realtime

For every model and file:
- live: the file is played into the real CaptionEngine like a microphone on a simulated clock
  where each transcription pass costs its measured compute time (benchmarks/runners.py);
  with --realtime also through the app's CaptionSession + FileSource(realtime=True) on the wall
  clock, to check the simulation;
- offline: faster_whisper.WhisperModel.transcribe on the whole file (beam 5, defaults).
Writes results/<name>/{results.json, report.md, timeline.png} and prints the tables.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import math
import os
import sys
from pathlib import Path

from benchmarks import dataset, metrics, modelpaths, report, runners, workers
from benchmarks.engine_args import add_engine_args, configs_from_args, describe, engine_fingerprint, machine, strict_json

REPO = Path(__file__).resolve().parent.parent

RESULTS = REPO / "benchmarks" / "results"
PEER = REPO.parent / "shared" / "peers" / "naive_vad.py"


# -- the run ------------------------------------------------------------------
def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=["tiny.en", "base"],
                   help="tiny.en, base, base-wheels (join the two wheels' parts), or model folders")
    p.add_argument("--set", default="shared", choices=("main", "shared", "all", "tune", "report"), help="file set from the shared speech folder")
    p.add_argument("--files", nargs="+", type=Path, help="audio files instead of a set (refs looked up by stem in --speech-dir)")
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--device", default="cpu")
    p.add_argument("--compute-type", default="int8")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--block-ms", type=int, default=30, help="audio block the simulated mic delivers")
    p.add_argument("--pad-s", type=float, default=1.0, help="silence after each file, as from a mic that stays open")
    p.add_argument("--repeat", type=int, default=1, help="live runs per file; tables show medians")
    p.add_argument("--no-offline", action="store_true")
    p.add_argument("--peer", type=Path, default=PEER, help="the naive VAD loop to run beside the engine (default: ../shared/peers/naive_vad.py)")
    p.add_argument("--no-peer", action="store_true", help="leave the naive VAD loop out")
    p.add_argument("--offline-beam-size", type=int, default=5)
    p.add_argument("--offline-word-timestamps", choices=("on", "off"), default="on",
                   help="word times for the offline words-outside-speech count (on: same work as the live engine does)")
    p.add_argument("--realtime", action="store_true", help="also run live on the wall clock (CaptionSession + FileSource(realtime=True))")
    p.add_argument("--realtime-files", nargs="+", type=Path, help="files for --realtime (default: the run's files)")
    p.add_argument("--cache-dir", type=Path, default=modelpaths.DEFAULT_CACHE, help="where base-wheels is joined")
    p.add_argument("--name", default=None, help="results folder name (default: date-time)")
    p.add_argument("--out", type=Path, default=None, help="results folder (default: benchmarks/results/<name>)")
    add_engine_args(p)
    return p.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    started = dt.datetime.now()
    if args.files:
        files = [dataset.load_file(p, args.speech_dir) for p in args.files]
    else:
        files = dataset.load_set(args.set, args.speech_dir)
    out = args.out or RESULTS / (args.name or started.strftime("%Y%m%d-%H%M%S"))
    out.mkdir(parents=True, exist_ok=True)
    engine_cfg, decode = configs_from_args(args)
    info = {"started": started.isoformat(timespec="seconds"), "command": " ".join(sys.argv), "machine": machine(),
            "engine_code": engine_fingerprint(),
            "settings": describe(engine_cfg, decode),
            "harness": {"block_ms": args.block_ms, "pad_s": args.pad_s, "repeat": args.repeat, "device": args.device,
                        "compute_type": args.compute_type, "threads": args.threads, "offline_beam_size": args.offline_beam_size,
                        "offline_word_timestamps": args.offline_word_timestamps},
            "files": [{"stem": f.stem, "path": str(f.path), "ref_kind": f.ref_kind, "pooled": f.pooled, "note": f.note} for f in files]}
    paths = [f.path for f in files]
    by_path = {str(f.path): f for f in files}
    results = {}
    all_stalls: list[str] = []
    summary_rows, main_rows, file_rows, rt_rows, plot_rows = [], [], [], [], []
    main_file = next((f for f in files if f.stem == dataset.MAIN_STEM), files[0])
    from captioner.audio.sources import decode_file

    voicing = {str(f.path): metrics.reference_voicing(decode_file(str(f.path))) for f in files}
    for spec in args.models:
        name, folder = modelpaths.resolve(spec, args.cache_dir)
        print(f"{name} ({folder}): live on {len(files)} file(s) x{args.repeat} ...", flush=True)
        live = workers.in_child(workers.live, folder, paths, engine_cfg, decode, args.device, args.compute_type,
                                args.threads, args.block_ms, args.pad_s, args.repeat, False)
        off = None
        if not args.no_offline:
            print(f"{name}: offline ...", flush=True)
            lang = decode.language
            off = workers.in_child(workers.offline, folder, paths, args.device, args.compute_type, args.threads,
                                   args.offline_beam_size, lang, args.offline_word_timestamps == "on")
        peer = None
        if not args.no_peer and args.peer.is_file():
            print(f"{name}: naive VAD loop ({args.peer}) ...", flush=True)
            peer = workers.in_child(workers.peer, str(args.peer), folder, paths, args.threads)
        rt = None
        if args.realtime:
            rt_paths = [Path(p) for p in (args.realtime_files or paths)]
            for p in rt_paths:
                by_path.setdefault(str(p), dataset.load_file(p, args.speech_dir))
            print(f"{name}: real time on {len(rt_paths)} file(s) (wall clock) ...", flush=True)
            rt = workers.in_child(workers.live, folder, rt_paths, engine_cfg, decode, args.device, args.compute_type,
                                  args.threads, args.block_ms, args.pad_s, 1, True)
        # figures
        per_round = []  # per repeat: [(file, live figures)]
        for r in range(args.repeat):
            per_round.append([(by_path[str(p)], metrics.live_figures(live["runs"][str(p)][r], by_path[str(p)], voicing[str(p)]))
                              for p in paths])
        live_files = [(f, metrics.median_of([per_round[r][i][1] for r in range(args.repeat)])) for i, f in enumerate(files)]
        live_overall = metrics.median_of([metrics.pooled(rnd, "live") for rnd in per_round])
        off_files = [(f, metrics.offline_figures(off["runs"][str(f.path)], f)) for f in files] if off else None
        off_overall = metrics.pooled(off_files, "offline") if off else None
        peer_files = [(f, metrics.peer_figures(peer["runs"][str(f.path)], f)) for f in files] if peer else None
        peer_overall = metrics.pooled(peer_files, "peer") if peer else None
        model_res = {
            "folder": str(folder), "load_s": live["load_s"], "device": live["device"], "compute_type": live["compute_type"],
            "live": {"overall": live_overall, "peak_rss_mb": live["peak_rss_mb"], "rounds": [
                {"overall": metrics.pooled(rnd, "live"), "files": {f.stem: m for f, m in rnd}} for rnd in per_round],
                "files": {f.stem: m for f, m in live_files},
                "events": {f.stem: _events(live["runs"][str(f.path)][0]) for f in files},
                "jobs": {f.stem: [runners.pass_fields(p) for p in live["runs"][str(f.path)][0].passes] for f in files}},
        }
        if off:
            model_res["offline"] = {"overall": off_overall, "peak_rss_mb": off["peak_rss_mb"], "load_s": off["load_s"],
                                    "files": {f.stem: m for f, m in off_files},
                                    "segments": {f.stem: off["runs"][str(f.path)].segments for f in files}}
        if peer:
            model_res["peer"] = {"overall": peer_overall, "script": str(args.peer), "files": {f.stem: m for f, m in peer_files}}
        if rt:
            rt_res = {}
            for p in rt["runs"]:
                bf = by_path[p]
                if p not in voicing:
                    voicing[p] = metrics.reference_voicing(decode_file(p))
                m_rt = metrics.live_figures(rt["runs"][p][0], bf, voicing[p])
                sim_m = dict(live_files)[bf] if bf in dict(live_files) else None
                if sim_m is None:  # a file only run in real time: simulate it too
                    one = workers.in_child(workers.live, folder, [Path(p)], engine_cfg, decode, args.device, args.compute_type,
                                           args.threads, args.block_ms, args.pad_s, 1, False)
                    sim_m = metrics.live_figures(one["runs"][p][0], bf, voicing[p])
                rt_res[bf.stem] = {"realtime": m_rt, "sim": sim_m, "events": _events(rt["runs"][p][0]),
                                   "clock_at_emit": rt["runs"][p][0].clock_at_emit, "wall_s": rt["runs"][p][0].wall_s}
                rt_rows.append((name, bf.stem, sim_m, m_rt))
            model_res["realtime"] = {"peak_rss_mb": rt["peak_rss_mb"], "files": rt_res}
        stalls = [f"{name} {Path(p).stem} (round {i + 1}): {run.stalled}" for p, rs in live["runs"].items()
                  for i, run in enumerate(rs) if run.stalled]
        if rt:
            stalls += [f"{name} {Path(p).stem} (real time): {rs[0].stalled}" for p, rs in rt["runs"].items() if rs[0].stalled]
        model_res["stalled"] = stalls
        all_stalls.extend(stalls)
        results[name] = model_res
        summary_rows.append((name, live_overall, off_overall, live["peak_rss_mb"], off["peak_rss_mb"] if off else None, peer_overall))
        lf, of = dict(live_files), dict(off_files) if off else {}
        pf = dict(peer_files) if peer else {}
        main_rows.append((name, lf[main_file], of.get(main_file), live["peak_rss_mb"], off["peak_rss_mb"] if off else None,
                          pf.get(main_file)))
        file_rows.extend((name, f, m, of.get(f)) for f, m in live_files)
        lm, om = lf[main_file], of.get(main_file)
        line = (f"live: WER {report.pc(lm.get('wer'))} %, final p50/p90 {report.f(lm['final_p50'])}/{report.f(lm['final_p90'])} s, "
                f"first text p50/p90 {report.f(lm['first_p50'])}/{report.f(lm['first_p90'])} s, compute {report.f(lm['rtf'])} s/s"
                + (f"   |   offline: WER {report.pc(om.get('wer'))} %, compute {report.f(om['rtf'])} s/s" if om else ""))
        plot_rows.append((name, live["runs"][str(main_file.path)][0], off["runs"][str(main_file.path)] if off else None, line))

    info["machine"]["loadavg_end"] = os.getloadavg()
    info["elapsed_s"] = (dt.datetime.now() - started).total_seconds()
    info["models"] = results
    png = out / "timeline.png"
    report.plot(png, f"{main_file.stem} (live run 1 of {args.repeat}; simulated clock)", main_file, plot_rows)
    md = render(info, files, main_file, summary_rows, main_rows, file_rows, rt_rows, png.name, all_stalls)
    (out / "report.md").write_text(md)
    (out / "results.json").write_text(json.dumps(strict_json(info), indent=1, default=_json_default))
    print(md)
    print(f"wrote {out}/results.json, report.md, timeline.png ({info['elapsed_s']:.0f} s)")
    return 0


def render(info, files, main_file, summary_rows, main_rows, file_rows, rt_rows, png_name, stalls=()) -> str:
    m = info["machine"]
    s = info["settings"]
    h = info["harness"]
    seg, eng, dec = s["segmenter"], s["engine"], s["decode"]
    lines = [
        f"# Live vs offline — {info['started']}",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores; faster-whisper {m['faster_whisper']}, CTranslate2 {m['ctranslate2']}; "
        f"{h['device']}/{h['compute_type']}, {h['threads']} threads; load average at start {m['loadavg_start'][0]:.2f}, "
        f"at end {m['loadavg_end'][0]:.2f}.",
        "",
        f"Engine: VAD aggr. {seg['aggressiveness']}, hang-over {seg['hangover_ms']} ms, pre-roll {seg['preroll_ms']} ms, tail {seg['tail_ms']} ms, "
        f"min speech {seg['min_speech_ms']} ms, max segment {seg['max_segment_s']} s; interims {'on' if eng['interims'] else 'off'} "
        f"(first after {eng['first_interim_s']} s, then every {eng['interim_interval_s']} s), pause pass {eng['pause_pass_ms']} ms, "
        f"prompt {eng['prompt_chars']} chars; revising passes {_revising(eng)}; beam {dec['beam_size']}, window margin {_margin(dec['window_margin_s'])}, "
        f"word timestamps {dec['word_timestamps']}, language {dec['language']}.",
        f"Engine code {info['engine_code']} (hash of captioner/engine/*.py). Harness: {h['block_ms']} ms blocks, {h['pad_s']} s of silence after each file, {h['repeat']} live run(s) per file "
        f"(medians); offline beam {h['offline_beam_size']}, word timestamps {h['offline_word_timestamps']}.",
        "",
        "WER: Whisper's English normaliser on both sides, jiwer, pooled over the true-reference files "
        "(the stereo overlap, pseudo-reference and no-reference files are left out of the pooled figure). "
        "Final latency: end of the segment's speech → final shown; first text: speech onset → first interim or final text; "
        "both on the simulated clock. Words outside speech: caption words lying wholly outside the reference speech spans "
        "(annotated for the round-robin file) or in the padded silence.",
        "",
        f"## Overall ({len(files)} files, {sum(r[1]['audio_s'] for r in summary_rows[:1]):.0f} s of audio)" if summary_rows else "",
        "",
        report.summary_table(summary_rows),
        report.revision_lines(summary_rows),
        f"## {main_file.stem}",
        "",
        report.summary_table(main_rows),
        "## Per file",
        "",
        report.per_file_table(file_rows),
    ]
    if rt_rows:
        lines += ["## Simulated vs real-time clock", "", report.realtime_table(rt_rows)]
    if stalls:
        lines += ["**STALLED runs** (the engine was still busy long after the audio ended; figures for them cover "
                  "only the captions that came out):", *[f"- {x}" for x in stalls], ""]
    notes = [f"- {f.stem}: {f.note}" for f in files if f.note]
    if notes:
        lines += ["Notes:", *notes, ""]
    lines += [f"![timeline]({png_name})", ""]
    return "\n".join(lines)


def _revising(eng: dict) -> str:
    rule = eng.get("revision") or {}
    if not eng.get("revise"):
        return "off"
    return f"after {rule.get('pause_s')} s of silence or {rule.get('span_s')} s of finals" + (", when surer" if rule.get("surer") else "")


def _margin(seconds: float) -> str:
    return f"{seconds:g} s" if seconds >= 0 else "by the model's size"


def _events(run) -> list[dict]:
    return [{"t": round(t, 3), "id": e.id, "start_s": e.start / metrics.SR, "end_s": e.end / metrics.SR, "final": e.final,
             "text": e.text, "stable": e.stable, "revision": e.revision} for t, e in run.events]


def _json_default(o):
    if isinstance(o, Path):
        return str(o)
    if dataclasses.is_dataclass(o):
        return dataclasses.asdict(o)
    if isinstance(o, float) and math.isnan(o):
        return None
    return str(o)


if __name__ == "__main__":
    sys.exit(main())
