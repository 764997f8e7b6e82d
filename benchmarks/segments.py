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
    """What the engine's segmenter does with this audio on its own, with no words to end segments by: silence
    alone. A live run's own segments (the words move where a pause ends one) are `from_events` of its replay."""
    from captioner.engine.live.segmenter import VadSegmenter

    seg = VadSegmenter(config.segmenter)
    events = []
    for i in range(0, len(audio), block):
        events += [(seg.gate.position, ev) for ev in seg.feed(audio[i : i + block])]
    events += [(seg.gate.position, ev) for ev in seg.flush()]
    return from_events(events)


def from_events(events) -> list[Seg]:
    """Segments from the segmenter's events, each with the audio position (samples) when it came: a segment dropped
    for too little speech ends where it was dropped."""
    from captioner.engine.live.segmenter import SegmentClosed, SegmentDropped, SegmentOpened

    opened, out = {}, []
    for position, ev in events:
        if isinstance(ev, SegmentOpened):
            opened[ev.id] = ev
        elif isinstance(ev, SegmentClosed):
            out.append(Seg(ev.id, ev.start / SR, ev.end / SR, ev.speech_end / SR, ev.reason))
        elif isinstance(ev, SegmentDropped):
            o = opened[ev.id]
            out.append(Seg(ev.id, o.start / SR, position / SR, position / SR, "dropped"))
    return out
