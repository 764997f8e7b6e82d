"""The app words model errors by their type, never by their text."""

from __future__ import annotations

from pathlib import Path

from captioner.engine.models.catalogue import ModelRequest
from captioner.engine.models.errors import (
    CorruptModel,
    DeviceUnavailable,
    DownloadFailed,
    HubUnreachable,
    LanguageUnsupported,
    LoginNeeded,
    OutOfMemory,
    TranslateUnsupported,
)
from captioner.gui.model_loader import describe_model_error

REQUEST = ModelRequest("tiny.en")


def test_offline_login_and_corrupt_folders_offer_a_local_folder_without_cli_flags() -> None:
    for error in (
        HubUnreachable("tiny.en", "Systran/faster-whisper-tiny.en", "https://huggingface.co"),
        LoginNeeded("o/gated", "o/gated"),
        CorruptModel(Path("/data/m"), "Unable to open file 'model.bin'"),
    ):
        text, offer_folder = describe_model_error(error, REQUEST)
        assert offer_folder and "--" not in text and text == str(error)


def test_the_app_names_its_own_controls() -> None:
    text, offer_folder = describe_model_error(DeviceUnavailable("cuda"), REQUEST)
    assert "(choose CPU or Auto in the box beside the model)" in text and "--" not in text and not offer_folder
    assert "Settings" not in text  # the device choice is on the main window, beside the model
    text, offer_folder = describe_model_error(LanguageUnsupported("tiny.en", "fr"), REQUEST)
    assert "set the language to English (in Settings)" in text and not offer_folder
    text, offer_folder = describe_model_error(TranslateUnsupported("tiny.en"), REQUEST)
    assert text.startswith("tiny.en is English-only; it cannot translate") and not offer_folder
    assert "turn translation off (Settings → Captioning → Translate into English)" in text


def test_errors_that_a_folder_does_not_solve_offer_none() -> None:
    assert not describe_model_error(OutOfMemory("large-v3"), REQUEST)[1]
    assert not describe_model_error(DownloadFailed("tiny.en", "S/t", reason="No space left on device"), REQUEST)[1]


def test_a_plain_value_error_is_not_taken_for_a_language_problem() -> None:
    text, offer_folder = describe_model_error(ValueError("bad beam size"), REQUEST)
    assert "multilingual" not in text and "bad beam size" in text and not offer_folder


def test_a_gpu_that_cannot_run_the_model_captions_on_the_cpu_and_says_why(make_app, qtbot, monkeypatch, speech_wav) -> None:
    """The app's own load, on a GPU whose cuBLAS 12 cannot be loaded (tests/gpu.py): the model runs on the CPU, a banner
    names the library and the command that installs it, and a session captions."""
    from captioner.gui.controller import State
    from tests.gpu import GpuWithoutCublas, pretend_gpu

    pretend_gpu(GpuWithoutCublas, monkeypatch)
    app = make_app(compute_device="auto")
    c, w = app.controller, app.window
    infos: list = []
    said: list[tuple[str, str]] = []
    c.sessionFinished.connect(infos.append)
    for notices in (c.model.message, c.notices.message):
        notices.connect(lambda level, text: said.append((level, text)))
    c.model.gpuMessage.connect(lambda level, text, _offer: said.append((level, text)))
    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: bool(infos) and c.state is State.IDLE, timeout=120000)
    assert c.model.transcriber.device == "cpu" and c.finals
    assert GpuWithoutCublas.loads[:2] == ["cuda", "cpu"]
    notes = [(level, text) for level, text in said if "libcublas.so.12" in text]
    assert len(notes) == 1 and notes[0][0] == "warning" and "pip install 'captioner[cuda]'" in notes[0][1]
