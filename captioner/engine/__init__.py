"""The captioning engine, free of Qt: audio in, caption events out.

What it offers, by the module that holds each name (imported on first use, so importing the package,
as the settings do for the model catalogue, loads none of the ML stack):

- live sessions: `session_for` (one source or a meeting's channels), `CaptionSession`, `MeetingSession`,
  `Channel`, `meeting_channels`, `CaptionSink`
- the engine and its configuration: `CaptionEngine`, `EngineConfig`, `Job`, `RevisionRule` (when finals are
  decoded again together), `SpeakerTagger` (each final's speaker, told apart by voice)
- recognizers: the `Recognizer` protocol and its `Transcript`; `RECOGNIZERS` (which model folders each one reads)
  and `load_recognizer`; `Transcriber` (faster-whisper), `DecodeOptions`
- models: `ModelRequest`, `DEFAULT_MODEL`, `default_model`, `model_label`, `is_cached`, `resolve_model`,
  `load_transcriber`, `DownloadProgress`, `ModelError` (its kinds in `engine.model_errors`),
  `choose_device`, `cpu_threads`
- after the session: `refine_session`, `find_session`, `decode_audio_file`
- on recorded audio with a simulated clock: `replay`, `replay_meeting`
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "session_for": "live",
    "CaptionSession": "session",
    "CaptionSink": "session",
    "MeetingSession": "meeting",
    "meeting_channels": "meeting",
    "Channel": "spoken_order",
    "CaptionEngine": "pipeline",
    "EngineConfig": "pipeline",
    "Job": "pipeline",
    "RevisionRule": "revision",
    "SpeakerTagger": "speakers",
    "Recognizer": "recognizer",
    "Transcript": "recognizer",
    "RECOGNIZERS": "recognizers",
    "load_recognizer": "recognizers",
    "Transcriber": "transcriber",
    "DecodeOptions": "transcriber",
    "ModelRequest": "catalogue",
    "DEFAULT_MODEL": "catalogue",
    "default_model": "catalogue",
    "model_label": "catalogue",
    "is_cached": "catalogue",
    "resolve_model": "models",
    "load_transcriber": "models",
    "DownloadProgress": "models",
    "ModelError": "model_errors",
    "choose_device": "hardware",
    "cpu_threads": "hardware",
    "refine_session": "refine",
    "find_session": "session_files",
    "decode_audio_file": "decode_whole",
    "replay": "replay",
    "replay_meeting": "replay",
}

__all__ = [
    "CaptionEngine",
    "CaptionSession",
    "CaptionSink",
    "Channel",
    "DEFAULT_MODEL",
    "DecodeOptions",
    "DownloadProgress",
    "EngineConfig",
    "Job",
    "MeetingSession",
    "ModelError",
    "ModelRequest",
    "RECOGNIZERS",
    "Recognizer",
    "RevisionRule",
    "SpeakerTagger",
    "Transcriber",
    "Transcript",
    "choose_device",
    "cpu_threads",
    "decode_audio_file",
    "default_model",
    "find_session",
    "is_cached",
    "load_recognizer",
    "load_transcriber",
    "meeting_channels",
    "model_label",
    "refine_session",
    "replay",
    "replay_meeting",
    "resolve_model",
    "session_for",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:
    from captioner.engine.catalogue import DEFAULT_MODEL, ModelRequest, default_model, is_cached, model_label
    from captioner.engine.decode_whole import decode_audio_file
    from captioner.engine.hardware import choose_device, cpu_threads
    from captioner.engine.live import session_for
    from captioner.engine.meeting import MeetingSession, meeting_channels
    from captioner.engine.model_errors import ModelError
    from captioner.engine.models import DownloadProgress, load_transcriber, resolve_model
    from captioner.engine.pipeline import CaptionEngine, EngineConfig, Job
    from captioner.engine.recognizer import Recognizer, Transcript
    from captioner.engine.recognizers import RECOGNIZERS, load_recognizer
    from captioner.engine.refine import refine_session
    from captioner.engine.replay import replay, replay_meeting
    from captioner.engine.session import CaptionSession, CaptionSink
    from captioner.engine.session_files import find_session
    from captioner.engine.speakers import SpeakerTagger
    from captioner.engine.spoken_order import Channel
    from captioner.engine.transcriber import DecodeOptions, Transcriber
