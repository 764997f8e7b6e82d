"""Cold start: how long from opening the app, and from pressing Start, to the first caption.

    .venv/bin/python -m benchmarks.cold_start                       # tiny.en and base, 3 runs each
    .venv/bin/python -m benchmarks.cold_start --models tiny.en /path/to/model --repeat 5
    .venv/bin/python -m benchmarks.cold_start --models distil-large-v3.5-standin   # benchmarks/standin_models.py

Every run is a fresh Python process with the model already on disk (the operating system's file
cache warm after the first run, as on a laptop that used the app before). It measures:

- load: `Transcriber.load` (the model from disk into memory);
- warm-up: `Transcriber.warm_up()`, the one pass the app runs right after loading;
- first pass cold / warm: one pass over 5 s of speech without / after the warm-up;
- Start → first caption, two ways, with speech from the moment Start is pressed (the engine's
  own speech clip, played in real time through the app's session (`open_session`) on a `FileSource` as in the app):
  "on Start" loads the model when Start is pressed (the app before it loaded in the background),
  "preloaded" has it loaded and warmed up while the window was open (the app now).

`<name>-standin` is a model of `name`'s exact shape with random weights (benchmarks/standin_models.py),
decoding the token budget real speech needs: its timings stand for the model's, its text does not.
Prints medians over the runs. MKL_ENABLE_INSTRUCTIONS=AVX2 is set for laptop-like CPU timings.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FIELDS = (
    ("load_s", "load"),
    ("warm_up_s", "warm-up"),
    ("first_pass_cold_s", "1st pass cold"),
    ("first_pass_warm_s", "1st pass warm"),
    ("on_start_first_caption_s", "Start→caption, on Start"),
    ("preloaded_first_caption_s", "Start→caption, preloaded"),
)


class FirstCaption:
    """A sink that notes when the first caption, and the first final, arrive."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.first_final: float | None = None
        self.got_final = threading.Event()

    def on_caption(self, event) -> None:
        now = time.perf_counter()
        if event.text and self.first is None:
            self.first = now
        if event.final and event.text and self.first_final is None:
            self.first_final = now
            self.got_final.set()

    def close(self) -> None:
        self.got_final.set()


def start_to_caption(transcriber_or_loader) -> tuple[float, float]:
    """Seconds from Start to the first caption and to the first final; `transcriber_or_loader` is a
    loaded Transcriber, or a function that loads one (timed as part of Start)."""
    from captioner.audio.sources import FileSource
    from captioner.engine.live.open import SessionRequest, open_session
    from captioner.engine.live.pacing import SPEECH_CLIP

    started = time.perf_counter()
    transcriber = transcriber_or_loader() if callable(transcriber_or_loader) else transcriber_or_loader
    sink = FirstCaption()
    session = open_session(SessionRequest(FileSource(str(SPEECH_CLIP), realtime=True)), transcriber, sinks=[sink])
    session.start()
    sink.got_final.wait(60)
    session.stop()
    session.wait(30)
    if sink.first is None or sink.first_final is None:
        raise SystemExit("no caption came")
    return sink.first - started, sink.first_final - started


def child(model: str) -> dict[str, float]:
    from benchmarks import modelpaths
    from captioner.engine.live.pacing import pace_audio
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber

    if model.endswith("-standin"):
        from benchmarks import standin_models

        folder, options = standin_models.build(model.removesuffix("-standin")), standin_models.decode_options()
    else:
        folder, options = modelpaths.resolve(model)[1], DecodeOptions()
    speech = pace_audio()

    def load() -> Transcriber:
        return Transcriber.load(str(folder), options, device="cpu", compute_type="int8", name=model)

    out: dict[str, float] = {}
    began = time.perf_counter()
    cold = load()
    out["load_s"] = time.perf_counter() - began
    out["first_pass_cold_s"] = cold.transcribe(speech).compute_s
    del cold
    out["on_start_first_caption_s"], _ = start_to_caption(load)  # loads again: from the file cache
    warm = load()
    out["warm_up_s"] = warm.warm_up()
    out["first_pass_warm_s"] = warm.transcribe(speech).compute_s
    out["preloaded_first_caption_s"], _ = start_to_caption(warm)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["tiny.en", "base"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return 0
    env = {**os.environ, "MKL_ENABLE_INSTRUCTIONS": "AVX2"}
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {args.repeat} fresh processes per model; medians (s)")
    header = "| model | " + " | ".join(label for _k, label in FIELDS) + " |"
    rows = []
    for model in args.models:
        runs = []
        for _ in range(args.repeat):
            done = subprocess.run([sys.executable, "-m", "benchmarks.cold_start", "--child", model], capture_output=True,
                                  text=True, env=env, cwd=REPO)
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        medians = {key: statistics.median(r[key] for r in runs) for key, _label in FIELDS}
        rows.append(f"| {model} | " + " | ".join(f"{medians[key]:.2f}" for key, _l in FIELDS) + " |")
        print(f"{model}: " + ", ".join(f"{label} {medians[key]:.2f}" for key, label in FIELDS), flush=True)
    print()
    print(header)
    print("|---" * (len(FIELDS) + 1) + "|")
    print("\n".join(rows))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
