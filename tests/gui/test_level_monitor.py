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


class CountingSource(FakeSource):
    """Blocks numbered 1, 2, 3… so a test can tell which ones a session got."""

    def __init__(self, device):
        super().__init__(device)
        self.n = 0

    def read(self, timeout):
        time.sleep(0.01)
        self.n += 1
        return np.full(160, self.n, dtype=np.float32)


def test_the_running_stream_is_handed_over_with_what_it_read_since(qtbot) -> None:
    from captioner.gui.level_monitor import HandedOverSource

    FakeSource.opened = []
    monitor = LevelMonitor(CountingSource)
    monitor.set_device("pulse:mic")
    monitor.resume()
    qtbot.waitUntil(lambda: monitor.running and bool(FakeSource.opened) and FakeSource.opened[-1].n > 5, timeout=3000)
    assert monitor.hand_over("pulse:other") is None  # another device: a new stream is needed
    stream = FakeSource.opened[-1]
    handover = monitor.hand_over("pulse:mic")
    assert handover is not None and not monitor.running
    opened_new = []
    source = HandedOverSource(handover, lambda: opened_new.append(True))
    source.start()
    assert source.handed_over and opened_new == [] and not stream.stopped  # still capturing
    assert monitor.wait_stopped(1.0)
    got = [int(source.read(0.1)[0]) for _ in range(20)]
    assert got == list(range(got[0], got[0] + 20))  # no block lost between the meter and the session
    source.stop()
    assert stream.stopped and len(FakeSource.opened) == 1


def test_without_a_running_stream_the_session_opens_its_own(qtbot) -> None:
    from captioner.gui.level_monitor import HandedOverSource

    monitor = LevelMonitor(CountingSource, enabled=False)
    assert monitor.hand_over(None) is None
    opened = []
    source = HandedOverSource(None, lambda: opened.append(CountingSource("pulse:new")) or opened[-1])
    source.start()
    assert not source.handed_over and opened and source.read(0.1) is not None
    source.stop()
    assert opened[0].stopped
