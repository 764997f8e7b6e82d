"""An audio source recorded by a capture child (capture_child.py), which may die without taking us along.

The child streams 16 kHz mono blocks over a pipe. When it dies — the sound
server went away, and libpulse aborted it — the source says so (`notices`),
starts a new child with growing pauses (0.5 s up to 5 s) until one records
again, and says that too. While nothing can be recorded (no child, or the child
waits for its microphone to come back) `read` gives silence at the pace of the
clock, so a channel's audio clock stays on the session's and other channels'
captions are not held back waiting for it.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import subprocess
import sys
import threading
import time

import numpy as np

from captioner.audio import capture_child as child
from captioner.audio.devices import SERVER_GONE, server_back
from captioner.audio.sources import AudioSourceError, Outage, next_block
from captioner.events import SAMPLE_RATE, ProblemOver

log = logging.getLogger(__name__)

START_TIMEOUT_S = 20.0
WINDOWS_EXIT_MAX = 255  # on Windows an exit code above a byte is a crash's status code: an abort
RETRY_S = (0.5, 1.0, 2.0, 4.0, 5.0)


def spawn(*args: str) -> subprocess.Popen:
    """A capture child running `args`; its stderr goes to the log."""
    flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console window from the windowed app on Windows
    proc = subprocess.Popen(child.command(*args), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, creationflags=flags, env=_child_env())
    threading.Thread(target=_log_lines, args=(proc.stderr,), daemon=True, name="captioner-child-log").start()
    return proc


def _child_env() -> dict[str, str]:
    """The environment for a child: ours, with the captioner package we run from first on its path
    (whatever folder it starts in, it runs the same code as we do)."""
    import captioner

    env = dict(os.environ)
    if not getattr(sys, "frozen", False):
        root = os.path.dirname(os.path.dirname(os.path.abspath(captioner.__file__)))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _log_lines(stream) -> None:
    for line in iter(stream.readline, b""):
        log.info("capture child: %s", line.decode(errors="replace").rstrip())


def run_once(*args: str, timeout: float = START_TIMEOUT_S) -> tuple[int, list[tuple[bytes, bytes]]]:
    """Run a capture child to its end: its exit status (negative: killed by a signal) and its frames."""
    proc = spawn(*args)
    frames = []
    try:
        proc.stdin.close()
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        while (frame := child.read_frame(proc.stdout)) is not None:
            frames.append(frame)
        timer.cancel()
        return proc.wait(), frames
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def server_gone(returncode: int) -> bool:
    """Whether a child's exit says the sound server went (or was never there): NO_SERVER, or an abort."""
    return returncode == child.NO_SERVER or returncode < 0 or (sys.platform == "win32" and returncode > WINDOWS_EXIT_MAX)


class ChildSource:
    """Records in a capture child started with `args` (see capture_child.py); an AudioSource.

    `opened`: the devices recorded, in order (JSON objects: id, name; a child
    that follows the default output adds one at each move). `notices`:
    sentences to show while the session goes on (the server stopped, is back;
    the microphone is gone, is back). A child that cannot record what it was
    asked (an output removed) ends the source with that message, raised by `read`.
    """

    live = True

    def __init__(self, *args: str, description: str, no_server: str, block_ms: int = 30, queue_s: float = 30.0) -> None:
        self.args = args
        self.description = description
        self.no_server = no_server  # what to say when there is no server at the start
        self.block = SAMPLE_RATE * block_ms // 1000
        self.overflows = 0
        self.opened: list[dict] = []
        self.notices: queue.Queue[str] = queue.Queue()
        self._queue: queue.Queue[np.ndarray] = queue.Queue(maxsize=max(1, int(queue_s * 1000 / block_ms)))
        self._stopping = threading.Event()
        self._error: str | None = None
        self._proc: subprocess.Popen | None = None
        self._thread: threading.Thread | None = None
        self._outage: Outage | None = None  # since audio stopped coming, while it is known not to come
        self._last_audio = 0.0  # when the child's latest block came

    # -- life ------------------------------------------------------------------
    def start(self) -> None:
        proc = spawn(*self.args)
        frame = self._first_frame(proc)
        if frame is None or frame[0] != child.OPENED:
            code = _end(proc)
            if frame is not None and frame[0] == child.ERROR and not server_gone(code):
                raise AudioSourceError(frame[1].decode())
            if server_gone(code):
                raise AudioSourceError(self.no_server)
            raise AudioSourceError(f"Recording {self.description} failed: the capture process ended ({code}).")
        self._opened(frame[1])
        self._proc = proc
        self._thread = threading.Thread(target=self._run, args=(proc,), name="captioner-capture-child", daemon=True)
        self._thread.start()

    def _first_frame(self, proc: subprocess.Popen) -> tuple[bytes, bytes] | None:
        """The child's first frame that is not a notice (OPENED, or ERROR), None if it ended first or took too long."""
        timer = threading.Timer(START_TIMEOUT_S, proc.kill)
        timer.start()
        try:
            while (frame := child.read_frame(proc.stdout)) is not None:
                if frame[0] == child.NOTICE:
                    self._notice(frame[1])
                    continue
                return frame
            return None
        finally:
            timer.cancel()

    def _opened(self, payload: bytes) -> None:
        device = json.loads(payload)
        if not self.opened or self.opened[-1]["id"] != device["id"]:  # the same one again after a restart is no move
            self.opened.append(device)
        self.description = device["name"]

    def _run(self, proc: subprocess.Popen) -> None:
        while True:
            error = self._pump(proc)
            code = _end(proc)
            if self._stopping.is_set():
                return
            if error is not None and not server_gone(code):
                self._error = error
                return
            log.info("the capture child of %s ended (%s); waiting for the sound server", self.description, code)
            self._begin_outage()
            again = None
            if code != child.NO_SERVER:  # an abort: the server went, or only the device did; a new child tells which
                again, error = self._probe()
                if error is not None:
                    self._error, self._outage = error, None
                    return
            self.notices.put(SERVER_GONE)
            proc = again or self._respawn()
            if proc is None:
                return
            self._proc = proc
            self._outage = None
            self.notices.put(server_back(self.description))

    def _pump(self, proc: subprocess.Popen) -> str | None:
        """Take the child's frames until it ends; its ERROR message, if it sent one."""
        while (frame := child.read_frame(proc.stdout)) is not None:
            kind, payload = frame
            if kind == child.AUDIO:
                self._last_audio = time.monotonic()
                self._put(np.frombuffer(payload, dtype="<f4").astype(np.float32))
            elif kind == child.OPENED:
                self._opened(payload)
            elif kind == child.NOTICE:
                self._notice(payload)
            elif kind == child.ERROR:
                return payload.decode()
        return None

    def _notice(self, payload: bytes) -> None:
        """A notice from the child; while it waits (its microphone is gone) silence stands in for its audio."""
        notice = json.loads(payload)
        if notice["waiting"]:
            self._begin_outage()
        else:
            self._outage = None
        self.notices.put(notice["text"] if notice["waiting"] else ProblemOver(notice["text"]))  # not waiting: it is back

    def _probe(self) -> tuple[subprocess.Popen | None, str | None]:
        """A new child: (the child, None) when it records; (None, why) when it reaches the server but cannot record
        (the device went, the server did not: `gone_message`); (None, None) otherwise."""
        proc = spawn(*self.args)
        self._proc = proc
        frame = self._first_frame(proc)
        if frame is not None and frame[0] == child.OPENED and not self._stopping.is_set():
            self._opened(frame[1])
            return proc, None
        code = _end(proc)
        if frame is not None and frame[0] == child.ERROR and not server_gone(code):
            return None, self.gone_message(frame[1].decode())
        return None, None

    def gone_message(self, error: str) -> str:
        """What to tell when what was recorded went away while the server stayed (`error`: the new child's words)."""
        return error

    def _respawn(self) -> subprocess.Popen | None:
        """A new child that records, after pauses that grow; None when stopped meanwhile."""
        attempt = 0
        while not self._stopping.wait(RETRY_S[min(attempt, len(RETRY_S) - 1)]):
            attempt += 1
            proc, why = self._probe()
            if proc is not None:
                return proc
            log.info("capture child not recording yet (%s)", why or "no sound server")
        return None

    def _put(self, block: np.ndarray) -> None:
        try:
            self._queue.put_nowait(block)
        except queue.Full:
            self.overflows += 1

    def _begin_outage(self) -> None:
        """From the child's last block on, silence stands in for its audio."""
        if self._outage is None:
            self._outage = Outage(self._last_audio or time.monotonic())

    @property
    def waiting(self) -> bool:
        """No audio can come now (the sound server is gone, or the microphone): silence stands in."""
        return self._outage is not None

    # -- AudioSource ------------------------------------------------------------
    def read(self, timeout: float) -> np.ndarray | None:
        outage = self._outage
        if outage is not None and self._queue.empty():
            silence, _wait = outage.silence(self.block)
            if silence is not None:
                return silence
        return next_block(self._queue, timeout, self._error, self._stopping)

    @property
    def finished(self) -> bool:
        return self._stopping.is_set() and self._queue.empty()

    def stop(self) -> None:
        """Stop the child (it closes its stream when its stdin closes) and the thread reading it."""
        self._stopping.set()
        proc = self._proc
        if proc is not None:
            _end(proc, wait_s=2.0)
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=3.0)


def _end(proc: subprocess.Popen, wait_s: float = 5.0) -> int:
    """Close the child's stdin (it stops), wait for it, kill it if it does not; its exit status."""
    try:
        proc.stdin.close()
    except OSError:
        pass
    try:
        return proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait()
