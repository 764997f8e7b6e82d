"""Timing one pass of the real tiny.en over speech, and whether a model falls behind."""

from __future__ import annotations

from captioner.engine import pacing
from captioner.engine.pacing import PASS_AUDIO_S, falls_behind, pace_audio, time_one_pass
from captioner.events import SAMPLE_RATE


def test_a_model_falls_behind_when_a_pass_takes_longer_than_its_audio() -> None:
    assert not falls_behind(4.9)
    assert not falls_behind(PASS_AUDIO_S)
    assert falls_behind(5.01)
    assert falls_behind(2.1, audio_seconds=2.0) and not falls_behind(1.9, audio_seconds=2.0)


def test_the_timing_audio_is_speech_of_the_asked_length() -> None:
    audio = pace_audio()
    assert len(audio) == PASS_AUDIO_S * SAMPLE_RATE and audio.dtype.name == "float32"
    assert len(pace_audio(12.5)) == 12.5 * SAMPLE_RATE  # longer than the clip: repeated
    assert 0.1 < float(abs(audio).max()) <= 1.0


def test_one_pass_of_the_real_model_over_the_shipped_speech(tiny_transcriber) -> None:
    tiny_transcriber.warm_up()
    text = tiny_transcriber.transcribe(pace_audio()).text.lower()
    assert "thanks everyone" in text and "numbers" in text  # real speech: the decoder has work to do
    assert tiny_transcriber.transcribe(pacing.test_clip(PASS_AUDIO_S)).text == ""  # quiet noise gives it none
    seconds = time_one_pass(tiny_transcriber)
    assert 0 < seconds < 60
