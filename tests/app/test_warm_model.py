"""The app's model made ready before a session needs it (`captioner.app.warm_model`)."""

from __future__ import annotations

import threading

from captioner.app.warm_model import WARMING, load_warm_model
from captioner.engine.models.catalogue import INTERIM_NONE, ModelRequest


def test_a_load_in_the_background_takes_only_a_model_on_disk_and_downloads_nothing(tmp_path):
    phases: list[str] = []
    progress: list = []
    assert load_warm_model(ModelRequest("small.en", "cpu"), on_disk_only=True, phase=phases.append,
                           progress=progress.append) is None
    assert load_warm_model(ModelRequest(str(tmp_path / "no-model"), "cpu"), on_disk_only=True, phase=phases.append) is None
    assert phases == [] and progress == [] and not (tmp_path / "hf" / "hub").exists()


def test_the_model_is_loaded_and_warmed_up_before_it_is_handed_over(model_dir):
    phases: list[str] = []
    request = ModelRequest(str(model_dir), "cpu", interim=INTERIM_NONE)
    transcriber = load_warm_model(request, on_disk_only=True, phase=phases.append, cancel=threading.Event())
    assert transcriber is not None and transcriber.device == "cpu"
    assert phases[-1] == WARMING and phases.count(WARMING) == 1, phases
