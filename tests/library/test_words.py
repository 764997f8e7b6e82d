"""Words as the index keeps them: languages written without spaces cut into characters, the search's words as phrases."""

from __future__ import annotations

from captioner.library.words import match_expression, searchable


def test_languages_written_without_spaces_are_cut_into_characters_and_others_are_left_as_they_are():
    assert searchable("会議は十時") == "会 议 は 十 时"  # Chinese characters in Simplified, kana as they are
    assert searchable("Meet at 会議室, please") == "Meet at 会 议 室 , please"
    assert searchable("Good morning, everyone.") == "Good morning, everyone."


def test_each_word_searched_for_is_a_phrase_matching_the_words_it_begins_from_three_letters():
    assert match_expression("budget 会議") == '"budget"* AND "会 议"'
    assert match_expression('say "hi"') == '"say"* AND """hi"""'
    assert match_expression("don't it's") == '"don\'t" AND "it\'s"'  # its last words, "t" and "s", too short to begin others
    assert match_expression(" ... -- ") == ""
