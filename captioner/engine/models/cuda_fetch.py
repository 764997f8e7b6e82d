"""Fetch cuBLAS 12 for a packaged app: NVIDIA's pip wheel, checked against the hash its index publishes, and only the
libraries CTranslate2 loads taken out of it (`cuda_libs.CUBLAS`), into the folder `cuda_libs.preload` searches
(`cuda_libs.user_folder`). `captioner cuda-libs` runs it, and so does the app's "Get GPU support" (`gui.gpu_support`);
a pip installation gets the same wheel with `pip install 'captioner[cuda]'`.

The wheel comes from the Python package index's JSON API (`{index}/pypi/nvidia-cublas-cu12/json`, the newest release;
`CAPTIONER_PYPI_URL` names another index), over HTTPS unless the index is on this machine. Nothing is kept unless the
whole file matches its published SHA-256; the libraries are written to a folder beside the target and moved in whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import sys
import tempfile
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from captioner.engine.models.cuda_libs import CUBLAS, WHEEL, user_folder
from captioner.errors import CaptionerError

__all__ = ["CudaFetchFailed", "FetchCancelled", "FetchProgress", "fetch_cublas", "platform_tag"]

DEFAULT_INDEX = "https://pypi.org"
_CHUNK = 1 << 20


class CudaFetchFailed(CaptionerError):
    """The libraries could not be fetched; str() says why and what to do."""


class FetchCancelled(CudaFetchFailed):
    """Cancelled: nothing was kept."""


@dataclass(frozen=True)
class FetchProgress:
    """How far the download of one library file is: bytes so far, of `total` when known."""

    filename: str
    downloaded: int
    total: int | None


def platform_tag() -> str:
    """The wheel platform tag's ending this machine needs ("manylinux*_x86_64", "win_amd64"), "" where there is none."""
    machine = platform.machine().lower()
    if sys.platform.startswith("linux") and machine in ("x86_64", "amd64"):
        return "x86_64"
    if sys.platform.startswith("linux") and machine in ("aarch64", "arm64"):
        return "aarch64"
    if sys.platform == "win32" and machine in ("amd64", "x86_64"):
        return "win_amd64"
    return ""


def fetch_cublas(folder: Path | None = None, *, index: str | None = None, progress: Callable[[FetchProgress], None] | None = None,
                 cancel: threading.Event | None = None) -> list[Path]:
    """Download the newest `nvidia-cublas-cu12` wheel for this machine, check its SHA-256, and put its cuBLAS libraries
    into `folder` (default `cuda_libs.user_folder()`). Returns the files written; raises CudaFetchFailed."""
    folder = Path(folder or user_folder())
    index = (index or os.environ.get("CAPTIONER_PYPI_URL") or DEFAULT_INDEX).rstrip("/")
    tag = platform_tag()
    if not tag:
        raise CudaFetchFailed(f"NVIDIA publishes no cuBLAS 12 wheel for this system ({sys.platform}, {platform.machine()})")
    meta = _json(f"{index}/pypi/{WHEEL}/json")
    wheel = next((f for f in meta.get("urls", []) if f.get("packagetype") == "bdist_wheel" and f.get("filename", "").endswith(f"{tag}.whl")),
                 None)
    if wheel is None or not wheel.get("digests", {}).get("sha256"):
        raise CudaFetchFailed(f"the package index ({index}) lists no {WHEEL} wheel for {tag} with its SHA-256")
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent, prefix=".cuda-fetch-") as tmp:
        path = Path(tmp) / wheel["filename"]
        _download(wheel["url"], path, wheel["digests"]["sha256"], wheel.get("size"), progress, cancel)
        staged = Path(tmp) / "libs"
        written = _extract(path, staged)
        if cancel is not None and cancel.is_set():
            raise FetchCancelled("cancelled: nothing was kept")
        old = folder.with_name(folder.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if folder.exists():
            folder.rename(old)
        staged.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    return [folder / p.name for p in written]


def _json(url: str) -> dict:
    try:
        with urllib.request.urlopen(_checked(url), timeout=30) as response:
            return json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise CudaFetchFailed(f"cannot read {url} ({_reason(error)}); check the connection and try again") from error


def _download(url: str, path: Path, sha256: str, size: int | None, progress, cancel) -> None:
    digest = hashlib.sha256()
    done = 0
    try:
        with urllib.request.urlopen(_checked(url), timeout=60) as response, path.open("wb") as out:
            total = size or int(response.headers.get("Content-Length") or 0) or None
            while chunk := response.read(_CHUNK):
                if cancel is not None and cancel.is_set():
                    raise FetchCancelled("cancelled: nothing was kept")
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(FetchProgress(path.name, done, total))
    except CudaFetchFailed:
        raise
    except (urllib.error.URLError, OSError) as error:
        raise CudaFetchFailed(f"downloading {path.name} failed ({_reason(error)}); check the connection and free disk space, "
                              "and try again") from error
    if digest.hexdigest() != sha256.lower():
        raise CudaFetchFailed(f"{path.name} does not match the SHA-256 its index publishes: it was not kept; try again")


def _extract(wheel: Path, folder: Path) -> list[Path]:
    """The cuBLAS libraries of `wheel` (nvidia/cublas/lib or bin) into `folder`."""
    folder.mkdir()
    written = []
    try:
        with zipfile.ZipFile(wheel) as z:
            for member in z.namelist():
                name = member.rsplit("/", 1)[-1]
                if member.startswith("nvidia/cublas/") and name in CUBLAS:
                    target = folder / name
                    with z.open(member) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst, _CHUNK)
                    written.append(target)
    except (zipfile.BadZipFile, OSError) as error:
        raise CudaFetchFailed(f"{wheel.name} cannot be unpacked ({_reason(error)})") from error
    missing = set(CUBLAS) - {p.name for p in written}
    if missing:
        raise CudaFetchFailed(f"{wheel.name} holds no {', '.join(sorted(missing))}")
    return written


def _checked(url: str) -> str:
    """`url`, refused unless it is HTTPS or on this machine (a local package index)."""
    from urllib.parse import urlparse

    parsed = urlparse(url)
    if parsed.scheme == "https" or (parsed.scheme == "http" and parsed.hostname in ("127.0.0.1", "localhost", "::1")):
        return url
    raise CudaFetchFailed(f"refusing to fetch {url}: only HTTPS (or an index on this machine)")


def _reason(error: BaseException) -> str:
    return str(getattr(error, "reason", None) or getattr(error, "strerror", None) or error)
