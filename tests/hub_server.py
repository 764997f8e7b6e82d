"""A stand-in Hugging Face model hub serving one repo over HTTP on 127.0.0.1.

It implements what `huggingface_hub.snapshot_download` / `hf_hub_download` (2.x) call:

- `GET /api/models/{repo}[/revision/{rev}]`: model info (`sha`, `siblings` with sizes);
- `GET /api/models/{repo}/tree/{rev}`: the file listing cached under `trees/`;
- `HEAD`/`GET /{repo}/resolve/{rev}/{file}`: file metadata (`X-Repo-Commit`, `ETag`,
  `Content-Length`, no Xet headers so plain HTTP is used) and content, with `Range`.

`drop_connection` cuts a download halfway (the connection closes before the body is
complete), and can leave the hub unreachable afterwards, as when a network goes away.

Unknown repos, revisions and files get the 404s (with `X-Error-Code`) the real hub sends.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_SEND_BLOCK = 64 * 1024
_API_ROUTE = re.compile(r"^/api/models/(?P<repo>[^/]+/[^/]+)(?:/(?P<kind>revision|tree)/(?P<rev>[^/]+)(?:/.*)?)?$")
_RESOLVE_ROUTE = re.compile(r"^/(?P<repo>[^/]+/[^/]+)/resolve/(?P<rev>[^/]+)/(?P<file>.+)$")
_RANGE = re.compile(r"^bytes=(?P<start>\d+)-(?P<end>\d*)$")


@dataclass(frozen=True)
class ServedFile:
    """One file of the served repo, with the hashes the hub reports for it."""

    name: str
    content: bytes | Path
    size: int
    blob_id: str
    sha256: str

    @property
    def is_lfs(self) -> bool:
        return self.name.endswith(".bin")

    @property
    def etag(self) -> str:
        return self.sha256 if self.is_lfs else self.blob_id

    def read(self, start: int, end: int) -> bytes:
        if isinstance(self.content, bytes):
            return self.content[start:end]
        with self.content.open("rb") as f:
            f.seek(start)
            return f.read(end - start)


@functools.lru_cache(maxsize=16)
def _hashes(path: Path, size: int, mtime_ns: int) -> tuple[str, str]:
    """Git blob id and sha256 of a file (cached: model.bin is large)."""
    blob = hashlib.sha1(f"blob {size}\0".encode())
    sha256 = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            blob.update(block)
            sha256.update(block)
    return blob.hexdigest(), sha256.hexdigest()


def _file_from_disk(path: Path) -> ServedFile:
    stat = path.stat()
    blob_id, sha256 = _hashes(path, stat.st_size, stat.st_mtime_ns)
    return ServedFile(path.name, path, stat.st_size, blob_id, sha256)


def _file_from_bytes(name: str, data: bytes) -> ServedFile:
    blob_id = hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()
    return ServedFile(name, data, len(data), blob_id, hashlib.sha256(data).hexdigest())


class HubServer:
    """Serves `model_dir` as the hub repo `repo_id`; use as a context manager.

    `bytes_per_s` throttles each file download (None: full speed) and may be changed while
    running. `requests` logs `(method, path)` of every request.
    """

    def __init__(
        self,
        model_dir: Path,
        repo_id: str = "Systran/faster-whisper-tiny.en",
        *,
        extra_files: Mapping[str, bytes] | None = None,
        bytes_per_s: float | None = None,
    ) -> None:
        self.repo_id = repo_id
        self.bytes_per_s = bytes_per_s
        files = [_file_from_disk(p) for p in sorted(Path(model_dir).iterdir()) if p.is_file()]
        files += [_file_from_bytes(name, data) for name, data in (extra_files or {}).items()]
        self.files = {f.name: f for f in files}
        self.commit = hashlib.sha1("".join(f.etag for f in files).encode()).hexdigest()
        self._log: list[tuple[str, str]] = []
        self._log_lock = threading.Lock()
        self._cut: tuple[str, int, bool] | None = None  # (file, byte offset, then offline)
        self.offline = False  # every request's connection is closed without an answer
        self.drops: list[tuple[str, int]] = []  # (file, byte offset) of each connection cut
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "server not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def requests(self) -> list[tuple[str, str]]:
        with self._log_lock:
            return list(self._log)

    def file_downloads(self) -> list[str]:
        """Paths of the GET requests for file contents."""
        return [path for method, path in self.requests if method == "GET" and "/resolve/" in path]

    def drop_connection(self, name: str, at: int, *, then_offline: bool = False) -> None:
        """Once, close the connection of a download of `name` when byte `at` of the file is reached.

        `then_offline`: from then on every request is cut without an answer, until `offline` is set False.
        """
        self._cut = (name, at, then_offline)

    def _take_cut(self, name: str, start: int, end: int) -> int | None:
        """The offset at which to cut this response of `name` covering [start, end), claiming the cut."""
        with self._log_lock:
            if self._cut is None or self._cut[0] != name or not start <= self._cut[1] < end:
                return None
            _, at, then_offline = self._cut
            self._cut = None
            self.drops.append((name, at))
            self.offline = then_offline
            return at

    def clear_log(self) -> None:
        with self._log_lock:
            self._log.clear()

    def start(self) -> HubServer:
        self._stopping.clear()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="hub-server", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        assert self._thread is not None
        self._thread.join()
        self._server = None

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _record(self, method: str, path: str) -> None:
        with self._log_lock:
            self._log.append((method, path))

    def _knows(self, repo: str, rev: str) -> tuple[bool, bool]:
        return repo == self.repo_id, rev in ("main", self.commit)

    def _info(self) -> dict:
        return {
            "_id": self.commit[:24],
            "id": self.repo_id,
            "modelId": self.repo_id,
            "sha": self.commit,
            "private": False,
            "disabled": False,
            "gated": False,
            "tags": ["ctranslate2", "audio", "automatic-speech-recognition"],
            "siblings": [self._sibling(f) for f in self.files.values()],
        }

    def _tree(self) -> list[dict]:
        return [
            {"type": "file", "path": f.name, "size": f.size, "oid": f.blob_id, **self._lfs(f, "oid")}
            for f in self.files.values()
        ]

    def _sibling(self, f: ServedFile) -> dict:
        return {"rfilename": f.name, "size": f.size, "blobId": f.blob_id, **self._lfs(f, "sha256")}

    @staticmethod
    def _lfs(f: ServedFile, hash_key: str) -> dict:
        return {"lfs": {hash_key: f.sha256, "size": f.size, "pointerSize": 134}} if f.is_lfs else {}


def _handler_for(hub: HubServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "StandInHub/1.0"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_HEAD(self) -> None:
            self._route(send_body=False)

        def do_GET(self) -> None:
            self._route(send_body=True)

        def _route(self, send_body: bool) -> None:
            path = unquote(urlsplit(self.path).path)
            hub._record(self.command, path)
            if hub.offline:
                self._hang_up()
            elif api := _API_ROUTE.match(path):
                self._api(api["repo"], api["kind"], api["rev"] or "main")
            elif resolve := _RESOLVE_ROUTE.match(path):
                self._resolve(resolve["repo"], resolve["rev"], resolve["file"], send_body)
            else:
                self._error(404, "EntryNotFound", "Not found")

        def _api(self, repo: str, kind: str | None, rev: str) -> None:
            repo_ok, rev_ok = hub._knows(repo, rev)
            if not repo_ok:
                self._error(404, "RepoNotFound", "Repository not found")
            elif not rev_ok:
                self._error(404, "RevisionNotFound", "Invalid rev id")
            else:
                self._json(hub._tree() if kind == "tree" else hub._info())

        def _resolve(self, repo: str, rev: str, name: str, send_body: bool) -> None:
            repo_ok, rev_ok = hub._knows(repo, rev)
            file = hub.files.get(name)
            if not repo_ok:
                self._error(404, "RepoNotFound", "Repository not found")
            elif not rev_ok:
                self._error(404, "RevisionNotFound", "Invalid rev id")
            elif file is None:
                self._error(404, "EntryNotFound", "Entry not found")
            else:
                self._file(file, send_body)

        def _file(self, file: ServedFile, send_body: bool) -> None:
            start, end = self._range(file.size)
            self.send_response(206 if (start, end) != (0, file.size) else 200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(end - start))
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("ETag", f'"{file.etag}"')
            self.send_header("X-Repo-Commit", hub.commit)
            if (start, end) != (0, file.size):
                self.send_header("Content-Range", f"bytes {start}-{end - 1}/{file.size}")
            self.end_headers()
            if send_body:
                self._send(file, start, end)

        def _range(self, size: int) -> tuple[int, int]:
            match = _RANGE.match(self.headers.get("Range", ""))
            if match is None:
                return 0, size
            end = int(match["end"]) + 1 if match["end"] else size
            return int(match["start"]), min(end, size)

        def _send(self, file: ServedFile, start: int, end: int) -> None:
            began, sent = time.monotonic(), 0
            cut = hub._take_cut(file.name, start, end)
            try:
                for offset in range(start, end, _SEND_BLOCK):
                    if hub._stopping.is_set():
                        return
                    block = file.read(offset, min(offset + _SEND_BLOCK, end))
                    if cut is not None and offset + len(block) > cut:
                        self.wfile.write(block[: cut - offset])
                        self._hang_up()
                        return
                    self.wfile.write(block)
                    sent += len(block)
                    if hub.bytes_per_s:
                        time.sleep(max(0.0, began + sent / hub.bytes_per_s - time.monotonic()))
            except (BrokenPipeError, ConnectionResetError):
                return

        def _hang_up(self) -> None:
            """Close the connection at once, as a network that goes away does."""
            self.close_connection = True
            try:
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        def _json(self, payload: object) -> None:
            body = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, code: str, message: str) -> None:
            body = json.dumps({"error": message}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Error-Code", code)
            self.send_header("X-Error-Message", message)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler
