"""The inputs a session can hear at once, and the labels their captions carry.

A channel is known by a stable id, what it hears: MICROPHONE or SYSTEM. Captions carry the id
(`CaptionEvent.channel`, "" with one input); the words people see beside them ("You", "Others")
are data kept apart, a mapping from id to label that the files, the terminal and the window look
up. Renaming a label changes that mapping, never which channel a caption is from.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

MICROPHONE = "microphone"  # what the user says
SYSTEM = "system"  # what the computer plays: the other people on a call
DEFAULT_LABELS: Mapping[str, str] = MappingProxyType({MICROPHONE: "You", SYSTEM: "Others"})

# what a session listens to
MODE_MICROPHONE = "microphone"
MODE_SYSTEM = "system"
MODE_BOTH = "both"
MODES = (MODE_MICROPHONE, MODE_SYSTEM, MODE_BOTH)


def label_of(channel: str, labels: Mapping[str, str] = DEFAULT_LABELS) -> str:
    """The words shown for the channel `channel` (an id): its label in `labels`, the id itself when it has
    none there, "" for no channel (a session of one input)."""
    return labels.get(channel, channel) if channel else ""
