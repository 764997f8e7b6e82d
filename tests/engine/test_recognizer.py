"""The recognizer seam: the faster-whisper transcriber offers everything the engine asks of a recognizer, and an
engine job is what a recognizer reads."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from captioner.engine.pipeline import Job
from captioner.engine.recognizer import PassJob, Recognizer


def _members(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")} | set(getattr(protocol, "__annotations__", {}))


def test_the_transcriber_is_a_recognizer(tiny_transcriber) -> None:
    for name in _members(Recognizer):
        assert hasattr(tiny_transcriber, name), name
        wanted = getattr(Recognizer, name, None)
        if inspect.isfunction(wanted):
            assert list(inspect.signature(getattr(type(tiny_transcriber), name)).parameters) == list(inspect.signature(wanted).parameters)
    assert isinstance(tiny_transcriber.name, str) and tiny_transcriber.device == "cpu" and tiny_transcriber.compute_type == "int8"


def test_an_engine_job_is_what_a_recognizer_reads() -> None:
    job = Job(1, 1, True, 0, 160, np.zeros(160, np.float32), prompt="hi", pause=False)
    for name in _members(PassJob):
        assert hasattr(job, name), name



def test_a_model_folder_is_loaded_by_the_recognizer_that_reads_it(tiny_model, tmp_path) -> None:
    from captioner.engine.catalogue import ModelRequest, is_model_folder
    from captioner.engine.recognizers import RECOGNIZERS, load_recognizer, recognizer_for
    from captioner.engine.transcriber import Transcriber

    assert recognizer_for(tiny_model).module == "captioner.engine.transcriber"
    recognizer = load_recognizer(tiny_model, ModelRequest(str(tiny_model), compute_device="cpu", compute_type="int8"))
    assert isinstance(recognizer, Transcriber) and recognizer.device == "cpu" and recognizer.compute_type == "int8"
    # a folder no recognizer reads is no model folder, and loading it says so
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    assert recognizer_for(tmp_path) is None and not is_model_folder(tmp_path)
    with pytest.raises(ValueError, match="no recognizer reads"):
        load_recognizer(tmp_path, ModelRequest(str(tmp_path)))
    assert len({entry.marker for entry in RECOGNIZERS}) == len(RECOGNIZERS)  # each folder kind is one recognizer's
