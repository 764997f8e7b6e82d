"""Text units by script: words where a language writes spaces, characters where it does not.

Every rule that reads text (repeats, fillers, the stabiliser, the vote, the echo filter, cue lengths) compares
units, never raw space-split words: Chinese, Japanese and Thai put no spaces between words, so a sentence of theirs
split on spaces is one long "word" and a rule counting words sees one. Here each character of those scripts is a unit
of its own; a run of letters or digits of any other script, up to a space or a punctuation mark, is a word.

A rule sized in words reads units through `word_weight`: a character of an unspaced script counts as a fraction of
a word (`CHARS_PER_WORD`), so limits set for English hold for these languages at their own pace.

Lines and cues break where the language's readers expect: at spaces, and in Japanese, Chinese and Thai between
phrases, as BudouX (Google's phrase segmenter for line breaking, a small model per language) finds them, never inside
a word ("サ|イト", "お|ります"). Han text alone is read by both Chinese models (simplified and traditional script), and
breaks only where both allow. A phrase longer than a line breaks where the kind of character changes (katakana |
Han | hiragana), then between characters but never before a small kana or "ー"; text of a script without a model
(Lao, Khmer, Myanmar) breaks between any two characters.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence

import budoux

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
_TOKEN = re.compile(r"\S+")
# what never begins a line of Japanese (kinsoku): small kana, the long vowel mark, iteration marks; a phrase longer
# than a line is not broken before them
NO_LINE_START = frozenset("ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶーゝゞヽヾ々ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｯｬｭｮｰ")


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


def pieces(text: str, *, phrases: bool = True) -> list[str]:
    """`text` cut where a line or cue may break (`break_offsets`). A piece after a space begins with one space, a
    piece within an unspaced run with none; punctuation stays with the piece before it. "two words" -> [" two",
    " words"]; "今日は 晴れ。" -> [" 今日は", " 晴れ。"]; "我用Python写" -> [" 我", "用", "Python", "写"]. `phrases`
    False: between any two characters of an unspaced script, as Whisper times them ([" 今", "日", "は", " 晴", "れ。"])."""
    offsets = break_offsets(text, phrases=phrases)
    tokens = {m.start() for m in _TOKEN.finditer(text)}
    return [(" " if a in tokens else "") + text[a:b].rstrip() for a, b in zip(offsets, [*offsets[1:], len(text)])]


def break_offsets(text: str, *, phrases: bool = True) -> list[int]:
    """Where a line or cue may break in `text`: the offset of each piece's first character, in order. A piece starts
    after a space, and inside a run of a script written without spaces at a phrase's start (`phrase_starts`) where
    a word character follows a character of that script or an opening bracket follows one; never after nothing but
    opening brackets or quotes. `phrases` False: at any character, as before a phrase's."""
    offsets = []
    for match in _TOKEN.finditer(text):
        token, base = match.group(), match.start()
        offsets.append(base)
        starts = (phrase_starts(token) if phrases else range(len(token))) if any(map(is_unspaced, token)) else ()
        piece = 0
        for k in range(1, len(token)):
            if k in starts and _breaks_before(token[k - 1], token[k]) and not _opens(token[piece:k]):
                offsets.append(base + k)
                piece = k
    return offsets


@functools.lru_cache(maxsize=4096)
def phrase_starts(token: str) -> frozenset[int]:
    """The offsets in `token` (text without spaces) where a phrase begins, by BudouX's model for its script, and after
    punctuation or where scripts meet (`_ends_phrase`); every offset inside a phrase longer than a line
    (`FULL_WIDTH_LINE_CHARS`), and every one where no model reads it."""
    models = _phrase_models(_script_of(token))
    if not models:
        return frozenset(range(len(token) + 1))
    starts: set[int] | None = None
    for model in models:
        chunks = model.parse(token)
        if "".join(chunks) != token:
            return frozenset(range(len(token) + 1))
        ends = set(itertools.accumulate(map(len, chunks[:-1]), initial=0))
        starts = ends if starts is None else starts & ends
    assert starts is not None
    starts.update(k for k in range(1, len(token)) if _ends_phrase(token[k - 1], token[k]))
    starts.update(_within_a_line(token, starts, lambda a, b: (k for k in range(a + 1, b) if _kind(token[k - 1]) != _kind(token[k]))))
    starts.update(_within_a_line(token, starts, lambda a, b: (k for k in range(a + 1, b) if token[k] not in NO_LINE_START)))
    return frozenset(starts)


def _within_a_line(token: str, starts: set[int], inside) -> set[int]:
    """The offsets `inside(a, b)` gives in each phrase of `token` (between `starts`) longer than a line."""
    bounds = sorted(starts | {0, len(token)})
    return {k for a, b in zip(bounds, bounds[1:]) if b - a > FULL_WIDTH_LINE_CHARS for k in inside(a, b)}


def _kind(char: str) -> str:
    """A character's kind where a phrase longer than a line may break: hiragana, katakana (with its long vowel mark
    ー), Han, or another; a run of one kind is a word ("パブリッシャーセンター|期|ともに")."""
    point = ord(char)
    if 0x3041 <= point <= 0x309F:
        return "hiragana"
    if 0x30A0 <= point <= 0x30FF or 0x31F0 <= point <= 0x31FF or 0xFF66 <= point <= 0xFF9F:
        return "katakana"
    if 0x3400 <= point <= 0x4DBF or 0x4E00 <= point <= 0x9FFF or 0xF900 <= point <= 0xFAFF or point >= 0x20000:
        return "han"
    return "other"


def _ends_phrase(before: str, char: str) -> bool:
    """Whether a phrase ends between two characters whatever a model says: after a comma, a full stop or another
    mark that neither opens nor closes something ("，", ",", "。"), or where a script written without spaces meets
    another ("用|Python")."""
    words = unicodedata.category(before)[0] in "LN" and unicodedata.category(char)[0] in "LN"
    return unicodedata.category(before) == "Po" or (words and is_unspaced(before) != is_unspaced(char))


def _script_of(token: str) -> str:
    """Which BudouX models read `token`: "ja" (any Kana), "th" (Thai), "zh" (Han), or "" (none: Lao, Khmer, ...)."""
    if any(_kind(c) in ("hiragana", "katakana") for c in token):
        return "ja"
    if any(0x0E00 <= ord(c) <= 0x0E7F for c in token):
        return "th"
    if any(is_unspaced(c) for c in token if not 0x0E80 <= ord(c) <= 0x0EFF and not 0x1000 <= ord(c) <= 0x17FF):
        return "zh"
    return ""


@functools.cache
def _phrase_models(script: str) -> tuple[budoux.Parser, ...]:
    """BudouX's parsers for a script (`_script_of`): Japanese, Thai, or both Chinese ones (simplified, traditional)."""
    if script == "ja":
        return (budoux.load_default_japanese_parser(),)
    if script == "th":
        return (budoux.load_default_thai_parser(),)
    if script == "zh":
        return (budoux.load_default_simplified_chinese_parser(), budoux.load_default_traditional_chinese_parser())
    return ()


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
