"""Whether a recording came down a telephone line: the band its speech fills.

A voice heard through a narrow band (a phone call, any audio sampled at 8 kHz on its way) has nothing above 4 kHz,
and the voice encoder (GE2E, trained on wide-band speech) hears different people there as more alike. So the line
between "same voice" and "another voice" is drawn where the recording's band puts it (`clusters.ClusterRule.for_band`;
benchmarks/README.md, "Speakers", "Through a telephone line").

Pure rule over the audio: the share of the speech's energy above `UPPER_HZ` (the louder half of
32 ms frames, so that silence and hiss weigh nothing), summed over all the speech heard so far.
`NARROW_SHARE` sits between what speech recorded in wide band puts there and what speech that came through 8 kHz
does, with room for a little noise added after the line.
"""

from __future__ import annotations

import numpy as np

from captioner.events import SAMPLE_RATE

__all__ = ["BandMeter", "NARROW_SHARE", "UPPER_HZ", "upper_energy"]

LOWER_HZ = 300.0  # the speech band's floor: hum and rumble lie below it
UPPER_HZ = 4300.0  # above a telephone line's band (8 kHz sampling: nothing over 4 kHz), with room for resampling filters
NARROW_SHARE = 1e-4  # speech with less of its energy above UPPER_HZ than this came through a narrow band
FRAME = 512  # 32 ms at 16 kHz
MIN_SPEECH_S = 1.0  # speech heard before the band is judged


def upper_energy(audio: np.ndarray, sr: int = SAMPLE_RATE) -> tuple[float, float, int]:
    """(energy above `UPPER_HZ`, energy from `LOWER_HZ` up, frames counted) over the louder half of `audio`'s frames."""
    x = np.asarray(audio, dtype=np.float64)
    if len(x) < FRAME:
        return 0.0, 0.0, 0
    frames = np.lib.stride_tricks.sliding_window_view(x, FRAME)[:: FRAME // 2]
    power = np.abs(np.fft.rfft(frames * np.hanning(FRAME), axis=1)) ** 2
    freqs = np.fft.rfftfreq(FRAME, 1.0 / sr)
    energy = power.sum(axis=1)
    loud = energy >= np.median(energy)
    if not energy[loud].any():
        return 0.0, 0.0, 0
    return float(power[loud][:, freqs >= UPPER_HZ].sum()), float(power[loud][:, freqs >= LOWER_HZ].sum()), int(loud.sum())


class BandMeter:
    """The band of the speech heard so far on one channel, from its segments as they come."""

    def __init__(self) -> None:
        self.upper = 0.0
        self.total = 0.0
        self.frames = 0

    def add(self, audio: np.ndarray) -> None:
        upper, total, frames = upper_energy(audio)
        self.upper += upper
        self.total += total
        self.frames += frames

    @property
    def known(self) -> bool:
        """Enough speech has been heard to tell the band."""
        return self.frames * (FRAME // 2) >= MIN_SPEECH_S * SAMPLE_RATE  # louder frames that together span MIN_SPEECH_S

    @property
    def narrow(self) -> bool:
        """The speech came through a telephone-like band (False until `known`)."""
        return self.known and self.upper < NARROW_SHARE * self.total
