"""The user's words: names, product names and jargon the decoder is told to expect.

A vocabulary is given to the passes that may become finals as faster-whisper's `hotwords` (text
the decoder sees before it writes, as if said just before). It is never given to interim passes,
and the checks against invented text (`captioner.engine.filters`) still apply: a list that shows
up as a caption on silence or noise is dropped like any other invented text.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["MAX_CHARS", "parse_vocabulary", "read_vocabulary"]

MAX_CHARS = 600  # about 150 tokens: the decoder's context holds 224 before what it writes


def parse_vocabulary(text: str) -> str:
    """One line of terms from a list separated by commas, semicolons or new lines: each term once,
    in the order given; empty when there is none."""
    terms: list[str] = []
    seen: set[str] = set()
    for raw in re.split(r"[,;\n]+", text):
        term = " ".join(raw.split())
        if term and term.lower() not in seen:
            seen.add(term.lower())
            terms.append(term)
    line = ", ".join(terms)
    if len(line) > MAX_CHARS:
        line = line[:MAX_CHARS].rsplit(",", 1)[0]
    return line


def read_vocabulary(value: str) -> str:
    """`value` is the terms themselves or a text file of them (one a line or comma-separated); a
    value that names a file ("/" in it, or a .txt ending) must be one."""
    path = Path(value).expanduser()
    if not path.is_file() and ("/" in value or "\\" in value or path.suffix.lower() in (".txt", ".csv", ".lst")):
        raise ValueError(f"no vocabulary file {path}")
    if path.is_file():
        try:
            return parse_vocabulary(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read the vocabulary file {path}: {exc}") from exc
    return parse_vocabulary(value)
