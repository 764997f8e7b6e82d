"""What a live session listens to, as the terminal and the desktop app both choose it, free of Qt.

The listening mode (`listening_mode`: the microphone, system audio, or both as a meeting), the microphone chosen
(`microphone_choice`), what each side is called (`channel_labels`), the meeting's channels (`meeting_inputs`), a check
that the chosen inputs are there before a model loads (`check_inputs`), and the one source of a session that is no
meeting (`live_source`: a file, or the microphone).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from captioner.channels import DEFAULT_LABELS, MICROPHONE, MODE_BOTH, MODE_MICROPHONE, MODE_SYSTEM, SYSTEM

__all__ = ["DEFAULT_DEVICE", "channel_labels", "check_inputs", "listening_mode", "live_source", "meeting_inputs", "microphone_choice"]

DEFAULT_DEVICE = "default"  # a device choice that names the system's default input


def microphone_choice(device: str | None) -> str | None:
    """The microphone `device` names; None for the system's default (no device, or DEFAULT_DEVICE)."""
    return None if device in (None, DEFAULT_DEVICE) else device


def listening_mode(output: str | None, device: str | None) -> str:
    """The mode of a session that records `output` (None: no system audio; "": the default output) with `device`
    named or not: the microphone alone, system audio alone, or both when a device is named beside system audio."""
    if output is None:
        return MODE_MICROPHONE
    return MODE_BOTH if device else MODE_SYSTEM


def channel_labels(microphone: str = DEFAULT_LABELS[MICROPHONE], system: str = DEFAULT_LABELS[SYSTEM]) -> dict[str, str]:
    """What each side of a meeting is called, by channel id, without the spaces around them."""
    return {MICROPHONE: microphone.strip(), SYSTEM: system.strip()}


def meeting_inputs(mode: str, device: str | None, output: str | None, *, labels: Mapping[str, str] = DEFAULT_LABELS) -> list:
    """The channels of a session in `mode`: the microphone `device` (MODE_BOTH; None: the default input) and the
    output `output` (None: the default, followed when it changes), called `labels`; [] for the microphone alone.
    Raises ValueError for labels that cannot tell the sides apart, AudioSourceError for a microphone that cannot be
    one (`engine.live.meeting.meeting_channels`)."""
    if mode == MODE_MICROPHONE:
        return []
    from captioner.engine.live.meeting import meeting_channels

    return meeting_channels(mode, microphone_choice(device), output or None, labels=labels)


def check_inputs(mode: str, device: str | None, output: str | None) -> None:
    """Check, before the model loads (which takes seconds), that what a session in `mode` would listen to is there: the
    microphone `device` (not for system audio alone) and the output `output` to record (with system audio). Raises
    AudioDeviceError or AudioSourceError with what the session would have said. (A device that goes later, or a sound
    server that restarts, is the session's business: it waits for it.)"""
    from captioner.audio.devices import resolve_device

    if mode != MODE_MICROPHONE:
        from captioner.audio.loopback import list_output_devices
        from captioner.audio.outputs import match_output, no_outputs_message
        from captioner.audio.sources import AudioSourceError

        outputs = list_output_devices()
        if not outputs:
            raise AudioSourceError(no_outputs_message())
        match_output(outputs, output or None)
    if mode != MODE_SYSTEM:
        resolve_device(microphone_choice(device))


def live_source(path: str | Path | None, *, realtime: bool = False, device: str | None = None):
    """The source of a session that is no meeting: the audio file `path` (at its own pace with `realtime`), else the
    microphone `device` (None: the default input)."""
    if path:
        from captioner.audio.sources import FileSource

        return FileSource(path, realtime=realtime)
    from captioner.audio.loopback import microphone_source

    return microphone_source(device)
