"""Find or download the faster-whisper model, and load it.

What the model names mean lives in `engine.models.catalogue`; where it runs, in `engine.models.hardware`; the ways
this can fail, in `engine.models.errors`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx2
from faster_whisper.utils import available_models
from huggingface_hub import HfApi, constants, snapshot_download, try_to_load_from_cache
from huggingface_hub.errors import (
    GatedRepoError,
    HfHubHTTPError,
    HFValidationError,
    LocalEntryNotFoundError,
    OfflineModeIsEnabled,
    RepositoryNotFoundError,
)
from huggingface_hub.utils import filter_repo_objects
from huggingface_hub.utils.tqdm import tqdm as hf_tqdm

from captioner.engine.live.transcriber import DecodeOptions, Transcriber
from captioner.engine.models import hardware
from captioner.engine.models.catalogue import (
    ALLOW_PATTERNS,
    INTERIM_NONE,
    INTERIM_THREADS,
    ModelRequest,
    cached_snapshot,
    embedded_model,
    interim_model_for,
    is_cached,
    is_folder_spec,
    is_model_folder,
    model_label,
    repo_id,
)
from captioner.engine.models.errors import (
    ComputeTypeUnsupported,
    CorruptModel,
    CudaLibraryMissing,
    DownloadCancelled,
    DownloadFailed,
    FolderMissing,
    HubUnreachable,
    LoginNeeded,
    ModelError,
    ModelNotFound,
    NotAModel,
    OutOfMemory,
    is_cuda_library_error,
)
from captioner.engine.models.recognizers import NoRecognizer, load_recognizer
from captioner.engine.models.upstream import abort_xet_transfers

log = logging.getLogger(__name__)

__all__ = [
    "DownloadCancelled",
    "DownloadProgress",
    "ModelError",
    "is_cached",
    "load_transcriber",
    "resolve_model",
]

_REPORT_INTERVAL_S = 0.1
_RATE_SMOOTHING = 0.3
_HTTP_CHUNK_SIZE = 256 * 1024
_BYTES_BAR_NAME = "huggingface_hub.snapshot_download"


@dataclass(frozen=True)
class DownloadProgress:
    """Progress of a model download, counted over the whole model (not per file).

    `filename` is the hub repo id, since the model's files download in parallel; `downloaded`
    counts the bytes already cached plus those received so far; `total` is the sum of the
    model's file sizes from the hub metadata.
    """

    filename: str
    downloaded: int
    total: int | None
    bytes_per_s: float


ProgressCallback = Callable[[DownloadProgress], None]
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
    _raise_if_cancelled(cancel, request.spec)
    first_gpu_use = hardware.first_gpu_use(request.compute_device)
    report("preparing-gpu" if first_gpu_use else "loading")
    transcriber = _load(path, request)
    if first_gpu_use and transcriber.device == "cuda":
        hardware.gpu_prepared()
    _raise_if_cancelled(cancel, request.spec)
    _add_interim_model(transcriber, request, on_progress, cancel, download=download_interim)
    return transcriber


def _load(path: Path, request: ModelRequest) -> Transcriber:
    """The model in `path` loaded by its recognizer, under the pass policy; raises a ModelError subclass."""
    try:
        recognizer = load_recognizer(path, device=request.compute_device, compute_type=request.compute_type,
                                     threads=request.threads or None, name=request.label)
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
    writes the interim text itself, as before. Cancelling raises DownloadCancelled."""
    transcriber.interim_note = ""
    spec = interim_model_for(request.interim, device=transcriber.device,
                             encoder_layers=transcriber.encoder_layers, language=request.decode_language)
    if spec is None or model_label(spec) == request.label:
        return
    transcriber.interim_wanted = spec
    wanted = ModelRequest(spec, transcriber.device, request.language, 1, "auto", INTERIM_NONE, INTERIM_THREADS)
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
        return _checked_folder(Path(spec).expanduser())
    repo = repo_id(spec)
    cached = cached_snapshot(repo, cache_dir)
    if cached is not None:
        return cached  # the hub is never asked about a model that is here
    endpoint = endpoint if endpoint is not None else os.environ.get("HF_ENDPOINT")
    return _download(spec, repo, progress=progress, cancel=cancel, endpoint=endpoint, cache_dir=cache_dir)


def _checked_folder(folder: Path) -> Path:
    if not folder.exists():
        raise FolderMissing(folder)
    if not is_model_folder(folder):
        raise CorruptModel(folder)
    return folder


def _download(
    spec: str,
    repo_id: str,
    *,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    endpoint: str | None,
    cache_dir: str | None,
) -> Path:
    _raise_if_cancelled(cancel, spec)
    _use_small_http_chunks()
    try:
        counter = _start_counter(spec, repo_id, progress, cancel, endpoint, cache_dir)
        with _abort_xet_on(cancel):
            folder = snapshot_download(
                repo_id,
                allow_patterns=ALLOW_PATTERNS,
                cache_dir=cache_dir,
                endpoint=endpoint,
                tqdm_class=_progress_bar_class(counter),
            )
    except ModelError:
        raise
    except Exception as error:
        _raise_if_cancelled(cancel, spec)
        model_error = _model_error(spec, repo_id, endpoint, error)
        if model_error is None:
            raise
        raise model_error from error
    counter.finish()
    return _checked_folder(Path(folder))


def _start_counter(
    spec: str,
    repo_id: str,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    endpoint: str | None,
    cache_dir: str | None,
) -> _ByteCounter:
    """Ask the hub for the model's files and sizes, and count what is already cached."""
    info = HfApi(endpoint=endpoint).model_info(repo_id, files_metadata=True)
    siblings = filter_repo_objects(info.siblings or [], allow_patterns=ALLOW_PATTERNS, key=lambda s: s.rfilename)
    sizes = {sibling.rfilename: sibling.size for sibling in siblings}
    if "model.bin" not in sizes:
        raise NotAModel(spec, repo_id)
    total = sum(sizes.values()) if None not in sizes.values() else None
    already = sum(
        size or 0
        for name, size in sizes.items()
        if isinstance(try_to_load_from_cache(repo_id, name, cache_dir=cache_dir, revision=info.sha), str)
    )
    counter = _ByteCounter(repo_id, total, already, progress, cancel, spec)
    counter.start()
    return counter


def _model_error(spec: str, repo_id: str, endpoint: str | None, error: Exception) -> ModelError | None:
    """The ModelError for a hub/download failure, or None if `error` is unexpected."""
    hub = endpoint or constants.ENDPOINT
    if isinstance(error, (httpx2.TransportError, OfflineModeIsEnabled, LocalEntryNotFoundError)):
        return HubUnreachable(spec, repo_id, hub)
    if isinstance(error, GatedRepoError):
        return LoginNeeded(spec, repo_id)
    if isinstance(error, RepositoryNotFoundError):
        return ModelNotFound(spec, repo_id=repo_id, endpoint=hub)
    if isinstance(error, HFValidationError):
        return ModelNotFound(spec, known=tuple(available_models()))
    if isinstance(error, HfHubHTTPError):
        status = error.response.status_code if error.response is not None else "?"
        return DownloadFailed(spec, repo_id, endpoint=hub, status=status)
    if isinstance(error, OSError):
        return DownloadFailed(spec, repo_id, reason=error.strerror or str(error))
    return None


def _raise_if_cancelled(cancel: threading.Event | None, spec: str = "") -> None:
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled(spec)


def _use_small_http_chunks() -> None:
    """Make plain-HTTP downloads report (and so notice a cancel) every 256 KiB instead of every 10 MiB.

    huggingface_hub reads response bodies in `constants.DOWNLOAD_CHUNK_SIZE` pieces and calls the
    progress bar once per piece; this lowers that process-wide setting.
    """
    constants.DOWNLOAD_CHUNK_SIZE = min(constants.DOWNLOAD_CHUNK_SIZE, _HTTP_CHUNK_SIZE)


@contextmanager
def _abort_xet_on(cancel: threading.Event | None) -> Iterator[None]:
    """Abort Xet transfers when `cancel` is set: hf_xet ignores exceptions raised by progress hooks."""
    if cancel is None:
        yield
        return
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            if cancel.wait(_REPORT_INTERVAL_S):
                abort_xet_transfers()
                return

    watcher = threading.Thread(target=watch, name="model-download-cancel", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


class _ByteCounter:
    """Counts the model's bytes, reports them at most every 0.1 s, and stops the download on cancel."""

    def __init__(
        self,
        label: str,
        total: int | None,
        already: int,
        report: ProgressCallback | None,
        cancel: threading.Event | None,
        spec: str = "",
    ) -> None:
        self._spec = spec
        self._label = label
        self._total = total
        self._already = already
        self._received = 0.0
        self._report = report
        self._cancel = cancel
        self._lock = threading.Lock()
        self._reported_at = time.monotonic()
        self._reported_bytes = 0.0
        self._rate = 0.0

    def start(self) -> None:
        with self._lock:
            self._emit(time.monotonic())

    def add(self, n: float) -> None:
        """Count `n` new bytes; raises DownloadCancelled once `cancel` is set."""
        _raise_if_cancelled(self._cancel, self._spec)
        with self._lock:
            self._received += n
            now = time.monotonic()
            if now - self._reported_at >= _REPORT_INTERVAL_S:
                self._emit(now)

    def finish(self) -> None:
        with self._lock:
            self._emit(time.monotonic(), complete=True)

    def _emit(self, now: float, complete: bool = False) -> None:
        elapsed = now - self._reported_at
        if elapsed > 0 and self._received > self._reported_bytes:
            current = (self._received - self._reported_bytes) / elapsed
            self._rate = current if self._rate == 0 else self._rate + _RATE_SMOOTHING * (current - self._rate)
        self._reported_at, self._reported_bytes = now, self._received
        downloaded = self._already + int(self._received)
        if self._total is not None:
            downloaded = self._total if complete else min(downloaded, self._total)
        if self._report is not None:
            self._report(DownloadProgress(self._label, downloaded, self._total, self._rate))


def _progress_bar_class(counter: _ByteCounter) -> type[hf_tqdm]:
    """A silent tqdm class for `snapshot_download`; its model-wide byte bar feeds `counter`."""

    class _CountingBar(hf_tqdm):
        def __init__(self, *args: object, **kwargs: object) -> None:
            self._counts_bytes = kwargs.get("name") == _BYTES_BAR_NAME
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            if self._counts_bytes:
                counter.add(n or 0)
            return super().update(n)

    return _CountingBar
