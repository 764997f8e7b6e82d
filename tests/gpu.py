"""A GPU as CTranslate2 presents one that cannot run a model, for tests on machines without a GPU.

`GpuWithoutCublas` is the model CTranslate2 loads on a GPU whose cuBLAS 12 cannot be loaded: loading succeeds, the first
pass raises CTranslate2's own error. `GpuFailingMidSession` runs `good_passes` encoder passes, then fails as a GPU out
of memory does. `GpuNeedingCublas` fails as the first does until cuBLAS 12 loads by name, as CTranslate2 opens it (once
`cuda_libs.preload` has loaded a copy by path), then works. All are the real model (loaded on the CPU, where it really runs) with the GPU's failure where
CTranslate2 raises it, in `encode`; asked for the CPU they are the plain model. `pretend_gpu()` makes CTranslate2 report
one GPU and the recognizer load these (also in a child process: `python -c "import tests.gpu; tests.gpu.pretend_gpu()..."`).
"""

from __future__ import annotations

from captioner.engine.models.whisper import ShortWindowWhisper

CUBLAS_MISSING = "Library libcublas.so.12 is not found or cannot be loaded"  # CTranslate2 4.8.5's words
OUT_OF_MEMORY = "CUDA failed with error out of memory"


class GpuWithoutCublas(ShortWindowWhisper):
    error = CUBLAS_MISSING
    good_passes = 0
    loads: list[str] = []  # the device of every load, in order

    def __init__(self, path, *args, device="cpu", compute_type="int8", **kwargs) -> None:
        type(self).loads.append(device)
        self.on_gpu = device == "cuda"
        self.passes = 0
        super().__init__(path, *args, device="cpu", compute_type="int8", **kwargs)

    def encode(self, features):
        if self.on_gpu and self.fails():
            raise RuntimeError(self.error)
        return super().encode(features)

    def fails(self) -> bool:
        """Whether this pass on the GPU fails."""
        self.passes += 1
        return self.passes > self.good_passes


class GpuFailingMidSession(GpuWithoutCublas):
    error = OUT_OF_MEMORY
    good_passes = 3  # the load's check, then two passes of the session
    loads: list[str] = []


class GpuNeedingCublas(GpuWithoutCublas):
    loads: list[str] = []

    def fails(self) -> bool:
        return not cublas_loads()


def cublas_loads() -> bool:
    """Whether `libcublas.so.12` loads by name here, as CTranslate2 opens it at its first pass on a GPU."""
    import ctypes

    try:
        ctypes.CDLL("libcublas.so.12")
    except OSError:
        return False
    return True


def pretend_gpu(model_class: type = GpuWithoutCublas, monkeypatch=None) -> None:
    """CTranslate2 reports one GPU, and the transcriber loads `model_class` (with pytest's `monkeypatch`, undone after
    the test)."""
    import ctranslate2

    from captioner.engine.models import whisper

    model_class.loads.clear()
    if monkeypatch is None:
        ctranslate2.get_cuda_device_count = lambda: 1
        whisper.ShortWindowWhisper = model_class
    else:
        monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)
        monkeypatch.setattr(whisper, "ShortWindowWhisper", model_class)
