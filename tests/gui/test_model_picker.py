"""Model picker: background download with progress and a Cancel that stops it, offline message,
choosing a local model folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from captioner.engine.catalogue import is_cached
from captioner.gui.controller import State
from captioner.gui.main_window import CHOOSE_FOLDER
from tests.hub_server import HubServer

pytestmark = pytest.mark.timeout(120)


def model_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "captioner-model" and t.is_alive()]


class GapProbe:
    """Measures the longest pause of the GUI event loop (a frozen window shows as a long gap)."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.longest = 0.0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now


def test_download_progress_cancel_then_download_now(make_app, qtbot, model_dir: Path, monkeypatch) -> None:
    with HubServer(model_dir, bytes_per_s=3e6) as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        app = make_app(model="tiny.en")
        w, c = app.window, app.controller
        qtbot.waitUntil(lambda: "not downloaded" in w.model_hint.text(), timeout=5000)
        assert "download now" in w.model_hint.text()
        probe = GapProbe()

        w.start_button.click()
        assert c.state is State.PREPARING and w.start_button.text() == "Cancel"
        qtbot.waitUntil(lambda: "MB of" in w.download_label.text() and "/s" in w.download_label.text(), timeout=20000)
        assert w.download_panel.isVisible() and w.download_bar.value() > 0
        assert w.download_label.text().startswith("Downloading tiny.en: ")
        assert not w.model_combo.isEnabled()  # no model change in the middle of a download

        t0 = time.monotonic()
        w.download_cancel.click()
        assert c.state is State.IDLE and not w.download_panel.isVisible()  # at once
        assert "Download of tiny.en cancelled" in w.message_bar.text
        qtbot.waitUntil(lambda: not model_threads(), timeout=5000)  # the download really stopped
        assert time.monotonic() - t0 < 3
        got = len(hub.file_downloads())
        time.sleep(0.3)
        assert len(hub.file_downloads()) == got  # nothing more is fetched
        assert not is_cached("tiny.en")
        assert probe.longest < 1.0, f"the GUI froze for {probe.longest:.2f} s"

        hub.bytes_per_s = None
        w.model_hint.linkActivated.emit("download")  # "download now"
        assert c.state is State.PREPARING
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=60000)
        assert is_cached("tiny.en")
        assert c.model_loaded_for(c.model_request())
        assert "tiny.en · CPU int8" in w.model_status.text()
        qtbot.waitUntil(lambda: w.model_hint.text() == "downloaded", timeout=5000)
        assert probe.longest < 1.0, f"the GUI froze for {probe.longest:.2f} s"


def test_offline_without_the_model_says_so_and_offers_a_local_folder(make_app, qtbot, model_dir: Path, monkeypatch) -> None:
    app = make_app(model="distil-large-v3.5")  # HF_ENDPOINT points at a closed port: offline
    w, c = app.window, app.controller
    assert w.model_combo.currentData() == "distil-large-v3.5"
    assert "(default)" in w.model_combo.currentText()
    w.start_button.click()
    qtbot.waitUntil(lambda: c.state is State.IDLE and w.message_bar.isVisible(), timeout=20000)
    assert w.message_bar.level == "error"
    text = w.message_bar.text
    assert "not downloaded yet" in text and "cannot be reached" in text and "--model" not in text
    assert w.message_bar._action.isVisible() and "folder" in w.message_bar._action.text()

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(model_dir))
    w.message_bar._action.click()
    assert app.store.settings.model == str(model_dir)
    assert app.store.settings.model_folders[0] == str(model_dir)
    assert w.model_combo.currentData() == str(model_dir)
    assert not w.message_bar.isVisible()


def test_choose_a_folder_entry_and_a_folder_that_is_not_a_model(make_app, qtbot, model_dir: Path, tmp_path: Path, monkeypatch) -> None:
    app = make_app(model="small.en")
    w = app.window
    names = [w.model_combo.itemData(i) for i in range(w.model_combo.count())]
    for name in ("distil-large-v3.5", "large-v3-turbo", "small.en", "base.en", "tiny.en", CHOOSE_FOLDER):
        assert name in names
    choose = names.index(CHOOSE_FOLDER)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    w.model_combo.setCurrentIndex(choose)
    w._model_chosen(choose)
    assert w.model_combo.currentData() == "small.en"  # back on the model in use
    assert w.message_bar.level == "error" and "not a faster-whisper" in w.message_bar.text

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")  # cancelled
    w._model_chosen(choose)
    assert app.store.settings.model == "small.en"

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(model_dir))
    w._model_chosen(choose)
    assert app.store.settings.model == str(model_dir)
    qtbot.waitUntil(lambda: w.model_hint.text() == "local folder", timeout=5000)

    tiny = w.model_combo.findData("tiny.en")
    w.model_combo.setCurrentIndex(tiny)
    w._model_chosen(tiny)
    assert app.store.settings.model == "tiny.en"
    assert w.model_combo.findData(str(model_dir)) >= 0  # the folder stays in the list


def test_compute_device_choice_and_cuda_missing(make_app, qtbot, model_dir: Path) -> None:
    import ctranslate2

    app = make_app()
    w, c = app.window, app.controller
    assert [w.compute_combo.itemData(i) for i in range(3)] == ["auto", "cuda", "cpu"]
    w.compute_combo.setCurrentIndex(2)
    w._compute_chosen(2)
    assert app.store.settings.compute_device == "cpu" and c.settings.compute_device == "cpu"
    if ctranslate2.get_cuda_device_count() == 0:
        w._compute_chosen(1)
        c.prepare()
        qtbot.waitUntil(lambda: c.state is State.IDLE and w.message_bar.isVisible(), timeout=20000)
        assert "No CUDA GPU" in w.message_bar.text and "CPU or Auto" in w.message_bar.text


def test_changing_the_model_frees_the_loaded_one(make_app, transcriber) -> None:
    app = make_app()
    w, c = app.window, app.controller
    c.use_transcriber(transcriber)
    w._show_model_status()
    assert w.model_status.text() == "Model: tiny.en · CPU int8"
    index = w.model_combo.findData("base.en")
    w.model_combo.setCurrentIndex(index)
    w._model_chosen(index)
    assert c.transcriber is None
    assert w.model_status.text() == "Model: base.en · Auto (loads on Start)"
