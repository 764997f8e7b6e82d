"""Times on the audio clock (samples since the session started) written for people and files."""

from __future__ import annotations

from typing import Literal

from captioner.events import SAMPLE_RATE

Hours = Literal["padded", "short", "when-needed"]


def format_clock(samples: int, *, digits: int = 0, mark: str = ".", hours: Hours = "padded") -> str:
    """`HH:MM:SS` for a time in samples; `digits` decimals of a second after `mark` (rounded), else whole seconds.

    `hours`: "padded" `01:02:03`, "short" `1:02:03`, "when-needed" `02:03` below an hour.
    """
    if samples < 0:
        raise ValueError(f"negative time: {samples} samples")
    scale = 10**digits
    units = (samples * scale + SAMPLE_RATE // 2) // SAMPLE_RATE if digits else samples // SAMPLE_RATE
    whole, fraction = divmod(units, scale)
    minutes, seconds = divmod(whole, 60)
    h, m = divmod(minutes, 60)
    text = f"{m:02d}:{seconds:02d}"
    if hours == "padded":
        text = f"{h:02d}:{text}"
    elif hours == "short" or h:
        text = f"{h}:{text}"
    return f"{text}{mark}{fraction:0{digits}d}" if digits else text
