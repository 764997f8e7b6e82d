from captioner.events import Word
from captioner.subtitles.chinese import (
    AUTO,
    SIMPLIFIED,
    TRADITIONAL,
    SessionScript,
    in_script,
    script_of,
    spellings,
    text_and_words_in,
    written_in,
)


def test_the_script_of_a_text_is_the_one_most_of_its_characters_belong_to():
    assert script_of("你到底有没有在听我讲") == SIMPLIFIED
    assert script_of("你到底有沒有在聽我講") == TRADITIONAL
    assert script_of("對,這是我們的亂人牽扬") == TRADITIONAL  # one simplified character among traditional ones
    assert script_of("我用Python写") == SIMPLIFIED


def test_a_text_no_character_of_which_tells_has_no_script():
    for text in ("好的", "Python", "", "今日は"):
        assert script_of(text) == "", text


def test_a_text_in_a_script_is_converted_phrase_by_phrase():
    assert in_script("头发发展", TRADITIONAL) == "頭髮發展"  # 发 is 髮 in hair and 發 in growth
    assert in_script("我們的頭髮", SIMPLIFIED) == "我们的头发"
    assert in_script("吃起来", TRADITIONAL) == "吃起來"  # as Taiwan writes it, as Whisper does
    assert in_script("對,這是我們的亂人牽扬", AUTO) == "對,這是我們的亂人牽揚"
    assert in_script("好的", AUTO) == "好的"


def test_pieces_keep_their_characters_and_convert_as_one_text():
    assert written_in([" 头", "发", " 发展"], TRADITIONAL) == [" 頭", "髮", " 發展"]
    assert written_in(["我們", "這樣", "扬"], AUTO) == ["我們", "這樣", "揚"]
    assert written_in(["Python", " is"], SIMPLIFIED) == ["Python", " is"]


def test_a_caption_and_its_words_are_written_in_one_script_their_times_kept():
    words = (Word("這是", 0, 100, 0.9), Word("我们", 100, 200, 0.8), Word("的", 200, 300))
    text, converted = text_and_words_in("這是我们的", words, TRADITIONAL)
    assert text == "這是我們的"
    assert [w.text for w in converted] == ["這是", "我們", "的"]
    assert [(w.start, w.end, w.probability) for w in converted] == [(w.start, w.end, w.probability) for w in words]
    assert text_and_words_in("這是我们的", words, SIMPLIFIED)[0] == "这是我们的"
    assert text_and_words_in("這個還是這樣我们", words, AUTO)[0] == "這個還是這樣我們"  # most of it Traditional
    assert text_and_words_in("の人", words, AUTO) == ("の人", words)  # nothing tells: as it is


def test_a_session_keeps_the_script_its_first_chinese_caption_that_tells_is_in():
    script = SessionScript()
    assert script.wanted == AUTO
    script.saw("好的")  # tells nothing
    assert script.wanted == AUTO
    script.saw("我們今天去公園")
    script.saw("我们明天去")
    assert script.wanted == TRADITIONAL
    script.begin()
    assert script.wanted == AUTO


def test_a_chosen_script_holds_whatever_the_captions_are_in():
    script = SessionScript(SIMPLIFIED)
    script.saw("我們今天去公園")
    assert script.wanted == SIMPLIFIED


def test_a_search_is_spelled_in_each_script_it_differs_in():
    assert spellings("会议") == ("会议", "會議")
    assert spellings("會議") == ("會議", "会议")
    assert spellings("人口") == ("人口",)  # written alike in both
    assert spellings("budget") == ("budget",)
    assert spellings("の会議") == ("の会議", "の会议", "の會議")  # as typed first (Japanese is searched as written)
