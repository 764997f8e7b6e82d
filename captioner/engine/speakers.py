"""Speaker labels on finals: each final's voice embedded and given a speaker (`voices`), on the engine's audio.

One `SpeakerTagger` per stream of audio (a single input, or a meeting's system channel; the
microphone is "You" already). A final gets the speaker its voice joins (`OnlineSpeakers`); a
revised final keeps its id's speaker; when two speakers turn out to be one, the finals already out
with the folded speaker come again as revisions carrying the surviving one, so every view and file
follows. The embedding runs where the final is made (the engine thread): 3–5 % of a tiny.en final's
transcription (`benchmarks/speakers.py`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np

from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.voices import ClusterRule, OnlineSpeakers, VoiceEncoder

__all__ = ["SpeakerTagger"]


class SpeakerTagger:
    def __init__(self, encoder: VoiceEncoder, rule: ClusterRule | None = None) -> None:
        self.encoder = encoder
        self.speakers = OnlineSpeakers(rule or ClusterRule())
        self._latest: dict[int, CaptionEvent] = {}  # each final out, as last sent, by id
        self.embed_s = 0.0  # time spent embedding voices (perf counter), for benchmarks

    def tag(self, events: list[CaptionEvent], audio_of: Callable[[int, int], np.ndarray]) -> list[CaptionEvent]:
        """`events` with a speaker on each final (from `audio_of(start, end)`, the final's speech on the audio
        clock), followed by the revisions that relabel earlier finals when speakers were merged."""
        out: list[CaptionEvent] = []
        for event in events:
            if not event.final or not event.text:
                out.append(event)
                continue
            if event.revision and event.id in self._latest:
                event = replace(event, speaker=self._latest[event.id].speaker,
                                revision=max(event.revision, self._latest[event.id].revision + 1))
                self._latest[event.id] = event
                out.append(event)
                continue
            t0 = time.perf_counter()
            embedding = self.encoder.embed(audio_of(event.start, event.end))
            self.embed_s += time.perf_counter() - t0
            got = self.speakers.assign(embedding, (event.end - event.start) / SAMPLE_RATE)
            event = replace(event, speaker=got.speaker)
            self._latest[event.id] = event
            out.append(event)
            out.extend(self._relabel(got.merged))
        return out

    def _relabel(self, merged: dict[str, str]) -> list[CaptionEvent]:
        out = []
        for final_id, shown in list(self._latest.items()):
            if shown.speaker in merged:
                again = replace(shown, speaker=merged[shown.speaker], revision=shown.revision + 1)
                self._latest[final_id] = again
                out.append(again)
        return out
