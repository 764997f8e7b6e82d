"""Where the model runs: the compute device and type, how many CPU threads it gets, and how its large buffers go back
to the system while a recording is decoded."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import ctranslate2

from captioner.engine.models.errors import DeviceUnavailable, UnknownDevice

__all__ = ["choose_device", "cpu_threads", "first_gpu_use", "gpu_prepared"]


def choose_device(requested: str = "auto", compute_type: str = "auto") -> tuple[str, str]:
    """Return `(device, compute_type)` for CTranslate2: CUDA float16 when a GPU is there, else CPU int8."""
    has_cuda = ctranslate2.get_cuda_device_count() > 0
    if requested == "auto":
        device = "cuda" if has_cuda else "cpu"
    elif requested == "cuda" and not has_cuda:
        raise DeviceUnavailable(requested)
    elif requested in ("cpu", "cuda"):
        device = requested
    else:
        raise UnknownDevice(requested)
    if compute_type == "auto":
        compute_type = "float16" if device == "cuda" else "int8"
    return device, compute_type


GPU_PREPARED_FILE = "gpu-prepared"  # in the cache folder: CTranslate2 versions that have run a model on this machine's GPU


def first_gpu_use(requested: str = "auto") -> bool:
    """Whether a model about to load with `requested` ("auto", "cuda", "cpu") will be the first to run on this
    machine's GPU with this CTranslate2: CUDA then builds CTranslate2's kernels for the GPU (its library holds them
    for older GPUs only), seconds against a fraction of one once built (benchmarks/README.md, "On a GPU"). CUDA keeps
    what it built in its own cache (~/.nv/ComputeCache), so later starts of the app pay it no more."""
    if requested == "cpu" or ctranslate2.get_cuda_device_count() == 0:
        return False
    return ctranslate2.__version__ not in _prepared_versions()


def gpu_prepared() -> None:
    """Note that a model ran on this machine's GPU with this CTranslate2 (`first_gpu_use`); a cache folder that cannot
    be written only means the next start says "first time" again."""
    versions = _prepared_versions() | {ctranslate2.__version__}
    try:
        path = _prepared_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(sorted(versions)) + "\n")
    except OSError:
        pass


def _prepared_versions() -> set[str]:
    try:
        return {line.strip() for line in _prepared_file().read_text().splitlines() if line.strip()}
    except (OSError, UnicodeDecodeError):
        return set()


def _prepared_file() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("captioner")) / GPU_PREPARED_FILE


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


LARGE_BUFFER = 4 << 20  # bytes: while a recording is decoded, buffers this big come straight from the system and go back
MMAP_THRESHOLD_MAX = 32 << 20  # glibc's own ceiling for the threshold it moves (64-bit)
M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


@contextlib.contextmanager
def large_buffers_returned() -> Iterator[None]:
    """While inside, glibc's malloc gives every buffer of `LARGE_BUFFER` or more its own mapping, unmapped when freed
    (Linux with glibc; elsewhere nothing changes). After, buffers up to `MMAP_THRESHOLD_MAX` come from its heaps again.

    By default glibc raises that threshold to the size of each large buffer freed, after which such buffers come from
    its heaps and stay there once freed: CTranslate2's buffers (allocated and freed every window on each worker's
    thread) would hold a long refine's memory high; inside, less memory and no slower (benchmarks/README.md, "Refined
    after the session"). Live passes are left alone: with the threshold held for the whole process, their short
    windows' buffers, mapped afresh each pass, make interims slower."""
    set_ = _mallopt()
    if set_ is not None:
        set_(M_MMAP_THRESHOLD, LARGE_BUFFER)
    try:
        yield
    finally:
        if set_ is not None:
            set_(M_MMAP_THRESHOLD, MMAP_THRESHOLD_MAX)


def _mallopt():
    """glibc's mallopt, or None where the C library is not glibc."""
    import ctypes
    import ctypes.util
    import platform

    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return None
