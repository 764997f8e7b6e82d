"""What a live session listens to, as the terminal and the app both choose it (`captioner.app.inputs`)."""

from __future__ import annotations

import pytest

from captioner.app.inputs import DEFAULT_DEVICE, channel_labels, listening_mode, live_source, meeting_inputs, microphone_choice
from captioner.channels import MICROPHONE, MODE_BOTH, MODE_MICROPHONE, MODE_SYSTEM, SYSTEM


def test_the_default_input_is_no_device_or_the_one_named_default():
    assert microphone_choice(None) is None and microphone_choice(DEFAULT_DEVICE) is None
    assert microphone_choice("pulse:virtmic") == "pulse:virtmic"


def test_the_mode_follows_system_audio_and_a_device_named_beside_it():
    assert listening_mode(None, None) == listening_mode(None, "pulse:virtmic") == MODE_MICROPHONE
    assert listening_mode("", None) == listening_mode("speakers", None) == MODE_SYSTEM
    assert listening_mode("", DEFAULT_DEVICE) == listening_mode("speakers", "pulse:virtmic") == MODE_BOTH


def test_labels_lose_the_spaces_around_them():
    assert channel_labels(" Me ", "Others\t") == {MICROPHONE: "Me", SYSTEM: "Others"}


def test_the_microphone_alone_is_no_meeting_and_labels_must_tell_the_sides_apart():
    assert meeting_inputs(MODE_MICROPHONE, "pulse:virtmic", None) == []
    with pytest.raises(ValueError, match="two different, non-empty labels"):
        meeting_inputs(MODE_SYSTEM, None, None, labels=channel_labels("Same", "Same"))
    with pytest.raises(ValueError, match="two different, non-empty labels"):
        meeting_inputs(MODE_BOTH, None, None, labels=channel_labels("", "Others"))


def test_a_file_is_read_at_its_own_pace_only_when_asked(tmp_path):
    from captioner.audio.sources import FileSource

    source = live_source(tmp_path / "talk.wav", realtime=True)
    assert isinstance(source, FileSource) and source.live
    assert not live_source(tmp_path / "talk.wav").live
