"""What a wider beam costs the passes that may become finals, as a ratio that load does not move much.

    nice .venv/bin/python -m benchmarks.final_beam_cost --models base --beams 1 2 3 5

Every VAD segment of a half's files (by default each clip on its own, as the engine's segmenter cuts it) is
decoded the way a pass that may become a final is (`Transcriber.transcribe(checked=True)`, the
engine's short window), once per beam size, the beam sizes taking turns segment by segment so that
load from other work falls on all of them alike. Prints, per beam size, the median compute per
second of audio and the median ratio to the first beam size on the same segment: multiply a final
latency's compute share measured with the first beam by that ratio to estimate the wider beam's.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
from pathlib import Path

from benchmarks import evalset, modelpaths
from benchmarks.segments import segments
from captioner.events import SAMPLE_RATE as SR


def main(argv=None) -> int:
    from captioner.audio.sources import decode_file
    from captioner.engine.live.pipeline import EngineConfig
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber

    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=["base"])
    p.add_argument("--beams", nargs="+", type=int, default=[1, 2, 3, 5])
    p.add_argument("--half", choices=("tune", "report"), default="tune")
    p.add_argument("--kinds", nargs="+", default=["clip"], help="files of the half: clip, longform, phone8k, quiet")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--speech-dir", type=Path, default=evalset.DEFAULT_SPEECH_DIR)
    p.add_argument("--cache-dir", type=Path, default=modelpaths.DEFAULT_CACHE)
    args = p.parse_args(argv)
    config = EngineConfig()
    clips = [bf for bf in evalset.build(args.half, args.speech_dir) if evalset.kind_of(bf) in args.kinds]
    pieces = []
    for bf in clips:
        audio = decode_file(str(bf.path))
        for s in segments(audio, config, SR * 30 // 1000):
            if s.reason != "dropped":
                pieces.append(audio[int(s.start * SR) : int(s.end * SR)])
    print(f"{len(pieces)} segments from {len(clips)} files ({args.half} half: {' '.join(args.kinds)}), "
          f"median {statistics.median(len(x) for x in pieces) / SR:.1f} s; load average {os.getloadavg()[0]:.2f}")
    for spec in args.models:
        name, folder = modelpaths.resolve(spec, args.cache_dir)
        base = Transcriber.load(str(folder), DecodeOptions(), device="cpu", compute_type="int8", threads=args.threads)
        by_beam = {b: Transcriber(base.recognizer, dataclasses.replace(DecodeOptions(), final_beam_size=b)) for b in args.beams}
        by_beam[args.beams[0]].transcribe(pieces[0], checked=True)  # warm-up
        cost: dict[int, list[float]] = {b: [] for b in args.beams}
        for x in pieces:
            for b, tr in by_beam.items():
                cost[b].append(tr.transcribe(x, checked=True).compute_s)
        first = args.beams[0]
        print(f"\n| model | final beam | compute per s of audio (median) | ratio to beam {first} (median) | compute p90 (s) |\n|---|---|---|---|---|")
        for b in args.beams:
            per_s = [c / (len(x) / SR) for c, x in zip(cost[b], pieces)]
            ratio = [c / c0 for c, c0 in zip(cost[b], cost[first]) if c0 > 0]
            p90 = sorted(cost[b])[int(0.9 * (len(cost[b]) - 1))]
            print(f"| {name} | {b} | {statistics.median(per_s):.3f} | {statistics.median(ratio):.2f} | {p90:.2f} |")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
