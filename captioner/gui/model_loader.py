"""The app's model load (`app.warm_model.load_warm_model`) on a worker thread, reporting by Qt signals, and its errors in
the app's words."""

from __future__ import annotations

from PySide6.QtCore import Signal

from captioner.app.warm_model import load_warm_model
from captioner.engine.models.catalogue import ModelRequest
from captioner.engine.models.errors import (
    CudaLibraryMissing,
    DeviceUnavailable,
    GpuDriverProblem,
    LanguageUnsupported,
    ModelError,
    TranslateUnsupported,
)
from captioner.gui.tasks import CancellableTask

# the app's own way out for the advice of an error, where it has one
_HINTS: dict[type[ModelError], str] = {
    DeviceUnavailable: "choose CPU or Auto in the box beside the model",
    CudaLibraryMissing: "choose CPU in the box beside the model",
    GpuDriverProblem: "choose CPU in the box beside the model",
    LanguageUnsupported: "in Settings",
    TranslateUnsupported: "Settings → Captioning → Translate into English",
}


class ModelLoader(CancellableTask):
    """Resolves (downloading if needed), loads and warms up one model; cancel() really stops a download.

    Signals arrive on the GUI thread: `phase` ("checking", "downloading", "loading", "warming"),
    `progress` (DownloadProgress), then `done` (Transcriber) or `failed` (exception;
    DownloadCancelled after cancel()). A `quiet` loader only loads a model already on disk:
    for any other it is `done` with None at once, having downloaded nothing.
    """

    phase = Signal(str)
    progress = Signal(object)

    def __init__(self, request: ModelRequest, *, quiet: bool = False) -> None:
        super().__init__("captioner-model")
        self.request = request
        self.quiet = quiet

    def _work(self):
        return load_warm_model(self.request, on_disk_only=self.quiet, progress=self.progress.emit, phase=self.phase.emit,
                               cancel=self.cancelled)


def describe_transcriber(transcriber) -> str:
    """The model in use and where it runs, for people: "tiny.en · CPU int8"."""
    t = transcriber
    interim = getattr(t, "interim", None)
    beside = f" · interim text by {interim.name}" if interim is not None else ""
    return f"{t.name} · {t.device.upper() if t.device == 'cpu' else 'CUDA'} {t.compute_type}{beside}"


def describe_model_error(exc: BaseException, request: ModelRequest) -> tuple[str, bool]:
    """A message for people, and whether choosing a local model folder is the way out."""
    if isinstance(exc, ModelError):
        hint = next((text for kind, text in _HINTS.items() if isinstance(exc, kind)), "")
        return exc.message(hint), exc.offers_folder
    return f"Cannot prepare the model {request.label}: {exc}", False
