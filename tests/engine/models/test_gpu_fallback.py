"""A GPU that cannot run the model: `auto` captions on the CPU and says why, `cuda` fails with the model error, a GPU
failing mid-session moves the session to the CPU with nothing lost (tests/gpu.py: the real model with the GPU's
failure where CTranslate2 raises it)."""

import subprocess
import sys

import pytest

from captioner.audio.sources import FileSource
from captioner.engine.live.session import CaptionSession
from captioner.engine.live.transcriber import Transcriber
from captioner.engine.models.catalogue import ModelRequest
from captioner.engine.models.errors import CudaLibraryMissing, GpuFailed
from captioner.engine.models.fetch import load_transcriber
from tests.conftest import SENTENCE
from tests.gpu import CUBLAS_MISSING, GpuFailingMidSession, GpuWithoutCublas, pretend_gpu
from tests.speech import speak, wer


def test_auto_captions_on_the_cpu_when_the_gpu_cannot_load_cublas(monkeypatch, tiny_model, sentence_wav):
    pretend_gpu(GpuWithoutCublas, monkeypatch)
    phases = []
    transcriber = load_transcriber(ModelRequest(str(tiny_model), "auto"), phase=phases.append)
    assert GpuWithoutCublas.loads == ["cuda", "cpu"]  # chosen, checked by a pass, loaded again on the CPU
    assert (transcriber.device, transcriber.compute_type) == ("cpu", "int8")
    assert "libcublas.so.12" in transcriber.device_note and "pip install 'captioner[cuda]'" in transcriber.device_note
    assert "preparing-gpu" in phases  # the first model on this GPU: the app says so while CUDA builds its kernels
    from captioner.audio.sources import decode_file

    assert wer(SENTENCE, transcriber.transcribe(decode_file(str(sentence_wav))).text) < 0.2


def test_cuda_asked_for_by_name_fails_with_the_model_error_naming_the_fix(monkeypatch, tiny_model):
    pretend_gpu(GpuWithoutCublas, monkeypatch)
    with pytest.raises(CudaLibraryMissing) as caught:
        load_transcriber(ModelRequest(str(tiny_model), "cuda"))
    assert CUBLAS_MISSING in str(caught.value) and "pip install 'captioner[cuda]'" in str(caught.value)
    monkeypatch.setattr(GpuWithoutCublas, "error", "CUDA failed with error unspecified launch failure")
    with pytest.raises(GpuFailed, match="unspecified launch failure"):
        load_transcriber(ModelRequest(str(tiny_model), "cuda"))


def test_a_gpu_that_works_keeps_the_model(monkeypatch, tiny_model):
    pretend_gpu(GpuWithoutCublas, monkeypatch)
    monkeypatch.setattr(GpuWithoutCublas, "good_passes", 10**6)
    transcriber = Transcriber.load(str(tiny_model), device="auto")
    assert transcriber.device == "cuda" and transcriber.device_note == "" and GpuWithoutCublas.loads == ["cuda"]


def _cli_captions_on_the_cpu(gpu: str, tmp_path, tiny_model, sentence_wav) -> str:
    """`captioner caption` of the sentence in a process where `gpu` (Python) made a GPU that cannot run: it captions the
    sentence on the CPU with no traceback; the one line that says why."""
    srt = tmp_path / "out.srt"
    code = (f"import sys; {gpu}; from captioner.cli import main; "
            f"sys.exit(main(['caption', '--input', {str(sentence_wav)!r}, '--model', {str(tiny_model)!r}, '--srt', {str(srt)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "GPU cannot be used" in line]
    assert len(warnings) == 1, done.stderr
    assert wer(SENTENCE, " ".join(line for line in srt.read_text().splitlines() if line and not line[0].isdigit())) < 0.2
    return warnings[0]


def test_the_cli_captions_on_the_cpu_with_one_line_and_no_traceback(tmp_path, tiny_model, sentence_wav):
    warning = _cli_captions_on_the_cpu("import tests.gpu; tests.gpu.pretend_gpu()", tmp_path, tiny_model, sentence_wav)
    assert "libcublas.so.12" in warning and "pip install 'captioner[cuda]'" in warning


def test_the_cli_with_cuda_by_name_says_what_to_install(tmp_path, tiny_model, sentence_wav):
    code = ("import sys, tests.gpu; tests.gpu.pretend_gpu(); from captioner.cli import main; "
            f"sys.exit(main(['caption', '--input', {str(sentence_wav)!r}, '--model', {str(tiny_model)!r}, '--compute-device', 'cuda']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "libcublas.so.12" in done.stderr and "pip install 'captioner[cuda]'" in done.stderr


def test_a_gpu_failing_mid_session_moves_it_to_the_cpu_losing_no_final(monkeypatch, tmp_path, tiny_model):
    sentences = ["The meeting starts at nine in the morning.", "Please bring the budget figures with you.",
                 "We will finish before lunch on Friday."]
    wav = speak("  ".join(sentences), tmp_path / "three.wav")
    pretend_gpu(GpuFailingMidSession, monkeypatch)
    transcriber = Transcriber.load(str(tiny_model), device="auto", name="tiny.en")
    assert transcriber.device == "cuda"
    errors = []
    session = CaptionSession(FileSource(str(wav)), transcriber, on_error=errors.append)
    session.start()
    assert session.wait(300)
    assert transcriber.device == "cpu" and transcriber.moves == 1 and GpuFailingMidSession.loads == ["cuda", "cpu"]
    assert [e.fatal for e in errors] == [False] and "out of memory" in errors[0].message and "CPU" in errors[0].message
    heard = " ".join(f.text for f in session.finals).split()
    said = " ".join(sentences).split()
    assert 0.8 * len(said) <= len(heard) <= 1.2 * len(said)  # every sentence has its words: none lost at the move
    assert wer(" ".join(said), " ".join(heard)) < 0.4  # and they are these sentences' (tiny.en mishears espeak-ng a little)


def _gpu_without_a_driver(monkeypatch) -> None:
    """CTranslate2 reports a GPU on a machine with no NVIDIA driver: creating the real model on it fails with
    CTranslate2's own CUDA error ("CUDA driver version is insufficient for CUDA runtime version")."""
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a working GPU: CUDA starts")
    monkeypatch.setattr(ctranslate2, "get_cuda_device_count", lambda: 1)


def test_auto_captions_on_the_cpu_when_cuda_fails_at_the_models_creation(monkeypatch, tiny_model, sentence_wav):
    _gpu_without_a_driver(monkeypatch)
    transcriber = load_transcriber(ModelRequest(str(tiny_model), "auto"))
    assert (transcriber.device, transcriber.compute_type) == ("cpu", "int8")
    note = transcriber.device_note
    assert "NVIDIA driver" in note and "525.60.13" in note and "pip install" not in note
    assert not transcriber.recognizer.cuda_libs_missing  # no library to fetch: "Get GPU support" is not offered
    from captioner.audio.sources import decode_file

    assert wer(SENTENCE, transcriber.transcribe(decode_file(str(sentence_wav))).text) < 0.2


def test_cuda_by_name_without_a_driver_fails_naming_the_driver(monkeypatch, tiny_model):
    from captioner.engine.models.errors import GpuDriverProblem

    _gpu_without_a_driver(monkeypatch)
    with pytest.raises(GpuDriverProblem) as caught:
        load_transcriber(ModelRequest(str(tiny_model), "cuda"))
    assert "update the NVIDIA driver" in str(caught.value) and "pip install" not in str(caught.value)


def test_the_cli_without_a_gpu_driver_captions_on_the_cpu_with_one_line(tmp_path, tiny_model, sentence_wav):
    import ctranslate2

    if ctranslate2.get_cuda_device_count() > 0:
        pytest.skip("this machine has a working GPU: CUDA starts")
    warning = _cli_captions_on_the_cpu("import ctranslate2; ctranslate2.get_cuda_device_count = lambda: 1", tmp_path, tiny_model,
                                       sentence_wav)
    assert "NVIDIA driver" in warning and "pip install" not in warning
