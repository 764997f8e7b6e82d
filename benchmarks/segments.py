"""What the engine's segmenter makes of a file: its speech segments, on the file's clock (s)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from captioner.events import SAMPLE_RATE as SR


@dataclass
class Seg:
    id: int
    start: float
    end: float
    speech_end: float
    reason: str  # silence, max_length, flush, dropped


def segments(audio: np.ndarray, config, block: int) -> list[Seg]:
    """What the engine's segmenter does with this audio (it is deterministic and sees nothing else)."""
    from captioner.engine.segmenter import SegmentClosed, SegmentDropped, SegmentOpened, VadSegmenter

    seg = VadSegmenter(config.segmenter)
    opened, out = {}, []

    def take(events):
        for ev in events:
            if isinstance(ev, SegmentOpened):
                opened[ev.id] = ev
            elif isinstance(ev, SegmentClosed):
                out.append(Seg(ev.id, ev.start / SR, ev.end / SR, ev.speech_end / SR, ev.reason))
            elif isinstance(ev, SegmentDropped):
                o = opened[ev.id]
                out.append(Seg(ev.id, o.start / SR, seg.gate.position / SR, seg.gate.position / SR, "dropped"))

    for i in range(0, len(audio), block):
        take(seg.feed(audio[i : i + block]))
    take(seg.flush())
    return out
