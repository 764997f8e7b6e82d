"""The one way in to a live session: from what it listens to, the session that captions it.

One source (a microphone, a file played as if live) makes a `CaptionSession`; channels (the
microphone and what the computer plays, each labelled) make a `MeetingSession`. The command line
and the app both open sessions here (`open_session`): a `SessionRequest` says what to listen to, how
(`SessionOptions`: engine settings, speakers, echo), with which vocabulary, and where its audio is kept; what the session must go
without (the voice encoder, a folder that takes no recording) is said once, and it goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from captioner.audio.recorder import SessionRecorder
from captioner.audio.sources import AudioSource
from captioner.engine.live.meeting import MeetingSession
from captioner.engine.live.session import CaptionSession, CaptionSink, SessionOptions
from captioner.engine.live.spoken_order import Channel
from captioner.engine.live.transcriber import Transcriber
from captioner.engine.models.catalogue import lasting_spec
from captioner.events import SessionProblem, SessionStatus

Inputs = AudioSource | Sequence[Channel]
"""What a session listens to: one source, or channels (a meeting)."""

__all__ = ["Inputs", "SessionOptions", "SessionRequest", "channels_of", "open_session"]


def channels_of(inputs: Inputs) -> list[Channel]:
    """The channels among `inputs`; [] for one source."""
    return list(inputs) if isinstance(inputs, Sequence) else []


@dataclass(frozen=True)
class SessionRequest:
    """What a live session is asked to be: what it listens to, how it captions it (`options`), the names and terms it
    favours, and where its audio is kept."""

    inputs: Inputs  # one source, or a meeting's channels
    options: SessionOptions = SessionOptions()
    vocabulary: str = ""  # names and terms to favour (hotwords), one line each
    record_beside: Path | None = None  # keep the session's audio beside this transcript file (its folder and stem); None: not kept
    model: str = ""  # what the recording's tags name as the model (a name, or a folder), so that its refine finds it


def open_session(request: SessionRequest, transcriber: Transcriber, sinks: Iterable[CaptionSink] = (), *,
                 on_status: Callable[[SessionStatus], None] | None = None, on_error: Callable[[SessionProblem], None] | None = None,
                 warn: Callable[[str], None] = lambda text: None) -> CaptionSession | MeetingSession:
    """The session `request` asks for, not started (`start()` opens its sources): a MeetingSession for channels, else a
    CaptionSession. Its passes favour the request's vocabulary (`transcriber` itself is left as it is). Speakers are told apart only where the voice encoder
    is installed, and the audio kept only where its folder takes it: else `warn` hears why, in a sentence, and the
    session goes on without."""
    from captioner.audio.recorder import RecordingError
    from captioner.voices import VoiceEncoderMissing, find_weights

    options = request.options
    if options.speakers:
        try:
            find_weights()
        except VoiceEncoderMissing as exc:
            options = replace(options, speakers=False)
            warn(f"Captions are not labelled by speaker this session. {exc}")
    channels = channels_of(request.inputs)
    recorder = None
    if request.record_beside is not None:
        transcript = request.record_beside
        try:
            recorder = SessionRecorder.open(transcript.parent, transcript.stem, [ch.label for ch in channels] or [""],
                                            kinds=[ch.kind for ch in channels], model=lasting_spec(request.model),
                                            vocabulary=request.vocabulary)
        except RecordingError as exc:
            warn(f"{exc} Captions go on without it; this session's transcript cannot be refined afterwards.")
    transcriber = transcriber.with_vocabulary(request.vocabulary)
    transcriber.script.begin()  # its first Chinese caption decides the script again (`subtitles.chinese.SessionScript`)
    if channels:  # a meeting
        return MeetingSession(channels, transcriber, sinks, options=options, on_status=on_status, on_error=on_error, recorder=recorder)
    return CaptionSession(request.inputs, transcriber, sinks, options=options, on_status=on_status, on_error=on_error,  # type: ignore[arg-type]
                          recorder=recorder)
