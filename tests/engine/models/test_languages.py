from faster_whisper.tokenizer import _LANGUAGE_CODES

from captioner.engine.models.languages import LANGUAGES, is_language


def test_the_languages_are_the_ones_whispers_tokenizer_knows() -> None:
    assert LANGUAGES == tuple(_LANGUAGE_CODES)


def test_a_language_is_a_known_code_or_auto() -> None:
    assert is_language("ja") and is_language("zh") and is_language("auto")
    assert not is_language("xx") and not is_language("english") and not is_language("")
