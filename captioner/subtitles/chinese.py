"""Simplified and Traditional Chinese: which script a text is written in, and a text written in one script only.

Whisper writes Chinese in either script, and nothing in its "zh" says which: one clip comes out Simplified, the next
Traditional, and a single clip can mix the two ("這是我们"). A transcript that changes script from line to line is
hard to read and to search, so the captions of a session keep one script: the one chosen (`SIMPLIFIED`,
`TRADITIONAL`), or under `AUTO` the one its first Chinese caption is written in (`SessionScript`), as Whisper itself
keeps the script of the text it is told came before. A text that mixes the two is written in the one most of its
characters belong to. The conversion is OpenCC's (the maintained converter between the scripts, phrase by phrase:
头发 -> 頭髮, 发展 -> 發展); Japanese is never converted (only text decoded as Chinese is). A transcription decoded
whole keeps the script of its first Chinese caption across the pieces it is decoded in, and a refine the live
captions' (`engine.offline.decode_whole.in_one_script`, with `SessionScript`), so that its vote compares like with like;
`text_and_words_in` writes a caption and its words in one script for both.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeVar

__all__ = ["AUTO", "CHINESE", "OPENCC_CONFIGS", "SCRIPTS", "SIMPLIFIED", "TRADITIONAL", "SessionScript", "in_script", "script_of", "spellings", "text_and_words_in", "written_in"]

W = TypeVar("W")  # a word of a caption: a dataclass with its `text`

AUTO = "auto"  # a session keeps the script its first Chinese caption is written in
SIMPLIFIED = "simplified"
TRADITIONAL = "traditional"
SCRIPTS = (AUTO, SIMPLIFIED, TRADITIONAL)
CHINESE = frozenset({"zh", "yue"})  # the languages written in Chinese characters alone (Whisper's codes)
# OpenCC's conversion into each script: Traditional as Taiwan writes it ("吃", "裡", "為", where OpenCC's own standard
# has "喫", "裏", "爲"), as Whisper writes it; into Simplified from it and from the other Traditional variants
OPENCC_CONFIGS = {SIMPLIFIED: "tw2s", TRADITIONAL: "s2tw"}  # (the bundle carries these: packaging/hooks/hook-opencc.py)


@functools.lru_cache(maxsize=None)
def _converter(script: str):
    import opencc  # a C++ library: loaded only when Chinese is written

    return opencc.OpenCC(OPENCC_CONFIGS[script])


def _has_han(text: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" for c in text)


def script_of(text: str) -> str:
    """SIMPLIFIED or TRADITIONAL: the script more of the characters of `text` belong to (those written alike in both
    count for neither); "" where none tells (no Chinese, or as many of each)."""
    if not _has_han(text):
        return ""
    as_simplified, as_traditional = _converter(SIMPLIFIED).convert(text), _converter(TRADITIONAL).convert(text)
    traditional = sum(a != b for a, b in zip(text, as_simplified)) if len(as_simplified) == len(text) else 0
    simplified = sum(a != b for a, b in zip(text, as_traditional)) if len(as_traditional) == len(text) else 0
    if simplified == traditional:
        return ""
    return SIMPLIFIED if simplified > traditional else TRADITIONAL


def in_script(text: str, script: str) -> str:
    """`text` written in `script` (SIMPLIFIED, TRADITIONAL; AUTO: in the one most of it is written in)."""
    if script == AUTO:
        script = script_of(text)
    if script not in OPENCC_CONFIGS or not _has_han(text):
        return text
    return _converter(script).convert(text)


def spellings(text: str) -> tuple[str, ...]:
    """`text` as typed, then in each script where that writes it otherwise: what a search for it looks for, so that
    会议 finds 會議."""
    forms = [text]
    if _has_han(text):
        forms += [f for f in (in_script(text, s) for s in OPENCC_CONFIGS) if f not in forms]
    return tuple(forms)


def written_in(pieces: Sequence[str], script: str) -> list[str]:
    """The pieces of one text (a caption's words) written in `script` (AUTO: the one most of the whole text is written
    in), each still holding its own characters: the text is converted whole, so that a phrase split between two
    pieces converts as a phrase, and cut again where the pieces were."""
    whole = "".join(pieces)
    if script == AUTO:
        script = script_of(whole)
    converted = in_script(whole, script)
    if converted == whole:
        return list(pieces)
    if len(converted) != len(whole):  # a phrase that changes length: each piece by itself
        return [in_script(piece, script) for piece in pieces]
    out, at = [], 0
    for piece in pieces:
        out.append(converted[at:at + len(piece)])
        at += len(piece)
    return out


def text_and_words_in(text: str, words: Sequence[W], script: str) -> tuple[str, tuple[W, ...]]:
    """A caption's text and its words (dataclasses with a `text`) written in `script` (AUTO: the one most of the text
    is written in); as they are where no script tells."""
    script = script_of(text) if script == AUTO else script
    if not script:
        return text, tuple(words)
    texts = written_in([w.text for w in words], script)
    return in_script(text, script), tuple(replace(w, text=t) for w, t in zip(words, texts))


class SessionScript:
    """The script a session's Chinese is written in: `choice`, or under AUTO the one its first Chinese caption
    that tells is written in (`fixed`, "" until then)."""

    def __init__(self, choice: str = AUTO) -> None:
        self.choice = choice
        self.fixed = ""

    def begin(self) -> None:
        """A new session: under AUTO its first caption decides again."""
        self.fixed = ""

    @property
    def wanted(self) -> str:
        """The script to write in now: the choice, the one fixed, or AUTO (each text in its own) until one is."""
        return self.choice if self.choice != AUTO else self.fixed or AUTO

    def saw(self, text: str) -> None:
        """A caption in Chinese, written as `wanted` says: under AUTO, the first that tells fixes the script."""
        if self.choice == AUTO and not self.fixed:
            self.fixed = script_of(text)
