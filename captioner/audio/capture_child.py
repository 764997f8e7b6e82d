"""The capture child: the process that records through soundcard (libpulse), so its failures stay there.

When the sound server goes away, libpulse under soundcard aborts the process
it runs in (see soundcard_capture.py); here that process is a child, started
by child_source.py as `python -m captioner.audio.capture_child COMMAND ...`
(in the frozen app: `captioner capture-child COMMAND ...`, see `command`).

Commands:
  list           the outputs whose sound can be captured, as one LISTING frame
  output [ID [S]]  record what an output plays ("" or none: the default output, followed; checked every S seconds)
  source NAME    record a PulseAudio source by name (a microphone), waiting for it while it is gone

It writes frames to stdout: one kind byte, the payload's length (4 bytes,
little-endian), the payload. AUDIO: float32 16 kHz mono samples; OPENED: the
device recorded (JSON; again after each move); NOTICE: a sentence for people, and whether
audio stops until the next notice (JSON);
LISTING: outputs (JSON); ERROR: why it cannot record (then it exits with 1).
It exits with NO_SERVER when the sound server cannot be reached or went away,
and stops when its stdin closes (the parent stopped it, or died).
"""

from __future__ import annotations

import json
import os
import struct
import sys
import threading
from typing import BinaryIO

AUDIO, OPENED, NOTICE, LISTING, ERROR = b"A", b"O", b"N", b"L", b"E"
NO_SERVER = 75  # exit status: no sound server (or it went away)
FROZEN_COMMAND = "capture-child"  # what the frozen app's command line takes to run this
_HEADER = struct.Struct("<cI")


def command(*args: str) -> list[str]:
    """The command line that starts a capture child with `args`, from the source tree or the frozen app."""
    if getattr(sys, "frozen", False):
        return [sys.executable, FROZEN_COMMAND, *args]
    return [sys.executable, "-m", "captioner.audio.capture_child", *args]


def write_frame(out: BinaryIO, kind: bytes, payload: bytes) -> None:
    out.write(_HEADER.pack(kind, len(payload)) + payload)
    out.flush()


def read_frame(stream: BinaryIO) -> tuple[bytes, bytes] | None:
    """The next frame, or None at the end of the stream."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    kind, size = _HEADER.unpack(header)
    payload = stream.read(size)
    return (kind, payload) if len(payload) == size else None


def main(argv: list[str]) -> int:
    from captioner.audio.soundcard_capture import InputCapture, OutputCapture, backend, outputs, server_alive
    from captioner.audio.sources import AudioSourceError

    out = sys.stdout.buffer if sys.stdout is not None else os.fdopen(1, "wb")  # a windowed frozen app has no sys.stdout
    sys.stdout = sys.stderr  # nothing else may write into the frames
    name, *rest = argv or ["list"]
    try:
        sc = backend()
    except AudioSourceError as exc:
        write_frame(out, ERROR, str(exc).encode())
        return NO_SERVER
    if name == "list":
        try:
            devices = outputs(sc)
        except Exception as exc:  # the server failed mid-way
            write_frame(out, ERROR, str(exc).encode())
            return NO_SERVER if not server_alive(sc) else 1
        write_frame(out, LISTING, json.dumps([d.__dict__ for d in devices]).encode())
        return 0
    if name == "source":
        capture = InputCapture(rest[0])
    else:
        output, interval = (rest + ["", "1.0"])[:2]
        capture = OutputCapture(output or None, follow_interval_s=float(interval))
    try:
        capture.start()
    except AudioSourceError as exc:
        write_frame(out, ERROR, str(exc).encode())
        return 1 if server_alive(sc) else NO_SERVER
    threading.Thread(target=_stop_at_eof, args=(capture,), daemon=True, name="captioner-stdin").start()
    return _pump(capture, out, server_alive=lambda: server_alive(sc), first=_first_block(capture))


def _first_block(capture):
    """Wait until the stream delivers (a new stream can take a second or two), so OPENED means audio flows."""
    from captioner.audio.sources import AudioSourceError

    for _ in range(50):
        try:
            block = capture.read(timeout=0.1)
        except AudioSourceError:
            return None  # _pump reads the error again
        if block is not None or capture.stopped:
            return block
    return None


def _stop_at_eof(capture) -> None:
    sys.stdin.buffer.read()
    capture.stop()


def _pump(capture, out: BinaryIO, server_alive, first=None) -> int:
    from captioner.audio.sources import AudioSourceError

    told = 0
    try:
        while True:
            while told < len(capture.opened):
                write_frame(out, OPENED, json.dumps(capture.opened[told].__dict__).encode())
                told += 1
            while not capture.notices.empty():
                text, waiting = capture.notices.get()
                write_frame(out, NOTICE, json.dumps({"text": text, "waiting": waiting}).encode())
            try:
                block, first = (first, None) if first is not None else (capture.read(timeout=0.1), None)
            except AudioSourceError as exc:
                if not server_alive():
                    return NO_SERVER
                write_frame(out, ERROR, str(exc).encode())
                return 1
            if block is not None:
                write_frame(out, AUDIO, block.astype("<f4").tobytes())
            elif capture.stopped:
                return 0
    except (BrokenPipeError, OSError):
        return 0  # the parent is gone
    finally:
        capture.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
