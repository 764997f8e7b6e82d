"""`captioner cuda-libs`: NVIDIA's cuBLAS 12 wheel fetched from a package index (a local one on 127.0.0.1 here, in the
layout of PyPI's JSON API), checked against its published SHA-256, its two libraries kept; then preloaded."""

import hashlib
import http.server
import json
import subprocess
import sys
import threading
import zipfile

import pytest

from captioner.engine.models import cuda_fetch
from captioner.engine.models.cuda_fetch import CudaFetchFailed, FetchCancelled, fetch_cublas
from captioner.engine.models.cuda_libs import CUBLAS, user_folder
from tests.engine.models.test_cuda_libs import build_cublas, probe, pytestmark  # noqa: F401  (the same platform needs)


class Index:
    """A package index on 127.0.0.1 serving one release of nvidia-cublas-cu12 as PyPI's JSON API describes it."""

    def __init__(self, wheel_bytes: bytes, filename: str, sha256: str | None = None) -> None:
        self.files = {f"/files/{filename}": wheel_bytes}
        self.wheel = {"filename": filename, "packagetype": "bdist_wheel", "size": len(wheel_bytes),
                      "digests": {"sha256": sha256 or hashlib.sha256(wheel_bytes).hexdigest()}}
        self.requests: list[str] = []
        index = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                index.requests.append(self.path)
                if self.path == "/pypi/nvidia-cublas-cu12/json":
                    body = json.dumps({"info": {"version": "12.9.1.4"}, "urls": [index.wheel]}).encode()
                else:
                    body = index.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.wheel["url"] = f"{self.url}/files/{filename}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def wheel(tmp_path):
    """A wheel laid out as nvidia-cublas-cu12's, holding cuBLAS 12's two libraries (and a file that is not taken)."""
    libs = build_cublas(tmp_path / "built")
    path = tmp_path / f"nvidia_cublas_cu12-12.9.1.4-py3-none-manylinux_2_27_{cuda_fetch.platform_tag()}.whl"
    with zipfile.ZipFile(path, "w") as z:
        for name in CUBLAS:
            z.write(libs / name, f"nvidia/cublas/lib/{name}")
        z.writestr("nvidia/cublas/include/cublas.h", "/* headers are not taken */\n")
        z.writestr("nvidia_cublas_cu12-12.9.1.4.dist-info/METADATA", "Name: nvidia-cublas-cu12\n")
    return path


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
