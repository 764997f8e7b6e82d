"""Subtitle files read back into cues, as the transcript document and the library read them."""

from __future__ import annotations

from captioner.events import SAMPLE_RATE
from captioner.subtitles.reading import LABELLED, read_cues


def test_srt_cues_are_read_with_their_times_on_the_audio_clock():
    text = "1\r\n00:00:01,500 --> 00:00:03,000\r\nGood morning\r\neveryone.\r\n\r\n2\r\n00:01:00,000 --> 00:01:02,250\r\nWelcome.\r\n"
    cues, lost = read_cues(text, vtt=False)
    assert cues == [(int(1.5 * SAMPLE_RATE), 3 * SAMPLE_RATE, "Good morning everyone.", ""),
                    (60 * SAMPLE_RATE, int(62.25 * SAMPLE_RATE), "Welcome.", "")]
    assert lost == 0


def test_a_vtt_cue_says_who_spoke_and_its_entities_and_tags_are_read_back():
    text = "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Ann &amp; Bo>Fish &amp; chips <i>now</i></v>\n"
    assert read_cues(text, vtt=True) == ([(0, 2 * SAMPLE_RATE, "Fish & chips now", "Ann & Bo")], 0)


def test_a_cue_cut_off_and_a_time_line_without_text_are_counted_lost():
    whole = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:03,000 --> 00:00:04,000\n\n3\n00:00:05,000 --> 00:00:06,000\nAgain.\n"
    cues, lost = read_cues(whole, vtt=False)
    assert [said for _, _, said, _ in cues] == ["Hello.", "Again."] and lost == 1
    cues, lost = read_cues("1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n2\n00:00:0", vtt=False)
    assert len(cues) == 1 and lost == 1


def test_a_labelled_line_is_its_speaker_and_its_text():
    assert LABELLED.fullmatch("Speaker 2: Yes, the budget first.").groups() == ("Speaker 2", "Yes, the budget first.")
    assert LABELLED.fullmatch("No label here.") is None
