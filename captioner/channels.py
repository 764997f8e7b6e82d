"""The inputs a session can hear at once, and the labels their captions carry.

A channel is known by a stable id, what it hears: MICROPHONE or SYSTEM. Captions carry the id
(`CaptionEvent.channel`, "" with one input); the words people see beside them ("You", "Others")
are data kept apart, a mapping from id to label that the files, the terminal and the window look
up. Renaming a label changes that mapping, never which channel a caption is from. Speakers told apart
by voice (`CaptionEvent.speaker`) are ids in the same mapping; a caption with one is labelled by it.
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


def label_of(channel: str, labels: Mapping[str, str] = DEFAULT_LABELS, speaker: str = "") -> str:
    """The words shown for who said a caption: the speaker's label when the caption has one (`speaker`, an id such as
    "speaker-2": its name in `labels`, else "Speaker 2"), else the channel's (`channel`, an id: its label in `labels`,
    the id itself when it has none there, "" for no channel, a session of one input)."""
    if speaker:
        return labels.get(speaker) or speaker_label(speaker)
    return labels.get(channel, channel) if channel else ""


def speaker_label(speaker: str) -> str:
    """The label a speaker found by voice has until the user names them: "speaker-2" → "Speaker 2"."""
    kind, _, n = speaker.rpartition("-")
    return f"{kind.capitalize()} {n}" if kind and n.isdigit() else speaker
