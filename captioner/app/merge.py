"""Merging the caption stream: finals replace the interims of the same id (no Qt here)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from captioner.channels import DEFAULT_LABELS, label_of
from captioner.events import SAMPLE_RATE, CaptionEvent, replaced_final

UpdateKind = Literal["final", "interim", "retract", "revise", "ignored"]


@dataclass(frozen=True)
class MergeUpdate:
    """What one event changed: a new final line, new interim text, a retracted interim, a final line
    revised (`index`: which of the finals), or nothing."""

    kind: UpdateKind
    event: CaptionEvent
    interim_text: str  # all interim text after the update, in segment order
    interims: tuple[CaptionEvent, ...] = ()  # the interims after the update, in segment order
    index: int = -1  # "revise": the place of the revised line among the finals


class CaptionMerger:
    """The captions of one session as the viewer should see them.

    - an interim event sets the growing text of its segment (id);
    - a final with text replaces that segment's interim and becomes a line;
    - a final with empty text retracts the segment's interim (it was not speech);
    - a revised final (`revision` > 0) replaces the final line of its id, in place;
    - anything else arriving for a segment that already has its final is ignored.
    """

    def __init__(self, labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
        self.labels = labels  # what each channel is called, by id
        self._finals: list[CaptionEvent] = []
        self._interims: dict[int, CaptionEvent] = {}
        self._done: set[int] = set()
        self.latest_end = 0  # audio clock (samples) of the newest caption seen

    def apply(self, event: CaptionEvent) -> MergeUpdate:
        self.latest_end = max(self.latest_end, event.end)
        if event.id in self._done:
            if event.final and event.revision and event.text.strip():
                return self._revise(event)
            return self._update("ignored", event)
        if event.final:
            self._done.add(event.id)
            had_interim = self._interims.pop(event.id, None) is not None
            if not event.text.strip():
                return self._update("retract" if had_interim else "ignored", event)
            self._finals.append(event)
            return self._update("final", event)
        if event.text.strip():
            self._interims[event.id] = event
        elif self._interims.pop(event.id, None) is None:
            return self._update("ignored", event)
        return self._update("interim", event)

    def _revise(self, event: CaptionEvent) -> MergeUpdate:
        at = replaced_final(self._finals, event)
        if at is None:
            return self._update("ignored", event)
        self._finals[at] = event
        return self._update("revise", event, at)

    def _update(self, kind: UpdateKind, event: CaptionEvent, index: int = -1) -> MergeUpdate:
        return MergeUpdate(kind, event, self.interim_text, tuple(self.interims), index)

    @property
    def finals(self) -> list[CaptionEvent]:
        return list(self._finals)

    @property
    def interims(self) -> list[CaptionEvent]:
        return [self._interims[k] for k in sorted(self._interims)]

    @property
    def interim_text(self) -> str:
        """The interims' text in segment order; each channel's label leads its part ("Others: …")."""
        return labelled_text(self.interims, labels=self.labels)

    @property
    def latest_end_s(self) -> float:
        return self.latest_end / SAMPLE_RATE


def labelled_text(events, *, labels: Mapping[str, str] = DEFAULT_LABELS, after: str | tuple[str, str] = "", turn_break: str = "",
                  preceded: bool = False) -> str:
    """The events' text joined by spaces, each change of channel or speaker led by its label in `labels` ("Others: …").

    `after`: who said the text shown before these events, a channel id or (channel, speaker) ids (no label when the first goes on
    from them); `turn_break` goes before a label that follows other text (`preceded`: there is text before these).
    """
    parts, who = [], (after if isinstance(after, tuple) else (after, ""))
    for e in events:
        text = " ".join(e.text.split())
        if (e.channel or e.speaker) and (e.channel, e.speaker) != who:
            text = (turn_break if parts or preceded else "") + f"{label_of(e.channel, labels, e.speaker)}: {text}"
        who = (e.channel, e.speaker)
        parts.append(text)
    return " ".join(parts)


def caption_delay_s(lag_s: float, audio_s: float, latest_caption_end_s: float) -> float:
    """How far the captions on screen trail the live audio.

    The engine's `lag_s` counts the whole open segment (a 12 s sentence reads 12 s
    even when every interim is on time); what shows the machine cannot keep up is
    the age of the newest caption. The smaller of the two is the honest figure:
    in silence and right after speech starts `lag_s` is small, while somebody talks
    `audio_s - latest_caption_end_s` is the time the newest interim took to arrive.
    """
    return max(0.0, min(lag_s, audio_s - latest_caption_end_s))
