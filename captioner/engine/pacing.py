"""Will a model keep up on this machine? Time one real pass, and the rules read from it.

A live final appears about one pass after the speaker stops: the engine runs a
pass `pause_pass_ms` into a pause, and that pass becomes the final when the
pause ends the segment. So one pass over a typical segment (5 s of speech)
tells the caption delay to expect. A model falls behind when a pass takes
longer than the audio it covers: then finals alone cannot keep up with
continuous speech, and the lag grows however the engine schedules.

The timing pass runs on real speech shipped beside this module
(`pace_speech.flac`, espeak-ng reading two sentences, 16 kHz mono), so the
decoder emits a realistic number of tokens; silence would time only the encoder.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

from captioner.engine.pipeline import EngineConfig
from captioner.events import SAMPLE_RATE

PASS_AUDIO_S = 5.0  # audio in the timing pass: about one typical segment
SPEECH_CLIP = Path(__file__).with_name("pace_speech.flac")


@lru_cache(maxsize=1)
def _speech() -> np.ndarray:
    from faster_whisper.audio import decode_audio

    return decode_audio(str(SPEECH_CLIP), sampling_rate=SAMPLE_RATE)


def pace_audio(seconds: float = PASS_AUDIO_S) -> np.ndarray:
    """`seconds` of speech (the shipped clip, repeated when more is asked for)."""
    speech = _speech()
    n = int(round(seconds * SAMPLE_RATE))
    reps = -(-n // len(speech))
    return np.tile(speech, reps)[:n].astype(np.float32)


def time_one_pass(transcriber, seconds: float = PASS_AUDIO_S) -> float:
    """Seconds of compute for one pass of `transcriber` over `seconds` of speech.

    Safe from a background thread: the transcriber runs one pass at a time, so a session
    starting meanwhile waits for this pass instead of running beside it. Call it after
    `warm_up()`, or the figure includes first-use costs.
    """
    return float(transcriber.transcribe(pace_audio(seconds)).compute_s)


def expected_delay(pass_seconds: float, config: EngineConfig = EngineConfig()) -> float:
    """Expected delay of a final caption behind the end of speech: the pause that starts the
    final pass, then the pass."""
    return config.pause_pass_ms / 1000 + pass_seconds


def falls_behind(pass_seconds: float, audio_seconds: float = PASS_AUDIO_S) -> bool:
    """Whether a model whose pass over `audio_seconds` of speech takes `pass_seconds` cannot keep
    up with continuous speech (a pass takes longer than the audio it covers)."""
    return pass_seconds > audio_seconds
