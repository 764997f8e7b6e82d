"""The models a use case loads, as the terminal and the desktop app both ask for them, free of Qt.

A live session's model request (`live_request`: its interim model beside it, or none when interim text is off); the
model loaded with what it wants said about itself (`load_noted`: `app.live.load_model`, then its `ModelNotes`); the
voice encoder that tells speakers apart, checked before anything loads (`voice_encoder_missing`) and tried on a
recording (`try_voice_encoder`).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from captioner.app.live import ModelNotes, load_model
from captioner.engine.models.catalogue import INTERIM_NONE, ModelRequest

__all__ = ["VoiceHeard", "live_request", "load_noted", "try_voice_encoder", "voice_encoder_missing"]


def live_request(spec: str, compute_device: str = "auto", language: str = "en", beam_size: int = 1, compute_type: str = "auto", *,
                 interim_model: str = INTERIM_NONE, interims: bool = True, translate: bool = False,
                 chinese_script: str = ModelRequest.chinese_script) -> ModelRequest:
    """The model a live session loads: `interim_model` beside it to write the interim text, none when `interims` is off;
    with `translate`, its captions in English whatever the language spoken; Chinese in `chinese_script`."""
    return ModelRequest(spec, compute_device, language, beam_size, compute_type, interim_model if interims else INTERIM_NONE,
                        translate=translate, chinese_script=chinese_script)


def load_noted(request: ModelRequest, *, progress=None, phase=None, cancel: threading.Event | None = None,
               download_interim: bool = True) -> tuple[object, ModelNotes]:
    """The model `request` names, found (downloading it if needed) and loaded (`load_model`: its `progress`, `phase`
    and `cancel`), with what it wants said about itself; raises a ModelError subclass for a failure a user can act on."""
    transcriber = load_model(request, progress=progress, phase=phase, cancel=cancel, download_interim=download_interim)
    return transcriber, ModelNotes.of(transcriber)


def voice_encoder_missing() -> str:
    """Why speakers cannot be told apart by voice here, and how to get the voice encoder; "" when it is installed."""
    from captioner.voices import VoiceEncoderMissing, find_weights

    try:
        find_weights()
    except VoiceEncoderMissing as exc:
        return str(exc)
    return ""


@dataclass(frozen=True)
class VoiceHeard:
    """The voice encoder tried on a recording: the weights it loaded, and the size of the voice it heard (None: none)."""

    weights: Path
    size: int | None


def try_voice_encoder(recording: str | Path) -> VoiceHeard:
    """Load the voice encoder and give it `recording`; raises VoiceEncoderMissing where it is not installed."""
    from captioner.audio.sources import decode_file
    from captioner.voices import load_encoder

    encoder = load_encoder()
    voice = encoder.embed(decode_file(str(recording)))
    return VoiceHeard(encoder.path, len(voice) if voice is not None else None)
