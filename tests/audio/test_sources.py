"""Decoding files: any format PyAV reads, as 16 kHz mono float32 or int16."""

from __future__ import annotations

import wave

import numpy as np
import pytest

from captioner.audio import sources
from captioner.audio.sources import AudioSourceError, Outage, decode_file, decode_pcm16, pcm16_blocks
from captioner.events import SAMPLE_RATE
from tests.speech import read_wav, write_wav


def test_a_file_decodes_to_the_same_samples_as_int16_and_as_float(tmp_path) -> None:
    t = np.arange(int(2.5 * 44100)) / 44100
    tone = (0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    path = write_wav(tmp_path / "tone.wav", tone, rate=44100, channels=2)
    pcm, samples = decode_pcm16(str(path)), decode_file(str(path))
    assert pcm.dtype == np.int16 and samples.dtype == np.float32
    assert abs(len(pcm) - 2.5 * SAMPLE_RATE) < SAMPLE_RATE // 100  # resampled to 16 kHz mono
    np.testing.assert_array_equal(samples, pcm.astype(np.float32) / 32768.0)
    assert 0.25 < float(np.abs(samples).max()) < 0.35


def test_a_16_khz_mono_file_decodes_to_its_own_samples(tmp_path) -> None:
    rng = np.random.default_rng(7)
    pcm = rng.integers(-20000, 20000, 3 * SAMPLE_RATE + 123, dtype=np.int16)
    path = tmp_path / "noise.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes(pcm.astype("<i2").tobytes())
    np.testing.assert_array_equal(decode_pcm16(str(path)), pcm)  # every sample, in order, none added or lost
    blocks = list(pcm16_blocks(str(path), block=SAMPLE_RATE // 2))  # gone through without holding it all
    assert len(blocks) >= 5 and all(len(b) <= SAMPLE_RATE for b in blocks)
    np.testing.assert_array_equal(np.concatenate(blocks), pcm)


def test_what_is_not_audio_is_said(tmp_path) -> None:
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio")
    with pytest.raises(AudioSourceError, match="not audio in a format captioner reads"):
        decode_pcm16(str(bad))
    with pytest.raises(AudioSourceError, match="does not exist"):
        decode_pcm16(str(tmp_path / "gone.wav"))
    with pytest.raises(AudioSourceError, match="not audio in a format captioner reads"):
        next(pcm16_blocks(str(bad)))
    empty = write_wav(tmp_path / "empty.wav", np.zeros(0, np.float32))
    with pytest.raises(AudioSourceError, match="holds no audio"):
        decode_file(str(empty))
    assert len(read_wav(write_wav(tmp_path / "one.wav", np.zeros(SAMPLE_RATE, np.float32)))) == SAMPLE_RATE


def test_an_outage_gives_silence_at_the_wall_clocks_pace(monkeypatch):
    """While the sound server is gone, silence stands in for the audio that cannot come: as many samples as the time
    since the last audio holds, a block at a time, so speech after the outage keeps its true time."""
    now = [100.0]
    monkeypatch.setattr(sources.time, "monotonic", lambda: now[0])
    block = SAMPLE_RATE * 30 // 1000
    outage = Outage(now[0] - 0.1)  # the last audio came 100 ms ago: three blocks of 30 ms are due
    given = []
    while (got := outage.silence(block))[0] is not None:
        given.append(got[0])
    assert len(given) == 3 and all(b.dtype == np.float32 and not b.any() and len(b) == block for b in given)
    silence, wait = outage.silence(block)
    assert silence is None and wait == pytest.approx(0.02)  # the fourth is due 120 ms after the last audio
    now[0] += wait
    assert outage.silence(block)[0] is not None and outage.given == 4 * block
