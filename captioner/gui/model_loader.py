"""The engine's `load_transcriber` on a worker thread, reporting by Qt signals, and its errors in the app's words."""

from __future__ import annotations

from PySide6.QtCore import Signal

from captioner.engine.models.catalogue import ModelRequest
from captioner.engine.models.errors import (
    CudaLibraryMissing,
    DeviceUnavailable,
    GpuDriverProblem,
    LanguageUnsupported,
    ModelError,
)
from captioner.gui.tasks import CancellableTask

# the app's own way out for the advice of an error, where it has one
_HINTS: dict[type[ModelError], str] = {
    DeviceUnavailable: "choose CPU or Auto in the box beside the model",
    CudaLibraryMissing: "choose CPU in the box beside the model",
    GpuDriverProblem: "choose CPU in the box beside the model",
    LanguageUnsupported: "in Settings",
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
        from captioner.engine.models.catalogue import is_cached
        from captioner.engine.models.fetch import load_transcriber

        if self.quiet and not is_cached(self.request.spec):
            return None
        transcriber = load_transcriber(self.request, progress=self.progress.emit, cancel=self.cancelled, phase=self.phase.emit,
                                       download_interim=not self.quiet)
        if self.quiet and getattr(transcriber, "interim_wanted", "") and transcriber.interim is None and not transcriber.interim_note:
            return None  # its interim model is not on disk: Start loads both, downloading it
        if not self.cancelled.is_set():
            self.phase.emit("warming")
            transcriber.warm_up()  # the first pass pays first-use costs here, not in the session
        return transcriber


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
