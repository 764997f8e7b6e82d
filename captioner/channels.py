"""The inputs a session can hear at once, and the labels their captions carry."""

from __future__ import annotations

MICROPHONE = "microphone"  # what the user says
SYSTEM = "system"  # what the computer plays: the other people on a call
DEFAULT_LABELS = {MICROPHONE: "You", SYSTEM: "Others"}

# what a session listens to
MODE_MICROPHONE = "microphone"
MODE_SYSTEM = "system"
MODE_BOTH = "both"
MODES = (MODE_MICROPHONE, MODE_SYSTEM, MODE_BOTH)
