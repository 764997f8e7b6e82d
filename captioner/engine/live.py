"""The one way in to a live session: from what it listens to, the session that captions it.

One source (a microphone, a file played as if live) makes a `CaptionSession`; channels (the
microphone and what the computer plays, each labelled) make a `MeetingSession`. The command line
and the app both start sessions here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from captioner.audio.recorder import SessionRecorder
from captioner.audio.sources import AudioSource
from captioner.engine.echo import EchoRule
from captioner.engine.meeting import MeetingSession
from captioner.engine.pipeline import EngineConfig
from captioner.engine.recognizer import Recognizer
from captioner.engine.session import CaptionSession, CaptionSink
from captioner.engine.spoken_order import Channel
from captioner.events import SessionError, SessionStatus

Inputs = AudioSource | Sequence[Channel]
"""What a session listens to: one source, or channels (a meeting)."""

__all__ = ["Inputs", "channels_of", "session_for"]


def channels_of(inputs: Inputs) -> list[Channel]:
    """The channels among `inputs`; [] for one source."""
    return list(inputs) if isinstance(inputs, Sequence) else []


def session_for(
    inputs: Inputs,
    transcriber: Recognizer,
    config: EngineConfig = EngineConfig(),
    sinks: Iterable[CaptionSink] = (),
    *,
    on_status: Callable[[SessionStatus], None] | None = None,
    on_error: Callable[[SessionError], None] | None = None,
    echo: EchoRule | None = EchoRule(),
    status_interval_s: float = 0.25,
    recorder: SessionRecorder | None = None,
    speakers: bool = False,
) -> CaptionSession | MeetingSession:
    """The session that captions `inputs`, not started: a MeetingSession for channels (microphone finals that repeat
    system audio dropped by `echo`; None keeps them), else a CaptionSession. `speakers`: finals from system audio (or
    from the one input) carry the speaker told apart by voice (`VoiceEncoderMissing` when its weights are not installed)."""
    channels = channels_of(inputs)
    if channels:
        return MeetingSession(channels, transcriber, config, sinks, on_status=on_status, on_error=on_error, echo=echo,
                              status_interval_s=status_interval_s, recorder=recorder, speakers=speakers)
    return CaptionSession(inputs, transcriber, config, sinks, on_status=on_status, on_error=on_error,  # type: ignore[arg-type]
                          status_interval_s=status_interval_s, recorder=recorder, speakers=speakers)
