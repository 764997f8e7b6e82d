"""The recognizer seam: faster-whisper offers everything the engine asks of a recognizer, and an engine job is what
the pass policy reads; a second recognizer (tests/tones.py: no model) runs live captions and the refine through the
same seam."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from captioner.engine.live.pipeline import Job
from captioner.engine.models.recognizer import PassJob, Recognizer
from tests.tones import ToneRecognizer


def _members(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")} | set(getattr(protocol, "__annotations__", {}))


def _offers(recognizer: object) -> None:
    for name in _members(Recognizer):
        assert hasattr(recognizer, name), name
        wanted = getattr(Recognizer, name, None)
        if inspect.isfunction(wanted):
            assert list(inspect.signature(getattr(type(recognizer), name)).parameters) == list(inspect.signature(wanted).parameters)


def test_faster_whisper_and_the_tone_recognizer_are_recognizers(tiny_transcriber) -> None:
    _offers(tiny_transcriber.recognizer)
    _offers(ToneRecognizer())
    recognizer = tiny_transcriber.recognizer
    assert isinstance(recognizer.name, str) and recognizer.device == "cpu" and recognizer.compute_type == "int8"
    assert recognizer.workers >= 1 and recognizer.multilingual is False  # tiny.en


def test_an_engine_job_is_what_a_recognizer_reads() -> None:
    job = Job(1, 1, True, 0, 160, np.zeros(160, np.float32), prompt="hi", pause=False)
    for name in _members(PassJob):
        assert hasattr(job, name), name



def test_a_model_folder_is_loaded_by_the_recognizer_that_reads_it(tiny_model, tmp_path) -> None:
    from captioner.engine.models.catalogue import ModelRequest, is_model_folder
    from captioner.engine.models.fetch import load_transcriber
    from captioner.engine.models.recognizers import RECOGNIZERS, load_recognizer, recognizer_for
    from captioner.engine.models.whisper import WhisperRecognizer

    assert recognizer_for(tiny_model).module == "captioner.engine.models.whisper"
    recognizer = load_recognizer(tiny_model, device="cpu", compute_type="int8", name="tiny.en")
    assert isinstance(recognizer, WhisperRecognizer) and (recognizer.device, recognizer.compute_type, recognizer.name) == ("cpu", "int8", "tiny.en")
    assert isinstance(load_transcriber(ModelRequest(str(tiny_model), "cpu")).recognizer, WhisperRecognizer)  # as the app loads it
    # a folder no recognizer reads is no model folder, and loading it says so
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    assert recognizer_for(tmp_path) is None and not is_model_folder(tmp_path)
    with pytest.raises(ValueError, match="no recognizer reads"):
        load_recognizer(tmp_path)
    assert len({entry.marker for entry in RECOGNIZERS}) == len(RECOGNIZERS)  # each folder kind is one recognizer's


def test_translating_sets_the_task_of_a_multilingual_recognizer_and_refuses_an_english_only_one():
    from types import SimpleNamespace

    from captioner.engine.models.errors import TranslateUnsupported
    from captioner.engine.models.recognizer import TRANSCRIBE, TRANSLATE, translating

    multilingual = SimpleNamespace(name="base", multilingual=True, task=TRANSCRIBE)
    assert translating(multilingual).task == TRANSLATE
    english = SimpleNamespace(name="tiny.en", multilingual=False, task=TRANSCRIBE)
    with pytest.raises(TranslateUnsupported) as error:
        translating(english)
    assert english.task == TRANSCRIBE and "\n" not in str(error.value)


def test_translating_detects_the_language_where_english_was_asked():
    from types import SimpleNamespace

    from captioner.engine.models.recognizer import translating
    from captioner.engine.models.whisper import WhisperRecognizer

    def whisper(multilingual: bool) -> WhisperRecognizer:
        return WhisperRecognizer(SimpleNamespace(model=SimpleNamespace(is_multilingual=multilingual)), name="stand-in")

    recognizer = whisper(multilingual=True)
    assert recognizer._language("en") == "en" and recognizer._language(None) is None
    translating(recognizer)
    assert recognizer._language("en") is None and recognizer._language("de") == "de"
    assert whisper(multilingual=False)._language(None) == "en"
