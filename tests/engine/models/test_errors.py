"""Model errors are types with the fields a UI needs; each UI adds its own way out to the message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from captioner.engine.models.catalogue import ModelRequest
from captioner.engine.models.errors import (
    ComputeTypeUnsupported,
    CorruptModel,
    CudaLibraryMissing,
    DeviceUnavailable,
    DownloadCancelled,
    DownloadFailed,
    FolderMissing,
    HubUnreachable,
    LanguageUnsupported,
    LoginNeeded,
    ModelError,
    ModelNotFound,
    OutOfMemory,
    is_cuda_library_error,
)

ERRORS = [
    HubUnreachable("tiny.en", "Systran/faster-whisper-tiny.en", "https://huggingface.co"),
    LoginNeeded("owner/gated", "owner/gated"),
    ModelNotFound("huge-v9", known=("tiny.en", "small")),
    ModelNotFound("owner/none", repo_id="owner/none", endpoint="https://huggingface.co"),
    FolderMissing(Path("/nowhere/model")),
    CorruptModel(Path("/data/model"), "Unable to open file 'model.bin'"),
    CorruptModel(Path("/data/empty")),
    LanguageUnsupported("tiny.en", "fr"),
    DownloadFailed("tiny.en", "Systran/faster-whisper-tiny.en", endpoint="https://huggingface.co", status=503),
    DownloadFailed("tiny.en", "Systran/faster-whisper-tiny.en", reason="No space left on device"),
    DownloadCancelled("tiny.en"),
    DeviceUnavailable("cuda"),
    CudaLibraryMissing("small", "Library libcublas.so.12 is not found or cannot be loaded"),
    OutOfMemory("large-v3"),
    ComputeTypeUnsupported("tiny.en", "float16", "Requested float16 compute type, but the target device does not support it."),
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_message_is_one_plain_sentence_without_flags_or_buttons(error: ModelError) -> None:
    text = str(error)
    assert "\n" not in text and text.endswith(".") and "--" not in text and "Settings" not in text
    assert error.problem and text.startswith(error.problem)
    assert str(error) == error.message()


def test_a_hint_goes_after_the_advice() -> None:
    error = DeviceUnavailable("cuda")
    assert error.message("--compute-device cpu") == (
        f"{error.problem}; run on the CPU, or choose the device automatically (--compute-device cpu)."
    )
    assert error.device == "cuda"


def test_which_errors_offer_a_local_folder() -> None:
    offered = {type(e).__name__ for e in ERRORS if e.offers_folder}
    assert {"HubUnreachable", "LoginNeeded", "ModelNotFound", "FolderMissing", "CorruptModel"} <= offered
    assert not {"LanguageUnsupported", "DownloadCancelled", "DeviceUnavailable", "CudaLibraryMissing", "OutOfMemory"} & offered
    assert DownloadFailed("m", "o/m", endpoint="e", status=500).offers_folder
    assert not DownloadFailed("m", "o/m", reason="disk full").offers_folder


def test_language_unsupported_is_still_a_value_error() -> None:
    assert isinstance(LanguageUnsupported("tiny.en", "fr"), ValueError)


def test_cli_adds_its_own_flags() -> None:
    from captioner.cli import model_error_message

    assert "(--compute-device cpu or --compute-device auto)" in model_error_message(DeviceUnavailable("cuda"))
    assert "--device cpu" not in model_error_message(DeviceUnavailable("cuda"))
    assert model_error_message(ERRORS[0]).endswith("or choose a local model folder (--model /path/to/folder).")
    assert model_error_message(LanguageUnsupported("tiny.en", "fr")).endswith("(--language en).")
    assert model_error_message(DownloadCancelled("tiny.en")) == str(DownloadCancelled("tiny.en"))


def test_load_transcriber_turns_a_damaged_model_into_corrupt_model(tmp_path: Path, tiny_model: Path) -> None:
    from captioner.engine.models.fetch import load_transcriber

    damaged = tmp_path / "damaged"
    shutil.copytree(tiny_model, damaged)
    with (damaged / "model.bin").open("r+b") as f:
        f.truncate(4096)
    phases: list[str] = []
    with pytest.raises(CorruptModel) as raised:
        load_transcriber(ModelRequest(str(damaged), "cpu"), phase=phases.append)
    assert raised.value.folder == damaged and raised.value.detail and raised.value.offers_folder
    assert phases == ["checking", "loading"]


def test_load_transcriber_refuses_a_language_an_english_model_lacks(tiny_model: Path) -> None:
    from captioner.engine.models.fetch import load_transcriber

    with pytest.raises(LanguageUnsupported) as raised:
        load_transcriber(ModelRequest(str(tiny_model), "cpu", "de"))
    assert raised.value.language == "de"
    transcriber = load_transcriber(ModelRequest(str(tiny_model), "cpu", "en"))
    assert transcriber.device == "cpu" and transcriber.compute_type == "int8"


def test_load_transcriber_names_a_compute_type_that_cannot_run(tiny_model: Path) -> None:
    from captioner.cli import model_error_message
    from captioner.engine.models.fetch import load_transcriber

    with pytest.raises(ComputeTypeUnsupported) as raised:
        load_transcriber(ModelRequest(str(tiny_model), "cpu", compute_type="no-such-type"))
    assert raised.value.compute_type == "no-such-type" and "no-such-type" in raised.value.detail
    assert model_error_message(raised.value).endswith("(--compute-type auto).")


@pytest.mark.parametrize("detail", [
    "Library libcublas.so.12 is not found or cannot be loaded",
    "Could not load library libcudnn_ops.so.9",
    "CUDA failed with error CUDA driver version is insufficient for CUDA runtime version",
    "cuda error: no kernel image is available",
])
def test_a_missing_cuda_library_is_not_a_corrupt_model(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch,
                                                       detail: str) -> None:
    from captioner.cli import model_error_message
    from captioner.engine.models.fetch import load_transcriber
    from captioner.engine.models.whisper import WhisperRecognizer

    def fail(*args, **kwargs):
        raise RuntimeError(detail)

    monkeypatch.setattr(WhisperRecognizer, "load", fail)
    with pytest.raises(CudaLibraryMissing) as raised:
        load_transcriber(ModelRequest(str(tiny_model), "cuda"))
    assert raised.value.detail == detail and not raised.value.offers_folder
    assert "CUDA library" in str(raised.value) and "corrupt" not in str(raised.value)
    assert model_error_message(raised.value).endswith("(--compute-device cpu).")


def test_only_the_message_not_the_folder_tells_a_cuda_library_error() -> None:
    folder = Path("/models/cuda-builds/small")
    assert not is_cuda_library_error(f"Unable to open file 'model.bin' in model '{folder}'", folder)
    assert is_cuda_library_error("Library libcublas.so.12 is not found or cannot be loaded", folder)
