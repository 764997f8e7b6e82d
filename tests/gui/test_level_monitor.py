"""The idle level monitor: levels while idle, closed while a session holds the device, retried when it fails."""

from __future__ import annotations

import time

import numpy as np

from captioner.audio.sources import AudioSourceError
from captioner.gui.level_monitor import LevelMonitor


class FakeSource:
    opened: list["FakeSource"] = []

    def __init__(self, device, *, level=0.1, fail=0):
        self.device, self.level, self.fail = device, level, fail
        self.stopped = False
        FakeSource.opened.append(self)

    def start(self):
        if self.fail:
            raise AudioSourceError(f"Cannot open the input device {self.device!r}")

    def read(self, timeout):
        time.sleep(0.01)
        return np.full(160, self.level, dtype=np.float32)

    def stop(self):
        self.stopped = True


def test_reports_levels_and_pauses_for_a_session(qtbot) -> None:
    FakeSource.opened = []
    monitor = LevelMonitor(lambda device: FakeSource(device, level=0.25))
    levels = []
    monitor.level.connect(levels.append)
    monitor.set_device("pulse:mic")
    assert not monitor.running  # nothing opens before resume()
    monitor.resume()
    qtbot.waitUntil(lambda: len(levels) >= 3, timeout=3000)
    assert abs(levels[-1] - 0.25) < 1e-3
    assert FakeSource.opened[-1].device == "pulse:mic"

    monitor.pause()
    assert monitor.wait_stopped(2.0) and FakeSource.opened[-1].stopped

    monitor.resume()
    monitor.set_device("pulse:other")  # switching devices reopens the stream on the new one
    qtbot.waitUntil(lambda: FakeSource.opened[-1].device == "pulse:other", timeout=3000)
    monitor.shutdown()
    assert monitor.wait_stopped(2.0)
    assert all(s.stopped for s in FakeSource.opened)


def test_a_device_that_fails_is_reported_and_retried(qtbot) -> None:
    attempts = []

    def factory(device):
        attempts.append(device)
        return FakeSource(device, fail=len(attempts) < 3)

    monitor = LevelMonitor(factory, retry_ms=50)
    problems = []
    monitor.problem.connect(problems.append)
    monitor.resume()
    qtbot.waitUntil(lambda: "" in problems, timeout=5000)  # "" = works again
    assert problems[0].startswith("Cannot open") and len(attempts) == 3
    monitor.shutdown()
    assert monitor.wait_stopped(2.0)


def test_disabled_monitor_opens_nothing(qtbot) -> None:
    FakeSource.opened = []
    monitor = LevelMonitor(FakeSource, enabled=False)
    monitor.resume()
    qtbot.wait(100)
    assert FakeSource.opened == [] and not monitor.running
