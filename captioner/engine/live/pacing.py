"""How often interim passes run, and how the engine steps down when it falls behind.

Pure rules, `Pace` (the engine's running state of them), plus helpers for the app (last paragraph).

- An interim pass runs at most every `interim_interval(base, pass_s)` seconds
  of new audio: never more often than the configured interval, and never more
  often than 1.5 × the measured pass time, so interims leave the transcriber
  free for a final at least a third of the time.
- When final captions trail the live audio by `BEHIND_S` or more, interims run
  every `SPARSE_INTERVAL_S` at most; at `FAR_BEHIND_S` there are none (finals
  only). The engine steps back up once the lag is under half the threshold
  that took it down. Finals are never skipped.

The app's helpers: `time_one_pass` times one real pass over speech (the clip
`pace_speech.flac` beside this module, espeak-ng reading two sentences, 16 kHz
mono: on quiet noise the decoder writes almost nothing and a pass looks
cheaper than on speech), `expected_delay` turns it into the delay of a final
behind the end of speech, and `falls_behind` says when a model cannot keep up
at all: a pass takes longer than the audio it covers, so even finals alone
trail further and further behind continuous speech.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from captioner.events import SAMPLE_RATE

if TYPE_CHECKING:
    from captioner.engine.live.engine_config import EngineConfig
    from captioner.engine.live.job import Job
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.models.recognizer import Transcript

PASS_SHARE = 1.5  # interim interval ≥ this × the measured pass time
BEHIND_S = 3.0  # lag at which interims thin out
FAR_BEHIND_S = 6.0  # lag at which interims stop
SPARSE_INTERVAL_S = 3.0  # interim interval while behind
STEP_BACK_SHARE = 0.5  # the engine steps back up once the lag is under this share of the threshold that took it down

NORMAL, SPARSE, FINALS_ONLY = 0, 1, 2

PASS_AUDIO_S = 5.0  # audio in the timing pass: about one typical segment
SPEECH_CLIP = Path(__file__).with_name("pace_speech.flac")


def interim_interval(base_s: float, pass_s: float, level: int = NORMAL) -> float:
    """Seconds of new audio before the next interim pass."""
    interval = max(base_s, PASS_SHARE * pass_s)
    if level >= SPARSE:
        interval = max(interval, SPARSE_INTERVAL_S)
    return interval


def next_level(level: int, lag_s: float) -> int:
    """The degrade level after seeing `lag_s` of lag (stepping back only below half the threshold)."""
    up = FINALS_ONLY if lag_s >= FAR_BEHIND_S else SPARSE if lag_s >= BEHIND_S else NORMAL
    if up >= level:
        return up
    threshold = FAR_BEHIND_S if level == FINALS_ONLY else BEHIND_S
    if lag_s >= threshold * STEP_BACK_SHARE:
        return level
    return next_level(level - 1, lag_s)


def degraded_message(level: int, interval_s: float) -> str:
    """Plain words for the status line; empty when the engine keeps up."""
    if level == FINALS_ONLY:
        return "Behind: final text only"
    if level == SPARSE:
        return f"Behind: interim text every {interval_s:.0f} s"
    return ""


def smoothed(previous_s: float, measured_s: float, weight: float = 0.3) -> float:
    """Running estimate of the pass time (exponential average; the first measure is taken as is)."""
    if previous_s <= 0:
        return measured_s
    return (1 - weight) * previous_s + weight * measured_s


def expected_delay(pass_seconds: float, *, pause_s: float = 0.15, base_interval_s: float = 1.0) -> float:
    """Expected time from the end of speech to its final caption, given one pass costs `pass_seconds`.

    The pass that becomes the final starts once speech has paused `pause_s`; on average it first
    waits for half of an interim pass, which is running that share of the time.
    """
    busy = min(1.0, pass_seconds / interim_interval(base_interval_s, pass_seconds))
    return pause_s + pass_seconds * (1 + busy / 2)


class Pace:
    """How far behind the engine is (`level`), what its passes cost, and the interims' timing that follows.

    Where passes are cheap (`cheap`: on an accelerator, the passes that may become finals cost at most
    `cheap_pass_s`, as measured so far, and the engine keeps up), interims run every `fast_interim_s` of new
    audio, the first after `fast_first_interim_s` of speech.
    """

    def __init__(self, config: EngineConfig) -> None:
        self.config = config
        self.level = NORMAL
        self._pass_s = 0.0  # smoothed compute time of an interim pass
        self._checked_s = 0.0  # ... of a pass that may become a final (final model)

    def follow(self, lag: int) -> None:
        """Step down or back up for `lag` samples of live audio whose finals are not out yet (with `adapt`)."""
        if self.config.adapt:
            self.level = next_level(self.level, lag / SAMPLE_RATE)

    def measure(self, job: Job, result: Transcript) -> None:
        """Count a finished pass's compute time: an interim's, or a final model's pass that may become a final."""
        if not (job.final or job.pause):
            self._pass_s = smoothed(self._pass_s, result.compute_s)
        elif not result.draft:
            self._checked_s = smoothed(self._checked_s, result.compute_s)

    @property
    def pass_s(self) -> float:
        """An interim pass's compute time, as measured so far (smoothed; 0 before any)."""
        return self._pass_s

    @property
    def cheap(self) -> bool:
        """Whether passes are cheap here: on an accelerator (`accelerated`) the passes that may become finals, as measured
        so far (the interims' before any), cost at most `cheap_pass_s`, and the engine keeps up."""
        measured = self._checked_s or self._pass_s  # 0 before any pass: an accelerator is taken at its word until measured
        return self.config.accelerated and measured <= self.config.cheap_pass_s and self.level == NORMAL

    @property
    def interim_interval_s(self) -> float:
        """Seconds of new audio before the next interim pass, as the pacing rules stand now."""
        cfg = self.config
        base = min(cfg.interim_interval_s, cfg.fast_interim_s) if self.cheap else cfg.interim_interval_s
        if not cfg.adapt:
            return base
        return interim_interval(base, self._pass_s, self.level)

    @property
    def first_interim_s(self) -> float:
        """Speech before a segment's first interim pass, as the passes' cost stands now."""
        if self.cheap:
            return min(self.config.first_interim_s, self.config.fast_first_interim_s)
        return self.config.first_interim_s

    @property
    def degraded(self) -> str:
        """Plain words on how the engine is stepping down to keep up; "" when it keeps up."""
        return degraded_message(self.level, self.interim_interval_s)


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


def time_one_pass(transcriber: Transcriber, seconds: float = PASS_AUDIO_S) -> float:
    """Seconds of compute for one pass of `transcriber` over `seconds` of speech: a pass that may
    become a final (its window and beam), since finals are what trail speech.

    Safe from a background thread: the transcriber runs one pass at a time, so a session
    starting meanwhile waits for this pass instead of running beside it. Call it after
    `warm_up()`, or the figure includes first-use costs.
    """
    return float(transcriber.transcribe(pace_audio(seconds), checked=True).compute_s)


def falls_behind(pass_seconds: float, audio_seconds: float = PASS_AUDIO_S) -> bool:
    """Whether a model whose pass over `audio_seconds` of speech takes `pass_seconds` cannot keep
    up with continuous speech (a pass takes longer than the audio it covers)."""
    return pass_seconds > audio_seconds
