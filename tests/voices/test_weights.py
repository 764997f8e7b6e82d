import shutil

import pytest

from captioner.voices import VoiceEncoder, find_weights
from captioner.voices.weights import ENV, VoiceEncoderMissing


def test_the_installed_weights_are_found():
    assert find_weights().name == "pretrained.pt"


def test_a_copy_named_by_the_environment_is_used(tmp_path, monkeypatch):
    copy = tmp_path / "voices.pt"
    shutil.copy(find_weights(), copy)
    monkeypatch.setenv(ENV, str(copy))
    assert find_weights() == copy
    assert VoiceEncoder(copy).path == copy


def test_a_missing_copy_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV, str(tmp_path / "gone.pt"))
    with pytest.raises(VoiceEncoderMissing, match="gone.pt"):
        find_weights()


def test_the_weights_alone_as_a_bundle_carries_them_give_the_same_voices(tmp_path, voices):
    from captioner.voices.weights import export_weights

    compact = export_weights(find_weights(), tmp_path / "encoder.npz")
    assert compact.stat().st_size < find_weights().stat().st_size / 2
    clip = next(iter(voices.values()))[0]
    a, b = VoiceEncoder(find_weights()).embed(clip), VoiceEncoder(compact).embed(clip)
    assert float(a @ b) == pytest.approx(1.0, abs=1e-6)


def test_a_corrupt_weights_file_says_so(tmp_path):
    from captioner.voices import TorchFileError

    bad = tmp_path / "encoder.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(TorchFileError, match="encoder.npz"):
        VoiceEncoder(bad)
