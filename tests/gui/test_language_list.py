from captioner.engine.models.languages import AUTO, LANGUAGES
from captioner.gui.language_list import choices, name_of


def test_every_language_whisper_writes_is_offered_once_english_and_detect_first():
    codes = [code for code, _shown in choices()]
    assert codes[:2] == ["en", AUTO]
    assert sorted(codes) == sorted((*LANGUAGES, AUTO))
    rest = [name_of(code).casefold() for code in codes[2:]]
    assert rest == sorted(rest)


def test_languages_are_named_in_english_and_in_their_own_words():
    assert name_of("en") == "English"
    assert name_of("ja") == "Japanese · 日本語"
    assert name_of("de") == "German · Deutsch"
    assert name_of("jw").startswith("Javanese")  # Whisper's code for it is not the ISO one
    assert dict(choices())["zh"].endswith("(zh)")
