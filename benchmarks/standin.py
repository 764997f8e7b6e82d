"""Build stand-in Whisper models ahead of a run: the exact shape of a real one, random weights, real cost.

    python -m benchmarks.standin distil-large-v3.5 [--out DIR]

What a stand-in is and why its timing is real: benchmarks/standin_models.py (the benchmarks that use one
build it on first use).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from benchmarks.standin_models import DEFAULT_DIR, SHAPES, build


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="+", choices=sorted(SHAPES))
    p.add_argument("--out", type=Path, default=DEFAULT_DIR)
    args = p.parse_args(argv)
    for name in args.names:
        print(f"{name}: {SHAPES[name].params_m:.0f} M parameters -> {build(name, args.out)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
