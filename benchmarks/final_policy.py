"""Which finals a policy gives, apart from timing: every file through the real engine with an
instant transcriber (each pass may become a final exactly when the rules call for it; interims
off), one line per policy: pooled WER, finals, passes and their process CPU seconds.

    python -m benchmarks.final_policy --half tune --models base tiny.en \\
        --policy margin=6,phrase=450,hang=450 --policy margin=0,phrase=1000,hang=600 [--kind hesitant]

A policy sets the final passes' encoder margin (`margin`, s; 0 = the full 30 s window), the mean
word probability under which such a pass runs again on the full window (`unsure`; 0 = never), the
hang-over after words that end a sentence (`hang`, ms) and after an open phrase (`phrase`, ms).
The CPU seconds are the cost side of the curve (process CPU time: all threads, so about twice the
wall time of a pass on 2 quiet cores, and steadier than wall time on a shared machine).
Writes results/<name>/final_policy.json and prints a table.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks import dataset, metrics, modelpaths

REPO = Path(__file__).resolve().parent.parent

RESULTS = REPO / "benchmarks" / "results"


def parse_policy(text: str) -> dict:
    values = dict(part.split("=") for part in text.split(","))
    unknown = set(values) - {"margin", "hang", "phrase", "unsure"}
    if unknown:
        raise SystemExit(f"unknown policy keys {sorted(unknown)}: margin, hang, phrase, unsure")
    return {"margin": float(values.get("margin", 6)), "hang": int(values.get("hang", 600)), "phrase": int(values.get("phrase", 1000)),
            "unsure": float(values.get("unsure", 0))}


def run(model: str, files, policies: list[dict], threads: int, log=print) -> list[dict]:
    from captioner.audio.sources import decode_file
    from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
    from captioner.engine.live.replay import replay
    from captioner.engine.live.segmenter import SegmenterConfig
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber

    name, folder = modelpaths.resolve(model)
    tr = Transcriber.load(str(folder), DecodeOptions(), device="cpu", compute_type="int8", threads=threads)
    audio = {f.stem: np.concatenate([decode_file(str(f.path)), np.zeros(16000, np.float32)]) for f in files}
    out = []
    for policy in policies:
        tr.options = dataclasses.replace(tr.options, final_window_margin_s=policy["margin"], unsure_below=policy["unsure"])
        config = EngineConfig(interims=False, segmenter=SegmenterConfig(hangover_ms=policy["hang"], phrase_hangover_ms=policy["phrase"]))
        errors, cpu, passes, finals, per_file, widened = metrics.WordErrors(0, 0, 0, 0), 0.0, 0, 0, {}, 0
        for f in files:
            spent, reran = [], []

            def transcribe(job):
                began = time.process_time()
                result = tr.run(job)
                spent.append(time.process_time() - began)  # noqa: B023 (called in this iteration)
                reran.append(result.reruns)  # noqa: B023
                return result

            res = replay(audio[f.stem], CaptionEngine(config), transcribe, compute_advances_clock=False)
            text = " ".join(e.text for e in res.finals)
            cpu += sum(spent)
            passes += len(spent)
            widened += sum(reran)
            finals += len(res.finals)
            if f.ref is not None and f.pooled:
                we = metrics.word_errors(f.ref, text)
                errors = errors + we
                per_file[f.stem] = {"wer": we.wer, "text": text, "finals": [e.text for e in res.finals]}
        row = {"model": name, **policy, "wer": errors.wer, "sub": errors.sub, "del": errors.dele, "ins": errors.ins,
               "ref_words": errors.ref_words, "finals": finals, "passes": passes, "reruns": widened, "cpu_s": cpu,
               "audio_s": sum(len(a) for a in audio.values()) / 16000, "files": per_file}
        log(f"{name} {policy}: WER {100 * errors.wer:.1f} % ({errors.sub}/{errors.dele}/{errors.ins} of {errors.ref_words}), "
            f"{finals} finals, {passes} passes ({widened} run again), CPU {cpu:.0f} s", flush=True)
        out.append(row)
    return out


def window(margin: float) -> str:
    return "full 30 s" if margin == 0 else f"clip + {margin:g} s"


def table(rows: list[dict]) -> str:
    head = ("| model | final window | full window when unsure (mean word prob. <) | hang-over: sentence / open phrase (ms) "
            "| WER % (S/D/I) | finals | passes (run again) | CPU s per audio s |\n"
            "|---|---|---|---|---|---|---|---|\n")
    lines = [f"| {r['model']} | {window(r['margin'])} | {r['unsure'] or 'never'} "
             f"| {r['hang']} / {r['phrase']} | {100 * r['wer']:.1f} ({r['sub']}/{r['del']}/{r['ins']}) | {r['finals']} | {r['passes']} ({r['reruns']}) "
             f"| {r['cpu_s'] / r['audio_s']:.2f} |" for r in rows]
    return head + "\n".join(lines) + "\n"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--half", choices=("tune", "report"), default="tune")
    p.add_argument("--kind", default="", help="only the files whose name ends so (hesitant, longform, ...)")
    p.add_argument("--models", nargs="+", default=["base"])
    p.add_argument("--policy", action="append", required=True, help="margin=S,hang=MS,phrase=MS (repeat the flag)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--name", default=None)
    args = p.parse_args(argv)
    files = [f for f in dataset.load_set(args.half) if f.stem.endswith(args.kind)]
    policies = [parse_policy(x) for x in args.policy]
    rows = [row for model in args.models for row in run(model, files, policies, args.threads)]
    out = RESULTS / (args.name or dt.datetime.now().strftime("policy-%Y%m%d-%H%M%S"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "final_policy.json").write_text(json.dumps({"half": args.half, "kind": args.kind, "rows": rows}, indent=1))
    md = table(rows)
    (out / "final_policy.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
