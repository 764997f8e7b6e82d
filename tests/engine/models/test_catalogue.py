"""The model catalogue: names, labels, what a spec names, and the request the CLI and the app share."""

from __future__ import annotations

from pathlib import Path

import pytest

from captioner.engine.models.catalogue import (
    CATALOGUE,
    DEFAULT_MODEL,
    MODEL_CHOICES,
    ModelRequest,
    interim_model_for,
    is_cached,
    is_folder_spec,
    model_label,
    repo_id,
)
from captioner.engine.models.errors import ModelNotFound
from captioner.engine.models.upstream import faster_whisper_repos


def test_the_default_is_first_in_the_catalogue_and_faster_whisper_agrees_on_every_repo() -> None:
    repos = faster_whisper_repos()

    assert CATALOGUE[0].name == DEFAULT_MODEL
    assert MODEL_CHOICES == tuple((entry.name, entry.size) for entry in CATALOGUE)
    for entry in CATALOGUE:
        assert repos[entry.name] == entry.repo_id
        assert repo_id(entry.name) == entry.repo_id


def test_repo_id_passes_hub_ids_through_and_knows_names_beyond_the_catalogue() -> None:
    assert repo_id("owner/name") == "owner/name"
    assert repo_id("medium") == "Systran/faster-whisper-medium"
    with pytest.raises(ModelNotFound) as raised:
        repo_id("enormous-v9")
    assert raised.value.model == "enormous-v9" and DEFAULT_MODEL in raised.value.known


@pytest.mark.parametrize(
    ("spec", "folder"),
    [
        ("tiny.en", False),
        ("Systran/faster-whisper-tiny.en", False),
        ("./models/tiny", True),
        ("~/models/tiny", True),
        ("/opt/models/tiny", True),
        ("models/tiny/ct2", True),
    ],
)
def test_folder_or_name(spec: str, folder: bool) -> None:
    assert is_folder_spec(spec) is folder


def test_an_owner_slash_name_that_exists_here_is_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert not is_folder_spec("models/tiny")
    (tmp_path / "models" / "tiny").mkdir(parents=True)
    assert is_folder_spec("models/tiny")
    assert not is_cached("models/tiny")  # a folder without model.bin
    (tmp_path / "models" / "tiny" / "model.bin").write_bytes(b"x")
    assert is_cached("models/tiny")


def test_a_bare_name_that_exists_here_is_a_folder_unless_it_names_a_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert not is_folder_spec("my-whisper")
    (tmp_path / "my-whisper").mkdir()
    assert is_folder_spec("my-whisper")
    (tmp_path / "tiny.en").mkdir()
    (tmp_path / "large-v3").mkdir()
    assert not is_folder_spec("tiny.en")  # a model's name stays the model's
    assert not is_folder_spec("large-v3")


@pytest.mark.parametrize(
    ("spec", "label"),
    [
        ("small.en", "small.en"),
        ("owner/name", "owner/name"),
        ("/data/whisper-medium-ct2", "whisper-medium-ct2"),
        ("/data/my-model/ct2", "my-model"),
        ("/home/a/.cache/huggingface/hub/models--Systran--faster-whisper-tiny.en/snapshots/" + "a" * 40, "faster-whisper-tiny.en"),
    ],
)
def test_labels_for_people(spec: str, label: str) -> None:
    assert model_label(spec) == label


def test_request_decodes_english_for_english_models_and_detects_for_auto() -> None:
    assert ModelRequest("tiny.en", language="fr").decode_language == "en"
    assert ModelRequest("small", language="auto").decode_language is None
    assert ModelRequest("small", language="de").decode_language == "de"
    assert ModelRequest("/data/my-model/ct2").label == "my-model"


@pytest.mark.parametrize(
    ("setting", "device", "layers", "language", "interim"),
    [
        ("auto", "cpu", 32, "en", "tiny.en"),  # distil-large-v3.5 on a CPU, English: tiny.en beside it
        ("auto", "cpu", 12, None, "tiny"),  # small, language detected: the multilingual tiny
        ("auto", "cpu", 32, "de", "tiny"),
        ("auto", "cpu", 6, "en", None),  # base writes its own interims quickly enough
        ("auto", "cpu", 4, "en", None),
        ("auto", "cpu", None, "en", None),  # a model of unknown shape is taken as small
        ("auto", "cuda", 32, "en", None),  # on a GPU the big model's pass is quick
        ("none", "cpu", 32, "en", None),
        ("", "cpu", 32, "en", None),
        ("base.en", "cuda", 4, "en", "base.en"),  # a model named in the settings is used wherever it runs
    ],
)
def test_which_model_writes_the_interim_text(setting: str, device: str, layers: int | None, language: str | None, interim: str | None) -> None:
    assert interim_model_for(setting, device=device, encoder_layers=layers, language=language) == interim
