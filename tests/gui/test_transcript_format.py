"""The colour of each label in the transcript: a side's own, a speaker's by number, else the next spare one."""

from __future__ import annotations

from captioner.channels import MICROPHONE, SYSTEM
from captioner.gui.transcript_format import SIDE_COLORS, SPARE_COLORS, label_color


def test_sides_keep_their_colour_and_speakers_theirs_by_number() -> None:
    assert label_color(MICROPHONE, []) == SIDE_COLORS[MICROPHONE]
    assert label_color(SYSTEM, [MICROPHONE, "guest"]) == SIDE_COLORS[SYSTEM]
    assert label_color("speaker-2", ["speaker-7"]) == SPARE_COLORS[1]
    assert label_color(f"speaker-{len(SPARE_COLORS) + 1}", []) == SPARE_COLORS[0]


def test_other_channels_take_the_spare_colours_in_the_order_they_first_speak() -> None:
    assert label_color("guest", [MICROPHONE]) == SPARE_COLORS[0]
    assert label_color("host", [MICROPHONE, "guest"]) == SPARE_COLORS[1]
    assert label_color("guest", ["guest", "host"]) == SPARE_COLORS[0]
