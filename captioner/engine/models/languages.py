"""The languages Whisper writes, by the codes its tokenizer knows (`faster_whisper.tokenizer`) and the English names
Whisper gives them, kept here so that a language can be checked without loading the ML stack
(tests/engine/models/test_languages.py holds the codes equal to the tokenizer's)."""

from __future__ import annotations

__all__ = ["AUTO", "LANGUAGES", "NAMES", "code_for", "is_language"]

AUTO = "auto"  # detect the language from the speech

NAMES = {
    "af": "afrikaans", "am": "amharic", "ar": "arabic", "as": "assamese", "az": "azerbaijani", "ba": "bashkir",
    "be": "belarusian", "bg": "bulgarian", "bn": "bengali", "bo": "tibetan", "br": "breton", "bs": "bosnian",
    "ca": "catalan", "cs": "czech", "cy": "welsh", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "et": "estonian", "eu": "basque", "fa": "persian", "fi": "finnish", "fo": "faroese",
    "fr": "french", "gl": "galician", "gu": "gujarati", "ha": "hausa", "haw": "hawaiian", "he": "hebrew",
    "hi": "hindi", "hr": "croatian", "ht": "haitian creole", "hu": "hungarian", "hy": "armenian", "id": "indonesian",
    "is": "icelandic", "it": "italian", "ja": "japanese", "jw": "javanese", "ka": "georgian", "kk": "kazakh",
    "km": "khmer", "kn": "kannada", "ko": "korean", "la": "latin", "lb": "luxembourgish", "ln": "lingala", "lo": "lao",
    "lt": "lithuanian", "lv": "latvian", "mg": "malagasy", "mi": "maori", "mk": "macedonian", "ml": "malayalam",
    "mn": "mongolian", "mr": "marathi", "ms": "malay", "mt": "maltese", "my": "myanmar", "ne": "nepali", "nl": "dutch",
    "nn": "nynorsk", "no": "norwegian", "oc": "occitan", "pa": "punjabi", "pl": "polish", "ps": "pashto",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "sa": "sanskrit", "sd": "sindhi", "si": "sinhala",
    "sk": "slovak", "sl": "slovenian", "sn": "shona", "so": "somali", "sq": "albanian", "sr": "serbian",
    "su": "sundanese", "sv": "swedish", "sw": "swahili", "ta": "tamil", "te": "telugu", "tg": "tajik", "th": "thai",
    "tk": "turkmen", "tl": "tagalog", "tr": "turkish", "tt": "tatar", "uk": "ukrainian", "ur": "urdu", "uz": "uzbek",
    "vi": "vietnamese", "yi": "yiddish", "yo": "yoruba", "zh": "chinese", "yue": "cantonese",
}  # fmt: skip
# other names Whisper takes for the same languages
ALIASES = {
    "burmese": "my", "valencian": "ca", "flemish": "nl", "haitian": "ht", "letzeburgesch": "lb", "pushto": "ps",
    "panjabi": "pa", "moldavian": "ro", "moldovan": "ro", "sinhalese": "si", "castilian": "es", "mandarin": "zh",
}  # fmt: skip
LANGUAGES = tuple(NAMES)
DETECT_NAMES = ("detect", "automatic")  # names a person may give for AUTO


def is_language(code: str) -> bool:
    """Whether `code` is a language Whisper writes, or AUTO."""
    return code == AUTO or code in NAMES


def code_for(text: str) -> str | None:
    """The code of the language `text` names, as a code or by its English name, any case ("ja", "Japanese",
    "Mandarin": "zh"; "Detect": AUTO); None when it names none Whisper writes."""
    said = " ".join(text.split()).casefold()
    if is_language(said):
        return said
    if said in DETECT_NAMES:
        return AUTO
    by_name = {name: code for code, name in NAMES.items()}
    return by_name.get(said) or ALIASES.get(said)
