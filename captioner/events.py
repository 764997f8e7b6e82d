"""The caption event type every layer speaks.

Times are on the audio clock: samples since the session started, at
``SAMPLE_RATE``. Wall time never appears in a caption.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

SAMPLE_RATE = 16_000


@dataclass(frozen=True)
class Word:
    """One recognised word with its place on the audio clock (samples)."""

    text: str
    start: int
    end: int
    probability: float = 1.0


@dataclass(frozen=True)
class CaptionEvent:
    """A caption for one speech segment.

    ``final`` is False for interim text (the segment is still growing and the
    text may change) and True once the segment has ended; a final replaces
    every interim of the same ``id``. ``stable`` is the number of leading
    characters of ``text`` that are not expected to change any more.
    ``revision`` > 0 marks a final that replaces the earlier final of the same
    ``id`` (a pass that heard the speech around it decoded it differently, or
    its speaker turned out to be another one already found).
    """

    id: int
    start: int
    end: int
    text: str
    final: bool
    words: tuple[Word, ...] = ()
    stable: int = 0
    channel: str = ""  # the input heard, a stable id (channels.MICROPHONE, SYSTEM; "" with one input): its label is looked up
    revision: int = 0  # 0: the first final of its id (or an interim); n: its n-th revision, which replaces it
    speaker: str = ""  # who spoke, by voice: a stable id ("speaker-1", `voices.speaker_id`), its label looked up as a channel's; "" unknown

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    @property
    def end_s(self) -> float:
        return self.end / SAMPLE_RATE


def replaced_final(finals: Sequence[CaptionEvent], revision: CaptionEvent) -> int | None:
    """Where the final that `revision` replaces (same id and channel) stands among `finals`; None if it is not there."""
    return next((n for n, f in enumerate(finals) if f.id == revision.id and f.channel == revision.channel), None)


@dataclass(frozen=True)
class SessionStatus:
    """How the engine is keeping up; sent to status listeners."""

    audio_s: float  # audio clock: seconds of audio received
    processed_s: float  # audio clock up to which every segment is transcribed or skipped
    lag_s: float  # how far final captions trail the live audio
    level: float = 0.0  # input level of the latest audio (RMS, 0..1)
    overflows: int = 0  # audio blocks the capture buffer had to drop
    pending_finals: int = 0  # closed segments waiting for the transcriber
    degraded: str = ""  # how the engine steps down to keep up, in plain words ("Behind: final text only"); "" when normal
    reruns: int = 0  # passes run again on the full window because they looked wrong
    channel: str = ""  # the input these figures are for when a session has several, by id (channels.SYSTEM; "" with one)
    language: str = ""  # the language detected over the speech so far ("ja"; "ja?" while not yet sure); "" when given


@dataclass(frozen=True)
class SessionProblem:
    """Something went wrong in a session, or something the user should know happened to it (the sound server
    stopped, and is back); what was captioned is kept. An event a session sends (`on_error`), not an exception.

    `fatal`: the session ends (the audio source failed, the transcriber failed). Otherwise
    the session goes on without the part that failed (an output file), and the message
    says where the captions still go.
    """

    message: str
    fatal: bool = True
    channel: str = ""  # the input it is about when a session has several, by id (channels.MICROPHONE, SYSTEM); "" otherwise
    over: bool = False  # it says a problem is over (the sound server is back): worth a glance, then it goes by itself
    remade: str = ""  # the path of a file of the session deleted under it and made again whole ("" for none)


class FileRemade(str):
    """A notice that a file of the session was deleted under it and made again whole: `path` says which."""

    __slots__ = ("path",)

    def __new__(cls, text: str, path: str):
        notice = super().__new__(cls, text)
        notice.path = path
        return notice


class ProblemOver(str):
    """A source's notice that a problem it told of is over ("The sound server is back; …"): a session passes it on as a
    SessionProblem with `over` set."""

    __slots__ = ()
