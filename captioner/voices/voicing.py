"""Whether speech is voiced or whispered: a whisper gives the voice encoder too little to know a person by.

GE2E learnt voices from voiced speech, and much of what tells one voice from another rides on the vocal folds'
vibration (its pitch, its quality). A whisper has none: the encoder puts a person's whisper as far from their own
voice as from anyone else's, and a whispered recording would found a speaker of its own. So a whispered turn says whom it sounds most like, as a short turn does, but founds or moves no speaker.

Voicing per frame is a plain form of the periodicity test Praat makes (Boersma's): the normalised autocorrelation of a
40 ms frame, corrected for the window's own, at 0.5 or more at some lag of a pitch period between 50 and 400 Hz (a
higher voice, a falsetto, is periodic at twice its period too; shorter lags are where a whisper's formants ring). Speech
read aloud or spoken has most of its loud frames voiced, falsetto included, wide band and through a telephone band
alike; a whisper has few (its breath noise now and then periodic by chance). Under half is a whisper
(benchmarks/README.md, "Speakers", "A reply at a caption's edge; a whisper placed as a short turn"). No library: the
test is a few lines of NumPy (librosa's pYIN would bring numba and SciPy into the app for it).
"""

from __future__ import annotations

import numpy as np

from captioner.events import SAMPLE_RATE

__all__ = ["VOICED_SHARE", "voiced_share", "whispered"]

FRAME = SAMPLE_RATE * 40 // 1000
HOP = FRAME // 2
PERIODS = (SAMPLE_RATE // 400, SAMPLE_RATE // 50)  # lags of one pitch period, 400 Hz down to 50 Hz
PERIODIC = 0.5  # normalised autocorrelation at a period that makes a frame voiced
LOUD_DB = 30.0  # frames within this of the clip's loud ones (its 95th percentile) are its speech; the rest is pause
VOICED_SHARE = 0.5  # speech with fewer of its frames voiced than this is whispered

_WINDOW = np.hanning(FRAME)
_WINDOW_AC = np.fft.irfft(np.abs(np.fft.rfft(_WINDOW, 2 * FRAME)) ** 2)[:FRAME]


def voiced_share(audio: np.ndarray) -> float:
    """The share of the speech frames (the loud ones) of `audio` (16 kHz mono) that are voiced; 0 with no speech."""
    x = np.asarray(audio, dtype=np.float64)
    if len(x) < FRAME:
        return 0.0
    n = 1 + (len(x) - FRAME) // HOP
    frames = np.lib.stride_tricks.as_strided(x, shape=(n, FRAME), strides=(HOP * x.itemsize, x.itemsize))
    frames = frames - frames.mean(axis=1, keepdims=True)
    energy = np.einsum("ij,ij->i", frames, frames)
    loud = np.percentile(energy, 95)
    if loud <= 0:
        return 0.0
    speech = frames[energy >= loud * 10 ** (-LOUD_DB / 10)] * _WINDOW
    ac = np.fft.irfft(np.abs(np.fft.rfft(speech, 2 * FRAME, axis=1)) ** 2, axis=1)[:, :FRAME]
    r = ac / np.maximum(ac[:, :1], 1e-20) / (_WINDOW_AC / _WINDOW_AC[0])
    return float((r[:, PERIODS[0]:PERIODS[1]].max(axis=1) >= PERIODIC).mean())


def whispered(audio: np.ndarray) -> bool:
    """Whether the speech in `audio` is whispered (fewer than `VOICED_SHARE` of its frames voiced)."""
    return voiced_share(audio) < VOICED_SHARE
