"""The app's model (`gui.model_control`): loaded in the background only from disk and only while the app is idle."""

from __future__ import annotations

from pathlib import Path

from captioner.gui.model_control import ModelControl
from captioner.gui.settings_store import SettingsStore


def heard(model: ModelControl) -> list[str]:
    said: list[str] = []
    model.began.connect(lambda: said.append("began"))
    model.loaded.connect(lambda _t: said.append("loaded"))
    model.stopped.connect(lambda: said.append("stopped"))
    model.message.connect(lambda _level, text: said.append(text))
    model.failed.connect(lambda text, _offer: said.append(text))
    return said


def test_a_model_not_on_disk_is_not_loaded_in_the_background_nor_asked_for_again(qtbot, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.update(model="small.en", compute_device="cpu")
    model = ModelControl(store, idle=lambda: True)
    said = heard(model)
    model.preload()
    assert model.loading
    qtbot.waitUntil(lambda: not model.loading, timeout=10000)
    assert model.transcriber is None and said == []  # nobody waits for it: nothing is said
    model.preload()
    assert not model.loading  # found not on disk: not tried again until the choice changes


def test_while_a_session_runs_the_model_is_neither_let_go_nor_loaded_nor_fetched_for(qtbot, tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.update(model="small.en", compute_device="cpu")
    idle = False
    model = ModelControl(store, idle=lambda: idle)
    said = heard(model)
    held = object()
    model.use(held)
    model.preload_models = True
    store.update(model="base.en")  # another choice mid-session: the session keeps its model
    assert model.transcriber is held and not model.loading and not model.get_gpu_support()
    model.release()
    assert model.transcriber is held and said == []
    idle = True
    model.release()
    assert model.transcriber is None
