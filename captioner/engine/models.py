"""Find or download the faster-whisper model, and choose where to run it."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import httpx2
from faster_whisper.utils import _MODELS, available_models
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
from huggingface_hub.utils._xet import abort_xet_session
from huggingface_hub.utils.tqdm import tqdm as hf_tqdm

DEFAULT_MODEL = "distil-large-v3.5"
EMBEDDED_MODEL_ENV = "CAPTIONER_EMBEDDED_MODEL"  # set by a bundle that carries a model


def default_model() -> str:
    """The model to use when none is chosen: distil-large-v3.5, or a bundle's own model until that is cached."""
    embedded = os.environ.get(EMBEDDED_MODEL_ENV)
    if embedded and os.path.isfile(os.path.join(embedded, "model.bin")) and not is_cached(DEFAULT_MODEL):
        return embedded
    return DEFAULT_MODEL


ALLOW_PATTERNS = ["config.json", "preprocessor_config.json", "model.bin", "tokenizer.json", "vocabulary.*"]
"""The files faster-whisper's own `download_model` fetches."""

_LOCAL_FOLDER_HINT = "choose a local model folder (--model /path/to/folder)"
_REPORT_INTERVAL_S = 0.1
_RATE_SMOOTHING = 0.3
_HTTP_CHUNK_SIZE = 256 * 1024
_BYTES_BAR_NAME = "huggingface_hub.snapshot_download"


class ModelError(Exception):
    """The model cannot be used; str() is a one-line message telling the user what to do."""


class DownloadCancelled(ModelError):
    """The download was cancelled; finished files stay cached, the partial one is discarded."""


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
    if _looks_like_path(spec):
        return _checked_folder(Path(spec).expanduser())
    repo_id = _repo_id(spec)
    cached = _cached_snapshot(repo_id, cache_dir)
    if cached is not None:
        return cached
    endpoint = endpoint if endpoint is not None else os.environ.get("HF_ENDPOINT")
    return _download(spec, repo_id, progress=progress, cancel=cancel, endpoint=endpoint, cache_dir=cache_dir)


def is_cached(spec: str, cache_dir: str | None = None) -> bool:
    """Whether `spec` can be loaded without downloading (offline, cheap)."""
    if _looks_like_path(spec):
        return _is_model_folder(Path(spec).expanduser())
    try:
        repo_id = _repo_id(spec)
    except ModelError:
        return False
    return _cached_snapshot(repo_id, cache_dir) is not None


def choose_device(requested: str = "auto", compute_type: str = "auto") -> tuple[str, str]:
    """Return `(device, compute_type)` for CTranslate2: CUDA float16 when a GPU is there, else CPU int8."""
    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if requested == "auto":
        device = "cuda" if has_cuda else "cpu"
    elif requested == "cuda" and not has_cuda:
        raise ModelError(
            "No CUDA GPU is available (check the NVIDIA driver and the CUDA 12 / cuDNN 9 libraries); "
            "use --device cpu or --device auto."
        )
    elif requested in ("cpu", "cuda"):
        device = requested
    else:
        raise ModelError(f"Unknown device '{requested}'; use auto, cpu or cuda.")
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


def cpu_threads() -> int:
    """Number of physical CPU cores this process may run on (at least 1)."""
    cpus = _usable_cpus()
    return max(1, _physical_cores(cpus) or len(cpus))


def _usable_cpus() -> set[int]:
    if hasattr(os, "sched_getaffinity"):
        return os.sched_getaffinity(0)
    return set(range(os.cpu_count() or 1))


def _physical_cores(cpus: set[int]) -> int:
    """Unique (package, core) pairs from Linux sysfs; 0 where the topology cannot be read."""
    cores = set()
    for cpu in cpus:
        topology = Path(f"/sys/devices/system/cpu/cpu{cpu}/topology")
        try:
            package = (topology / "physical_package_id").read_text().strip()
            core = (topology / "core_id").read_text().strip()
        except OSError:
            return 0
        cores.add((package, core))
    return len(cores)


def _looks_like_path(spec: str) -> bool:
    """Hub ids are exactly `owner/name`; other specs with separators, or existing folders, are paths."""
    if spec.startswith((".", "~")) or os.path.isabs(spec) or Path(spec).is_dir():
        return True
    return spec.count("/") > 1 or (os.sep != "/" and os.sep in spec)


def _is_model_folder(folder: Path) -> bool:
    return (folder / "model.bin").is_file()


def _checked_folder(folder: Path) -> Path:
    if not folder.exists():
        raise ModelError(
            f"Model folder '{folder}' does not exist; check the path or use a model name such as 'small'."
        )
    if not _is_model_folder(folder):
        raise ModelError(
            f"'{folder}' is not a faster-whisper (CTranslate2) model folder: it needs model.bin, config.json "
            "and tokenizer.json (or vocabulary.*); pick such a folder or use a model name such as 'small'."
        )
    return folder


def _repo_id(spec: str) -> str:
    if "/" in spec:
        return spec
    if spec in _MODELS:
        return _MODELS[spec]
    raise ModelError(f"Unknown model '{spec}'; use one of: {', '.join(available_models())}, or a model folder.")


def _cached_snapshot(repo_id: str, cache_dir: str | None) -> Path | None:
    """The cached snapshot of `repo_id` if it holds a model; never touches the network."""
    try:
        folder = snapshot_download(
            repo_id, allow_patterns=ALLOW_PATTERNS, cache_dir=cache_dir, local_files_only=True
        )
    except (LocalEntryNotFoundError, HFValidationError):
        return None
    return Path(folder) if _is_model_folder(Path(folder)) else None


def _download(
    spec: str,
    repo_id: str,
    *,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    endpoint: str | None,
    cache_dir: str | None,
) -> Path:
    _raise_if_cancelled(cancel)
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
        _raise_if_cancelled(cancel)
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
        raise ModelError(
            f"'{spec}' is not a faster-whisper (CTranslate2) model: the hub repo {repo_id} has no model.bin; "
            "use a model name such as 'small' or a repo converted with ct2-transformers-converter."
        )
    total = sum(sizes.values()) if None not in sizes.values() else None
    already = sum(
        size or 0
        for name, size in sizes.items()
        if isinstance(try_to_load_from_cache(repo_id, name, cache_dir=cache_dir, revision=info.sha), str)
    )
    counter = _ByteCounter(repo_id, total, already, progress, cancel)
    counter.start()
    return counter


def _model_error(spec: str, repo_id: str, endpoint: str | None, error: Exception) -> ModelError | None:
    """A user-facing ModelError for a hub/download failure, or None if `error` is unexpected."""
    name = f"'{spec}'" if spec == repo_id else f"'{spec}' ({repo_id})"
    hub = endpoint or constants.ENDPOINT
    if isinstance(error, (httpx2.TransportError, OfflineModeIsEnabled, LocalEntryNotFoundError)):
        return ModelError(
            f"The model {name} is not downloaded yet and the model hub ({hub}) cannot be reached; "
            f"connect to the internet once to download it, or {_LOCAL_FOLDER_HINT}."
        )
    if isinstance(error, GatedRepoError):
        return ModelError(
            f"The model {name} needs a Hugging Face login; run `hf auth login` or {_LOCAL_FOLDER_HINT}."
        )
    if isinstance(error, RepositoryNotFoundError):
        return ModelError(
            f"The model {name} does not exist on the model hub ({hub}); check the name or {_LOCAL_FOLDER_HINT}."
        )
    if isinstance(error, HFValidationError):
        return ModelError(f"'{spec}' is not a valid model name; use one of: {', '.join(available_models())}.")
    if isinstance(error, HfHubHTTPError):
        status = error.response.status_code if error.response is not None else "?"
        return ModelError(
            f"The model hub ({hub}) failed to send {name} (HTTP {status}); try again later or {_LOCAL_FOLDER_HINT}."
        )
    if isinstance(error, OSError):
        return ModelError(f"Could not download the model {name} ({error}); check free disk space and try again.")
    return None


def _raise_if_cancelled(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled("The model download was cancelled; start it again to finish it.")


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
                abort_xet_session()
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
    ) -> None:
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
        _raise_if_cancelled(self._cancel)
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
