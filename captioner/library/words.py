"""Words as the search index keeps them, in every language the app captions.

The index (SQLite FTS5's `unicode61` tokenizer) cuts text into words at spaces and punctuation, folding case and
accents. Chinese, Japanese, Thai, Lao, Khmer, Burmese and Tibetan are written without spaces between words, so their
characters are set apart here, each a word of its own, in the lines indexed and in the words searched for alike: a
search for 会议 is then the phrase "会 议", found wherever the two characters stand together, whatever its length.
(FTS5's `trigram` tokenizer finds any part of a word too, but only a search of three characters or more: the
commonest Chinese and Japanese words are two.) Hangul is split the same way, so a Korean word is found with its
particles attached. Chinese characters are kept in Simplified (`subtitles.chinese`), in the lines and in the words
searched for alike, so a search finds a line whatever script either is written in (会议 finds 會議). A word of a spaced
language matches every word it begins ("meet" finds "meeting"), as a search typed letter by letter needs, once it has
`PREFIX_FROM` letters.
"""

from __future__ import annotations

import re

from captioner.subtitles.chinese import SIMPLIFIED, in_script

__all__ = ["PREFIX_FROM", "TOKENIZER", "match_expression", "searchable"]

# letters, numbers, private-use characters and combining marks are parts of words (Thai vowels and tones are marks)
TOKENIZER = "unicode61 remove_diacritics 2 categories 'L* N* Co M*'"
# a word searched for matches the words it begins from this many characters: the index keeps every word under its
# first PREFIX_FROM characters too (FTS5's prefix index), so such a search reads one list; a shorter word would read
# the lists of every word it begins ("t": thousands), so it matches itself only (benchmarks/README.md, the library)
PREFIX_FROM = 3
_TOKEN = re.compile(r"[^\W_]+")  # a word as the tokenizer cuts it (near enough to tell its length)

_UNSPACED_CHARS = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u0f00-\u0fff"  # Tibetan
    "\u1000-\u109f"  # Myanmar
    "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"  # Hangul
    "\u1780-\u17ff"  # Khmer
    "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han, kana
    "\uff66-\uff9f"  # half-width kana
    "\U00020000-\U0003134f"  # Han, extensions B to G
)
_UNSPACED = re.compile(f"[{_UNSPACED_CHARS}]")
_AROUND_UNSPACED = re.compile(f"(?=[{_UNSPACED_CHARS}])|(?<=[{_UNSPACED_CHARS}])")  # before and after each such character


def searchable(text: str) -> str:
    """`text` as the index keeps it: each character of a language written without spaces set apart, Chinese
    characters in Simplified."""
    return " ".join(_AROUND_UNSPACED.sub(" ", in_script(text, SIMPLIFIED)).split()) if _UNSPACED.search(text) else text


def match_expression(query: str) -> str:
    """The FTS5 query finding lines that hold every word of `query` ("" when it has none): each word a phrase of the
    words the index cuts it into, its last matching any word it begins when it has PREFIX_FROM characters or more."""
    phrases = []
    for word in query.split():
        tokens = _TOKEN.findall(searchable(word))
        if not tokens:
            continue
        phrase = " ".join(searchable(word).split()).replace('"', '""')
        begins = len(tokens[-1]) >= PREFIX_FROM and not _UNSPACED.match(tokens[-1])
        phrases.append(f'"{phrase}"' + ("*" if begins else ""))
    return " AND ".join(phrases)
