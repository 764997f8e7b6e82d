"""The spoken languages the app offers: every language Whisper writes, named in English and in its own words by Qt's
locale data (`QLocale`), English and "Detect" first, the rest by their English names."""

from __future__ import annotations

from PySide6.QtCore import QLocale

from captioner.engine.models.languages import AUTO, LANGUAGES

__all__ = ["DETECT", "choices", "name_of"]

DETECT = "Detect"
FIRST = ("en", AUTO)  # offered before the rest: the default, and detection
QT_CODES = {"jw": "jv"}  # Whisper's code where it is not the ISO 639-1 code QLocale knows


def name_of(code: str) -> str:
    """"Japanese · 日本語" for "ja": the English name, then the language's own where it differs; the code when Qt does
    not know it."""
    if code == AUTO:
        return DETECT
    locale = QLocale(QT_CODES.get(code, code))
    if locale.language() == QLocale.Language.C:
        return code
    english = QLocale.languageToString(locale.language())
    native = locale.nativeLanguageName()
    if code == "en" or not native or native.casefold() in english.casefold() or english.casefold() in native.casefold():
        return english
    return f"{english} · {native}"


def choices() -> list[tuple[str, str]]:
    """(code, shown text) of every language: English, Detect, then the others by name."""
    rest = sorted((c for c in LANGUAGES if c not in FIRST), key=lambda c: name_of(c).casefold())
    return [(code, f"{name_of(code)} ({code})") for code in (*FIRST, *rest)]
