"""Start captures from the press: real PulseAudio source, real PortAudio stream, real tiny.en.

Phrases are played into the virtual microphone with pauses between them; Start
is pressed in the pause before the third phrase, while the idle level meter is
already listening. The third phrase must be captioned, from its first sound.

What the session guarantees is asserted, not what tiny.en makes of synthetic
speech (it has heard "the green tree" as "three three"): the session's recording
(the audio the captions were made from, on the same clock) begins in the silence
before the third phrase and holds three phrases, and each has its own caption.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from captioner.audio.sources import decode_file
from captioner.gui.controller import State
from tests.gui.conftest import words
from tests.speech import SR, read_wav, speak, write_wav

pytestmark = pytest.mark.timeout(120)

PHRASES = ("the red house", "the blue car", "the green tree", "the yellow sun", "the black cat")
GAP_S = 1.2  # longer than the longest hang-over (1 s after an open phrase): each phrase its own segment
PRESS_BEFORE_S = 0.35  # Start is pressed this long before the third phrase begins
FRAME_S = 0.02


def bursts(audio: np.ndarray, *, threshold: float = 0.01, gap_s: float = 0.5) -> list[tuple[float, float]]:
    """Where a recording of phrases between silences is loud: (onset, end) in seconds, pauses under `gap_s` bridged."""
    n = int(FRAME_S * SR)
    rms = np.sqrt(np.mean(audio[: len(audio) // n * n].reshape(-1, n) ** 2, axis=1))
    spans: list[tuple[float, float]] = []
    for i in np.flatnonzero(rms > threshold):
        t = i * FRAME_S
        if spans and t - spans[-1][1] <= gap_s:
            spans[-1] = (spans[-1][0], t + FRAME_S)
        else:
            spans.append((t, t + FRAME_S))
    return spans


@pytest.fixture(scope="module")
def phrases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[float]]:
    """The phrases with pauses between them, and when each begins (seconds into the file)."""
    folder = tmp_path_factory.mktemp("phrases")
    parts, starts, pos = [np.zeros(int(0.5 * SR), dtype=np.float32)], [], int(0.5 * SR)
    for i, text in enumerate(PHRASES):
        audio = read_wav(speak(text, folder / f"p{i}.wav", lead_s=0.0, trail_s=0.0))
        starts.append(pos / SR)
        parts += [audio, np.zeros(int(GAP_S * SR), dtype=np.float32)]
        pos += len(audio) + int(GAP_S * SR)
    return write_wav(folder / "phrases.wav", np.concatenate(parts)), starts


def test_speech_right_after_start_is_captioned(qtbot, pulse, settings_path: Path, write_settings, model_dir: Path, transcriber, phrases) -> None:
    from captioner.gui.app import CaptionerApp

    wav, starts = phrases
    # the live captions are what is asserted (no refine replacing them after Stop), beside the audio kept
    write_settings(model=str(model_dir), compute_device="cpu", input_device=f"pulse:{pulse}", refine_at_stop=False,
                   recording="keep")
    app = CaptionerApp(settings_path, tray=False, device_poll_ms=0)
    qtbot.addWidget(app.window)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    levels: list[tuple[float, float]] = []
    app.monitor.level.connect(lambda rms: levels.append((time.monotonic(), rms)))
    states: list[tuple[State, str]] = []
    c.stateChanged.connect(lambda s: states.append((s, w.status_line.state_label.text())))
    app.show()
    try:
        qtbot.waitUntil(lambda: w.selected_device() == f"pulse:{pulse}" and app.monitor.running, timeout=15000)
        qtbot.waitUntil(lambda: len(levels) > 5, timeout=10000)  # the idle stream delivers audio
        player = subprocess.Popen(["paplay", "-d", "virt", str(wav)])
        # the first phrase reaching the microphone tells where the file is
        qtbot.waitUntil(lambda: any(rms > 0.01 for _t, rms in levels), timeout=10000)
        onset = next(t for t, rms in levels if rms > 0.01)
        press_at = onset + (starts[2] - starts[0]) - PRESS_BEFORE_S
        qtbot.wait(max(0, int((press_at - time.monotonic()) * 1000)))
        w.start_button.click()
        assert c.state in (State.STARTING, State.RUNNING)
        player.wait(timeout=30)
        qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=10000)
        qtbot.wait(1500)  # the last phrase's final comes after the hang-over
        c.stop()
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=20000)
    finally:
        app.window.close()
        app.overlay.close()
    heard = bursts(decode_file(str(c.info.audio_paths[0])))
    # capture began at the press: in the silence before the third phrase, after the second (which ended 0.85 s before
    # the press), so the recording holds the whole of phrases 3, 4 and 5 and nothing before them
    assert len(heard) == len(PHRASES) - 2 and heard[0][0] >= 2 * FRAME_S, heard
    # one caption each (the pauses outlast the hang-over), on the recording's clock
    finals = c.finals
    assert len(finals) == len(heard) and all(words(e.text) for e in finals), [e.text for e in finals]
    for event, (onset, end) in zip(finals, heard, strict=True):
        assert onset - 0.3 <= event.start_s < event.end_s <= end + 0.3, (event, onset, end)
    # the status said "listening" only once the session really listened
    assert [text for s, text in states if s is State.STARTING] and all("Listening" not in text for s, text in states if s is not State.RUNNING)
