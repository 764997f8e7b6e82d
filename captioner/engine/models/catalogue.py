"""The models captioner knows: names, sizes, the default, labels, and what a model spec names.

A spec is a faster-whisper model name (`small.en`), a hub repo id (`owner/name`) or a
local model folder. This module is cheap to import (no ML stack, no Qt): settings, the
CLI's argument parser and the GUI's picker read it; `engine.models.fetch` finds and loads
what a spec names.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from captioner.engine.models.errors import ModelNotFound
from captioner.engine.models.model_file import is_small
from captioner.engine.models.recognizers import recognizer_for
from captioner.engine.models.upstream import faster_whisper_repos
from captioner.subtitles.chinese import AUTO

DEFAULT_MODEL = "distil-large-v3.5"
EMBEDDED_MODEL_ENV = "CAPTIONER_EMBEDDED_MODEL"  # set by a bundle that carries a model

ALLOW_PATTERNS = ["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"]
"""The files faster-whisper's own `download_model` fetches."""


@dataclass(frozen=True)
class CatalogueEntry:
    """A model the app offers: its name, where the hub keeps it, its download size, its cost and its shape."""

    name: str  # faster-whisper's name for it
    repo_id: str  # where the hub keeps it
    size: str  # rough download size, for people
    pass_cost: float | None = None  # one pass's compute relative to tiny.en's on the same machine (PASS_COST_SOURCE)
    shape: tuple[int, int, int] = (0, 0, 0)  # encoder layers, decoder layers, width: tells a model folder's twin


PASS_COST_SOURCE = (
    "benchmarks/README.md, “The big models on this machine”: one pass over 5 s of speech with the short window, "
    "against tiny.en's on the same machine; a model with no figure there has no estimate."
)
"""Where the catalogue's pass costs come from."""

CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry("distil-large-v3.5", "distil-whisper/distil-large-v3.5-ct2", "1.5 GB", 14.1, (32, 2, 1280)),
    CatalogueEntry("large-v3-turbo", "mobiuslabsgmbh/faster-whisper-large-v3-turbo", "1.6 GB", 43.0, (32, 4, 1280)),
    CatalogueEntry("large-v3", "Systran/faster-whisper-large-v3", "3.1 GB", shape=(32, 32, 1280)),
    CatalogueEntry("medium.en", "Systran/faster-whisper-medium.en", "1.5 GB", shape=(24, 24, 1024)),
    CatalogueEntry("small.en", "Systran/faster-whisper-small.en", "480 MB", 5.57, (12, 12, 768)),
    CatalogueEntry("small", "Systran/faster-whisper-small", "480 MB", 5.57, (12, 12, 768)),
    CatalogueEntry("base.en", "Systran/faster-whisper-base.en", "145 MB", 1.73, (6, 6, 512)),
    CatalogueEntry("tiny.en", "Systran/faster-whisper-tiny.en", "75 MB", 1.0, (4, 4, 384)),
)
"""The models offered in the app's picker, best first."""

MODEL_CHOICES: tuple[tuple[str, str], ...] = tuple((entry.name, entry.size) for entry in CATALOGUE)
"""(name, download size) of each catalogue model, for pickers."""

_BY_NAME = {entry.name: entry for entry in CATALOGUE}
_COMMIT_LENGTH = 40  # a snapshot folder's name: the commit's hex digits
_GENERIC_NAMES = {"model", "models", "ct2", "ctranslate2", "snapshots", "whisper", "faster-whisper"}


def is_folder_spec(spec: str) -> bool:
    """Whether `spec` names a local folder rather than a model name or a hub id (exactly `owner/name`).

    A relative `owner/name` that exists as a folder here is a folder, and so is a bare name that exists as a folder here
    and is no model's name (`--model my-whisper` in the folder that holds it); a model's name stays the model.
    """
    if spec.startswith((".", "~")) or os.path.isabs(spec) or spec.count("/") > 1:
        return True
    if os.sep != "/" and os.sep in spec:
        return True
    if "/" not in spec:
        return bool(spec) and Path(spec).is_dir() and spec not in _BY_NAME and spec not in faster_whisper_repos()
    return Path(spec).is_dir()


def lasting_spec(spec: str) -> str:
    """`spec` as it names the same model from any working folder (a recording's tag, read by a later refine): a
    folder's absolute path, else the name as given."""
    return str(Path(spec).expanduser().absolute()) if spec and is_folder_spec(spec) else spec


def repo_id(spec: str) -> str:
    """The hub repo for a model name or hub id; raises ModelNotFound for an unknown name."""
    if "/" in spec:
        return spec
    if spec in _BY_NAME:
        return _BY_NAME[spec].repo_id
    known = faster_whisper_repos()  # the names faster-whisper knows beyond the catalogue
    if spec in known:
        return known[spec]
    raise ModelNotFound(spec, known=tuple(known))


def model_label(spec: str) -> str:
    """A short name for people: the model name, or a telling part of a folder's path."""
    if not is_folder_spec(spec):
        return spec
    path = Path(spec).expanduser()
    parts = [p for p in path.parts if p not in ("/", "")]
    while parts:
        name = parts.pop()
        if name.startswith("models--"):  # the Hugging Face cache: models--Systran--faster-whisper-tiny.en
            return name.rsplit("--", 1)[-1]
        if name.lower() in _GENERIC_NAMES or (len(name) == _COMMIT_LENGTH and all(c in "0123456789abcdef" for c in name)):
            continue
        return name
    return path.name or spec


def is_model_folder(folder: Path) -> bool:
    """Whether a recognizer the app has reads the model in `folder` (`engine.models.recognizers`)."""
    return recognizer_for(folder) is not None


def cached_snapshot(repo: str, cache_dir: str | None = None) -> Path | None:
    """The cached snapshot of hub repo `repo` if it holds a whole model; never touches the network.

    A whole model has model.bin and tokenizer.json: without the tokenizer faster-whisper would
    fetch one from the hub, and a download cut short can leave a snapshot without either.
    """
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        folder = snapshot_download(repo, allow_patterns=ALLOW_PATTERNS, cache_dir=cache_dir, local_files_only=True)
    except (LocalEntryNotFoundError, HFValidationError):
        return None
    folder = Path(folder)
    return folder if is_model_folder(folder) and (folder / "tokenizer.json").is_file() else None


def is_cached(spec: str, cache_dir: str | None = None) -> bool:
    """Whether `spec` can be loaded without downloading (offline, cheap)."""
    if is_folder_spec(spec):
        return is_model_folder(Path(spec).expanduser())
    try:
        repo = repo_id(spec)
    except ModelNotFound:
        return False
    return cached_snapshot(repo, cache_dir) is not None


INTERIM_AUTO, INTERIM_NONE = "auto", "none"
INTERIM_THREADS = 1  # the interim model's CPU threads beside a big model's (benchmarks/README.md, “Interims beside the finals”)


def interim_model_for(setting: str, *, device: str, encoder_layers: int | None, language: str | None) -> str | None:
    """The model that writes the interim text beside a final model, or None (the final model writes it itself).

    `setting`: INTERIM_NONE, a model name or folder, or INTERIM_AUTO — on a CPU a model bigger than base (its
    `encoder_layers` deeper than tiny's and base's: `model_file.is_small`) gets tiny.en beside it when decoding
    English (`language` "en"), multilingual tiny otherwise: one pass of a big model costs seconds there, and a
    segment's first words would wait for it. On CUDA, and for the small models, the final model is quick enough by itself.
    """
    if setting in ("", INTERIM_NONE):
        return None
    if setting != INTERIM_AUTO:
        return setting
    if device != "cpu" or is_small(encoder_layers):
        return None
    return "tiny.en" if language == "en" else "tiny"


def embedded_model() -> Path | None:
    """The model folder a bundle carries (`EMBEDDED_MODEL_ENV`), or None."""
    embedded = os.environ.get(EMBEDDED_MODEL_ENV)
    return Path(embedded) if embedded and os.path.isfile(os.path.join(embedded, "model.bin")) else None


def default_model() -> str:
    """The model to use when none is chosen: distil-large-v3.5, or a bundle's own model until that is cached."""
    embedded = embedded_model()
    if embedded is not None and not is_cached(DEFAULT_MODEL):
        return str(embedded)
    return DEFAULT_MODEL


@dataclass(frozen=True)
class ModelRequest:
    """Which model to load, where to run it and how to decode: what the CLI and the app ask for."""

    spec: str  # a model name, a hub id or a model folder
    compute_device: str = "auto"  # auto | cpu | cuda
    language: str = "en"  # a language code, or "auto" (detect; multilingual models)
    beam_size: int = 1
    compute_type: str = "auto"  # CTranslate2 compute type; auto: float16 on CUDA, int8 on CPU
    interim: str = INTERIM_AUTO  # the model that writes the interim text beside it: `interim_model_for`
    threads: int = 0  # CPU threads; 0: one per physical core
    translate: bool = False  # English captions whatever the language spoken (multilingual models)
    chinese_script: str = AUTO  # the script Chinese is written in (`subtitles.chinese.SCRIPTS`)

    @property
    def label(self) -> str:
        return model_label(self.spec)

    @property
    def decode_language(self) -> str | None:
        """The language to decode in: English for a `.en` model, None to detect."""
        if self.spec.endswith(".en"):
            return "en"
        return None if self.language == "auto" else self.language
