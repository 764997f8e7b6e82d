"""The language spoken in a session whose language is detected: the one most probable over all the speech heard so far.

Whisper detects a language from each clip it decodes, and a short clip often misleads it (a one-word greeting taken
for a neighbouring language). Every pass that may become a final tells its clip's language probabilities; they are
summed, each weighted by its clip's length, and the language with the most of the sum is the one shown. Once
`SURE_AFTER_S` of speech has been heard and that language holds `SURE_SHARE` of the sum, it is fixed for the session.
"""

from __future__ import annotations

from collections.abc import Iterable

SURE_AFTER_S = 8.0  # seconds of speech a language is judged on before it may be fixed
SURE_SHARE = 0.8  # the share of the summed probability the most probable language holds once it is fixed


class SpokenLanguage:
    """The language most probable over the speech heard so far, fixed once sure."""

    def __init__(self, sure_after_s: float = SURE_AFTER_S, sure_share: float = SURE_SHARE) -> None:
        self.sure_after_s, self.sure_share = sure_after_s, sure_share
        self.heard_s = 0.0
        self.fixed = ""  # the language once sure, "" before
        self._weights: dict[str, float] = {}

    def hear(self, probabilities: Iterable[tuple[str, float]], seconds: float) -> None:
        """A clip of `seconds` of speech in which the model found these (language, probability) pairs."""
        if self.fixed or seconds <= 0:
            return
        heard = False
        for language, probability in probabilities:
            self._weights[language] = self._weights.get(language, 0.0) + probability * seconds
            heard = True
        if not heard:
            return
        self.heard_s += seconds
        language, share = self.best
        if self.heard_s >= self.sure_after_s and share >= self.sure_share:
            self.fixed = language

    @property
    def best(self) -> tuple[str, float]:
        """(language, its share of the summed probability) of the most probable language; ("", 0.0) before any."""
        if self.fixed:
            return self.fixed, 1.0
        total = sum(self._weights.values())
        if not total:
            return "", 0.0
        language = max(self._weights, key=self._weights.__getitem__)
        return language, self._weights[language] / total

    def describe(self) -> str:
        """The language for people: "ja", "ja?" while it is not yet sure, "" before any speech."""
        language, _share = self.best
        return language + ("" if self.fixed or not language else "?")
