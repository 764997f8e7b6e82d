"""Output devices whose sound can be captured, and the words for when none can: shared by the app's side
(loopback.py) and the capture child's (soundcard_capture.py), and importing neither."""

from __future__ import annotations

import sys
from dataclasses import dataclass

# virtual devices that carry an output on macOS, by the words in their names
MAC_VIRTUAL_OUTPUTS = ("blackhole", "soundflower", "loopback audio")
MAC_ADVICE = (
    "macOS cannot record what the computer plays by itself. Install the free virtual device "
    "BlackHole (https://existential.audio/blackhole/), then in Audio MIDI Setup create a "
    "Multi-Output Device of your speakers and BlackHole and choose it as the sound output; "
    "captioner then records BlackHole."
)


@dataclass(frozen=True)
class OutputDevice:
    """A playback device whose sound can be captured."""

    id: str  # what `--system-audio` takes
    name: str  # for people
    is_default: bool = False


def no_backend_message() -> str:
    if sys.platform.startswith("linux"):
        return "Recording what the computer plays needs PulseAudio or PipeWire (with pipewire-pulse) running, and libpulse installed."
    if sys.platform == "darwin":
        return MAC_ADVICE
    return "The sound system cannot be reached to record what the computer plays."


def is_mac_virtual_output(name: str) -> bool:
    return any(word in name.lower() for word in MAC_VIRTUAL_OUTPUTS)


def no_outputs_message() -> str:
    """What to tell when no output can be captured (on macOS: which virtual device to install)."""
    if sys.platform == "darwin":
        return MAC_ADVICE
    return "No output device whose sound can be recorded was found. Check that the sound system runs and an output device is present."


def output_lost_message(name: str) -> str:
    """What to tell when the output being recorded went away (unplugged, removed)."""
    return f"The output {name!r} is gone, so what the computer plays is no longer captioned."


def match_output(devices: list[OutputDevice], output: str | None) -> OutputDevice:
    """The one of `devices` that `output` names (id, or part of a name or id); the default for None/""."""
    from captioner.audio.sources import AudioSourceError

    if not output:
        return next((d for d in devices if d.is_default), devices[0])
    for d in devices:
        if d.id == output:
            return d
    matches = [d for d in devices if output.lower() in d.name.lower() or output.lower() in d.id.lower()]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise AudioSourceError(f"No output device matches {output!r}; run `captioner devices` to list the outputs.")
    names = ", ".join(f"{d.id} ({d.name})" for d in matches)
    raise AudioSourceError(f"{output!r} matches several outputs: {names}. Give one of the ids.")
