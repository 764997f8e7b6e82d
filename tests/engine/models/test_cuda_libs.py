"""cuBLAS 12 from NVIDIA's pip wheel found and loaded before CTranslate2 asks for it by name, with no environment
variable set.

CTranslate2 opens `libcublas.so.12` by name (dlopen) at its first GPU pass; the wheel `nvidia-cublas-cu12` puts it in
`site-packages/nvidia/cublas/lib`, where the loader never looks. The libraries here are real shared objects with cuBLAS
12's file names and sonames, in the wheel's layout (libcublas.so.12 needs libcublasLt.so.12, as NVIDIA's does), built
with the C compiler; what is tested is the loader's resolution, the same for NVIDIA's files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from captioner.engine.models import cuda_libs

pytestmark = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF shared objects: Linux"),
              pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to build the libraries")]


def build_cublas(folder: Path) -> Path:
    """libcublasLt.so.12 and libcublas.so.12 (which needs it) in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lt.c").write_text("int cublasLtGetVersion(void) { return 120401; }\n")
    (folder / "blas.c").write_text("int cublasLtGetVersion(void);\nint cublasGetVersion_v2(void) { return cublasLtGetVersion() / 10000; }\n")
    subprocess.run(["cc", "-shared", "-fPIC", "-Wl,-soname,libcublasLt.so.12", "-o", folder / "libcublasLt.so.12", folder / "lt.c"],
                   check=True)
    subprocess.run(["cc", "-shared", "-fPIC", "-Wl,-soname,libcublas.so.12", "-o", folder / "libcublas.so.12", folder / "blas.c",
                    "-L", folder, "-l:libcublasLt.so.12"], check=True)
    for source in ("lt.c", "blas.c"):
        (folder / source).unlink()
    return folder


PROBE = """
import ctypes, json, sys
def by_name():  # what CTranslate2 does at its first GPU pass
    try:
        return ctypes.CDLL("libcublas.so.12").cublasGetVersion_v2()
    except OSError:
        return None
before = by_name()
sys.path.insert(0, sys.argv[1])
from captioner.engine.models import cuda_libs
loaded = cuda_libs.preload()
print(json.dumps({"before": before, "after": by_name(), "loaded": loaded, "again": cuda_libs.preload()}))
"""


def probe(site: Path, env: dict | None = None) -> dict:
    base = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "CAPTIONER_CUDA_PATH")}
    done = subprocess.run([sys.executable, "-c", PROBE, str(site)], capture_output=True, text=True, env={**base, **(env or {})},
                          timeout=60, check=True)
    return json.loads(done.stdout)


def test_the_wheels_cublas_resolves_by_name_once_preloaded(tmp_path):
    site = tmp_path / "site-packages"
    lib = build_cublas(site / "nvidia" / "cublas" / "lib")
    out = probe(site)
    assert out["before"] is None  # not where the loader looks
    assert out["after"] == 12
    assert out["loaded"] == [str(lib / "libcublasLt.so.12"), str(lib / "libcublas.so.12")]  # its dependency first
    assert out["again"] == out["loaded"]  # once per process


def test_a_folder_named_in_the_environment_comes_first(tmp_path):
    site = tmp_path / "site-packages"
    build_cublas(site / "nvidia" / "cublas" / "lib")
    own = build_cublas(tmp_path / "own")
    out = probe(site, {"CAPTIONER_CUDA_PATH": str(own)})
    assert out["after"] == 12 and out["loaded"][1] == str(own / "libcublas.so.12")


def test_the_folder_captioner_cuda_libs_fills_is_searched(tmp_path):
    data = tmp_path / "data"
    build_cublas(data / "captioner" / "cuda")
    out = probe(tmp_path / "empty-site", {"XDG_DATA_HOME": str(data)})
    assert out["after"] == 12 and out["loaded"][1] == str(data / "captioner" / "cuda" / "libcublas.so.12")


def test_nothing_found_loads_nothing(tmp_path):
    out = probe(tmp_path / "empty-site", {"XDG_DATA_HOME": str(tmp_path / "data")})
    assert out["loaded"] == [] and out["after"] in (None, out["before"])


def test_the_library_ctranslate2_misses_is_read_from_its_error():
    assert cuda_libs.missing_library("Library libcublas.so.12 is not found or cannot be loaded") == "libcublas.so.12"
    assert cuda_libs.missing_library("Library cublas64_12.dll is not found or cannot be loaded") == "cublas64_12.dll"
    assert cuda_libs.missing_library("CUDA failed with error out of memory") == ""
