"""Which audio inputs exist, and how to open one by its id.

On Linux, PortAudio reaches PulseAudio/PipeWire only as one ALSA device,
"pulse", that records the default source. So the list also names every
PulseAudio source (microphones and the monitors of outputs, i.e. what the
computer plays) as ``pulse:<source name>``; opening one sets PULSE_SOURCE
before the stream opens, which routes that source through the "pulse" device.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass

import sounddevice as sd

from captioner.errors import CaptionerError
from captioner.events import ProblemOver

PULSE_PREFIX = "pulse:"
SERVER_DEVICES = ("pulse", "pipewire", "default")  # PortAudio's ALSA devices that reach the sound server
SERVER_GONE = "The sound server stopped; captions resume when it is back."
# PortAudio is started again by `rescan` while other threads may list devices: one at a time
PORTAUDIO_LOCK = threading.RLock()


def server_back(description: str) -> ProblemOver:
    return ProblemOver(f"The sound server is back; {description} is captioned again.")


class AudioDeviceError(RuntimeError, CaptionerError):
    """An input device cannot be found or opened; str() says what to do."""


@dataclass(frozen=True)
class InputDevice:
    """An audio input the system offers: a microphone, or an output's monitor that records what it plays."""

    id: str  # what `--device` takes
    name: str  # for people
    default_rate: float
    is_default: bool = False
    is_monitor: bool = False  # records what an output plays


def rescan() -> None:
    """Make PortAudio enumerate devices again (it lists them once, when it starts).

    Devices plugged in, or a sound server started, after that are unseen until a rescan.
    It closes every open PortAudio stream, so call it only while none is open.
    """
    try:
        with PORTAUDIO_LOCK:
            sd._terminate()
            sd._initialize()
    except Exception as exc:
        raise AudioDeviceError(f"The audio system is not available: {exc}") from exc


def sound_server_running() -> bool:
    """Whether a PulseAudio/PipeWire server answers (`pactl info`, in a process of its own); False off Linux
    or without pactl."""
    if not sys.platform.startswith("linux") or shutil.which("pactl") is None:
        return False
    try:
        return subprocess.run(["pactl", "info"], capture_output=True, timeout=5).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def list_input_devices() -> list[InputDevice]:
    """PulseAudio sources (Linux) first, then PortAudio's own input devices."""
    devices = _pulse_sources()
    try:
        with PORTAUDIO_LOCK:
            portaudio = sd.query_devices()
            default_in = sd.default.device[0]
    except Exception as exc:  # PortAudio failed to initialise
        raise AudioDeviceError(f"The audio system is not available: {exc}") from exc
    for index, info in enumerate(portaudio):
        if info["max_input_channels"] <= 0:
            continue
        if devices and info["name"] in SERVER_DEVICES:
            continue  # reached through the sources above
        devices.append(
            InputDevice(
                id=str(index),
                name=info["name"],
                default_rate=float(info["default_samplerate"]),
                is_default=not any(d.is_default for d in devices) and index == default_in,
            )
        )
    return devices


@dataclass(frozen=True)
class OpenSpec:
    """How to open a device with sounddevice: its PortAudio index and the Pulse source to route."""

    portaudio_index: int
    pulse_source: str | None
    label: str


def resolve_device(device: str | int | None) -> OpenSpec:
    """Turn a device id (as listed), an index, a name, or None (default) into an OpenSpec."""
    if device is None or device == "":
        return _default_device()
    text = str(device)
    if text.startswith(PULSE_PREFIX):
        return _pulse_spec(text[len(PULSE_PREFIX) :])
    if text.lstrip("-").isdigit():
        index = int(text)
        try:
            info = sd.query_devices(index)
        except Exception:
            raise AudioDeviceError(f"There is no audio device {index}; run `captioner devices` to list them.") from None
        if info["max_input_channels"] <= 0:
            raise AudioDeviceError(f"Device {index} ({info['name']}) has no inputs; run `captioner devices` to list inputs.")
        return OpenSpec(index, None, info["name"])
    for source in _pulse_sources():
        if source.id[len(PULSE_PREFIX) :] == text:
            return _pulse_spec(text)
    matches = [d for d in list_input_devices() if text.lower() in d.name.lower()]
    if len(matches) == 1:
        return resolve_device(matches[0].id)
    if not matches:
        raise AudioDeviceError(f"No input device matches {text!r}; run `captioner devices` to list them.")
    names = ", ".join(f"{d.id} ({d.name})" for d in matches)
    raise AudioDeviceError(f"{text!r} matches several input devices: {names}. Give one of the ids.")


def _default_device() -> OpenSpec:
    for d in list_input_devices():
        if d.is_default:
            return resolve_device(d.id)
    raise AudioDeviceError("No audio input device was found. Connect a microphone (and check that the system sees it), or caption a file with --input.")


def _pulse_spec(source: str) -> OpenSpec:
    index = _portaudio_pulse_index()
    if index is None:
        raise AudioDeviceError("PulseAudio sources need PortAudio's ALSA \"pulse\" device, which is missing (install the ALSA pulse plugin, e.g. Debian's pipewire-alsa or libasound2-plugins).")
    if source not in {d.id[len(PULSE_PREFIX) :] for d in _pulse_sources()}:
        raise AudioDeviceError(f"There is no PulseAudio source {source!r}; run `captioner devices` to list them.")
    return OpenSpec(index, source, source)


def _portaudio_pulse_index() -> int | None:
    for index, info in enumerate(sd.query_devices()):
        if info["name"] in ("pulse", "pipewire") and info["max_input_channels"] > 0:
            return index
    return None


def default_pulse_microphone() -> InputDevice | None:
    """The PulseAudio/PipeWire default source (None without a server listing one); it may be a monitor."""
    return next((d for d in _pulse_sources() if d.is_default), None)


def _pulse_sources() -> list[InputDevice]:
    listed = pactl_list("source")
    if listed is None:
        return []
    sources, default_name = listed
    devices = []
    for src in sources:
        name = src.get("name", "")
        rate = src.get("sample_specification", "").split()[-1].removesuffix("Hz")
        devices.append(
            InputDevice(
                id=PULSE_PREFIX + name,
                name=src.get("description") or name,
                default_rate=float(rate) if rate.isdigit() else 48000.0,
                is_default=name == default_name,
                is_monitor=name.endswith(".monitor"),
            )
        )
    return devices


def pactl_list(kind: str) -> tuple[list[dict], str] | None:
    """The sound server's "source"s or "sink"s as pactl lists them (JSON), and the default one's name;
    None without pactl or a server. pactl runs as a process of its own: no libpulse in ours."""
    if not sys.platform.startswith("linux") or shutil.which("pactl") is None:
        return None
    env = {k: v for k, v in os.environ.items() if k != "PULSE_SOURCE"}
    try:
        listing = subprocess.run(["pactl", "-f", "json", "list", kind + "s"], capture_output=True, text=True, timeout=5, env=env)
        default = subprocess.run(["pactl", f"get-default-{kind}"], capture_output=True, text=True, timeout=5, env=env)
        if listing.returncode != 0:
            return None
        return json.loads(listing.stdout), default.stdout.strip()
    except (OSError, subprocess.SubprocessError, ValueError):
        return None
