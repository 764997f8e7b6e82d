"""The figures of a finished live session, free of Qt: how much audio, how many finals, the compute they took, how long
each final came after its speech ended (on the audio clock), the capture's overflows; a meeting's for each side.
`session_figures` reads them from an `app.live.LiveSession` once it is over."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from captioner.events import SAMPLE_RATE

__all__ = ["Delays", "LaneFigures", "SessionFigures", "session_figures"]

_NO_AUDIO_S = 1e-9  # the audio a session with none is taken to have, so that compute per audio second stays a number


@dataclass(frozen=True)
class Delays:
    """How long finals came after their speech ended, in seconds of audio: the median and the longest."""

    median_s: float
    max_s: float

    @classmethod
    def of(cls, delays_s: Sequence[float]) -> Delays | None:
        """The delays' figures; None when there were none."""
        return cls(statistics.median(delays_s), max(delays_s)) if delays_s else None


@dataclass(frozen=True)
class LaneFigures:
    """One side of a meeting: what it is called, its finals' delays (None without finals), its capture's overflows."""

    label: str
    delays: Delays | None
    overflows: int


@dataclass(frozen=True)
class SessionFigures:
    """A finished session's figures. `echoes` (microphone captions dropped or cut as echo of system audio) and `lanes`
    (each side's figures) are a meeting's: None and () otherwise, where `delays` and `overflows` are the one input's."""

    audio_s: float
    finals: int
    compute_s: float
    delays: Delays | None = None
    overflows: int = 0
    echoes: int | None = None
    lanes: tuple[LaneFigures, ...] = ()
    spoken: str = ""  # the language detected over the speech heard ("" where none was, or the language was given)

    @property
    def compute_per_audio_s(self) -> float:
        """Seconds of compute per second of audio."""
        return self.compute_s / max(self.audio_s, _NO_AUDIO_S)


def session_figures(live) -> SessionFigures:
    """The figures of the finished `live` session (an `app.live.LiveSession`)."""
    session = live.session
    lanes = getattr(session, "lanes", None)
    if lanes is None:  # one input
        spoken = getattr(getattr(session, "transcriber", None), "spoken", None)
        return SessionFigures(session.engine.clock / SAMPLE_RATE, len(session.finals), session.compute_s,
                              Delays.of(session.final_delays_s), session.source.overflows, spoken=spoken.describe() if spoken else "")
    return SessionFigures(session.clock / SAMPLE_RATE, len(session.finals), session.compute_s, echoes=len(session.echoes),
                          lanes=tuple(LaneFigures(lane.label, Delays.of(lane.delays_s), lane.channel.source.overflows) for lane in lanes))
