"""System audio through the real PulseAudio server: listing outputs, choosing one, following the default."""

import subprocess
import time

import numpy as np
import pytest

from captioner.audio.loopback import SystemAudioSource, list_output_devices, microphone_source, resolve_output
from captioner.audio.outputs import is_mac_virtual_output, no_outputs_message
from captioner.audio.sources import AudioSourceError

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def headphones(pulse):
    """A second output ("headphones"), at 48 kHz; the default output is put back afterwards."""
    module = subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=headphones", "rate=48000",
                             "sink_properties=device.description=Headphones"], capture_output=True, text=True, check=True).stdout.strip()
    yield "headphones"
    subprocess.run(["pactl", "set-default-sink", "virt"], capture_output=True)
    subprocess.run(["pactl", "unload-module", module], capture_output=True)


def test_mac_virtual_devices_are_known_by_name():
    assert is_mac_virtual_output("BlackHole 2ch") and is_mac_virtual_output("Loopback Audio")
    assert not is_mac_virtual_output("MacBook Pro Speakers")


def test_without_outputs_a_mac_is_told_which_virtual_device_to_install(monkeypatch):
    assert "sound system runs" in no_outputs_message()
    monkeypatch.setattr("sys.platform", "darwin")
    assert "BlackHole" in no_outputs_message() and "Multi-Output Device" in no_outputs_message()


def test_outputs_are_listed_with_the_default_marked(headphones):
    subprocess.run(["pactl", "set-default-sink", "virt"], check=True)
    outputs = {d.id: d for d in list_output_devices()}
    assert {"virt", "headphones"} <= set(outputs)
    assert outputs["virt"].is_default and not outputs["headphones"].is_default
    assert outputs["headphones"].name == "Headphones"


def test_an_output_is_found_by_id_or_part_of_its_name(headphones):
    assert resolve_output("headphones").id == "headphones"
    assert resolve_output("Headph").id == "headphones"
    assert resolve_output(None).id == resolve_output("").id == "virt"
    with pytest.raises(AudioSourceError, match="No output device matches 'speakers'; run `captioner devices`"):
        resolve_output("speakers")


def level(source: SystemAudioSource, seconds: float) -> float:
    """The loudest block the source delivers within `seconds`."""
    loudest, deadline = 0.0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        block = source.read(timeout=0.1)
        if block is not None and len(block):
            loudest = max(loudest, float(np.sqrt(np.mean(block * block))))
    return loudest


def test_the_default_output_is_followed_when_it_changes(headphones, sentence_wav):
    source = SystemAudioSource(None, follow_interval_s=0.3)
    source.start()
    try:
        assert source.device.id == "virt"
        subprocess.run(["pactl", "set-default-sink", headphones], check=True)  # headphones plugged in
        deadline = time.monotonic() + 10
        while source.device.id != headphones and time.monotonic() < deadline:
            level(source, 0.2)
        assert source.moves == ["Headphones"] and source.description == "Headphones"
        level(source, 0.3)
        player = subprocess.Popen(["paplay", "-d", headphones, str(sentence_wav)])
        heard = level(source, 3.0)
        player.wait(timeout=30)
    finally:
        source.stop()
    assert heard > 0.01  # what the headphones play is what is recorded now


def test_a_chosen_output_is_not_followed(headphones, sentence_wav):
    source = SystemAudioSource("virt", follow_interval_s=0.3)
    source.start()
    try:
        subprocess.run(["pactl", "set-default-sink", headphones], check=True)
        level(source, 1.0)
        player = subprocess.Popen(["paplay", "-d", headphones, str(sentence_wav)])
        heard = level(source, 3.0)
        player.wait(timeout=30)
    finally:
        source.stop()
    assert source.device.id == "virt" and source.moves == []
    assert heard < 0.001  # the headphones' sound is not on the output chosen


def test_a_pulse_microphone_without_a_sound_server_says_so_of_the_input(monkeypatch, tmp_path):
    """No server answers: the microphone's message names the input and the server it needs, not system audio."""
    monkeypatch.setenv("PULSE_SERVER", f"unix:{tmp_path}/none")
    source = microphone_source("pulse:headset")
    with pytest.raises(AudioSourceError) as raised:
        source.start()
    assert "'headset' is a PulseAudio/PipeWire source, and no sound server answers" in str(raised.value)
