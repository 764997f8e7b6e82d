"""Which part of a growing interim text is settled.

Each interim pass re-transcribes the whole growing segment, so its last words
may change. A word prefix that two passes in a row agree on is taken as stable
(the LocalAgreement rule), and stays stable while later passes keep it.
"""

from __future__ import annotations

from captioner.engine.filters import normalise


def agreed_words(previous: list[str], current: list[str]) -> int:
    """How many leading words two hypotheses share (compared normalised)."""
    n = 0
    for a, b in zip(previous, current):
        if normalise(a) != normalise(b):
            break
        n += 1
    return n


def stable_chars(previous: list[str], current: list[str]) -> int:
    """Characters of the joined `current` text covered by the agreed words."""
    n = agreed_words(previous, current)
    return len("".join(current[:n]).strip()) if n else 0
