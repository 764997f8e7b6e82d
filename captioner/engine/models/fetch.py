"""Find or download the faster-whisper model, and load it.

What the model names mean lives in `engine.models.catalogue`; where it runs, in `engine.models.hardware`; the ways
this can fail, in `engine.models.errors`; a download from the hub, in `engine.models.download`.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from captioner.engine.live.transcriber import DecodeOptions, Transcriber
from captioner.engine.models import hardware
from captioner.engine.models.catalogue import (
    INTERIM_NONE,
    INTERIM_THREADS,
    ModelRequest,
    cached_snapshot,
    embedded_model,
    interim_model_for,
    is_cached,
    is_folder_spec,
    model_label,
    repo_id,
)
from captioner.engine.models.download import DownloadProgress, ProgressCallback, checked_folder, download, raise_if_cancelled
from captioner.engine.models.errors import (
    ComputeTypeUnsupported,
    CorruptModel,
    CudaLibraryMissing,
    DownloadCancelled,
    ModelError,
    OutOfMemory,
    is_cuda_library_error,
)
from captioner.engine.models.recognizer import translating
from captioner.engine.models.recognizers import NoRecognizer, load_recognizer

log = logging.getLogger(__name__)

__all__ = [
    "DownloadCancelled",
    "DownloadProgress",
    "ModelError",
    "is_cached",
    "load_transcriber",
    "resolve_model",
]

PhaseCallback = Callable[[str], None]


def load_transcriber(
    request: ModelRequest,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    phase: PhaseCallback | None = None,
    download_interim: bool = True,
) -> Transcriber:
    """Find (downloading if needed) and load the model `request` names with the recognizer that reads it
    (`engine.models.recognizers`: faster-whisper's for CTranslate2 models), under the live engine's pass policy
    (`engine.live.transcriber.Transcriber`), which also hands the recognizer to the refine and `transcribe`.

    `phase` hears "checking", then "downloading" (only if a download starts) and "loading" ("preparing-gpu" instead
    the first time a model runs on this machine's GPU: CUDA then builds CTranslate2's kernels for it, `hardware.first_gpu_use`);
    `progress` and `cancel` work as for `resolve_model`. Raises a ModelError subclass for
    every failure a user can act on (DownloadCancelled once `cancel` is set). The model that writes
    the interim text beside a big one (`request.interim`) is loaded too, downloaded only with
    `download_interim`; without it the session goes on (`Transcriber.interim_note` says why).
    """
    report = phase or (lambda _phase: None)
    downloading = False

    def on_progress(event: DownloadProgress) -> None:
        nonlocal downloading
        if not downloading:
            downloading = True
            report("downloading")
        if progress is not None:
            progress(event)

    report("checking")
    path = resolve_model(request.spec, progress=on_progress, cancel=cancel)
    raise_if_cancelled(cancel, request.spec)
    first_gpu_use = hardware.first_gpu_use(request.compute_device)
    report("preparing-gpu" if first_gpu_use else "loading")
    transcriber = _load(path, request)
    if first_gpu_use and transcriber.device == "cuda":
        hardware.gpu_prepared()
    raise_if_cancelled(cancel, request.spec)
    _add_interim_model(transcriber, request, on_progress, cancel, download=download_interim)
    return transcriber


def _load(path: Path, request: ModelRequest) -> Transcriber:
    """The model in `path` loaded by its recognizer, under the pass policy; raises a ModelError subclass."""
    try:
        recognizer = load_recognizer(path, device=request.compute_device, compute_type=request.compute_type,
                                     threads=request.threads or None, name=request.label)
        if request.translate:
            translating(recognizer)
        recognizer.chinese_script = request.chinese_script
        return Transcriber(recognizer, DecodeOptions(language=request.decode_language, beam_size=request.beam_size))
    except ModelError:
        raise
    except NoRecognizer as error:  # the folder changed since it was found: no longer a model folder
        raise CorruptModel(path, str(error)) from error
    except ValueError as error:  # CTranslate2 refuses the compute type
        raise ComputeTypeUnsupported(request.label, request.compute_type, str(error)) from error
    except RuntimeError as error:
        if is_cuda_library_error(str(error), path):  # the GPU's libraries, not the model's files
            raise CudaLibraryMissing(request.label, str(error)) from error
        raise CorruptModel(path, _model_file_problem(path) or str(error)) from error
    except MemoryError as error:
        raise OutOfMemory(request.label) from error


def _model_file_problem(folder: Path) -> str:
    """What is wrong with the model.bin in `folder` in words (not a CTranslate2 model file, cut short…), or "" when its
    header reads as a model's: CTranslate2 takes random bytes for a model of a later version of itself."""
    from captioner.engine.models.model_file import ModelFileError, read_shape

    try:
        read_shape(Path(folder) / "model.bin")
    except ModelFileError as error:
        return str(error)
    return ""


def _add_interim_model(transcriber: Transcriber, request: ModelRequest, progress: ProgressCallback, cancel: threading.Event | None, *,
                       download: bool = True) -> None:
    """Load the model that writes the interim text beside `transcriber` (`catalogue.interim_model_for`) and give it to it
    (`Transcriber.interim`): on a CPU a big model's first words then wait for a small model's pass, not for its own.

    It comes from the cache, the bundle's own model, or (with `download`) a download, progress and cancel as for the
    final model; it runs where the final model runs, on INTERIM_THREADS CPU threads. A session runs without it when
    it cannot be had — offline and never downloaded, say: `transcriber.interim_note` says why, and the final model
    writes the interim text itself. Cancelling raises DownloadCancelled."""
    transcriber.interim_note = ""
    spec = interim_model_for(request.interim, device=transcriber.device,
                             encoder_layers=transcriber.encoder_layers, language=None if request.translate else request.decode_language)
    if spec is None or model_label(spec) == request.label:
        return
    transcriber.interim_wanted = spec
    wanted = ModelRequest(spec, transcriber.device, request.language, 1, "auto", INTERIM_NONE, INTERIM_THREADS, request.translate,
                          request.chinese_script)
    try:
        embedded = embedded_model()
        if spec == "tiny.en" and not is_cached(spec) and embedded is not None and _is_tiny_en(embedded):
            path = embedded
        elif download or is_cached(spec):
            path = resolve_model(spec, progress=progress, cancel=cancel)
        else:
            return  # a quiet load at start-up downloads nothing: Start loads it with the model again
        transcriber.interim = _load(path, wanted)
    except DownloadCancelled:
        raise
    except ModelError as error:
        transcriber.interim_note = (f"Interim text comes from {request.label} itself: {model_label(spec)}, which writes it "
                                    f"sooner, could not be loaded ({error}).")
        log.warning("%s", transcriber.interim_note)


def _is_tiny_en(folder: Path) -> bool:
    """Whether the model in `folder` has tiny's shape and is English-only (a bundle's own model)."""
    from captioner.engine.models.model_file import TINY_ENCODER_LAYERS, folder_shape

    shape = folder_shape(folder)
    return shape is not None and shape.encoder_layers == TINY_ENCODER_LAYERS and shape.english


def resolve_model(
    spec: str,
    *,
    progress: ProgressCallback | None = None,
    cancel: threading.Event | None = None,
    endpoint: str | None = None,
    cache_dir: str | None = None,
) -> Path:
    """Return the folder of the CTranslate2 model named by `spec`, downloading it if needed.

    `spec` is a local folder, a faster-whisper model name (`small`, `distil-large-v3.5`) or a
    hub repo id (`owner/name`). A model in the Hugging Face cache is used without the network.
    While downloading, `progress` is called from download threads at most ~10 times a second,
    and setting `cancel` stops the download with DownloadCancelled. Raises ModelError.
    """
    if is_folder_spec(spec):
        return checked_folder(Path(spec).expanduser())
    repo = repo_id(spec)
    cached = cached_snapshot(repo, cache_dir)
    if cached is not None:
        return cached  # the hub is never asked about a model that is here
    endpoint = endpoint if endpoint is not None else os.environ.get("HF_ENDPOINT")
    return download(spec, repo, progress=progress, cancel=cancel, endpoint=endpoint, cache_dir=cache_dir)
