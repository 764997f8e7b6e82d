"""Finding, downloading and loading the speech model in the background."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.gui.tasks import Task

# faster-whisper names offered in the picker, with rough download sizes.
MODEL_CHOICES: tuple[tuple[str, str], ...] = (
    ("distil-large-v3.5", "1.5 GB"),
    ("large-v3-turbo", "1.6 GB"),
    ("large-v3", "3.1 GB"),
    ("medium.en", "1.5 GB"),
    ("small.en", "480 MB"),
    ("small", "480 MB"),
    ("base.en", "145 MB"),
    ("tiny.en", "75 MB"),
)


def is_folder_spec(spec: str) -> bool:
    """Whether `spec` names a folder rather than a model name or hub id (owner/name)."""
    return spec.startswith((".", "~")) or os.path.isabs(spec) or spec.count("/") > 1


_GENERIC_NAMES = {"model", "models", "ct2", "ctranslate2", "snapshots", "whisper", "faster-whisper"}


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
        if name.lower() in _GENERIC_NAMES or (len(name) == 40 and all(c in "0123456789abcdef" for c in name)):
            continue
        return name
    return path.name or spec


@dataclass(frozen=True)
class ModelRequest:
    spec: str  # a model name or a model folder
    compute_device: str = "auto"
    language: str = "en"
    beam_size: int = 1

    @property
    def label(self) -> str:
        return model_label(self.spec)

    @property
    def decode_language(self) -> str | None:
        if self.spec.endswith(".en"):
            return "en"
        return None if self.language == "auto" else self.language


class ModelLoader(QObject):
    """Resolves (downloading if needed) and loads one model; cancel() really stops a download.

    Signals arrive on the GUI thread: `phase` ("checking", "downloading", "loading"),
    `progress` (DownloadProgress), then `ready` (Transcriber) or `failed` (exception;
    DownloadCancelled after cancel()).
    """

    phase = Signal(str)
    progress = Signal(object)
    ready = Signal(object)
    failed = Signal(object)

    def __init__(self, request: ModelRequest) -> None:
        super().__init__()
        self.request = request
        self._cancel = threading.Event()
        self._downloading = False
        self._task = Task(self._work, name="captioner-model")
        self._task.done.connect(self.ready)
        self._task.failed.connect(self.failed)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def start(self) -> None:
        self._task.start()

    def cancel(self) -> None:
        self._cancel.set()

    def _on_progress(self, progress) -> None:
        if not self._downloading:
            self._downloading = True
            self.phase.emit("downloading")
        self.progress.emit(progress)

    def _work(self):
        from captioner.engine.models import DownloadCancelled, resolve_model
        from captioner.engine.transcriber import DecodeOptions, Transcriber

        req = self.request
        self.phase.emit("checking")
        path = resolve_model(req.spec, progress=self._on_progress, cancel=self._cancel)
        if self._cancel.is_set():
            raise DownloadCancelled("cancelled")
        self.phase.emit("loading")
        options = DecodeOptions(language=req.decode_language, beam_size=req.beam_size)
        transcriber = Transcriber.load(str(path), options, device=req.compute_device, name=req.label)
        if self._cancel.is_set():
            raise DownloadCancelled("cancelled")
        return transcriber


def describe_model_error(exc: BaseException, request: ModelRequest) -> tuple[str, bool]:
    """A message for people, and whether choosing a local model folder is the way out."""
    from captioner.engine.models import ModelError

    if isinstance(exc, ModelError):
        text = str(exc).replace(" (--model /path/to/folder)", "").replace("--device cpu or --device auto", "CPU or Auto")
        offline = "cannot be reached" in text or "not downloaded yet" in text
        needs_folder = offline or "Hugging Face login" in text or "does not exist on the model hub" in text
        return text, needs_folder
    if isinstance(exc, ValueError):
        return f"{exc}. Pick a multilingual model or set the language to English in Settings.", False
    if isinstance(exc, RuntimeError):
        return (
            f"Cannot load the model {request.label}: {exc}. The folder may be incomplete or corrupt: "
            "download it again or choose another model.",
            True,
        )
    if isinstance(exc, MemoryError):
        return f"Not enough memory to load {request.label}; choose a smaller model.", False
    return f"Cannot prepare the model {request.label}: {exc}", False
