from captioner.engine.echo import EchoRule, echo_share, is_echo, played_words, words_of
from captioner.events import SAMPLE_RATE, CaptionEvent, Word

S = SAMPLE_RATE


def caption(text, start_s, end_s, channel="Others", timed=True):
    tokens = text.split()
    step = (end_s - start_s) / len(tokens)
    words = tuple(Word(" " + t, round((start_s + i * step) * S), round((start_s + (i + 1) * step) * S)) for i, t in enumerate(tokens)) if timed else ()
    return CaptionEvent(1, round(start_s * S), round(end_s * S), text, True, words, channel=channel)


def test_words_are_compared_without_case_or_punctuation():
    assert words_of("Budget's fine, OK?") == ["budget's", "fine", "ok"]


def test_share_counts_words_in_order():
    assert echo_share(["a", "b", "c", "d"], ["x", "a", "b", "c", "d"]) == 1.0
    assert echo_share(["a", "b", "c", "d"], ["d", "c", "b", "a"]) == 0.25
    assert echo_share([], ["a"]) == 0.0


def test_a_delayed_quieter_repeat_with_recognition_errors_is_an_echo():
    played = caption("Our team finished the quarterly report and the budget looks good.", 2.0, 5.8)
    heard = caption("our team finished the quarterly report and the magic looks good", 2.15, 5.9, "You")
    assert is_echo(heard, [played])


def test_the_same_words_long_after_are_not_an_echo():
    played = caption("let us meet on friday afternoon then", 2.0, 4.0)
    heard = caption("let us meet on friday afternoon then", 9.0, 11.0, "You")
    assert not is_echo(heard, [played])


def test_an_answer_that_shares_a_word_or_two_is_not_an_echo():
    played = caption("can you send me the report today", 2.0, 4.0)
    heard = caption("yes I will send the report after lunch", 4.2, 6.5, "You")
    assert not is_echo(heard, [played])


def test_one_word_is_never_judged_an_echo():
    played = caption("yes", 2.0, 2.4)
    assert not is_echo(caption("yes", 2.1, 2.5, "You"), [played])
    assert is_echo(caption("yes indeed", 2.1, 2.5, "You"), [caption("yes indeed", 2.0, 2.4)], EchoRule(min_words=2))


def test_only_played_words_near_the_microphone_caption_count():
    played = caption("one two three four five six seven eight", 0.0, 8.0)
    assert played_words(played, 2 * S, 4 * S) == ["two", "three", "four", "five"]
    untimed = caption("one two", 0.0, 8.0, timed=False)
    assert played_words(untimed, 2 * S, 4 * S) == ["one", "two"]
    assert played_words(untimed, 9 * S, 10 * S) == []
