"""Text units by script: words where a language writes spaces, characters where it does not.

Every rule that reads text (repeats, fillers, the stabiliser, the vote, the echo filter, cue lengths) compares
units, never raw space-split words: Chinese, Japanese and Thai put no spaces between words, so a sentence of theirs
split on spaces is one long "word" and a rule counting words sees one. Here each character of those scripts is a unit
of its own; a run of letters or digits of any other script, up to a space or a punctuation mark, is a word.

A rule sized in words reads units through `word_weight`: a character of an unspaced script counts as a fraction of
a word (`CHARS_PER_WORD`), so limits set for English hold for these languages at their own pace.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence

# Unicode ranges of the scripts written without spaces between words (first, last code point)
UNSPACED_RANGES = (
    (0x0E00, 0x0EFF),  # Thai, Lao
    (0x1000, 0x109F),  # Myanmar
    (0x1780, 0x17FF),  # Khmer
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3005, 0x3007),  # 々 〆 〇
    (0x3040, 0x30FF),  # Hiragana, Katakana
    (0x31F0, 0x31FF),  # Katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # half-width Katakana
    (0x20000, 0x3134F),  # CJK extensions B to G
)

# Sentence ends in every script: ASCII, the ellipsis, full-width and ideographic forms
SENTENCE_END = (".", "?", "!", "…", "。", "？", "！", "｡", "︒", "‼", "⁇", "⁈", "⁉")
# Clause ends: ASCII, dashes, full-width and ideographic forms
CLAUSE_END = (",", ";", ":", "—", "–", "，", "、", "；", "：", "､")

CHARS_PER_WORD = 3.0  # characters of an unspaced script that count as one word in a rule sized in words: a word of
# Japanese or Chinese with its particle runs to about this many (benchmarks/README.md, "Languages")
# Cue lines in characters: subtitle practice for full-width text (Chinese, Japanese) and for Latin text
FULL_WIDTH_LINE_CHARS = 16
LINE_CHARS = 42
FULL_WIDTH_CHARS_PER_S = 4.0  # reading speed: characters of full-width text a second a viewer reads in a cue
APOSTROPHE = "'"
ROUNDING = 9  # decimal places a count of items is rounded to before it is rounded up (a float's noise aside)
CLOSERS = "\"')]»”’」』）】〉》"  # closing quotes and brackets, after a sentence's end mark


def is_unspaced(char: str) -> bool:
    """Whether `char` belongs to a script written without spaces between words (Han, Kana, Thai, ...)."""
    point = ord(char)
    return any(lo <= point <= hi for lo, hi in UNSPACED_RANGES)


def _is_unit_char(char: str) -> bool:
    """A letter, a digit or a mark of a word (a combining accent, a Thai vowel sign), or an apostrophe."""
    return char == APOSTROPHE or unicodedata.category(char)[0] in "LNM"


def units(text: str) -> list[str]:
    """The normalised units of `text`: lower case, punctuation dropped, each unspaced-script character a unit of its
    own and every other run of letters, digits and apostrophes a word. "Hello, World!" -> ["hello", "world"];
    "今日は、晴れ。" -> ["今", "日", "は", "晴", "れ"]; "我用Python写" -> ["我", "用", "python", "写"]."""
    out: list[str] = []
    word: list[str] = []
    for char in text.lower():
        if _is_unit_char(char) and not is_unspaced(char):
            word.append(char)
            continue
        if word:
            out.append("".join(word))
            word = []
        if is_unspaced(char) and unicodedata.category(char)[0] in "LNM":
            out.append(char)
    if word:
        out.append("".join(word))
    return out


def normalise(text: str) -> str:
    """`units` joined by single spaces: the key two texts are compared by ("Thank you." == "thank you")."""
    return " ".join(units(text))


def unspaced(text: str) -> bool:
    """Whether most of the letters of `text` are of a script written without spaces."""
    letters = [c for c in text if unicodedata.category(c)[0] == "L"]
    return bool(letters) and 2 * sum(map(is_unspaced, letters)) > len(letters)


def word_weight(text: str) -> float:
    """How many words `text` counts as in a rule sized in words: its words, and its unspaced-script characters by
    `CHARS_PER_WORD`."""
    said = units(text)
    chars = sum(is_unspaced(u[0]) for u in said)
    return len(said) - chars + chars / CHARS_PER_WORD


def ends_with(text: str, marks: tuple[str, ...]) -> bool:
    """Whether `text`, closing quotes and brackets aside, ends with one of `marks`."""
    return text.strip().rstrip(CLOSERS).endswith(marks)


def word_count(items: Sequence[str]) -> float:
    """How many words a run of word items (as a recognizer times them) counts as in a rule sized in words: one an
    item where the text is written with spaces, its `word_weight` where it is not."""
    joined = "".join(items)
    return word_weight(joined) if unspaced(joined) else float(len(items))


def items_for_words(items: Sequence[str], words: float) -> int:
    """How many of `items` make `words` words (`word_count`), at their average size: `words` itself, rounded up,
    where the text is written with spaces."""
    count = word_count(items)
    if not items or count == len(items):
        return math.ceil(words)
    return math.ceil(round(words * len(items) / count, ROUNDING)) if count else len(items) + 1


def pieces(text: str) -> list[str]:
    """`text` cut where a line or cue may break: at spaces, and between the characters of a script written without
    them. A piece after a space begins with one space, a piece within an unspaced run with none; punctuation stays
    with the piece before it. "two words" -> [" two", " words"]; "今日は 晴れ。" -> [" 今", "日", "は", " 晴", "れ。"]."""
    out: list[str] = []
    for token in text.split():
        out.append(" " + token[0])
        for before, char in zip(token, token[1:]):
            if _breaks_before(before, char) and not _opens(out[-1]):
                out.append(char)
            else:
                out[-1] += char
    return out


def unwrap(text: str) -> str:
    """A cue's lines as one line: single spaces where the text had any white space, none at a line break between
    two characters of a script written without spaces ("今日は\n晴れ" -> "今日は晴れ")."""
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out = ""
    for line in filter(None, lines):
        out += line if out and is_unspaced(out[-1]) and is_unspaced(line[0]) else (" " if out else "") + line
    return out


def _opens(piece: str) -> bool:
    """Whether a piece is nothing but opening quotes or brackets (it goes with what follows)."""
    return all(unicodedata.category(c) in ("Ps", "Pi") for c in piece.strip())


def _breaks_before(before: str, char: str) -> bool:
    """Whether a line may break between two characters of one space-free token."""
    if unicodedata.category(char) in ("Ps", "Pi"):
        return is_unspaced(before)
    word_char = unicodedata.category(char)[0] in "LN"
    return word_char and (is_unspaced(char) or is_unspaced(before))


def line_chars(text: str) -> int:
    """The most characters a cue line of `text` holds: fewer for text written in full-width characters."""
    return FULL_WIDTH_LINE_CHARS if unspaced(text) else LINE_CHARS
