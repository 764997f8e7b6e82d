"""Where each lost word went: live vs offline on a half of the evaluation set, with the stage that
lost every reference word the live run missed.

    nice .venv/bin/python -m benchmarks.attribution --half tune --models tiny.en base
    nice .venv/bin/python -m benchmarks.attribution --half report --models tiny.en base --name report-after

For every file: a live run on the simulated clock (the engine's defaults, or engine flags as in
live_vs_offline.py), an offline `transcribe` of the whole file (beam 5), and, for each VAD segment
that lost words, an offline decode of that segment's audio alone with the full 30 s window (beam 5,
temperature fallback, no filters). Every reference word gets a time (from the offline words it
aligns with; interpolated inside its clip otherwise). Each reference word that the live finals do
not hold (deleted or substituted) is put in the first stage that explains it:

- `no_segment`: no VAD segment came near it (the segmenter never opened);
- `too_short`: it lay in a segment dropped for too little speech;
- `cut`: it lay across a segment's edge (a max-length cut, or the segment closed or opened on it);
- `filter:<rule>`: the final pass decoded it and a filter dropped it (loop, no_speech, filler, repeat);
- `merge`: the final text came from a pass that ended before the word did (interim standing in);
- `decoded`: the segment alone, decoded offline with the full window, has it; the live passes lost it;
- `segment`: even that offline decode of the segment alone misses it (context lost by cutting, or
  simply hard: see "offline lost it too").

Clauses: the reference split at , . ; : ? ! (and each clip); a clause of 3+ words whose every word
the run lost is "lost whole". Writes results/<name>/attribution.{json,md} and prints the tables.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import json
import os
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import evalset, metrics, modelpaths, runners
from benchmarks.engine_args import add_engine_args, configs_from_args, describe, engine_fingerprint, machine, strict_json
from benchmarks.report import f, pc
from benchmarks.segments import Seg, from_events
from captioner.engine.live.replay import Pass
from captioner.events import SAMPLE_RATE as SR

REPO = Path(__file__).resolve().parent.parent

EDGE_S = 0.25  # a word this close to a segment's edge (outside it, or inside a max-length cut) was cut
STAGES = ("no_segment", "too_short", "cut", "filter", "merge", "decoded", "segment")


# -- reference words with times and clauses -----------------------------------------------------------
@dataclass
class RefWord:
    text: str  # normalised
    clause: int
    start: float = float("nan")
    end: float = float("nan")


def clauses_of(text: str) -> list[str]:
    return [c for c in re.split(r"[,.;:?!]+", text) if metrics.normalise(c)]


def ref_words(clips: list[tuple[str, float, float]]) -> list[RefWord]:
    """clips: (reference text, start s, end s). Words normalised clause by clause."""
    out: list[RefWord] = []
    k = 0
    for text, a, b in clips:
        first = len(out)
        for c in clauses_of(text):
            out += [RefWord(w, k) for w in metrics.normalise(c).split()]
            k += 1
        # uniform placement inside the clip, refined by `place_words`
        n = len(out) - first
        for i, w in enumerate(out[first:]):
            w.start, w.end = a + (b - a) * i / max(1, n), a + (b - a) * (i + 1) / max(1, n)
    return out


def hyp_tokens(words: list[tuple[str, float, float]]) -> list[tuple[str, float, float]]:
    """Timed words -> normalised tokens carrying their word's times."""
    out = []
    for text, s, e in words:
        out += [(t, s, e) for t in metrics.normalise(text).split()]
    return out


def align(ref: list[str], hyp: list[str]) -> list[tuple[str, int | None]]:
    """Per reference token: ("ok" | "sub" | "del", index of the hyp token it met or None)."""
    import jiwer

    if not ref:
        return []
    if not hyp:
        return [("del", None)] * len(ref)
    out: list[tuple[str, int | None]] = [("del", None)] * len(ref)
    for ch in jiwer.process_words(" ".join(ref), " ".join(hyp)).alignments[0]:
        for i in range(ch.ref_end_idx - ch.ref_start_idx):
            r = ch.ref_start_idx + i
            if ch.type == "equal":
                out[r] = ("ok", ch.hyp_start_idx + i)
            elif ch.type == "substitute":
                out[r] = ("sub", ch.hyp_start_idx + i)
    return out


def place_words(refs: list[RefWord], timed: list[tuple[str, float, float]], clips: list[tuple[str, float, float]]) -> None:
    """Give reference words the times of the offline words they align with (equal or substituted);
    spread the others evenly between their timed neighbours inside their clip."""
    al = align([w.text for w in refs], [t for t, _, _ in timed])
    known = [j is not None for _, j in al]
    for w, (_, j) in zip(refs, al):
        if j is not None:
            w.start, w.end = timed[j][1], timed[j][2]
    bounds = []  # clip of each word: (start, end)
    i = 0
    for text, a, b in clips:
        n = sum(len(metrics.normalise(c).split()) for c in clauses_of(text))
        bounds += [(a, b)] * n
        i += n
    i = 0
    while i < len(refs):
        if known[i]:
            i += 1
            continue
        k = i
        while k < len(refs) and not known[k] and bounds[k] == bounds[i]:
            k += 1
        a, b = bounds[i]
        lo = refs[i - 1].end if i > 0 and known[i - 1] and bounds[i - 1] == bounds[i] else a
        hi = refs[k].start if k < len(refs) and known[k] and bounds[k] == bounds[i] else b
        hi = max(hi, lo)
        for m in range(i, k):
            refs[m].start = lo + (hi - lo) * (m - i) / (k - i)
            refs[m].end = lo + (hi - lo) * (m - i + 1) / (k - i)
        i = k


# -- one live run, recorded ------------------------------------------------------------------------------
class Watching:
    """Runs engine jobs on a transcriber and records, for each pass (by job id), what the filters dropped."""

    def __init__(self, tr):
        self.tr = tr
        self.drops: dict[int, list[tuple[str, str]]] = {}

    def __call__(self, job):
        from captioner.engine.filters import watch

        heard: list[tuple[str, str]] = []
        with watch(lambda rule, text: heard.append((rule, text))):
            result = self.tr.run(job)
        self.drops[job.id] = heard
        return result


def live_run(tr, audio: np.ndarray, config, block_ms: int, pad_s: float):
    """One simulated live run: the run (its passes: `captioner.engine.live.replay.Pass`), its segments as the segmenter cut
    them in the run, and what the filters dropped from each pass (by job id)."""
    w = Watching(tr)
    run = runners.simulate_live(w, audio, config, block_ms=block_ms, pad_s=pad_s)
    return run, from_events(run.segments), w.drops


def clip_span(p: Pass, by_id: dict[int, Seg]) -> tuple[float, float]:
    """The pass's clip on the file's clock (s): from its segment's start, as long as the clip."""
    s = by_id.get(p.job.segment_id)
    start = s.start if s else float("nan")
    return start, start + runners.audio_s(p)


def offline_segment(model, audio: np.ndarray) -> str:
    """The segment alone, decoded the offline way: full 30 s window, beam 5, fallback, no filters."""
    from captioner.engine.models.recognizer import FULL_WINDOW_FRAMES

    model.window_frames = FULL_WINDOW_FRAMES
    segs, _ = model.transcribe(audio, language="en", beam_size=5, vad_filter=False, condition_on_previous_text=False)
    return " ".join(s.text for s in segs)


# -- the attribution ----------------------------------------------------------------------------------------
def matched(refs: list[str], text: str) -> set[int]:
    return {i for i, (st, _) in enumerate(align(refs, metrics.normalise(text).split())) if st == "ok"}


def attribute(refs: list[RefWord], live_text: str, offline_text: str, segs: list[Seg], passes: list[Pass],
              drops: dict[int, list[tuple[str, str]]], seg_offline) -> dict:
    """Stage of every lost reference word; `drops`: what the filters dropped from each pass, by job id;
    `seg_offline(seg)` decodes a segment offline (called lazily)."""
    live = align([w.text for w in refs], metrics.normalise(live_text).split())
    off = align([w.text for w in refs], metrics.normalise(offline_text).split())
    kept = sorted((s for s in segs if s.reason != "dropped"), key=lambda s: s.start)
    starts = [s.start for s in kept]
    dropped = [s for s in segs if s.reason == "dropped"]
    by_id = {s.id: s for s in segs}
    last_pass = {}
    for p in passes:
        if not p.job.revises:  # the latest pass of a segment is what its final showed first
            last_pass[p.job.segment_id] = p
    stage_of: dict[int, str] = {}
    in_seg: dict[int, list[int]] = {}
    for i, w in enumerate(refs):
        if live[i][0] == "ok":
            continue
        mid = (w.start + w.end) / 2
        k = bisect.bisect_right(starts, mid) - 1
        s = kept[k] if k >= 0 and mid < kept[k].end else None
        if s is None:
            near = min((min(abs(mid - x.start), abs(mid - x.end)) for x in kept), default=float("inf"))
            if any(d.start <= mid < d.end for d in dropped):
                stage_of[i] = "too_short"
            elif near <= EDGE_S:
                stage_of[i] = "cut"
            else:
                stage_of[i] = "no_segment"
            continue
        opened_by_cut = k > 0 and kept[k - 1].reason == "max_length" and abs(kept[k - 1].end - s.start) < 1e-6
        if (s.reason == "max_length" and s.end - mid < EDGE_S) or (opened_by_cut and mid - s.start < EDGE_S):
            stage_of[i] = "cut"
            continue
        in_seg.setdefault(s.id, []).append(i)
    seg_texts = {}
    for sid, lost in in_seg.items():
        s = next(x for x in kept if x.id == sid)
        members = [i for i, w in enumerate(refs) if s.start <= (w.start + w.end) / 2 < s.end]
        local = [refs[i].text for i in members]
        pos = {i: members.index(i) for i in lost}
        p = last_pass.get(sid)
        dropped_by = {}
        for rule, text in drops.get(p.job.id, []) if p else []:
            for j in matched(local, text):
                dropped_by.setdefault(j, rule)
        offline_has = None
        for i in lost:
            j, w = pos[i], refs[i]
            if j in dropped_by:
                stage_of[i] = "filter:" + dropped_by[j]
            elif p is not None and not p.job.final and clip_span(p, by_id)[1] < w.end - 0.05:
                stage_of[i] = "merge"
            else:
                if offline_has is None:
                    seg_texts[sid] = seg_offline(s)
                    offline_has = matched(local, seg_texts[sid])
                stage_of[i] = "decoded" if j in offline_has else "segment"
    counts = Counter(st.split(":")[0] for st in stage_of.values())
    rules = Counter(st.split(":")[1] for st in stage_of.values() if st.startswith("filter:"))
    both = Counter(st.split(":")[0] for i, st in stage_of.items() if off[i][0] != "ok")
    clauses: dict[int, list[int]] = {}
    for i, w in enumerate(refs):
        clauses.setdefault(w.clause, []).append(i)
    big = [ix for ix in clauses.values() if len(ix) >= 3]
    lost_whole = [" ".join(refs[i].text for i in ix) for ix in big if all(live[i][0] == "del" for i in ix)]
    off_whole = [" ".join(refs[i].text for i in ix) for ix in big if all(off[i][0] == "del" for i in ix)]
    examples = {}
    for i, st in sorted(stage_of.items()):
        examples.setdefault(st.split(":")[0], []).append(f"{refs[i].text}@{refs[i].start:.1f}s({live[i][0]})")
    return {"ref_words": len(refs), "live_lost": len(stage_of), "live_del": sum(s == "del" for s, _ in live),
            "live_sub": sum(s == "sub" for s, _ in live), "off_lost": sum(s != "ok" for s, _ in off),
            "off_del": sum(s == "del" for s, _ in off),
            "stages": dict(counts), "filter_rules": dict(rules), "stages_offline_lost_too": dict(both),
            "clauses": len(big), "clauses_lost_whole": lost_whole, "clauses_lost_whole_offline": off_whole,
            "examples": {k: v[:12] for k, v in examples.items()}, "segment_offline_texts": {str(k): v for k, v in seg_texts.items()}}


# -- driver ------------------------------------------------------------------------------------------------------
def run_model(spec: str, files, engine_cfg, decode, args, log=print) -> dict:
    from captioner.audio.sources import decode_file
    from captioner.engine.live.transcriber import Transcriber

    name, folder = modelpaths.resolve(spec, args.cache_dir)
    tr = Transcriber.load(str(folder), decode, device="cpu", compute_type="int8", threads=args.threads)
    tr.transcribe(decode_file(str(files[0].path))[: 2 * SR])  # warm-up
    out = {"model": name, "files": {}}
    for bf in files:
        audio = decode_file(str(bf.path))
        spans = evalset.clip_spans(bf)
        clips = [(c["ref"], c["start"], c["end"]) for c in spans] or [(bf.ref, 0.0, len(audio) / SR)]
        began = time.perf_counter()
        live_runs = [live_run(tr, audio, engine_cfg, args.block_ms, args.pad_s) for _ in range(args.repeat)]
        run, segs, drops = live_runs[0]
        by_id = {s.id: s for s in segs}
        figs = [metrics.live_figures(r, bf) for r, _, _ in live_runs]
        off = runners.offline(_full(tr.recognizer.model), audio, beam_size=5, language="en", word_timestamps=True)
        refs = ref_words(clips)
        place_words(refs, hyp_tokens(off.words), clips)

        def seg_offline(s: Seg) -> str:
            a, b = int(s.start * SR), int(s.end * SR)
            return offline_segment(tr.recognizer.model, runners.pad_audio(audio, args.pad_s)[a:b])  # noqa: B023 (called in this iteration)

        att = attribute(refs, figs[0]["text"], off.text, segs, run.passes, drops, seg_offline)
        offm = metrics.offline_figures(off, bf)
        med = metrics.median_of(figs)
        out["files"][bf.stem] = {"kind": evalset.kind_of(bf), "live": {k: med[k] for k in (
            "wer", "sub", "del", "ins", "ref_words", "final_p50", "final_p90", "final_max", "first_p50", "first_p90", "rtf", "text")},
            "live_rounds_wer": [m.get("wer") for m in figs],
            "final_latency": [x for m in figs[:1] for x in m["final_latency"]],
            "offline": {k: offm.get(k) for k in ("wer", "sub", "del", "ins", "ref_words", "rtf", "text")},
            "attribution": att, "segments": len([s for s in segs if s.reason != "dropped"]),
            "segments_dropped": len([s for s in segs if s.reason == "dropped"]),
            "passes_with_drops": sum(bool(drops.get(p.job.id)) for p in run.passes),
            "segment_list": [[s.id, round(s.start, 2), round(s.end, 2), round(s.speech_end, 2), s.reason] for s in segs],
            "passes": [{"seg": p.job.segment_id, "kind": "final" if p.job.final else "pause" if p.job.pause else "interim",
                        "end": round(end, 2), "text": p.result.text, "problem": p.result.problem, "reruns": p.result.reruns,
                        "compute_s": round(p.result.compute_s, 3), "end_audio_s": round(end - start, 2), "drops": drops.get(p.job.id, [])}
                       for p in run.passes for start, end in [clip_span(p, by_id)]]}
        log(f"  {name} {bf.stem}: live {pc(med.get('wer'))} % / offline {pc(offm.get('wer'))} %, lost {att['stages']} "
            f"({time.perf_counter() - began:.0f} s)", flush=True)
    return out


def _full(model):
    from captioner.engine.models.recognizer import FULL_WINDOW_FRAMES

    model.window_frames = FULL_WINDOW_FRAMES
    return model


def pooled(model_res: dict, kinds=None) -> dict:
    fs = [v for v in model_res["files"].values() if kinds is None or v["kind"] in kinds]
    tot = lambda side, k: sum(v[side][k] for v in fs)  # noqa: E731
    n = tot("live", "ref_words")
    if not n:
        return {"ref_words": 0}
    stages, both, rules = Counter(), Counter(), Counter()
    whole, whole_off, clauses = [], [], 0
    lat = [x for v in fs for x in v["final_latency"]]
    per_audio = lambda kinds: [p["compute_s"] / max(0.1, p["end_audio_s"]) for v in fs for p in v.get("passes", [])  # noqa: E731
                               if p["kind"] in kinds and "compute_s" in p and "end_audio_s" in p]
    for v in fs:
        a = v["attribution"]
        stages.update(a["stages"])
        both.update(a["stages_offline_lost_too"])
        rules.update(a["filter_rules"])
        whole += a["clauses_lost_whole"]
        whole_off += a["clauses_lost_whole_offline"]
        clauses += a["clauses"]
    return {"ref_words": n, "live_wer": (tot("live", "sub") + tot("live", "del") + tot("live", "ins")) / n,
            "live_sub": tot("live", "sub"), "live_del": tot("live", "del"), "live_ins": tot("live", "ins"),
            "off_wer": (tot("offline", "sub") + tot("offline", "del") + tot("offline", "ins")) / n,
            "off_sub": tot("offline", "sub"), "off_del": tot("offline", "del"), "off_ins": tot("offline", "ins"),
            "stages": dict(stages), "offline_too": dict(both), "filter_rules": dict(rules),
            "clauses": clauses, "clauses_lost_whole": whole, "clauses_lost_whole_offline": whole_off,
            "final_p50": metrics.pct(lat, 50), "final_p90": metrics.pct(lat, 90),
            # compute per second of clip: passes that may become final, and interims (load-independent-ish ratio)
            "final_pass_rtf": metrics.pct(per_audio(("final", "pause")), 50), "interim_pass_rtf": metrics.pct(per_audio(("interim",)), 50)}


def table(results: dict, half: str) -> str:
    head = ("| model | files | ref words | live WER % (S/D/I) | offline WER % (S/D/I) | final p50 / p90 (s) | "
            + " | ".join(STAGES) + " | clauses lost whole live / offline |\n|---|---|---|---|---|---|" + "---|" * len(STAGES) + "---|\n")
    rows = []
    groups = [("all", None), ("long-form", {"longform"}), ("8 kHz", {"phone8k"}), ("quiet", {"quiet"}), ("clips alone", {"clip"})]
    for name, res in results.items():
        for label, kinds in groups:
            p = pooled(res, kinds)
            if not p["ref_words"]:
                continue
            cells = " | ".join(f"{p['stages'].get(s, 0)}" + (f" ({p['offline_too'].get(s, 0)})" if p["offline_too"].get(s) else "")
                               for s in STAGES)
            rows.append(f"| {name} | {half} {label} | {p['ref_words']} | {pc(p['live_wer'])} ({p['live_sub']}/{p['live_del']}/{p['live_ins']}) "
                        f"| {pc(p['off_wer'])} ({p['off_sub']}/{p['off_del']}/{p['off_ins']}) | {f(p['final_p50'])} / {f(p['final_p90'])} "
                        f"| {cells} | {len(p['clauses_lost_whole'])} / {len(p['clauses_lost_whole_offline'])} |")
    return head + "\n".join(rows) + "\n"


def curve(dirs: list[Path], knob: str) -> str:
    """One row per results folder (one setting of `knob` each): what it costs and what it saves."""
    rows = []
    for d in dirs:
        info = json.loads((Path(d) / "attribution.json").read_text())
        value = next((part[k] for part in info["settings"].values() for k in part if k == knob), "engine had no such setting")
        for name, res in info["models"].items():
            p = pooled(res)
            rows.append((name, value, p))
    rows.sort(key=lambda r: (r[0], str(r[1])))
    head = (f"| model | {knob} | live WER % (S/D/I) | offline WER % | lost: cut / segment / decoded | final p50 / p90 (s) "
            "| compute per s of clip: final-able / interim passes |\n|---|---|---|---|---|---|---|\n")
    return head + "\n".join(
        f"| {n} | {v} | {pc(p['live_wer'])} ({p['live_sub']}/{p['live_del']}/{p['live_ins']}) | {pc(p['off_wer'])} "
        f"| {p['stages'].get('cut', 0)} / {p['stages'].get('segment', 0)} / {p['stages'].get('decoded', 0)} "
        f"| {f(p['final_p50'])} / {f(p['final_p90'])} | {f(p['final_pass_rtf'], 3)} / {f(p['interim_pass_rtf'], 3)} |"
        for n, v, p in rows) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--half", choices=("tune", "report"))
    p.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    p.add_argument("--only", nargs="*", default=None, help="file stems or kinds (longform, phone8k, quiet, clip) to run")
    p.add_argument("--speech-dir", type=Path, default=evalset.DEFAULT_SPEECH_DIR)
    p.add_argument("--cache-dir", type=Path, default=modelpaths.DEFAULT_CACHE)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--block-ms", type=int, default=30)
    p.add_argument("--pad-s", type=float, default=1.0)
    p.add_argument("--repeat", type=int, default=1, help="live runs per file (latency/WER medians; attribution from run 1)")
    p.add_argument("--name", default=None)
    p.add_argument("--curve", nargs="+", type=Path, metavar="DIR", help="only print a table over earlier results folders ...")
    p.add_argument("--knob", default="hangover_ms", help="... by this setting")
    add_engine_args(p)
    args = p.parse_args(argv)
    if args.curve:
        print(curve(args.curve, args.knob))
        return 0
    if args.half is None:
        p.error("--half tune or --half report")
    files = evalset.build(args.half, args.speech_dir)
    if args.only:
        files = [bf for bf in files if bf.stem in args.only or evalset.kind_of(bf) in args.only]
    engine_cfg, decode = configs_from_args(args)
    out = REPO / "benchmarks" / "results" / (args.name or f"attribution-{args.half}-{dt.datetime.now():%Y%m%d-%H%M%S}")
    out.mkdir(parents=True, exist_ok=True)
    info = {"started": dt.datetime.now().isoformat(timespec="seconds"), "command": " ".join(sys.argv), "machine": machine(),
            "engine_code": engine_fingerprint(), "settings": describe(engine_cfg, decode), "half": args.half, "models": {}}
    for spec in args.models:
        res = run_model(spec, files, engine_cfg, decode, args)
        info["models"][res["model"]] = res
    info["machine"]["loadavg_end"] = os.getloadavg()
    md = (f"# Where the live run loses words — {args.half} half, {info['started']}\n\n"
          f"Engine code {info['engine_code']}; load average {info['machine']['loadavg_start'][0]:.2f} → {info['machine']['loadavg_end'][0]:.2f}. "
          "Stage columns: lost reference words (deleted or substituted in the live finals); in brackets, how many of them "
          "offline (whole file, beam 5) lost too.\n\n" + table(info["models"], args.half))
    for name, res in info["models"].items():
        p_all = pooled(res)
        md += (f"\n{name}: filter rules {p_all['filter_rules']}; clauses lost whole live: {p_all['clauses_lost_whole']}; "
               f"offline: {p_all['clauses_lost_whole_offline']}\n")
    (out / "attribution.md").write_text(md)
    (out / "attribution.json").write_text(json.dumps(strict_json(info), indent=1, default=str))
    print(md)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
