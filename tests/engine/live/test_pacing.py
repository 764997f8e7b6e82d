"""The pacing rules (interim interval, stepping down when behind, expected final delay) and timing
one pass of the real tiny.en over speech."""

from __future__ import annotations

import pytest

from captioner.engine.live import pacing
from captioner.engine.live.pacing import (
    FINALS_ONLY,
    NORMAL,
    PASS_AUDIO_S,
    SPARSE,
    degraded_message,
    expected_delay,
    falls_behind,
    interim_interval,
    next_level,
    pace_audio,
    smoothed,
    time_one_pass,
)
from captioner.engine.live.transcriber import quiet_noise
from captioner.events import SAMPLE_RATE


def test_interval_follows_the_pass_time():
    assert interim_interval(1.0, 0.2) == 1.0  # a fast model: the configured interval
    assert interim_interval(1.0, 2.0) == pytest.approx(3.0)  # a slow one: 1.5 x its pass time
    assert interim_interval(1.0, 0.2, SPARSE) == pacing.SPARSE_INTERVAL_S
    assert interim_interval(1.0, 4.0, SPARSE) == pytest.approx(6.0)


def test_levels_step_down_at_the_thresholds_and_back_with_hysteresis():
    assert next_level(NORMAL, 2.9) == NORMAL
    assert next_level(NORMAL, 3.0) == SPARSE
    assert next_level(NORMAL, 6.0) == FINALS_ONLY
    assert next_level(SPARSE, 2.0) == SPARSE  # not back before the lag is under half the threshold
    assert next_level(SPARSE, 1.4) == NORMAL
    assert next_level(FINALS_ONLY, 4.0) == FINALS_ONLY
    assert next_level(FINALS_ONLY, 2.0) == SPARSE
    assert next_level(FINALS_ONLY, 1.0) == NORMAL


def test_messages_in_plain_words():
    assert degraded_message(NORMAL, 1.0) == ""
    assert degraded_message(SPARSE, 3.0) == "Behind: interim text every 3 s"
    assert degraded_message(FINALS_ONLY, 3.0) == "Behind: final text only"


def test_smoothed_pass_time():
    assert smoothed(0.0, 2.0) == 2.0
    assert smoothed(1.0, 2.0) == pytest.approx(1.3)


def test_expected_delay_grows_with_the_pass_time():
    assert expected_delay(0.3) == pytest.approx(0.15 + 0.3 * (1 + 0.3 / 2))
    assert expected_delay(2.0) == pytest.approx(0.15 + 2.0 * (1 + (1 / 1.5) / 2))
    assert expected_delay(0.3) < expected_delay(1.0) < expected_delay(2.0)


def test_time_one_pass_and_warm_up_on_the_real_model(tiny_transcriber):
    assert tiny_transcriber.warm_up() > 0
    seconds = pacing.time_one_pass(tiny_transcriber, 5.0)
    assert 0 < seconds < 60
    # the pass timed is one that may become a final: the window finals use (or the full one, run again when unsure)
    from captioner.engine.live.transcriber import window_frames
    from captioner.engine.models.recognizer import FULL_WINDOW_FRAMES

    assert tiny_transcriber.recognizer.model.window_frames in (window_frames(5 * SAMPLE_RATE, tiny_transcriber.final_margin_s), FULL_WINDOW_FRAMES)


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
    assert tiny_transcriber.transcribe(quiet_noise(PASS_AUDIO_S)).text == ""  # quiet noise gives it none
    seconds = time_one_pass(tiny_transcriber)
    assert 0 < seconds < 60


def test_passes_are_cheap_on_an_accelerator_while_they_cost_little_and_the_engine_keeps_up():
    from captioner.engine.live.engine_config import EngineConfig
    from captioner.engine.live.job import Job
    from captioner.engine.models.recognizer import Transcript

    config = EngineConfig(accelerated=True)
    pace = pacing.Pace(config)
    assert pace.cheap and pace.interim_interval_s == config.fast_interim_s  # taken at its word until measured
    assert pace.first_interim_s == config.fast_first_interim_s
    final = Job(1, 1, True, 0, SAMPLE_RATE, audio=quiet_noise(1.0))
    pace.measure(final, Transcript("", (), config.cheap_pass_s * 2))
    assert not pace.cheap and pace.first_interim_s == config.first_interim_s
    assert not pacing.Pace(EngineConfig()).cheap  # on a CPU, never
    pace.follow(round(pacing.FAR_BEHIND_S * SAMPLE_RATE))
    assert pace.level == FINALS_ONLY and pace.degraded == degraded_message(FINALS_ONLY, pace.interim_interval_s)
    held = pacing.Pace(EngineConfig(adapt=False))
    held.follow(round(pacing.FAR_BEHIND_S * SAMPLE_RATE))
    assert held.level == NORMAL
