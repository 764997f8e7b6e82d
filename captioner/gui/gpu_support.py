"""GPU support from the app: NVIDIA's cuBLAS 12 fetched on a worker thread (what `captioner cuda-libs` does:
`engine.models.cuda_fetch`), then loaded into this process (`cuda_libs.preload(again=True)`), reporting by Qt signals.

The banner offers it (`GPU_SUPPORT_ACTION`) where the model runs on the CPU because a CUDA library cannot be loaded
(`Transcriber.cuda_libs_missing`); `ModelControl.get_gpu_support` runs it and loads the model again afterwards.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal

from captioner.gui.tasks import CancellableTask

if TYPE_CHECKING:
    from captioner.engine.models.cuda_fetch import FetchProgress

__all__ = ["GPU_CAUSE", "GPU_SUPPORT_ACTION", "GPU_SUPPORT_PHASE", "GpuSupportFetch", "failed_text"]

GPU_SUPPORT_ACTION = ("Get GPU support", "get-gpu-support")  # the banner's button: (text, action key)
GPU_CAUSE = "gpu"  # notices about the GPU and its libraries; a newer one replaces the one before
GPU_SUPPORT_PHASE = "fetching-gpu"  # the model's phase (ModelControl.phase) while the libraries download


class GpuSupportFetch(CancellableTask):
    """Fetches cuBLAS 12 into `cuda_libs.user_folder()` and loads it; cancel() stops the download, keeping nothing.

    Signals arrive on the GUI thread: `progress` (DownloadProgress, as a model download's), then `done` (the folder
    that holds the libraries now) or `failed` (CudaFetchFailed; FetchCancelled after cancel())."""

    progress = Signal(object)

    def __init__(self) -> None:
        super().__init__("captioner-gpu-support")
        self._started = 0.0

    def _work(self) -> Path:
        from captioner.engine.models import cuda_libs
        from captioner.engine.models.cuda_fetch import fetch_cublas

        self._started = time.monotonic()
        written = fetch_cublas(progress=self._report, cancel=self.cancelled)
        cuda_libs.preload(again=True)  # looks again: this process may have looked before they were there
        return written[0].parent

    def _report(self, p: FetchProgress) -> None:
        from captioner.engine.models.fetch import DownloadProgress  # with the ML stack, loaded already by the model

        elapsed = time.monotonic() - self._started
        self.progress.emit(DownloadProgress(p.filename, p.downloaded, p.total, p.downloaded / elapsed if elapsed > 0 else 0.0))


def failed_text(error: BaseException) -> str:
    """One line for people on why GPU support could not be fetched (CudaFetchFailed says what to do)."""
    return f"Could not get GPU support: {str(error).rstrip('.')}."
