"""The caption merger: finals replace interims of the same id; an empty final retracts."""

from captioner.app.merge import CaptionMerger, caption_delay_s, labelled_text
from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import SAMPLE_RATE, CaptionEvent


def ev(id, text, final, start=0, end=SAMPLE_RATE):
    return CaptionEvent(id=id, start=start, end=end, text=text, final=final)


def test_interim_then_final_of_the_same_id():
    m = CaptionMerger()
    u1 = m.apply(ev(1, "good mor", False))
    u2 = m.apply(ev(1, "good morning every", False))
    assert (u1.kind, u2.kind) == ("interim", "interim")
    assert m.interim_text == "good morning every" and m.finals == []
    u3 = m.apply(ev(1, "Good morning everyone.", True))
    assert u3.kind == "final" and u3.interim_text == ""
    assert [e.text for e in m.finals] == ["Good morning everyone."]
    assert m.interims == []


def test_empty_final_retracts_the_interim():
    m = CaptionMerger()
    m.apply(ev(4, "uh", False))
    update = m.apply(ev(4, "", True))
    assert update.kind == "retract"
    assert m.interim_text == "" and m.finals == []


def test_empty_final_without_interim_changes_nothing():
    assert CaptionMerger().apply(ev(2, "", True)).kind == "ignored"


def test_late_interim_after_its_final_is_ignored():
    m = CaptionMerger()
    m.apply(ev(1, "hello there", True))
    assert m.apply(ev(1, "hello", False)).kind == "ignored"
    assert m.apply(ev(1, "hello again", True)).kind == "ignored"
    assert m.interim_text == "" and len(m.finals) == 1


def test_interims_of_several_segments_show_in_order_and_finals_keep_order():
    m = CaptionMerger()
    m.apply(ev(3, "third", False))
    m.apply(ev(2, "second", False))
    assert m.interim_text == "second third"
    update = m.apply(ev(2, "Second.", True))
    assert update.interim_text == "third"
    m.apply(ev(3, "Third.", True))
    assert [e.id for e in m.finals] == [2, 3]


def test_empty_interim_clears_that_segments_text():
    m = CaptionMerger()
    m.apply(ev(1, "something", False))
    assert m.apply(ev(1, "", False)).kind == "interim"
    assert m.interim_text == ""
    assert m.apply(ev(2, "", False)).kind == "ignored"


def test_latest_end_follows_every_event():
    m = CaptionMerger()
    m.apply(ev(1, "a", False, end=32000))
    m.apply(ev(1, "a", True, end=30000))
    assert m.latest_end_s == 2.0


def test_caption_delay_ignores_a_long_sentence_that_keeps_up():
    # 12 s of continuous speech, newest interim reached 11.2 s of audio: 0.8 s behind
    assert abs(caption_delay_s(lag_s=12.0, audio_s=20.0, latest_caption_end_s=19.2) - 0.8) < 1e-9
    # the machine is behind: no caption for 14 s while a segment has been open 15 s
    assert caption_delay_s(lag_s=15.0, audio_s=40.0, latest_caption_end_s=26.0) == 14.0
    # silence: no open segment, no lag
    assert caption_delay_s(lag_s=0.0, audio_s=40.0, latest_caption_end_s=10.0) == 0.0


def test_labels_lead_each_change_of_speaker():
    you = [CaptionEvent(1, 0, 10, " Good  morning. ", False, channel=MICROPHONE), CaptionEvent(2, 10, 20, "Welcome.", False, channel=MICROPHONE)]
    them = [CaptionEvent(3, 20, 30, "Hello.", False, channel=SYSTEM)]
    assert labelled_text(you + them) == "You: Good morning. Welcome. Others: Hello."
    assert labelled_text(you + them, after=MICROPHONE) == "Good morning. Welcome. Others: Hello."  # goes on from the line before
    assert labelled_text(you + them, turn_break="\n") == "You: Good morning. Welcome. \nOthers: Hello."
    assert labelled_text(them, after=MICROPHONE, turn_break="\n", preceded=True) == "\nOthers: Hello."
    assert labelled_text([CaptionEvent(4, 0, 10, "one input", False)]) == "one input"  # no channel, no label


def test_a_renamed_label_changes_the_words_not_who_speaks():
    """Labels are looked up by the channel's id: renamed, the text says the new names; a change of speaker is a
    change of channel, so two channels called alike still take turns, and a renamed one goes on from itself."""
    labels = {MICROPHONE: "Me", SYSTEM: "Me"}
    you = CaptionEvent(1, 0, 10, "Hi.", False, channel=MICROPHONE)
    them = CaptionEvent(2, 10, 20, "Hello.", False, channel=SYSTEM)
    assert labelled_text([you, them], labels={MICROPHONE: "Ana", SYSTEM: "The team"}) == "Ana: Hi. The team: Hello."
    assert labelled_text([you, them], labels=labels) == "Me: Hi. Me: Hello."
    assert labelled_text([them], labels={SYSTEM: "The team"}, after=SYSTEM) == "Hello."
    m = CaptionMerger({MICROPHONE: "Ana", SYSTEM: "The team"})
    m.apply(you)
    assert m.apply(them).interim_text == "Ana: Hi. The team: Hello."
    assert CaptionMerger().apply(you).interim_text == "You: Hi."  # the default labels


def test_a_revised_final_replaces_its_line_in_place():
    m = CaptionMerger()
    m.apply(CaptionEvent(1, 0, SAMPLE_RATE, "the Montreal Forest Liner", True))
    m.apply(CaptionEvent(2, 2 * SAMPLE_RATE, 3 * SAMPLE_RATE, "works well", True))
    m.apply(CaptionEvent(3, 4 * SAMPLE_RATE, 5 * SAMPLE_RATE, "and then", False))
    update = m.apply(CaptionEvent(1, 0, SAMPLE_RATE, "the Montreal Forced Aligner", True, revision=1))
    assert update.kind == "revise" and update.index == 0
    assert [f.text for f in m.finals] == ["the Montreal Forced Aligner", "works well"]
    assert update.interim_text == "and then"


def test_a_revision_of_a_final_never_shown_and_a_plain_repeat_are_ignored():
    m = CaptionMerger()
    m.apply(CaptionEvent(1, 0, SAMPLE_RATE, "", True))  # retracted: never a line
    assert m.apply(CaptionEvent(1, 0, SAMPLE_RATE, "words", True, revision=1)).kind == "ignored"
    m.apply(CaptionEvent(2, 0, SAMPLE_RATE, "hello", True))
    assert m.apply(CaptionEvent(2, 0, SAMPLE_RATE, "hello again", True)).kind == "ignored"
    assert [f.text for f in m.finals] == ["hello"]
