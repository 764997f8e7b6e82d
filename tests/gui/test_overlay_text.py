"""The overlay's text: recent finals labelled at each change of speaker, the interim after them, relabelled in place."""

from __future__ import annotations

from captioner.app.merge import CaptionMerger
from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import CaptionEvent
from captioner.gui.overlay_text import RECENT_FINALS, CaptionText


def test_finals_and_the_interim_with_a_label_at_each_change_of_speaker() -> None:
    merger, text = CaptionMerger(), CaptionText()
    assert text.apply(merger.apply(CaptionEvent(1, 0, 16000, "hello there", True, channel=MICROPHONE)))
    assert text.apply(merger.apply(CaptionEvent(2, 16000, 32000, "hi", True, channel=SYSTEM)))
    assert text.apply(merger.apply(CaptionEvent(3, 32000, 48000, "and you", False, channel=SYSTEM)))
    assert text.final_text == "You: hello there \nOthers: hi"
    assert text.interim == "and you"  # the same speaker goes on: no label


def test_a_revise_changes_nothing_shown_and_a_rename_reaches_the_finals_kept() -> None:
    merger, text = CaptionMerger(), CaptionText()
    text.apply(merger.apply(CaptionEvent(1, 0, 16000, "hello", True, speaker="speaker-1")))
    assert not text.apply(merger.apply(CaptionEvent(1, 0, 16000, "hullo", True, revision=1, speaker="speaker-1")))
    assert text.final_text == "Speaker 1: hello"
    text.set_labels({"speaker-1": "Ana"})
    assert text.final_text == "Ana: hello"
    text.clear()
    assert text.final_text == "" and text.interim == ""


def test_only_the_recent_finals_are_kept() -> None:
    merger, text = CaptionMerger(), CaptionText()
    for n in range(RECENT_FINALS + 3):
        text.apply(merger.apply(CaptionEvent(n + 1, n * 16000, (n + 1) * 16000, f"w{n}", True)))
    assert text.final_text.split() == [f"w{n}" for n in range(3, RECENT_FINALS + 3)]
