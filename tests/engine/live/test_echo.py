from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.live.echo import EchoRule, echo_share, echoed_edges, is_echo, played_words, strip_echo, words_of
from captioner.events import SAMPLE_RATE, CaptionEvent, Word

S = SAMPLE_RATE


def caption(text, start_s, end_s, channel=SYSTEM, timed=True):
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
    heard = caption("our team finished the quarterly report and the magic looks good", 2.15, 5.9, MICROPHONE)
    assert is_echo(heard, [played])


def test_the_same_words_long_after_are_not_an_echo():
    played = caption("let us meet on friday afternoon then", 2.0, 4.0)
    heard = caption("let us meet on friday afternoon then", 9.0, 11.0, MICROPHONE)
    assert not is_echo(heard, [played])


def test_an_answer_that_shares_a_word_or_two_is_not_an_echo():
    played = caption("can you send me the report today", 2.0, 4.0)
    heard = caption("yes I will send the report after lunch", 4.2, 6.5, MICROPHONE)
    assert not is_echo(heard, [played])


def test_one_word_is_never_judged_an_echo():
    played = caption("yes", 2.0, 2.4)
    assert not is_echo(caption("yes", 2.1, 2.5, MICROPHONE), [played])
    assert is_echo(caption("yes indeed", 2.1, 2.5, MICROPHONE), [caption("yes indeed", 2.0, 2.4)], EchoRule(min_words=2))


def test_only_played_words_near_the_microphone_caption_count():
    played = caption("one two three four five six seven eight", 0.0, 8.0)
    assert played_words(played, 2 * S, 4 * S) == ["two", "three", "four", "five"]
    untimed = caption("one two", 0.0, 8.0, timed=False)
    assert played_words(untimed, 2 * S, 4 * S) == ["one", "two"]
    assert played_words(untimed, 9 * S, 10 * S) == []


def test_the_echoed_edges_of_a_caption_are_found():
    played = words_of("ask what you can do for your country")
    assert echoed_edges(words_of("what you can do for your country author of the danger trail"), played) == (7, 0)
    assert echoed_edges(words_of("I am glad to see you ask what you can do"), played) == (0, 5)
    assert echoed_edges(words_of("I am glad to see you again"), played) == (0, 0)
    assert echoed_edges(words_of("can do that tomorrow"), played) == (0, 0)  # two words: too short a run


def test_an_echo_run_together_with_the_users_answer_is_cut_from_it():
    played = caption("Will we ever forget it?", 55.5, 56.9)
    heard = caption("Will we ever forget it? He was not an ill disposed young man.", 55.7, 60.5, MICROPHONE)
    kept = strip_echo(heard, [played])
    assert kept.text == "He was not an ill disposed young man." and kept.words == heard.words[5:]
    assert kept.start == heard.words[5].start and kept.end == heard.end and kept.channel == MICROPHONE


def test_strip_echo_keeps_or_drops_whole_captions():
    played = caption("Our team finished the quarterly report and the budget looks good.", 2.0, 5.8)
    assert strip_echo(caption("our team finished the quarterly report and the budget looks good", 2.15, 5.9, MICROPHONE), [played]) is None
    answer = caption("yes I will send the report after lunch", 6.2, 8.5, MICROPHONE)
    assert strip_echo(answer, [played]) is answer
    untimed = caption("looks good. I will send the report after lunch", 5.6, 8.5, MICROPHONE, timed=False)
    assert strip_echo(untimed, [played]) is untimed  # no word times: kept whole
    assert strip_echo(caption("the budget looks good okay", 5.0, 6.5, MICROPHONE), [played]) is None  # mostly the speakers' words


def test_chinese_is_compared_by_characters():
    played = caption("我们今天去公园散步。天气很好，阳光明媚。", 0.0, 4.0)
    heard = CaptionEvent(2, round(0.3 * S), round(4.2 * S), "我们今天去公园散步，天气很好。", True, channel=MICROPHONE)
    assert words_of("天气很好，阳光") == ["天", "气", "很", "好", "阳", "光"]
    assert is_echo(heard, [played])
    answer = CaptionEvent(3, round(0.3 * S), round(4.2 * S), "我不想去，我要在家里看书。", True, channel=MICROPHONE)
    assert not is_echo(answer, [played])
