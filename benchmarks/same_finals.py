"""Whether a change left the engine's captions as they were: the finals of every file on an instant clock.

    python -m benchmarks.same_finals --set report --models tiny.en > before.txt   # at the old commit
    python -m benchmarks.same_finals --set report --models tiny.en > after.txt    # at the new one
    diff before.txt after.txt

The simulated clock of `live_vs_offline` moves with each pass's measured time, so which passes run
when, and the words, follow the machine's load by a few words from run to run. On an instant clock
(`replay(..., compute_advances_clock=False)`) every pass takes no time: the same engine rules and the
same model give the same finals, run after run on one machine. Prints one line per file (a
fingerprint of its finals' ids, times and text, and how many) and one for all of them; a refactoring
that leaves the engine's behaviour unchanged leaves every line unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from benchmarks import dataset, evalset, modelpaths


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--set", choices=("tune", "report"), default="report", help="a half of the evaluation set")
    p.add_argument("--models", nargs="+", default=["tiny.en"])
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)

    from captioner.audio.sources import decode_file
    from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
    from captioner.engine.live.replay import replay
    from captioner.engine.live.transcriber import Transcriber

    files = evalset.build(args.set, args.speech_dir)
    for spec in args.models:
        name, folder = modelpaths.resolve(spec)
        transcriber = Transcriber.load(str(folder), device="cpu", compute_type="int8", threads=args.threads, name=name)
        every = hashlib.sha256()
        for bench_file in files:
            run = replay(decode_file(str(bench_file.path)), CaptionEngine(EngineConfig()), transcriber.run,
                         compute_advances_clock=False)
            finals = "\n".join(f"{f.id} {f.start} {f.end} {f.revision} {f.text}" for f in run.finals).encode()
            every.update(finals)
            print(f"{name} {bench_file.stem} {hashlib.sha256(finals).hexdigest()[:16]} {len(run.finals)} finals", flush=True)
        print(f"{name} all {every.hexdigest()[:16]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
