"""System audio recorded in a capture child: the frames it sends, and a child that aborts."""

import os
import signal
import subprocess
import sys
import time

import pytest

from captioner.audio import capture_child as child
from captioner.audio.child_source import SERVER_GONE
from captioner.audio.loopback import SystemAudioSource
from captioner.audio.sources import AudioSourceError
from tests.audio.test_loopback import level

pytestmark = pytest.mark.timeout(120)


def test_the_command_line_runs_the_capture_child_as_the_frozen_app_does(pulse):
    """The frozen app starts its capture child as `captioner capture-child ...`."""
    done = subprocess.run([sys.executable, "-m", "captioner", child.FROZEN_COMMAND, "list"], capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    import io

    kind, payload = child.read_frame(io.BytesIO(done.stdout))
    assert kind == child.LISTING and b'"virt"' in payload


def test_a_child_that_aborts_is_replaced_and_says_so(pulse, sentence_wav):
    """libpulse aborts its process when the server goes: here the child alone goes (SIGABRT), the
    source says so, starts another one and records again."""
    source = SystemAudioSource("virt")
    source.start()
    try:
        first = source._proc.pid
        level(source, 0.5)
        os.kill(first, signal.SIGABRT)
        deadline = time.monotonic() + 30
        notices = []
        while len(notices) < 2 and time.monotonic() < deadline:
            source.read(timeout=0.1)  # silence stands in meanwhile
            while not source.notices.empty():
                notices.append(source.notices.get())
        assert notices == [SERVER_GONE, f"The sound server is back; {source.description} is captioned again."]
        assert source.device.id == "virt"
        assert source._proc.pid != first
        player = subprocess.Popen(["paplay", "-d", "virt", str(sentence_wav)])
        heard = level(source, 3.0)
        player.wait(timeout=30)
    finally:
        source.stop()
    assert heard > 0.01  # the new child records the output
    assert source.moves == []  # the same output again is no move


def test_a_child_that_aborts_after_its_output_went_says_the_output_is_gone(pulse):
    """The child dies by an abort just as its output is removed: a new child finds the server there and the output
    not, so the source ends saying the output is gone, never that the sound server stopped."""
    module = subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=headset"], capture_output=True,
                            text=True, check=True).stdout.strip()
    source = SystemAudioSource("headset")
    try:
        source.start()
        level(source, 0.3)
        pid = source._proc.pid
        os.kill(pid, signal.SIGSTOP)  # it sees nothing of what follows
        subprocess.run(["pactl", "unload-module", module], check=True)
        os.kill(pid, signal.SIGABRT)
        os.kill(pid, signal.SIGCONT)
        deadline, error = time.monotonic() + 30, None
        while error is None and time.monotonic() < deadline:
            try:
                source.read(timeout=0.1)
            except AudioSourceError as exc:
                error = str(exc)
    finally:
        source.stop()
        subprocess.run(["pactl", "unload-module", module], capture_output=True)
    assert error is not None and "is gone" in error, error
    notices = []
    while not source.notices.empty():
        notices.append(source.notices.get())
    assert SERVER_GONE not in notices, notices
