"""Text units by script: words where a language writes spaces, characters where it does not."""

from __future__ import annotations

import pytest

from captioner.subtitles.units import (
    CHARS_PER_WORD,
    FULL_WIDTH_LINE_CHARS,
    LINE_CHARS,
    ends_with,
    is_unspaced,
    items_for_words,
    line_chars,
    normalise,
    phrase_starts,
    pieces,
    units,
    unspaced,
    unwrap,
    word_count,
    word_weight,
)

JAPANESE = "サブディレクトリーごとに分けたサイトは、それぞれパブリッシャーセンターに登録し、"
CHINESE = "我们今天去公园散步。天气很好，阳光明媚。"


def test_english_words_are_units_as_before():
    assert units("Thank you. It's 16, Mr. Smith!") == ["thank", "you", "it's", "16", "mr", "smith"]
    assert normalise("  Hello,   WORLD!! ") == "hello world"


def test_characters_of_scripts_without_spaces_are_units():
    assert units("今日は、晴れ。") == ["今", "日", "は", "晴", "れ"]
    assert units(CHINESE)[:4] == ["我", "们", "今", "天"]
    assert normalise("ニュース！") == "ニ ュ ー ス"  # the long-vowel mark is a letter of the word


def test_mixed_text_keeps_latin_words_whole():
    assert units("我用Python写代码") == ["我", "用", "python", "写", "代", "码"]
    assert units("しかしGoogle検査") == ["し", "か", "し", "google", "検", "査"]


def test_accented_and_other_spaced_scripts_are_words():
    assert units("Ça va, Müller? Привет мир") == ["ça", "va", "müller", "привет", "мир"]
    assert units("안녕하세요 여러분") == ["안녕하세요", "여러분"]  # Korean writes spaces


def test_punctuation_alone_has_no_units():
    assert units("。、！？…") == []
    assert normalise("「」") == ""


@pytest.mark.parametrize("char, expected", [("日", True), ("は", True), ("カ", True), ("ก", True), ("a", False),
                                            ("한", False), ("。", False), ("1", False)])
def test_is_unspaced(char, expected):
    assert is_unspaced(char) is expected


def test_unspaced_goes_by_most_letters():
    assert unspaced(JAPANESE) and unspaced(CHINESE)
    assert not unspaced("Hello world") and not unspaced("")
    assert unspaced("Googleニュースのサイトアイコン")


def test_word_weight_counts_characters_as_a_fraction_of_a_word():
    assert word_weight("two words.") == 2
    assert word_weight("今日は") == pytest.approx(3 / CHARS_PER_WORD)
    assert word_weight("我用Python") == pytest.approx(2 / CHARS_PER_WORD + 1)


def test_word_count_of_items():
    assert word_count([" a", " b", ".5", "%"]) == 4  # spaced text: one an item, as the recognizer times them
    assert word_count(["今", "日", "は", "晴", "れ。"]) == pytest.approx(5 / CHARS_PER_WORD)
    assert word_count([]) == 0


def test_items_for_words():
    assert items_for_words([" a", " b"], 5) == 5
    assert items_for_words(["今", "日", "は"], 3) == 3 * CHARS_PER_WORD
    assert items_for_words(["ニュース", "タブ"], 2) == 2  # 6 characters in 2 items: 3 words


def test_sentence_ends_in_every_script():
    from captioner.subtitles.units import SENTENCE_END

    for text in ("Done.", "Really?", "Yes!", "終わりです。", "本当？", "すごい！", "「行こう。」", "他说：“好。”"):
        assert ends_with(text, SENTENCE_END), text
    assert not ends_with("今日は、", SENTENCE_END)


def test_pieces_break_at_spaces_and_between_phrases():
    assert pieces("two words, yes.") == [" two", " words,", " yes."]
    assert pieces("今日は 晴れ。") == [" 今日は", " 晴れ。"]
    assert pieces("我用Python写") == [" 我", "用", "Python", "写"]  # where scripts meet
    assert pieces("と「これ」は") == [" と", "「これ」は"]  # a particle stays with its phrase, a bracket with what it holds
    assert pieces("word(s) $16.5") == [" word(s)", " $16.5"]


def test_pieces_by_the_character_as_whisper_times_unspaced_text():
    assert pieces("今日は 晴れ。", phrases=False) == [" 今", "日", "は", " 晴", "れ。"]
    assert pieces("我用Python写", phrases=False) == [" 我", "用", "Python", "写"]
    assert pieces("と「これ」は", phrases=False) == [" と", "「こ", "れ」", "は"]
    assert pieces("two words, yes.", phrases=False) == [" two", " words,", " yes."]


def test_japanese_breaks_between_phrases_never_inside_a_word():
    # as base transcribes ja_japanese.mp3: "サイト" and "おります" were cut in two at the line's 16th character
    text = "いきますニュースタブでの サイトメーション期が実際と違う系に関するご質問いただいております"
    assert pieces(text) == [" いきますニュースタブでの", " サイトメーション期が", "実際と", "違う", "系に", "関する",
                            "ご質問いただいて", "おります"]
    assert "".join(pieces(text)).strip() == text


def test_chinese_breaks_between_words_in_either_script_and_after_punctuation():
    assert pieces("我們今天去公園散步天氣很好,陽光明媚") == [" 我們", "今天", "去", "公園", "散步", "天氣", "很", "好,",
                                                         "陽光明媚"]  # an idiom of four characters: one phrase
    assert pieces("我们今天去公园散步。天气很好，阳光明媚。") == [" 我们", "今天", "去", "公园", "散步。", "天气", "很",
                                                            "好，", "阳光", "明媚。"]


def test_thai_breaks_between_words():
    assert pieces("สวัสดีครับวันนี้อากาศดีมาก") == [" สวัสดี", "ครับ", "วัน", "นี้", "อากาศ", "ดี", "มาก"]


def test_a_phrase_longer_than_a_line_breaks_between_its_characters():
    long_name = "パブリッシャーセンターアカウントマネージャー"  # one katakana run of 22 characters
    assert len(long_name) > FULL_WIDTH_LINE_CHARS
    parts = pieces(long_name + "です")
    assert all(len(p.strip()) <= FULL_WIDTH_LINE_CHARS for p in parts)
    assert not any(p.strip()[0] in "ッャー" for p in parts[1:])  # never before a small kana or the long vowel mark
    assert phrase_starts("ພາສາລາວ") == frozenset(range(8))  # Lao: no model, any two characters
    # longer than a line: first where the kind of character changes (katakana | Han | hiragana)
    assert pieces("パブリッコンサイトメーション期ともに") == [" パブリッコンサイトメーション", "期", "ともに"]


def test_pieces_are_the_split_words_for_spaced_text():
    text = "It's 3.5 per cent — (roughly) what \"they\" said, isn't it?"
    assert pieces(text) == [" " + t for t in text.split()]


def test_line_chars_by_script():
    assert line_chars(JAPANESE) == FULL_WIDTH_LINE_CHARS
    assert line_chars("Some English text") == LINE_CHARS


def test_unwrap_joins_lines_as_the_script_writes():
    assert unwrap("今日は\n晴れ") == "今日は晴れ"
    assert unwrap("Two\nlines  here") == "Two lines here"
    assert unwrap("It is\n晴れ") == "It is 晴れ"
