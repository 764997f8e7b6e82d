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
