"""One benchmark audio file and its reference, as the shared speech folder lays them out (`../shared/speech`,
see its MANIFEST.md); the sets of files are in dataset.py, the evaluation set's halves in evalset.py."""

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
