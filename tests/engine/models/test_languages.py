from faster_whisper.tokenizer import _LANGUAGE_CODES

from captioner.engine.models.languages import AUTO, LANGUAGES, NAMES, code_for, is_language


def test_the_languages_are_the_ones_whispers_tokenizer_knows() -> None:
    assert LANGUAGES == tuple(_LANGUAGE_CODES)


def test_a_language_is_a_known_code_or_auto() -> None:
    assert is_language("ja") and is_language("zh") and is_language("auto")
    assert not is_language("xx") and not is_language("english") and not is_language("")


def test_whisper_names_every_language_it_writes() -> None:
    assert set(NAMES) == set(_LANGUAGE_CODES) and all(NAMES.values())


def test_a_language_is_found_by_its_code_or_its_english_name_in_any_case() -> None:
    assert code_for("ja") == code_for("Japanese") == code_for(" JAPANESE ") == "ja"
    assert code_for("Mandarin") == code_for("chinese") == "zh"
    assert code_for("haitian creole") == code_for("Haitian") == "ht"
    assert code_for("Detect") == code_for("auto") == AUTO


def test_a_name_whisper_does_not_know_is_no_language() -> None:
    assert code_for("klingon") is None and code_for("") is None and code_for("xx") is None
