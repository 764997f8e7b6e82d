"""The rules on the words of a recording decoded whole: sentences, words dated within their speech, repeats and text over silence dropped."""

from __future__ import annotations

from captioner.channels import MICROPHONE
from captioner.engine.offline.cleanup import after_onsets, sentences
from captioner.events import SAMPLE_RATE, CaptionEvent, Word


def test_a_caption_is_cut_after_each_sentence() -> None:
    words = tuple(Word(f" {w}", i * 100, i * 100 + 90) for i, w in enumerate("Yes. I think \"so.\" Fine".split()))
    parts = sentences(CaptionEvent(1, 0, 700, "Yes. I think \"so.\" Fine", final=True, words=words, channel=MICROPHONE))
    assert [(p.text, p.start, p.end, p.channel) for p in parts] == [
        ("Yes.", 0, 90, MICROPHONE), ("I think \"so.\"", 100, 390, MICROPHONE), ("Fine", 400, 490, MICROPHONE)]
    words = tuple(Word(f" {w}", i * 100, i * 100 + 90) for i, w in enumerate("And Mr. Quilter came. Dr. Lee too.".split()))
    parts = sentences(CaptionEvent(2, 0, 700, "And Mr. Quilter came. Dr. Lee too.", final=True, words=words))
    assert [p.text for p in parts] == ["And Mr. Quilter came.", "Dr. Lee too."]  # not cut after a title


def test_a_word_dated_from_the_silence_before_a_voice_starts_with_the_voice() -> None:
    words = [Word(" The", 1000, 9000), Word(" new", 9000, 12000), Word(" office.", 30000, 40000), Word(" Yes", 50000, 52000)]
    moved = after_onsets(words, [8000, 35000, 60000])
    assert [(w.start, w.end) for w in moved] == [(8000, 9000), (9000, 12000), (35000, 40000), (50000, 52000)]
    assert after_onsets(words, []) == words


def test_words_dated_in_the_silence_after_their_speech_are_put_back_within_it() -> None:
    from captioner.engine.offline.cleanup import within_speech

    starts, ends = [0, 40000, 60000], [20000, 60000, 90000]  # the live segments; the second cut where speech went on
    words = [Word(" like", 15000, 18000), Word(" this.", 18000, 100000), Word(" the", 10000, 30000), Word(" tents", 33000, 35000),
             Word(" went", 55000, 62000), Word(" on.", 85000, 99000), Word(" so", 95000, 97000)]
    assert [(w.start, w.end) for w in within_speech(words, starts, ends)] == [
        (15000, 18000),  # within its speech: as it was
        (18000, 20000),  # ran on into the silence: ends where the speech did
        (10000, 20000),
        (19999, 20000),  # wholly in the silence after a word of the speech before it: with that speech, however far
        (55000, 62000),  # over a cut with no silence in it: as it was
        (85000, 90000),  # the recording's last segment too
        (89999, 90000)]
    # a caption's first word wholly in a silence: at the nearer edge
    assert [(w.start, w.end) for w in within_speech([Word(" Yes", 37000, 39000)], starts, ends)] == [(40000, 40001)]
    assert [(w.start, w.end) for w in within_speech([Word(" Yes", 22000, 23000)], starts, ends)] == [(19999, 20000)]
    assert within_speech(words, [], []) == words


def test_a_window_that_wrote_a_sentence_twice_keeps_it_once() -> None:
    from captioner.engine.offline.cleanup import without_repeats

    def caption(n: int, text: str, at: int) -> CaptionEvent:
        words = tuple(Word(f" {w}", at + k * 4000, at + (k + 1) * 4000) for k, w in enumerate(text.split()))
        return CaptionEvent(n, words[0].start, words[-1].end, text, final=True, words=words)

    said = caption(1, "There is going to be no voiced speech here.", 0)
    again = caption(2, "There is going to be no voiced speech here.", 40000)
    other = caption(3, "Then something else.", 80000)
    assert [e.text for e in without_repeats([said, again, other])] == [said.text, other.text]
    assert without_repeats([said, other]) == [said, other]  # nothing repeated: as it was


def _spoken(n: int, text: str, at: int, word_s: float = 0.25, channel: str = "") -> CaptionEvent:
    step = round(word_s * SAMPLE_RATE)
    words = tuple(Word(f" {w}", at + k * step, at + (k + 1) * step) for k, w in enumerate(text.split()))
    return CaptionEvent(n, words[0].start, words[-1].end, text, final=True, words=words, channel=channel)


def test_text_written_where_no_speech_was_heard_is_no_caption() -> None:
    from captioner.engine.offline.cleanup import in_silence

    starts, ends = [SAMPLE_RATE, 5 * SAMPLE_RATE], [3 * SAMPLE_RATE, 7 * SAMPLE_RATE]
    assert in_silence(_spoken(1, "Okay.", round(3.5 * SAMPLE_RATE)).words, starts, ends)  # between two stretches of speech
    assert in_silence(_spoken(1, "Okay.", 8 * SAMPLE_RATE).words, starts, ends)  # after the last
    assert in_silence(_spoken(1, "Thank you.", 0, word_s=0.1).words, starts, ends)  # before the first
    assert not in_silence(_spoken(1, "and then okay", round(2.6 * SAMPLE_RATE)).words, starts, ends)  # one word in speech
    assert not in_silence(_spoken(1, "Okay.", round(4.9 * SAMPLE_RATE), word_s=0.2).words, starts, ends)  # overlapping it
    assert not in_silence([], starts, ends)


def test_a_sentence_written_for_noise_after_noise_is_written_once() -> None:
    from captioner.engine.offline.cleanup import repeats_dropped

    loop = [_spoken(n, "All right, that's it.", round((32 + n * 1.1) * SAMPLE_RATE)) for n in range(1, 5)]
    later = _spoken(9, "All right, that's it.", 60 * SAMPLE_RATE)  # said again much later: kept
    other = _spoken(5, "Then we went home.", round(37.5 * SAMPLE_RATE))
    kept = repeats_dropped([*loop, other, later])
    assert [e.text for e in kept] == ["All right, that's it.", "Then we went home.", "All right, that's it."]
    assert kept[0].words == loop[0].words and kept[-1].start == later.start
    once = [_spoken(1, "Come on.", 0), _spoken(2, "We went home.", SAMPLE_RATE)]
    assert repeats_dropped(once) == once  # nothing repeated: as it was


def test_a_sentence_cut_across_two_segments_is_one_caption() -> None:
    from captioner.engine.offline.cleanup import whole_sentences

    first, rest = _spoken(1, "And so ask what", 0), _spoken(2, "you can do for your country.", round(1.3 * SAMPLE_RATE))
    new = _spoken(3, "Then the next one.", round(3.5 * SAMPLE_RATE))
    joined = whole_sentences([first, rest, new])
    assert [e.text for e in joined] == ["And so ask what you can do for your country.", "Then the next one."]
    assert joined[0].start == first.start and joined[0].end == rest.end and [e.id for e in joined] == [1, 2]
    # a full stop, a capital, a long pause or another channel keeps them apart
    assert len(whole_sentences([_spoken(1, "We stopped.", 0), _spoken(2, "then went on", SAMPLE_RATE)])) == 2
    assert len(whole_sentences([_spoken(1, "We stopped", 0), _spoken(2, "Then went on", SAMPLE_RATE)])) == 2
    assert len(whole_sentences([_spoken(1, "We stopped", 0), _spoken(2, "then went on", 3 * SAMPLE_RATE)])) == 2
    assert len(whole_sentences([_spoken(1, "We stopped", 0, channel="mic"), _spoken(2, "then went on", SAMPLE_RATE, channel="sys")])) == 2


def test_an_output_segment_dated_in_the_silence_after_speech_passed_over_holds_its_words() -> None:
    from captioner.engine.offline.cleanup import dated_beside

    starts, ends = [0, 40000, 70000, 100000], [20000, 60000, 90000, 110000]  # live segments; silences 20-40k, 60-70k, 90-100k
    late = [Word(" Montreal,", 62000, 68000), Word(" but…", 71000, 74000)]  # segment 1's words, dated two seconds late
    assert dated_beside(late, 1, starts, ends)  # begins wholly in the silence after it
    assert not dated_beside([Word(" so", 5000, 9000), Word(" it", 25000, 30000)], 1, starts, ends)  # holds the speech's before
    assert not dated_beside([Word(" the", 70500, 73000), Word(" tents.", 73000, 80000)], 1, starts, ends)  # the next speech's own
    assert not dated_beside([Word(" long", 58000, 72000), Word(" end", 62000, 64000)], 1, starts, ends)  # begins in speech
    assert not dated_beside([Word(" on", 66000, 71000)], 1, starts, ends)  # reaches into the next speech
    assert not dated_beside(late, 2, starts, ends) and not dated_beside(late, 0, starts, ends)
    assert dated_beside([Word(" end", 90500, 91000)], 2, starts, ends)
    assert not dated_beside([Word(" x", 111000, 112000)], 3, starts, ends) and not dated_beside([], 1, starts, ends)  # none after the last


def test_the_longest_stretch_of_speech_in_which_no_word_starts() -> None:
    from captioner.engine.offline.cleanup import longest_unheard

    words = [Word(" and", 20000, 24000), Word(" Mr.", 24000, 28000), Word(" John", 28000, 120000)]  # its last word over the rest
    assert longest_unheard(words, 19000, 124000) == 124000 - 28000
    assert longest_unheard(words[:2], 10000, 30000) == 10000  # the onset to the first word
    assert longest_unheard([Word(" early", 5000, 21000), Word(" x", 40000, 41000)], 20000, 44000) == 20000  # from the onset
    assert longest_unheard([], 3000, 9000) == 6000


def test_words_within_a_stretch_leave_their_captions() -> None:
    from captioner.engine.offline.cleanup import without_words_in

    words = tuple(Word(f" {w}", i * 1000, i * 1000 + 900) for i, w in enumerate("is to be ill-disposed, and Mr. John".split()))
    first = CaptionEvent(0, 0, 7900, "is to be ill-disposed, and Mr. John", final=True, words=words, channel=MICROPHONE)
    other = CaptionEvent(0, 9000, 9900, "Yes.", final=True, words=(Word(" Yes.", 9000, 9900),), channel=MICROPHONE)
    kept = without_words_in([first, other], 4000, 9000)
    assert [(e.text, e.start, e.end, e.channel) for e in kept] == [("is to be ill-disposed,", 0, 3900, MICROPHONE), ("Yes.", 9000, 9900, MICROPHONE)]
    assert without_words_in([first, other], 0, 10000) == [] and without_words_in([first], 20000, 30000) == [first]
    parts = without_words_in([first], 1000, 3000)  # from its middle: cut in two, so what goes there comes between them
    assert [(e.text, e.start, e.end) for e in parts] == [("is", 0, 900), ("ill-disposed, and Mr. John", 3000, 6900)]
