"""System audio, and the microphone through the sound server: captured as sources out of the app's process.

Recording goes through `soundcard` (soundcard_capture.py), which does what
PortAudio cannot here: on Linux it records a PulseAudio/PipeWire source *by
name*, one stream per source (PortAudio reaches PulseAudio only through the
ALSA "pulse" device, routed by the process-wide PULSE_SOURCE, so it cannot
record the microphone and an output's monitor at once); on Windows it records
WASAPI loopback. macOS has no loopback: a virtual device such as BlackHole must
carry the output, and it is recorded like an input.

libpulse under soundcard aborts its process when the sound server goes away,
so every use of it (listing outputs, recording) runs in a capture child
(capture_child.py, child_source.py): the app survives, says so, and records
again once the server is back. On Linux the microphone, when the sound server
carries it, is recorded the same way, in either mode (`microphone_source`).

An output given as None follows the system's default output: when the default
changes mid-session (headphones plugged in) the capture moves to the new one.
"""

from __future__ import annotations

import json
import logging
import sys

from captioner.audio.child_source import ChildSource
from captioner.audio.outputs import (
    OutputDevice,
    match_output,
    no_backend_message,
    no_outputs_message,
    output_lost_message,
)

log = logging.getLogger(__name__)


def list_output_devices() -> list[OutputDevice]:
    """Outputs whose sound can be captured, the default marked; [] when none; AudioSourceError without a sound server.

    On Linux pactl lists the sinks (cheap enough to poll); elsewhere, or without pactl, a capture child asks soundcard.
    """
    from captioner.audio import capture_child as child
    from captioner.audio.child_source import run_once, server_gone
    from captioner.audio.devices import pactl_list
    from captioner.audio.sources import AudioSourceError

    listed = pactl_list("sink")
    if listed is not None:
        sinks, default = listed
        return [OutputDevice(d["name"], d.get("description") or d["name"], d["name"] == default) for d in sinks]
    code, frames = run_once("list")
    for kind, payload in frames:
        if kind == child.LISTING:
            return [OutputDevice(**d) for d in json.loads(payload)]
    if server_gone(code):
        raise AudioSourceError(no_backend_message())
    log.info("listing outputs failed (%s): %s", code, frames)
    return []


def default_output_id() -> str | None:
    """The id of the output a session that follows the default records now, or None."""
    return next((d.id for d in list_output_devices() if d.is_default), None)


def resolve_output(output: str | None) -> OutputDevice:
    """An output by id, by (part of) its name, or the default for None/"" — with a plain-words error."""
    from captioner.audio.sources import AudioSourceError

    devices = list_output_devices()
    if not devices:
        raise AudioSourceError(no_outputs_message())
    return match_output(devices, output)


class SystemAudioSource(ChildSource):
    """Records what an output plays (None: the default output, followed when it changes), in a capture child."""

    def __init__(self, output: str | None = None, *, follow_interval_s: float = 1.0, **kw) -> None:
        super().__init__("output", output or "", str(follow_interval_s), description="system audio", no_server=no_backend_message(), **kw)

    @property
    def device(self) -> OutputDevice | None:
        """The output recorded now."""
        return OutputDevice(**self.opened[-1]) if self.opened else None

    def gone_message(self, error: str) -> str:
        return output_lost_message(self.description)

    @property
    def moves(self) -> list[str]:
        """The outputs moved to after the first, while following the default output."""
        return [d["name"] for d in self.opened[1:]]


class PulseInputSource(ChildSource):
    """A PulseAudio/PipeWire source (a microphone) recorded by name in a capture child.

    Unlike PortAudio's "pulse" device, routed by the process-wide PULSE_SOURCE,
    each of these is a stream of its own, so it can run beside system audio.
    It never records another source: while it is gone it waits for it.
    """

    def __init__(self, source: str, **kw) -> None:
        no_server = f"The input {source!r} is a PulseAudio/PipeWire source, and no sound server answers: start PulseAudio or PipeWire (with pipewire-pulse), or choose another input."
        super().__init__("source", source, description=source, no_server=no_server, **kw)


def meeting_microphone(device: str | None, output: str | None = None):
    """The microphone's source for a session that also records system audio from `output`: `microphone_source`'s,
    but the default source only when it is a microphone, not an output's monitor, and never the source system audio
    records (AudioSourceError)."""
    from captioner.audio.devices import PULSE_PREFIX, default_pulse_microphone
    from captioner.audio.sources import AudioSourceError

    if sys.platform.startswith("linux"):
        if device and device.startswith(PULSE_PREFIX):
            name = device[len(PULSE_PREFIX) :]
            if name.endswith(".monitor") and name == f"{output or default_output_id()}.monitor":
                raise AudioSourceError(f"{name!r} is what system audio records already; choose a microphone as the input.")
        elif not device:
            default = default_pulse_microphone()
            if default is not None and default.is_monitor:
                raise AudioSourceError(
                    f"The default input, {default.name!r}, records what an output plays, not a microphone. "
                    "Connect a microphone, or choose one as the input."
                )
    return microphone_source(device)


def microphone_source(device: str | None, *, stall_s: float = 3.0):
    """The microphone's source, alone or in a meeting, for a session and for the idle level meter.

    On Linux a PulseAudio/PipeWire source ("pulse:NAME", or the default source when none is given) is recorded by a
    capture child (PulseInputSource), never by PortAudio in this process: PortAudio reaches the sound server only
    through ALSA's "pulse" device, and when the server goes away mid-stream the ALSA host API of PortAudio 19.6 and
    19.7 can loop for ever in its error handling (upstream issue #1037): a core busy, thousands of lines a second on
    stderr, a stream that never closes, so the microphone never comes back. A child that does so is ended with its
    process. PortAudio's own devices, and every device off Linux, are recorded through PortAudio (MicrophoneSource;
    `stall_s`: how long without audio it takes the device to be gone)."""
    from captioner.audio.devices import PULSE_PREFIX, default_pulse_microphone
    from captioner.audio.microphone import MicrophoneSource

    if sys.platform.startswith("linux"):
        if device and device.startswith(PULSE_PREFIX):
            return PulseInputSource(device[len(PULSE_PREFIX) :])
        if not device:
            default = default_pulse_microphone()
            if default is not None:
                return PulseInputSource(default.id[len(PULSE_PREFIX) :])
    return MicrophoneSource(device, stall_s=stall_s)
