"""The caption overlay's text: the latest finals, each labelled with who speaks when that changes, and the interim."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from captioner.app.merge import MergeUpdate, labelled_text
from captioner.channels import DEFAULT_LABELS
from captioner.events import CaptionEvent

__all__ = ["RECENT_FINALS", "TURN_BREAK", "CaptionText"]

RECENT_FINALS = 12  # finals kept for layout (more than 5 lines' worth)
TURN_BREAK = "\n"  # a new speaker starts a line of their own


class CaptionText:
    """What the overlay shows, as text: `final_text` (the recent finals) and `interim` (what follows them)."""

    def __init__(self) -> None:
        self._finals: deque[str] = deque(maxlen=RECENT_FINALS)
        self._events: deque[CaptionEvent] = deque(maxlen=RECENT_FINALS)  # what `_finals` says, to say it again renamed
        self._last_channel: tuple[str, str] = ("", "")  # who said the newest final shown: (channel, speaker) ids
        self._labels: Mapping[str, str] = DEFAULT_LABELS  # what each channel is called, by id
        self.interim = ""

    @property
    def final_text(self) -> str:
        return " ".join(self._finals)

    def apply(self, update: MergeUpdate) -> bool:
        """Take in `update`; False when the text shown does not change for it (a revise: a line read a while ago does
        not change under the reader)."""
        if update.kind == "revise":
            return False
        # who speaks, when it changes, starting a line of their own
        if update.kind == "final":
            self._finals.append(labelled_text([update.event], labels=self._labels, after=self._last_channel, turn_break=TURN_BREAK,
                                              preceded=bool(self._finals)))
            self._events.append(update.event)
            self._last_channel = (update.event.channel, update.event.speaker)
        self.interim = labelled_text(update.interims, labels=self._labels, after=self._last_channel, turn_break=TURN_BREAK,
                                     preceded=bool(self._finals))
        return True

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """What each channel and speaker is called, by id: from now on, and in the finals kept."""
        self._labels = labels
        who: tuple[str, str] = ("", "")
        self._finals.clear()
        for event in self._events:
            self._finals.append(labelled_text([event], labels=labels, after=who, turn_break=TURN_BREAK, preceded=bool(self._finals)))
            who = (event.channel, event.speaker)

    def clear(self) -> None:
        self._last_channel = ("", "")
        self._finals.clear()
        self._events.clear()
        self.interim = ""
