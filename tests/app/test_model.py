"""The models a use case loads (`captioner.app.model`): the live request, the notes, the voice encoder's check."""

from __future__ import annotations

from captioner.app.model import live_request, voice_encoder_missing
from captioner.engine.models.catalogue import INTERIM_AUTO, INTERIM_NONE, ModelRequest


def test_a_live_request_has_its_interim_model_unless_interim_text_is_off():
    assert live_request("tiny.en", "cpu", "en", 5, "int8", interim_model=INTERIM_AUTO) == ModelRequest("tiny.en", "cpu", "en", 5, "int8", INTERIM_AUTO)
    assert live_request("tiny.en", interim_model=INTERIM_AUTO, interims=False).interim == INTERIM_NONE
    assert live_request("tiny.en").interim == INTERIM_NONE


def test_a_missing_voice_encoder_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("CAPTIONER_VOICE_ENCODER", str(tmp_path / "missing.pt"))
    assert "missing.pt" in voice_encoder_missing() and "not a file" in voice_encoder_missing()
    weights = tmp_path / "pretrained.pt"
    weights.write_bytes(b"weights")
    monkeypatch.setenv("CAPTIONER_VOICE_ENCODER", str(weights))
    assert voice_encoder_missing() == ""
