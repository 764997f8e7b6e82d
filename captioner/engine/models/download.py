"""A model downloaded from the Hugging Face hub, its bytes counted over the whole model and its cancel heard.

`fetch.resolve_model` asks for a download only for a model the cache does not hold.
"""

from __future__ import annotations

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

from captioner.engine.models.catalogue import ALLOW_PATTERNS, is_model_folder
from captioner.engine.models.errors import (
    CorruptModel,
    DownloadCancelled,
    DownloadFailed,
    FolderMissing,
    HubUnreachable,
    LoginNeeded,
    ModelError,
    ModelNotFound,
    NotAModel,
)
from captioner.engine.models.upstream import abort_xet_transfers

__all__ = ["DownloadProgress", "ProgressCallback", "checked_folder", "download", "raise_if_cancelled"]

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


def checked_folder(folder: Path) -> Path:
    """`folder`, when a recognizer the app has reads the model in it; raises FolderMissing or CorruptModel."""
    if not folder.exists():
        raise FolderMissing(folder)
    if not is_model_folder(folder):
        raise CorruptModel(folder)
    return folder


def download(
    spec: str,
    repo_id: str,
    *,
    progress: ProgressCallback | None,
    cancel: threading.Event | None,
    endpoint: str | None,
    cache_dir: str | None,
) -> Path:
    """Download the model `repo_id` into the Hugging Face cache and return its folder; `progress` hears the bytes over
    the whole model, setting `cancel` stops it with DownloadCancelled, and a hub or network failure raises the
    ModelError that says it (`spec`: the name the user gave)."""
    raise_if_cancelled(cancel, spec)
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
        raise_if_cancelled(cancel, spec)
        model_error = _model_error(spec, repo_id, endpoint, error)
        if model_error is None:
            raise
        raise model_error from error
    counter.finish()
    return checked_folder(Path(folder))


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


def raise_if_cancelled(cancel: threading.Event | None, spec: str = "") -> None:
    """Raise DownloadCancelled when `cancel` is set."""
    if cancel is not None and cancel.is_set():
        raise DownloadCancelled(spec)


def _use_small_http_chunks() -> None:
    """Make plain-HTTP downloads report (and so notice a cancel) every `_HTTP_CHUNK_SIZE` bytes, not huggingface_hub's larger pieces.

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
    """Counts the model's bytes, reports them at most every `_REPORT_INTERVAL_S`, and stops the download on cancel."""

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
        raise_if_cancelled(self._cancel, self._spec)
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
