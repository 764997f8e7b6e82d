"""The band a recording's speech fills: wide as recorded, narrow once it came through 8 kHz (a telephone line)."""

import numpy as np
import soxr

from captioner.events import SAMPLE_RATE
from captioner.voices.band import NARROW_SHARE, BandMeter, upper_energy


def telephone(audio: np.ndarray) -> np.ndarray:
    """`audio` as a phone line carries it: down to 8 kHz, nothing below 300 Hz, back up to 16 kHz."""
    narrow = soxr.resample(audio, SAMPLE_RATE, 8000)
    spec = np.fft.rfft(narrow)
    spec[np.fft.rfftfreq(len(narrow), 1 / 8000) < 300] = 0
    return soxr.resample(np.fft.irfft(spec, len(narrow)).astype(np.float32), 8000, SAMPLE_RATE).astype(np.float32)


def meter(*clips: np.ndarray) -> BandMeter:
    m = BandMeter()
    for clip in clips:
        m.add(clip)
    return m


def test_a_voice_recorded_in_wide_band_is_wide_and_through_a_phone_line_is_narrow(voices):
    for voice, clips in voices.items():
        wide, narrow = meter(*clips), meter(*(telephone(c) for c in clips))
        assert wide.known and not wide.narrow, voice
        assert narrow.known and narrow.narrow, voice
        assert narrow.upper < NARROW_SHARE * narrow.total < wide.upper  # not near the line either way


def test_a_little_hiss_added_after_the_line_leaves_it_narrow(voices):
    clip = telephone(voices["en-us"][0])
    hiss = np.random.default_rng(1).standard_normal(len(clip)).astype(np.float32) * 3e-4  # about -70 dBFS
    assert meter(clip + hiss).narrow


def test_the_band_is_not_judged_on_too_little_speech(voices):
    clip = telephone(voices["en-us"][0])
    short = meter(clip[: SAMPLE_RATE // 2])
    assert not short.known and not short.narrow  # until then, the wide band's rule
    assert upper_energy(np.zeros(100, dtype=np.float32)) == (0.0, 0.0, 0)
    silent = meter(np.zeros(5 * SAMPLE_RATE, dtype=np.float32))
    assert not silent.known
