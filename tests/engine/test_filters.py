from captioner.engine.filters import (
    QUIET_RMS,
    SegmentScore,
    collapse_repeats,
    ends_sentence,
    is_invented,
    loop_head,
    normalise,
)


def score(text, no_speech=0.1, logprob=-0.3, ratio=1.5):
    return SegmentScore(text, no_speech, logprob, ratio)


def test_normalise():
    assert normalise("  Thank you!!  ") == "thank you"
    assert normalise("Don't STOP.") == "don't stop"


def test_fillers_on_quiet_audio_are_invented():
    assert is_invented(score(" Thank you."), audio_rms=QUIET_RMS / 2)
    assert is_invented(score(" you"), audio_rms=QUIET_RMS / 3)


def test_fillers_spoken_clearly_are_kept():
    assert not is_invented(score(" Thank you.", no_speech=0.01, logprob=-0.2), audio_rms=0.1)


def test_unsure_filler_is_invented_even_when_loud():
    assert is_invented(score(" Thanks for watching!", no_speech=0.4), audio_rms=0.1)


def test_loops_and_no_speech_are_invented():
    assert is_invented(score("la " * 40, ratio=3.1), audio_rms=0.1)
    assert is_invented(score("Something", no_speech=0.9, logprob=-1.5), audio_rms=0.1)
    assert not is_invented(score("Something", no_speech=0.9, logprob=-0.2), audio_rms=0.1)


def test_ordinary_speech_is_kept():
    assert not is_invented(score(" The meeting starts at nine."), audio_rms=0.002)


def test_collapse_repeats():
    assert collapse_repeats("we are glad we are glad we are glad to see you".split()) == "we are glad to see you".split()
    assert collapse_repeats("no no I said".split()) == "no no I said".split()
    assert collapse_repeats("the the the cat".split()) == "the the cat".split()
    assert collapse_repeats(["Hello,", "world.", "hello", "world"]) == ["Hello,", "world.", "hello", "world"]
    long = "I hope to see you soon".split()
    assert collapse_repeats(long + long + long) == long


def test_collapse_repeats_with_a_key():
    items = [(" we", 1), (" are", 2), (" here", 3), (" we", 4), (" are", 5), (" here", 6)]
    assert collapse_repeats(items, key=lambda w: w[0]) == items[:3]


def test_a_short_sentence_said_twice_collapses():
    assert collapse_repeats("14. 15. 16. 16. 17.".split()) == "14. 15. 16. 17.".split()
    assert collapse_repeats("Thank you. Thank you. See you.".split()) == "Thank you. See you.".split()
    assert collapse_repeats(["Right?", "right?"]) == ["Right?"]
    assert collapse_repeats("16. 16. 16.".split()) == ["16."]
    # said on, not as sentences: people say those twice
    assert collapse_repeats("no no I said".split()) == "no no I said".split()
    assert collapse_repeats("No, no. Stop.".split()) == "No, no. Stop.".split()
    assert collapse_repeats("it is, it is.".split()) == "it is, it is.".split()
    assert collapse_repeats("16 16 people".split()) == "16 16 people".split()


def test_ends_sentence():
    assert [ends_sentence(w) for w in ("16.", "yes!", "why?", 'said."', "well,", "16", "e.g")] == [True, True, True, True, False, False, False]
    assert [ends_sentence(w) for w in (" Mr.", "Mrs.", "DR.", "Prof.", "mr", "Mr.\"", "done.)", "終わり。")] == [
        False, False, False, False, False, False, True, True]  # a title before a name ends no sentence


def test_a_watcher_hears_every_drop_with_its_rule():
    from captioner.engine.filters import invented_by, watch

    heard = []
    with watch(lambda rule, text: heard.append((rule, text))):
        assert is_invented(score("la " * 40, ratio=3.1), audio_rms=0.1)
        assert is_invented(score("Something", no_speech=0.9, logprob=-1.5), audio_rms=0.1)
        assert is_invented(score(" Thank you."), audio_rms=QUIET_RMS / 2)
        assert not is_invented(score(" The meeting starts at nine."), audio_rms=0.1)
        assert collapse_repeats("we are glad we are glad to see you".split()) == "we are glad to see you".split()
    assert [r for r, _ in heard] == ["loop", "no_speech", "filler", "repeat"]
    assert heard[2][1] == " Thank you." and heard[3][1] == "we are glad"
    assert invented_by(score(" The meeting starts at nine."), 0.1) is None
    is_invented(score("la " * 40, ratio=3.1), audio_rms=0.1)  # after the block: nobody is told
    assert len(heard) == 4


def test_a_run_of_five_words_said_again_is_found_where_it_repeats():
    from captioner.engine.filters import repeated_runs

    words = "we will meet at the station and then we will meet at the station again".split()
    assert repeated_runs(words) == [(8, 14)]
    assert repeated_runs("a b c d x a b c d".split()) == []  # four words again: people do that
    assert repeated_runs("one two three four five".split()) == []


def test_a_sentence_written_twice_is_shown_once():
    from captioner.engine.filters import drop_repeated_runs

    sentence = "The committee approved the budget for the new library on Monday.".split()
    twice = sentence + ["And"] + sentence
    assert drop_repeated_runs(twice) == sentence + ["And"]
    # punctuation and case do not hide the repeat
    assert drop_repeated_runs(["Hello,", "this", "is", "the", "news", "hello", "this", "is", "the", "news."]) == \
        ["Hello,", "this", "is", "the", "news"]


def test_a_loop_keeps_what_came_before_its_first_repeat():
    assert loop_head("will we ever forget? Will we ever forget? Will we ever forget".split()) == "will we ever forget?".split()
    assert loop_head("this one, this one, this one, this".split()) == ["this", "one,"]
    assert loop_head("I'm from the cutter off the coast coast coast coast".split()) == "I'm from the cutter off the coast".split()
    assert loop_head(list("sssss")) == ["s"]


def test_words_that_never_repeat_at_once_are_all_kept():
    words = "a man said to the universe, sir, I exist, and the universe said".split()
    assert loop_head(words) == words
    assert loop_head([]) == []


# Japanese as the base model writes it (shared/speech/languages/ja_japanese.mp3), one item a character as
# Whisper times the words of languages written without spaces
JAPANESE = "サブディレクトリーごとに分けたサイトは、それぞれパブリッシャーセンターに登録し、Googleニュース上ではサイトとして認識され、"
CHINESE = "我们今天去公园散步。天气很好，阳光明媚。"


def chars(text):
    from captioner.subtitles.units import pieces

    return [p.strip() for p in pieces(text)]


def test_text_without_spaces_is_never_taken_for_a_filler_or_a_repeat():
    for text in (JAPANESE, CHINESE, "對，這就是我萬人敬仰的太乙真人"):
        assert normalise(text) != ""
        assert not is_invented(score(text, no_speech=0.5, logprob=-0.9), audio_rms=QUIET_RMS / 2)
        assert collapse_repeats(chars(text)) == chars(text)


def test_a_doubled_character_or_word_is_kept_a_sentence_said_again_is_not():
    said = chars("ここでどんどん進めましょう。")
    assert collapse_repeats(said) == said
    sentence = chars("天气很好。")
    assert collapse_repeats(sentence + sentence + chars("我们走吧。")) == sentence + chars("我们走吧。")
    looped = chars("それぞれパブリッシャーセンターに登録し")
    assert collapse_repeats(looped * 3) == looped


def test_a_word_written_again_in_a_sentence_is_no_repeated_run():
    from captioner.engine.filters import drop_repeated_runs

    words = chars(JAPANESE)
    assert drop_repeated_runs(words) == words  # サイト twice, ディレクトリー once: words, not a decoder's loop
    sentence = chars("天气很好，阳光明媚，我们去公园散步。")
    assert drop_repeated_runs(sentence + chars("然后") + sentence) == sentence + chars("然后")


def test_sentences_end_in_every_script():
    for text in ("晴れ。", "本当？", "すごい！", "「行こう。」", "好。"):
        assert ends_sentence(text), text
    assert not ends_sentence("登録し、")


def test_the_closing_lines_whisper_writes_on_silence_in_other_languages_are_fillers():
    for text in ("ご視聴ありがとうございました", "谢谢观看。", "謝謝觀看。", "Untertitel im Auftrag des ZDF", "字幕由Amara.org社区提供",
                 "字幕由Amara.org社群提供"):
        assert is_invented(score(text), audio_rms=QUIET_RMS / 2), text
        assert not is_invented(score(text, no_speech=0.01, logprob=-0.2), audio_rms=0.1), text
