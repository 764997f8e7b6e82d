from captioner.subtitles.chinese import AUTO, SIMPLIFIED, TRADITIONAL, SessionScript, in_script, script_of, written_in


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
