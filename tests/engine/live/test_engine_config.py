"""The engine's settings for the task its passes decode: translated speech is cut at the length limit later."""

from __future__ import annotations

from dataclasses import replace

from captioner.engine.live.engine_config import TRANSLATED_SEGMENT_S, EngineConfig, for_task
from captioner.engine.live.segmenter import SegmentClosed, SegmenterConfig, SpeechGate
from captioner.engine.models.recognizer import TRANSCRIBE, TRANSLATE
from captioner.events import SAMPLE_RATE


def closed_segments(config: SegmenterConfig, seconds: float) -> list[SegmentClosed]:
    """The segments `config` closes over `seconds` of speech that never pauses, then its end."""
    gate = SpeechGate(config)
    events = []
    for _ in range(round(seconds * 1000 / config.frame_ms)):
        events += gate.push(True, 0.1)
    events += gate.flush()
    return [e for e in events if isinstance(e, SegmentClosed)]


def test_transcribing_keeps_the_config_as_it_is() -> None:
    config = EngineConfig()
    assert for_task(config, TRANSCRIBE) == config


def test_translating_cuts_speech_that_goes_on_only_past_the_translated_length() -> None:
    config = EngineConfig()
    assert config.segmenter.max_segment_s < TRANSLATED_SEGMENT_S
    translated = for_task(config, TRANSLATE)
    assert translated == replace(config, segmenter=replace(config.segmenter, max_segment_s=TRANSLATED_SEGMENT_S))

    speech_s = (config.segmenter.max_segment_s + TRANSLATED_SEGMENT_S) / 2  # longer than the one limit, shorter than the other
    transcribed = closed_segments(config.segmenter, speech_s)
    assert [c.reason for c in transcribed] == ["max_length", "flush"]
    assert [c.reason for c in closed_segments(translated.segmenter, speech_s)] == ["flush"]
    long_speech = closed_segments(translated.segmenter, TRANSLATED_SEGMENT_S + 3.0)
    assert long_speech[0].reason == "max_length"
    assert long_speech[0].end - long_speech[0].start <= TRANSLATED_SEGMENT_S * SAMPLE_RATE


def test_translating_keeps_a_longer_limit_given() -> None:
    config = EngineConfig(segmenter=SegmenterConfig(max_segment_s=TRANSLATED_SEGMENT_S + 2.0))
    assert for_task(config, TRANSLATE) == config
