"""How often interim passes run, and how the engine steps down when it falls behind.

Pure rules, plus two helpers for the app: `time_one_pass` measures what one
interim-sized pass costs on this machine, and `expected_delay` turns that into
the delay between the end of speech and its final caption that the rules lead
to.

- An interim pass runs at most every `interim_interval(base, pass_s)` seconds
  of new audio: never more often than the configured interval, and never more
  often than 1.5 × the measured pass time, so interims leave the transcriber
  free for a final at least a third of the time.
- When final captions trail the live audio by `BEHIND_S` or more, interims run
  every `SPARSE_INTERVAL_S` at most; at `FAR_BEHIND_S` there are none (finals
  only). The engine steps back up once the lag is under half the threshold
  that took it down. Finals are never skipped.
"""

from __future__ import annotations

import numpy as np

from captioner.events import SAMPLE_RATE

PASS_SHARE = 1.5  # interim interval ≥ this × the measured pass time
BEHIND_S = 3.0  # lag at which interims thin out
FAR_BEHIND_S = 6.0  # lag at which interims stop
SPARSE_INTERVAL_S = 3.0  # interim interval while behind

NORMAL, SPARSE, FINALS_ONLY = 0, 1, 2


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
    if lag_s >= threshold / 2:
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


def test_clip(seconds: float, seed: int = 0) -> np.ndarray:
    """Quiet noise: what a warm-up or a timing pass transcribes."""
    rng = np.random.default_rng(seed)
    return (0.01 * rng.standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32)


def time_one_pass(transcriber, seconds: float = 5.0) -> float:
    """Seconds of compute for one interim-sized pass over `seconds` of audio on this transcriber."""
    return transcriber.transcribe_interim(test_clip(seconds)).compute_s
