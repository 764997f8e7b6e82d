"""Whether a change left the refine's text as it was: each file kept as a session, captioned live on an instant
clock, then refined, and its refined captions fingerprinted.

    python -m benchmarks.same_refine --set report --models tiny.en > before.txt   # at the old commit
    python -m benchmarks.same_refine --set report --models tiny.en > after.txt    # at the new one
    diff before.txt after.txt

The companion of `same_finals`: the live finals come from the engine on an instant clock (the same finals run
after run on one machine), the session is kept by the real recorder (`kept.record_session`), and the refine is given
those finals as the app gives them at Stop. Prints one line per file (a fingerprint of the refined captions' ids,
times and text, and how many) and one for all of them.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

from benchmarks import dataset, evalset, modelpaths
from benchmarks.kept import record_session


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
    from captioner.engine.offline.refine import refine_session
    from captioner.engine.offline.session_files import find_session

    files = evalset.build(args.set, args.speech_dir)
    for spec in args.models:
        name, folder = modelpaths.resolve(spec)
        transcriber = Transcriber.load(str(folder), device="cpu", compute_type="int8", threads=args.threads, name=name)
        every = hashlib.sha256()
        with tempfile.TemporaryDirectory() as tmp:
            for n, bench_file in enumerate(files):
                audio = decode_file(str(bench_file.path))
                kept = Path(tmp) / f"s{n}"
                kept.mkdir(mode=0o700)
                record_session(kept, "session", audio, name)
                finals = replay(audio, CaptionEngine(EngineConfig()), transcriber.run, compute_advances_clock=False).finals
                events = refine_session(find_session(kept / "session.srt"), transcriber.recognizer, live=finals)
                text = "\n".join(f"{e.id} {e.start} {e.end} {e.text}" for e in events).encode()
                every.update(text)
                print(f"{name} {bench_file.stem} {hashlib.sha256(text).hexdigest()[:16]} {len(events)} captions", flush=True)
        print(f"{name} all {every.hexdigest()[:16]}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
