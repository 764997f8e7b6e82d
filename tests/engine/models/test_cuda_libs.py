"""cuBLAS 12 from NVIDIA's pip wheel found and loaded before CTranslate2 asks for it by name, with no environment
variable set.

CTranslate2 opens `libcublas.so.12` by name (dlopen) at its first GPU pass; the wheel `nvidia-cublas-cu12` puts it in
`site-packages/nvidia/cublas/lib`, where the loader never looks. The libraries here are real shared objects with cuBLAS
12's file names and sonames, in the wheel's layout (libcublas.so.12 needs libcublasLt.so.12, as NVIDIA's does), built
with the C compiler; what is tested is the loader's resolution, the same for NVIDIA's files."""

import json
import os
import subprocess
import sys
from pathlib import Path

from captioner.engine.models import cuda_libs
from tests.cublas import NEEDS_CC, build_cublas

pytestmark = NEEDS_CC


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


AGAIN = """
import json, sys
from captioner.engine.models import cuda_libs
from tests.cublas import build_cublas
first = cuda_libs.preload()
build_cublas(cuda_libs.user_folder())  # as `captioner cuda-libs`, or the app's "Get GPU support", fills it meanwhile
print(json.dumps({"first": first, "cached": cuda_libs.preload(), "again": cuda_libs.preload(again=True),
                  "twice": cuda_libs.preload(again=True)}))
"""


def test_a_process_that_found_nothing_looks_again_when_asked(tmp_path):
    base = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "CAPTIONER_CUDA_PATH")}
    done = subprocess.run([sys.executable, "-c", AGAIN], capture_output=True, text=True, timeout=60, check=True,
                          env={**base, "XDG_DATA_HOME": str(tmp_path / "data")}, cwd=Path(__file__).resolve().parents[3])
    out = json.loads(done.stdout)
    folder = tmp_path / "data" / "captioner" / "cuda"
    assert out["first"] == [] and out["cached"] == []  # once per process, as before
    assert out["again"] == [str(folder / "libcublasLt.so.12"), str(folder / "libcublas.so.12")]
    assert out["twice"] == out["again"]  # each library loaded once
