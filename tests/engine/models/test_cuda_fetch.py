"""`captioner cuda-libs`: NVIDIA's cuBLAS 12 wheel fetched from a package index (a local one on 127.0.0.1 here, in the
layout of PyPI's JSON API), checked against its published SHA-256, its two libraries kept; then preloaded."""

import subprocess
import sys
import threading

import pytest

from captioner.engine.models.cuda_fetch import CudaFetchFailed, FetchCancelled, fetch_cublas
from captioner.engine.models.cuda_libs import CUBLAS, user_folder
from tests.cublas import NEEDS_CC, Index, build_wheel
from tests.engine.models.test_cuda_libs import probe

pytestmark = NEEDS_CC


@pytest.fixture
def wheel(tmp_path):
    return build_wheel(tmp_path)


def test_the_libraries_are_fetched_checked_and_then_preloaded(tmp_path, wheel):
    index = Index(wheel.read_bytes(), wheel.name)
    seen = []
    try:
        written = fetch_cublas(index=index.url, progress=seen.append)
    finally:
        index.close()
    assert sorted(p.name for p in written) == sorted(CUBLAS) and all(p.parent == user_folder() for p in written)
    assert sorted(p.name for p in user_folder().iterdir()) == sorted(CUBLAS)  # the headers and the metadata left out
    assert seen and seen[-1].downloaded == seen[-1].total == wheel.stat().st_size
    out = probe(tmp_path / "empty-site", {"XDG_DATA_HOME": str(tmp_path / "data")})
    assert out["after"] == 12 and out["loaded"][1] == str(user_folder() / "libcublas.so.12")


def test_a_wheel_that_does_not_match_its_hash_is_not_kept(wheel):
    index = Index(wheel.read_bytes(), wheel.name, sha256="0" * 64)
    try:
        with pytest.raises(CudaFetchFailed, match="SHA-256"):
            fetch_cublas(index=index.url)
    finally:
        index.close()
    assert not user_folder().exists() and not [p for p in user_folder().parent.iterdir() if p.name.startswith(".cuda-fetch")]


def test_cancelling_keeps_nothing_and_a_later_fetch_replaces_the_folder(wheel):
    index = Index(wheel.read_bytes(), wheel.name)
    cancel = threading.Event()
    try:
        with pytest.raises(FetchCancelled):
            fetch_cublas(index=index.url, progress=lambda p: cancel.set(), cancel=cancel)
        assert not user_folder().exists()
        fetch_cublas(index=index.url)
        fetch_cublas(index=index.url)  # again: the folder is replaced whole
    finally:
        index.close()
    assert sorted(p.name for p in user_folder().iterdir()) == sorted(CUBLAS)


def test_the_command_says_where_it_put_them_and_an_unreachable_index_in_one_line(tmp_path, wheel):
    index = Index(wheel.read_bytes(), wheel.name)
    try:
        done = subprocess.run([sys.executable, "-m", "captioner", "cuda-libs", "--index", index.url], capture_output=True, text=True,
                              timeout=120)
    finally:
        index.close()
    assert done.returncode == 0 and str(user_folder()) in done.stdout
    gone = subprocess.run([sys.executable, "-m", "captioner", "cuda-libs", "--index", index.url], capture_output=True, text=True,
                          timeout=120)
    assert gone.returncode == 1 and "Traceback" not in gone.stderr and "cannot read" in gone.stderr
    plain = subprocess.run([sys.executable, "-m", "captioner", "cuda-libs", "--index", "http://example.invalid"], capture_output=True,
                           text=True, timeout=120)
    assert plain.returncode == 1 and "only HTTPS" in plain.stderr
