"""A meeting's channels merged in spoken order: a caption cut where the other side spoke between two of its words."""

from __future__ import annotations

from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import SAMPLE_RATE, CaptionEvent, Word


def _said(n: int, channel: str, text: str, at_s: list[float]) -> CaptionEvent:
    """A caption whose words start at `at_s` (seconds) and last 0.4 s each."""
    words = tuple(Word(f" {w}", round(t * SAMPLE_RATE), round((t + 0.4) * SAMPLE_RATE)) for w, t in zip(text.split(), at_s))
    return CaptionEvent(n, words[0].start, words[-1].end, text, final=True, words=words, channel=channel)


def test_a_caption_is_cut_where_the_other_side_spoke_between_two_of_its_words() -> None:
    from captioner.engine.offline.cleanup import between_turns
    from captioner.engine.offline.merge import merge_channels

    # one window of system audio ran on across the user's turn, with no sentence end where the turn came
    others = _said(1, SYSTEM, "ask what you can do for your country I'm Abigail", [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 9, 9.5])
    you = _said(2, MICROPHONE, "Author of the danger trail", [4.5, 5, 5.5, 6, 6.5])
    assert [(e.channel, e.text) for e in merge_channels([(MICROPHONE, [you]), (SYSTEM, [others])])] == [
        (SYSTEM, "ask what you can do for your country"), (MICROPHONE, "Author of the danger trail"), (SYSTEM, "I'm Abigail")]
    # a word of the other side that overlaps one of the caption's (talking at once, an echo) cuts nothing
    yeah = _said(3, MICROPHONE, "yeah", [1.2])
    assert between_turns([others, yeah]) == [others, yeah]
    # nor does a pause of the caption's own channel, however long
    assert between_turns([others]) == [others]
