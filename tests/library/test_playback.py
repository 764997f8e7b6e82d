"""A kept session's audio played from a line: decoded from that time, its channels mixed, sent block by block."""

from __future__ import annotations

import threading

import numpy as np

from captioner.audio.recorder import SessionRecorder
from captioner.events import SAMPLE_RATE
from captioner.library.playback import BLOCK, Playback, samples_from

STEM = "2026-03-10_09-30"


def tone(seconds: float, hz: float, level: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def record(folder, channels: list[np.ndarray]) -> list:
    recorder = SessionRecorder.open(folder, STEM, [f"side {n}" for n in range(len(channels))])
    for n, audio in enumerate(channels):
        for at in range(0, len(audio), 480):
            recorder.feed(n, audio[at:at + 480])
    recorder.close()
    return recorder.paths


def loudness(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples ** 2))) if len(samples) else 0.0


def test_the_audio_starts_at_the_time_asked_for_even_deep_into_the_recording(tmp_path):
    quiet, loud = np.zeros(40 * SAMPLE_RATE, np.float32), tone(2.0, 440)
    paths = record(tmp_path, [np.concatenate([quiet, loud, np.zeros(SAMPLE_RATE, np.float32)])])
    first = next(samples_from(paths, 39.8))
    assert len(first) == BLOCK and loudness(first) < 0.01  # 0.1 s still before the tone
    blocks = list(samples_from(paths, 40.0))
    assert loudness(blocks[0]) > 0.2 and loudness(blocks[-1]) < 0.01
    assert abs(sum(map(len, blocks)) - 3 * SAMPLE_RATE) < SAMPLE_RATE // 20  # from 40 s to the end, 43 s


def test_a_meetings_two_sides_are_mixed(tmp_path):
    you = np.concatenate([tone(1.0, 300), np.zeros(SAMPLE_RATE, np.float32)])
    others = np.concatenate([np.zeros(SAMPLE_RATE, np.float32), tone(1.0, 700)])
    paths = record(tmp_path, [you, others])
    assert [p.name for p in paths] == [f"{STEM}.audio-1.opus", f"{STEM}.audio-2.opus"]
    mixed = np.concatenate(list(samples_from(paths, 0.0)))
    assert loudness(mixed[2000:14000]) > 0.2 and loudness(mixed[18000:30000]) > 0.2


class FakeOutput:
    """An output stream that keeps what it is sent."""

    made: list[FakeOutput] = []

    def __init__(self, **kw) -> None:
        self.kw, self.sent = kw, []
        FakeOutput.made.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, block) -> None:
        self.sent.append(block.copy())


def test_playing_sends_the_audio_from_the_line_at_the_speed_chosen_and_says_where_it_is(tmp_path):
    paths = record(tmp_path, [np.concatenate([np.zeros(5 * SAMPLE_RATE, np.float32), tone(1.0, 440)])])
    ended = threading.Event()
    FakeOutput.made.clear()
    playback = Playback(paths, 5.0, speed=1.5, on_end=lambda error: ended.set(), output=FakeOutput).start()
    assert ended.wait(30)
    stream = FakeOutput.made[0]
    assert stream.kw == {"samplerate": 24000, "channels": 1, "dtype": "float32", "latency": "high"}
    assert loudness(stream.sent[0]) > 0.2 and abs(playback.position_s - 6.0) < 0.05


def test_a_stop_ends_it_and_an_output_that_cannot_open_is_said(tmp_path):
    paths = record(tmp_path, [tone(3.0, 440)])
    gate = threading.Event()

    class SlowOutput(FakeOutput):
        def write(self, block) -> None:
            super().write(block)
            gate.wait(5)

    errors: list = []
    playback = Playback(paths, 0.0, on_end=errors.append, output=SlowOutput).start()
    threading.Timer(0.2, gate.set).start()
    playback.stop()
    assert not playback.playing and errors == [None] and playback.position_s < 1.0

    def no_device(**kw):
        raise OSError("no output device")

    Playback(paths, 0.0, on_end=errors.append, output=no_device).start().stop()
    assert str(errors[-1]) == "no output device"


def test_playing_sends_the_sessions_audio_to_the_sound_server_from_the_line(tmp_path, pulse):
    """Through the real output (PortAudio → the test PulseAudio server's sink), heard back from its monitor."""
    import subprocess

    from captioner.audio.devices import rescan

    rescan()  # PortAudio lists the devices once: the test server may have started after another test loaded it
    low, high = tone(5.0, 300), tone(5.0, 1200)  # the line at 5 s is where the 1200 Hz tone begins
    paths = record(tmp_path, [np.concatenate([low, high])])
    recorded = tmp_path / "heard.raw"
    with recorded.open("wb") as sink:  # a file, not a pipe: a pipe nobody reads fills in a second and stalls parec
        listen = subprocess.Popen(["parec", "-d", pulse, "--rate=16000", "--channels=1", "--format=float32le", "--raw"],
                                  stdout=sink)
        try:
            ended = threading.Event()
            errors: list = []
            Playback(paths, 5.0, on_end=lambda error: (errors.append(error), ended.set())).start()
            assert ended.wait(30) and errors == [None]
        finally:
            listen.terminate()
            listen.wait(10)
    heard = np.frombuffer(recorded.read_bytes(), np.float32)
    loud = np.flatnonzero(np.abs(heard) > 0.05)
    assert len(loud) > 2 * SAMPLE_RATE, "the session's audio did not reach the sound server"
    first = heard[loud[0]:loud[0] + SAMPLE_RATE]  # the first second heard
    spectrum = np.abs(np.fft.rfft(first * np.hanning(len(first))))
    hz = np.fft.rfftfreq(len(first), 1 / SAMPLE_RATE)

    def near(f: float) -> float:
        return float(spectrum[np.abs(hz - f) < 50].max())

    assert near(1200) > 10 * near(300)  # the line's tone, from its time: not the session's start
