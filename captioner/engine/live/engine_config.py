"""The live engine's settings: the segmenter's, and when passes run and what they show."""

from __future__ import annotations

from dataclasses import dataclass

from captioner.engine.live.defaults import INTERIMS
from captioner.engine.live.revision import RevisionRule
from captioner.engine.live.segmenter import SegmenterConfig

__all__ = ["EngineConfig"]


@dataclass(frozen=True)
class EngineConfig:
    """How the live engine cuts speech and schedules its passes (`CaptionEngine`)."""

    segmenter: SegmenterConfig = SegmenterConfig()
    interims: bool = INTERIMS
    first_interim_s: float = 0.75  # speech before the first interim pass (shorter ones mostly come back empty); while
    # the passes come back empty, the next one after half of it (within the segment's first twice this)
    interim_interval_s: float = 1.0  # new audio before another interim pass
    pause_pass_ms: int = 150  # silence after which a pass that may become the final runs
    prompt_chars: int = 0  # previous final text given to the decoder as context (0: none)
    adapt: bool = True  # interim interval follows the pass time; interims thin out, then stop, when behind
    interim_worker: bool | None = None  # interim passes run beside the final passes, on an interim model's own worker
    # (`next_interim_job`); None: CaptionSession turns it on when its transcriber has an interim model, else off
    # (a meeting session runs every pass on one worker and leaves it off)
    revise: bool = True  # finals decoded again together, on the full window, once the speaker pauses (`revision`)
    revision: RevisionRule = RevisionRule()
    # Where passes are cheap: the recognizer runs on an accelerator (`accelerated`: a GPU, whose time is the captions'
    # own, not the user's programs'), and a pass that may become a final costs it at most `cheap_pass_s` (smoothed, as
    # the engine runs them): a quarter of the hang-over, so a pause pass comes back well before the segment would end
    # (benchmarks/README.md, "On a GPU"); a big model on a small GPU may not, and keeps a CPU's rules.
    accelerated: bool = False  # set by the session from the recognizer's device
    cheap_pass_s: float = 0.15
    fast_interim_s: float = 0.25  # ... interims every this much new audio (a CPU's: `interim_interval_s`)
    fast_first_interim_s: float = 0.25  # ... the first after this much speech (a CPU's: `first_interim_s`)
    early_finals: bool = True  # ... a pause pass whose words end a sentence is shown as the final at once (not with an
    # interim worker, whose drafts serve a big model on a CPU)
