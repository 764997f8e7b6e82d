"""The one way in to a live session: from what it listens to, the session that captions it.

One source (a microphone, a file played as if live) makes a `CaptionSession`; channels (the
microphone and what the computer plays, each labelled) make a `MeetingSession`. The command line
and the app both open sessions here (`open_session`): a `SessionRequest` says what to listen to, with
which engine settings, vocabulary and speakers, and where its audio is kept; what the session must go
without (the voice encoder, a folder that takes no recording) is said once, and it goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from captioner.audio.recorder import SessionRecorder
from captioner.audio.sources import AudioSource
from captioner.engine.live.echo import EchoRule
from captioner.engine.live.meeting import MeetingSession
from captioner.engine.live.pipeline import EngineConfig
from captioner.engine.live.session import CaptionSession, CaptionSink
from captioner.engine.live.spoken_order import Channel
from captioner.engine.live.transcriber import Transcriber
from captioner.events import SessionError, SessionStatus
from captioner.speaker_count import SpeakerCount

Inputs = AudioSource | Sequence[Channel]
"""What a session listens to: one source, or channels (a meeting)."""

__all__ = ["Inputs", "SessionRequest", "channels_of", "open_session", "session_for"]


def channels_of(inputs: Inputs) -> list[Channel]:
    """The channels among `inputs`; [] for one source."""
    return list(inputs) if isinstance(inputs, Sequence) else []


def session_for(
    inputs: Inputs,
    transcriber: Transcriber,
    config: EngineConfig = EngineConfig(),
    sinks: Iterable[CaptionSink] = (),
    *,
    on_status: Callable[[SessionStatus], None] | None = None,
    on_error: Callable[[SessionError], None] | None = None,
    echo: EchoRule | None = EchoRule(),
    status_interval_s: float = 0.25,
    recorder: SessionRecorder | None = None,
    speakers: bool | SpeakerCount = False,
) -> CaptionSession | MeetingSession:
    """The session that captions `inputs`, not started: a MeetingSession for channels (microphone finals that repeat
    system audio dropped by `echo`; None keeps them), else a CaptionSession. `speakers`: finals from system audio (or
    from the one input) carry the speaker told apart by voice (a SpeakerCount: as many people as it says) (`VoiceEncoderMissing` when its weights are not installed)."""
    channels = channels_of(inputs)
    if channels:
        return MeetingSession(channels, transcriber, config, sinks, on_status=on_status, on_error=on_error, echo=echo,
                              status_interval_s=status_interval_s, recorder=recorder, speakers=speakers)
    return CaptionSession(inputs, transcriber, config, sinks, on_status=on_status, on_error=on_error,  # type: ignore[arg-type]
                          status_interval_s=status_interval_s, recorder=recorder, speakers=speakers)


@dataclass(frozen=True)
class SessionRequest:
    """What a live session is asked to be: what it listens to and how it captions it."""

    inputs: Inputs  # one source, or a meeting's channels
    config: EngineConfig = EngineConfig()
    vocabulary: str = ""  # names and terms to favour (hotwords), one line each
    speakers: bool | SpeakerCount = False  # tell speakers apart by voice (system audio's, or the one input's); a SpeakerCount: that many
    record_beside: Path | None = None  # keep the session's audio beside this transcript file (its folder and stem); None: not kept
    model: str = ""  # what the recording's tags name as the model (a name, or a folder), so that its refine finds it
    echo: EchoRule | None = EchoRule()  # a meeting's microphone finals that repeat system audio: dropped by this rule
    status_interval_s: float = 0.25


def open_session(request: SessionRequest, transcriber: Transcriber, sinks: Iterable[CaptionSink] = (), *,
                 on_status: Callable[[SessionStatus], None] | None = None, on_error: Callable[[SessionError], None] | None = None,
                 warn: Callable[[str], None] = lambda text: None) -> CaptionSession | MeetingSession:
    """The session `request` asks for, not started (`start()` opens its sources). `transcriber` takes the request's
    vocabulary. Speakers are told apart only where the voice encoder is installed, and the audio kept only where its
    folder takes it: else `warn` hears why, in a sentence, and the session goes on without."""
    from captioner.audio.recorder import RecordingError
    from captioner.voices import VoiceEncoderMissing, find_weights

    speakers = request.speakers
    if speakers:
        try:
            find_weights()
        except VoiceEncoderMissing as exc:
            speakers = False
            warn(f"Captions are not labelled by speaker this session. {exc}")
    channels = channels_of(request.inputs)
    recorder = None
    if request.record_beside is not None:
        transcript = request.record_beside
        try:
            recorder = SessionRecorder.open(transcript.parent, transcript.stem, [ch.label for ch in channels] or [""],
                                            kinds=[ch.kind for ch in channels], model=request.model, vocabulary=request.vocabulary)
        except RecordingError as exc:
            warn(f"{exc} Captions go on without it; this session's transcript cannot be refined afterwards.")
    transcriber.vocabulary = request.vocabulary
    return session_for(request.inputs, transcriber, request.config, sinks, on_status=on_status, on_error=on_error,
                       echo=request.echo, status_interval_s=request.status_interval_s, recorder=recorder, speakers=speakers)
