"""`captioner devices`, `download`, `selftest` and `cuda-libs` end to end."""

from __future__ import annotations

from tests.cli.terminal import error_line, run
from tests.conftest import SENTENCE
from tests.speech import wer


def test_devices_lists_pulse_sources(pulse):
    done = run("devices")
    assert done.returncode == 0, done.stderr
    assert f"pulse:{pulse}" in done.stdout


def test_download_then_caption_offline_by_name(tmp_path, tiny_model, sentence_wav, monkeypatch):
    """`captioner download` through a stand-in hub on 127.0.0.1, then captions by name offline."""
    from tests.hub_server import HubServer

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    with HubServer(tiny_model, repo_id="Systran/faster-whisper-tiny.en") as hub:
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        done = run("download", "tiny.en")
        assert done.returncode == 0, done.stderr
        assert "downloading tiny.en" in done.stderr and "100%" in done.stderr
        assert any(f.endswith("model.bin") for f in hub.file_downloads())
    # the hub is gone now: the cached model still works, without the network
    done = run("caption", "--input", sentence_wav, "--model", "tiny.en")
    assert done.returncode == 0, done.stderr
    assert wer(SENTENCE, done.stdout) <= 0.2
    # a model that was never downloaded gets the offline message
    line = error_line(run("caption", "--input", sentence_wav, "--model", "base.en"))
    assert "cannot be reached" in line


def test_selftest(tiny_model, sentence_wav):
    done = run("selftest", "--model", tiny_model, "--input", sentence_wav)
    assert done.returncode == 0, done.stderr
    assert "selftest passed" in done.stdout and "on cpu (int8)" in done.stdout
    assert wer(SENTENCE, done.stdout.splitlines()[2]) <= 0.2


# -- system audio ---------------------------------------------------------------


def test_devices_lists_outputs_that_can_be_captioned(pulse):
    done = run("devices")
    assert done.returncode == 0, done.stderr
    outputs = done.stdout.split("Outputs whose sound can be captioned")[1]
    assert "virt" in outputs and "default" in outputs


def test_cuda_libs_help_says_what_it_downloads_and_where_it_keeps_it():
    from captioner.engine.models.cuda_libs import WHEEL, user_folder

    done = run("cuda-libs", "--help")
    text = " ".join(done.stdout.split())
    assert done.returncode == 0 and WHEEL in text and str(user_folder()) in text and "several hundred MB" in text
