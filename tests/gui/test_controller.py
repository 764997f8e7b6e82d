"""The session controller on its own: it reads the one settings store."""

from __future__ import annotations

from pathlib import Path

from captioner.gui.controller import SessionController
from captioner.gui.settings_store import SettingsStore


def test_the_controller_reads_the_store_whatever_the_order(qtbot, tmp_path: Path, transcriber, model_dir: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.update(model=str(model_dir), compute_device="cpu")
    seen = []
    controller: SessionController | None = None
    # a listener connected before the controller exists still sees the controller in step
    store.changed.connect(lambda _s: seen.append(controller.model_request().spec))
    controller = SessionController(store)
    controller.use_transcriber(transcriber)
    assert controller.model_loaded_for(controller.model_request())
    store.update(model="base.en")
    assert seen == ["base.en"] and controller.settings is store.settings
    assert controller.transcriber is None  # another model: the loaded one is let go
    store.update(model=str(model_dir))
    controller.use_transcriber(transcriber)
    store.update(input_device="pulse:other")  # not about the model: it stays loaded
    assert controller.transcriber is transcriber
