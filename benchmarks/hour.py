"""One hour of real speech through the app's session and live SRT/TXT writers.

    .venv/bin/python -m benchmarks.hour                  # tiny.en, 60 min of ../shared/speech
    .venv/bin/python -m benchmarks.hour --minutes 10     # a shorter run

The real recordings of ../shared/speech (all but the joined round-robin file, which repeats
them, and the Apollo 11 radio noise) are laid end to end with pauses of 0.8-3 s under faint room
noise; that loop is repeated to fill the hour (benchmarks/longsession.py). The hour is played as
fast as the engine takes it through `CaptionSession` with a non-live FileSource, the path of
`captioner --input FILE --srt ... --txt ...`, with the real model and the live writers.

Printed: RSS at every audio minute (psutil, sampled from the session's status callback), wall
time, finals and cues; at the end the checks of `longsession.check_files` (the SRT holds every
final in order, each cue inside its final, cues ordered and not overlapping, TXT one line per
final) and the drift: the start of each cue (and of each final, in samples) in every loop
against the same speech in loop 1. The loops are the same samples, a whole number of VAD frames
apart, so the VAD and the model make the same timing errors in each; what differs is the clock.
Figures go to benchmarks/results/<name>/hour.json, the SRT and TXT to --files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import dataset, modelpaths
from benchmarks.longsession import check_files, drift, looped_speech, run_session
from captioner.events import SAMPLE_RATE

REPO = Path(__file__).resolve().parent.parent

RESULTS = REPO / "benchmarks" / "results"
DRIFT_LIMIT_MS = 50


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--model", default="tiny.en", help="tiny.en, base or a model folder (default tiny.en)")
    p.add_argument("--minutes", type=float, default=60.0, help="audio to play (default 60)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--name", default=None, help="results folder name (default hour-<model>)")
    p.add_argument("--files", type=Path, default=None, help="folder for the session's SRT and TXT (default: a temporary one)")
    return p.parse_args(argv)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def slope_mb_per_h(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (audio minute, MB) points, in MB per hour."""
    import numpy as np

    if len(points) < 2:
        return float("nan")
    x, y = np.array(points).T
    return float(np.polyfit(x, y, 1)[0] * 60)


def main(argv=None) -> int:
    args = parse_args(argv)
    from captioner.audio.sources import decode_file
    from captioner.engine.live.transcriber import Transcriber

    began = time.perf_counter()
    load_start = os.getloadavg()
    paths = dataset.loop_recordings(args.speech_dir)
    clips = [decode_file(str(p)) for p in paths]
    looped = looped_speech(clips, args.minutes * 60)
    speech_s = sum(map(len, clips)) / SAMPLE_RATE * looped.loops
    print(f"{len(clips)} recordings, {sum(map(len, clips)) / SAMPLE_RATE:.0f} s of speech per loop, loop {looped.loop_len / SAMPLE_RATE:.1f} s "
          f"x {looped.loops} = {looped.duration_s / 60:.1f} min ({speech_s / 60:.1f} min of speech)", flush=True)
    name, folder = modelpaths.resolve(args.model)
    transcriber = Transcriber.load(str(folder), device="cpu", compute_type="int8", threads=args.threads, name=name)
    rss: list[dict] = [{"minute": 0, "wall_s": 0.0, "rss_mb": rss_mb()}]
    print(f"model {name} loaded; RSS {rss[0]['rss_mb']:.0f} MB", flush=True)

    session_began = time.perf_counter()

    def on_status(status) -> None:
        minute = int(status.audio_s // 60)
        if minute > rss[-1]["minute"]:
            mark = {"minute": minute, "wall_s": time.perf_counter() - session_began, "rss_mb": rss_mb()}
            rss.append(mark)
            print(f"  audio minute {minute:3d}: RSS {mark['rss_mb']:7.1f} MB, wall {mark['wall_s']:6.1f} s", flush=True)

    files = args.files or Path(tempfile.mkdtemp(prefix="captioner-hour-"))
    run = run_session(looped.audio, transcriber, files, on_status=on_status)
    end_rss = rss_mb()
    check = check_files(run.finals, run.srt_path, run.txt_path)
    per_loop = [drift(looped, run.finals, run.srt_path, loop=k) for k in range(looped.loops)]
    last = per_loop[-1]
    marks = [(m["minute"], m["rss_mb"]) for m in rss if m["minute"] >= 1]
    second_half = [(m, r) for m, r in marks if m >= args.minutes / 2]

    print(f"\nsession: {run.fed / SAMPLE_RATE / 60:.1f} min of audio in {run.wall_s:.0f} s wall ({run.fed / SAMPLE_RATE / run.wall_s:.1f}x real time), "
          f"compute {run.compute_s:.0f} s, engine clock at the end {run.clock} samples of {run.fed}")
    print(f"errors: {run.errors or 'none'}")
    print(f"finals {check.finals}, cues in the SRT {check.cues}; finals missing from the SRT {len(check.missing)}, "
          f"cue text of no final {len(check.extra)}, cues outside their final {len(check.outside)}, cues out of order or overlapping "
          f"{len(check.disorder)}, TXT one line per final: {check.txt_ok}")
    for label, items in (("missing", check.missing), ("extra", check.extra), ("outside", check.outside), ("disorder", check.disorder)):
        for item in items[:5]:
            print(f"  {label}: {item}")
    print(f"RSS: minute 1 {marks[0][1]:.1f} MB, minute {marks[-1][0]} {marks[-1][1]:.1f} MB, after the session {end_rss:.1f} MB; "
          f"slope over minutes {second_half[0][0] if second_half else '-'}-{marks[-1][0]}: {slope_mb_per_h(second_half):+.1f} MB/h")
    print(f"drift against loop {last.reference_loop} (ms; cues: median / largest, matched of all; finals' start: median / largest):")
    for d in per_loop:
        if d.last_loop == d.reference_loop:
            continue
        print(f"  loop {d.last_loop:2d} (from {d.last_loop * looped.loop_len / SAMPLE_RATE / 60:5.1f} min): cues {d.cue_median_ms:+6.1f} / {d.cue_max_ms:4.0f}"
              f" ({d.cues_matched}/{d.cues_in_last_loop}); finals {d.final_median_ms:+6.1f} / {d.final_max_ms:4.0f} ({d.finals_matched})")
    ok = check.ok and not run.errors and run.clock == run.fed and abs(last.cue_median_ms) < DRIFT_LIMIT_MS
    print(f"\n{'PASS' if ok else 'FAIL'}: every final in the SRT, cues ordered, last loop's cues within {DRIFT_LIMIT_MS} ms "
          f"of loop {last.reference_loop}'s (median {last.cue_median_ms:+.1f} ms)")

    out = RESULTS / (args.name or f"hour-{name}")
    out.mkdir(parents=True, exist_ok=True)
    info = {
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "threads": args.threads,
                    "loadavg_start": load_start, "loadavg_end": os.getloadavg()},
        "model": name,
        "audio": {"recordings": [p.name for p in paths], "loop_s": looped.loop_len / SAMPLE_RATE, "loops": looped.loops,
                  "minutes": looped.duration_s / 60, "speech_minutes": speech_s / 60},
        "session": {"wall_s": run.wall_s, "compute_s": run.compute_s, "clock": run.clock, "fed": run.fed,
                    "errors": run.errors},
        "files": {"finals": check.finals, "cues": check.cues, "missing": list(check.missing), "extra": list(check.extra),
                  "outside": list(check.outside), "disorder": list(check.disorder), "txt_ok": check.txt_ok},
        "rss_mb": rss, "rss_after_mb": end_rss, "rss_slope_second_half_mb_per_h": slope_mb_per_h(second_half),
        "drift": [{"loop": d.last_loop, "reference": d.reference_loop, "cue_median_ms": d.cue_median_ms, "cue_max_ms": d.cue_max_ms,
                   "cues_matched": d.cues_matched, "cues": d.cues_in_last_loop, "final_median_ms": d.final_median_ms,
                   "final_max_ms": d.final_max_ms, "finals_matched": d.finals_matched} for d in per_loop],
        "pass": ok,
        "elapsed_s": time.perf_counter() - began,
    }
    (out / "hour.json").write_text(json.dumps(info, indent=1))
    print(f"wrote {out / 'hour.json'}; SRT and TXT in {files}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
