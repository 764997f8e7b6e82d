"""Stand-ins for NVIDIA's cuBLAS 12 and the index that serves it: real shared objects with cuBLAS 12's file names and
sonames (libcublas.so.12 needs libcublasLt.so.12, as NVIDIA's does), built with the C compiler; a wheel laid out as
`nvidia-cublas-cu12`'s holding them; a package index on 127.0.0.1 serving that wheel as PyPI's JSON API describes it.
`NEEDS_CC` marks the tests that build them (Linux with a C compiler)."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from captioner.engine.models import cuda_fetch
from captioner.engine.models.cuda_libs import CUBLAS

NEEDS_CC = [pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF shared objects: Linux"),
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


def build_wheel(folder: Path, *, padding: int = 0) -> Path:
    """A wheel laid out as nvidia-cublas-cu12's in `folder`, holding cuBLAS 12's two libraries (and files that are not
    taken: headers, metadata, and `padding` bytes of noise that make the download take several reads)."""
    libs = build_cublas(folder / "built")
    path = folder / f"nvidia_cublas_cu12-12.9.1.4-py3-none-manylinux_2_27_{cuda_fetch.platform_tag()}.whl"
    with zipfile.ZipFile(path, "w") as z:
        for name in CUBLAS:
            z.write(libs / name, f"nvidia/cublas/lib/{name}")
        z.writestr("nvidia/cublas/include/cublas.h", "/* headers are not taken */\n")
        if padding:
            z.writestr("nvidia/cublas/lib/libnvblas.so.12", os.urandom(padding))
        z.writestr("nvidia_cublas_cu12-12.9.1.4.dist-info/METADATA", "Name: nvidia-cublas-cu12\n")
    return path


class Index:
    """A package index on 127.0.0.1 serving one release of nvidia-cublas-cu12 as PyPI's JSON API describes it. With
    `hold`, the wheel's first MiB is sent at once and the rest only once `hold` is set (a download seen under way)."""

    def __init__(self, wheel_bytes: bytes, filename: str, sha256: str | None = None, *, hold: threading.Event | None = None) -> None:
        self.files = {f"/files/{filename}": wheel_bytes}
        self.wheel = {"filename": filename, "packagetype": "bdist_wheel", "size": len(wheel_bytes),
                      "digests": {"sha256": sha256 or hashlib.sha256(wheel_bytes).hexdigest()}}
        self.requests: list[str] = []
        self.hold = hold
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
                if index.hold is not None and self.path.startswith("/files/"):
                    self.wfile.write(body[: 1 << 20])
                    self.wfile.flush()
                    index.hold.wait(60)
                    body = body[1 << 20:]
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.wheel["url"] = f"{self.url}/files/{filename}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        if self.hold is not None:
            self.hold.set()  # a download still held ends
        self.server.shutdown()
        self.server.server_close()
