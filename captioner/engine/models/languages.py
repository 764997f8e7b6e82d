"""The languages Whisper writes, by the codes its tokenizer knows (`faster_whisper.tokenizer`), kept here so that a
language can be checked without loading the ML stack (tests/engine/models/test_languages.py holds the two lists equal)."""

from __future__ import annotations

__all__ = ["AUTO", "LANGUAGES", "is_language"]

AUTO = "auto"  # detect the language from the speech

LANGUAGES = (
    "af", "am", "ar", "as", "az", "ba", "be", "bg", "bn", "bo", "br", "bs", "ca", "cs", "cy", "da", "de", "el", "en",
    "es", "et", "eu", "fa", "fi", "fo", "fr", "gl", "gu", "ha", "haw", "he", "hi", "hr", "ht", "hu", "hy", "id", "is",
    "it", "ja", "jw", "ka", "kk", "km", "kn", "ko", "la", "lb", "ln", "lo", "lt", "lv", "mg", "mi", "mk", "ml", "mn",
    "mr", "ms", "mt", "my", "ne", "nl", "nn", "no", "oc", "pa", "pl", "ps", "pt", "ro", "ru", "sa", "sd", "si", "sk",
    "sl", "sn", "so", "sq", "sr", "su", "sv", "sw", "ta", "te", "tg", "th", "tk", "tl", "tr", "tt", "uk", "ur", "uz",
    "vi", "yi", "yo", "zh", "yue",
)  # fmt: skip


def is_language(code: str) -> bool:
    """Whether `code` is a language Whisper writes, or AUTO."""
    return code == AUTO or code in LANGUAGES
