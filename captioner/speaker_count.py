"""How many people speak, when the user knows: a session's option, read as a user writes it ("2", "2-4").

Light on purpose (no numpy): the settings and the CLI's parser read it before anything heavy loads. The voice
grouping (`voices.clusters`) honours it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ANY_COUNT", "MOST_SPEAKERS", "SpeakerCount", "count_of"]

MOST_SPEAKERS = 20  # the largest number of people a user may give


@dataclass(frozen=True)
class SpeakerCount:
    """How many people speak, as the user gives it: at least `least`, at most `most` (0: no limit)."""

    least: int = 1
    most: int = 0

    @classmethod
    def exactly(cls, n: int) -> SpeakerCount:
        return cls(n, n)

    @classmethod
    def parse(cls, text: str) -> SpeakerCount:
        """"" or "any": no number; "N": exactly N; "MIN-MAX": a range. ValueError with a message a user can read."""
        t = text.strip().lower().replace("–", "-")
        if t in ("", "any", "auto"):
            return cls()
        m = re.fullmatch(r"(\d+)(?:\s*-\s*(\d+))?", t)
        if not m:
            raise ValueError(f"'{text}' is not a number of speakers: give N or MIN-MAX, e.g. 2 or 2-4")
        least, most = int(m[1]), int(m[2] or m[1])
        if not 1 <= least <= most <= MOST_SPEAKERS:
            raise ValueError(f"'{text}' is not a number of speakers: give 1 to {MOST_SPEAKERS}, the smaller first (e.g. 2-4)")
        return cls(least, most)

    def __str__(self) -> str:
        if self.most == 0:
            return "" if self.least <= 1 else f"{self.least}-"
        return str(self.most) if self.least == self.most else f"{self.least}-{self.most}"

    def room(self, found: int) -> bool:
        """One more speaker may be found after `found`."""
        return self.most == 0 or found < self.most


ANY_COUNT = SpeakerCount()


def count_of(speakers: bool | SpeakerCount) -> SpeakerCount:
    """The number of people a session's `speakers` option gives: True (told apart, any number) or a SpeakerCount."""
    return speakers if isinstance(speakers, SpeakerCount) else ANY_COUNT
