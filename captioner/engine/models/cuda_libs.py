"""The CUDA libraries CTranslate2 loads on the GPU, found and loaded before its first use.

CTranslate2 4.x (the pip wheel) loads one CUDA library of its own accord, and only at its first matrix product on
the GPU: cuBLAS for CUDA 12 (`libcublas.so.12`, which needs `libcublasLt.so.12`; on Windows `cublas64_12.dll` and
`cublasLt64_12.dll`). Its CUDA runtime is linked in, the driver (`libcuda.so.1`) comes with the GPU's driver, and it
names no cuDNN at all (`strings` on `ctranslate2.libs/libctranslate2-*.so*`). A machine with a CUDA 13 toolkit, or a
driver and no toolkit, lacks cuBLAS 12: the model then loads on the GPU and its first pass raises "Library
libcublas.so.12 is not found or cannot be loaded".

NVIDIA ships cuBLAS 12 as a pip wheel, `nvidia-cublas-cu12` (`pip install 'captioner[cuda]'`), for any driver new
enough for CUDA 12, CUDA 13's included. Its libraries sit in `site-packages/nvidia/cublas/lib` (Windows: `bin`),
where no loader looks. `preload()` loads them by full path before CTranslate2 needs them: on Linux, a later
`dlopen("libcublas.so.12")` then finds the loaded copy by its soname (LD_LIBRARY_PATH cannot change for a running
process); on Windows the folder joins the DLL search path. Folders searched, first found first used:

- `CAPTIONER_CUDA_PATH` (folders separated by `os.pathsep`);
- the `nvidia-cublas-cu12` wheel installed beside captioner (`nvidia/cublas/lib|bin` on `sys.path`);
- inside a packaged app, `nvidia/*/lib|bin` in the bundle and beside its executable;
- the folder `captioner cuda-libs` (and the app's "Get GPU support") fills (`user_folder()`), for a packaged app
  that carries none; `preload(again=True)` loads what a fetch put there while the app runs.

Without any of them the system's own libraries are used as usual. Nothing here imports the ML stack.
"""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

__all__ = [
    "CUBLAS",
    "DRIVER_ADVICE",
    "driver_problem",
    "fix_command",
    "found",
    "library_folders",
    "missing_library",
    "preload",
    "user_folder",
]

if sys.platform == "win32":
    CUBLAS: tuple[str, ...] = ("cublasLt64_12.dll", "cublas64_12.dll")  # dependencies first
    _SUBFOLDER = "bin"
else:
    CUBLAS = ("libcublasLt.so.12", "libcublas.so.12")
    _SUBFOLDER = "lib"

WHEEL = "nvidia-cublas-cu12"  # the pip wheel that holds CUBLAS
FIX_COMMAND = "pip install 'captioner[cuda]'"  # what a pip user runs for the GPU
BUNDLE_FIX_COMMAND = "captioner cuda-libs"  # ... and a user of the packaged app

# The oldest NVIDIA driver that runs CUDA 12 (the CUDA runtime CTranslate2 4.x is built with), by system: NVIDIA's
# CUDA 12.0 release notes, "minor version compatibility".
MIN_DRIVER = {"linux": "525.60.13", "win32": "528.33"}
DRIVER_ADVICE = ("update the NVIDIA driver (CUDA 12 needs driver "
                 f"{MIN_DRIVER['linux']} or newer on Linux, {MIN_DRIVER['win32']} or newer on Windows)")

# What the CUDA runtime says when the driver, not a library or the GPU's memory, is at fault: too old for the runtime,
# not installed (no device, or only the stub library a toolkit ships), or not the one the kernel module runs.
_DRIVER_WORDS = (
    "driver version is insufficient",
    "no CUDA-capable device",
    "stub library",
    "unsupported display driver",
    "forward compatibility was attempted",
    "CUDA driver version",
)

_loaded: list[str] = []
_handles: list[object] = []  # os.add_dll_directory handles and CDLLs, kept for the whole run
_lock = threading.Lock()
_done = False


def user_folder() -> Path:
    """Where `captioner cuda-libs` puts the cuBLAS libraries it fetches (the app's data folder)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("captioner")) / "cuda"


def library_folders() -> list[Path]:
    """Folders that may hold cuBLAS 12, in the order they are searched (only those that exist)."""
    folders = [Path(p) for p in os.environ.get("CAPTIONER_CUDA_PATH", "").split(os.pathsep) if p]
    for root in sys.path:
        if root:
            folders.append(Path(root) / "nvidia" / "cublas" / _SUBFOLDER)
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        for root in (Path(bundle), Path(sys.executable).resolve().parent):
            folders += sorted(root.glob(f"nvidia/*/{_SUBFOLDER}"))
    folders.append(user_folder())
    seen: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            seen.setdefault(str(folder.resolve()), folder)
    return list(seen.values())


def found() -> dict[str, Path]:
    """Each cuBLAS library name and the first searched folder that holds it."""
    out: dict[str, Path] = {}
    for folder in library_folders():
        for name in CUBLAS:
            if name not in out and (folder / name).is_file():
                out[name] = folder / name
    return out


def preload(*, again: bool = False) -> list[str]:
    """Load the cuBLAS 12 libraries found in `library_folders()` by full path, once per process: later calls return
    what the first loaded, unless `again` (after `cuda_fetch` put them in `user_folder()` while this process runs):
    then the folders are searched again and each library not loaded yet is loaded. Returns the paths loaded (on
    Windows the folders added); a library that fails to load is left to the system's loader."""
    global _done
    with _lock:
        if _done and not again:
            return list(_loaded)
        _done = True
        libraries = found()
        if not libraries:
            return list(_loaded)
        if sys.platform == "win32":
            for folder in dict.fromkeys(str(p.parent) for p in libraries.values()):
                if folder in _loaded:
                    continue
                try:
                    _handles.append(os.add_dll_directory(folder))
                except OSError:
                    continue
                os.environ["PATH"] = folder + os.pathsep + os.environ.get("PATH", "")
                _loaded.append(folder)
            return list(_loaded)
        import ctypes

        already = {Path(p).name for p in _loaded}  # a soname loaded once is found by name; never a second copy
        for name in CUBLAS:
            path = libraries.get(name)
            if path is None or name in already:
                continue
            try:
                _handles.append(ctypes.CDLL(str(path), mode=ctypes.RTLD_GLOBAL))
            except OSError:
                continue
            _loaded.append(str(path))
        return list(_loaded)


def missing_library(detail: str) -> str:
    """The CUDA library a CTranslate2 error names as missing ("Library libcublas.so.12 is not found or cannot be
    loaded"), or "" when the error names none."""
    import re

    match = re.search(r"[Ll]ibrary (\S+) is not found", detail) or re.search(r"(\S*cublas\S*\.(?:so\S*|dll))", detail)
    return match.group(1) if match else ""


def driver_problem(detail: str) -> bool:
    """Whether a CUDA error (`detail`, CTranslate2's message) says the NVIDIA driver is missing or too old: no
    library to install then, the driver is to update (`DRIVER_ADVICE`)."""
    return any(words.lower() in detail.lower() for words in _DRIVER_WORDS)


def fix_command() -> str:
    """The one command that gives this installation cuBLAS 12: pip's extra, or the packaged app's own fetch."""
    return BUNDLE_FIX_COMMAND if getattr(sys, "frozen", False) else FIX_COMMAND
