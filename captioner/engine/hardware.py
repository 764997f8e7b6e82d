"""Where the model runs: the compute device and type, and how many CPU threads it gets."""

from __future__ import annotations

import os
from pathlib import Path

import ctranslate2

from captioner.engine.model_errors import DeviceUnavailable, UnknownDevice

__all__ = ["choose_device", "cpu_threads"]


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
