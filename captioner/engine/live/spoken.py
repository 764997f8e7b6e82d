"""The language spoken in a session whose language is detected: the one most probable over all the speech heard so far.

Whisper detects a language from each clip it decodes, and a short clip often misleads it (a one-word greeting taken
for a neighbouring language). Every pass that may become a final tells its clip's language probabilities; they are
summed, each weighted by its clip's length, and the language with the most of the sum is the one shown. Each stretch of
speech counts once: the passes over a segment that is still growing (made where speech paused) and its final pass
start where it starts, and the latest of them stands for all (`hear`'s `at`). It is sure
once `SURE_AFTER_S` of speech has been heard and that language holds `SURE_SHARE` of the sum, and stays sure: from
then on another language is shown only once it outweighs all the speech heard before it. Where the latest clip is
surely another language (a meeting that moves from English to German), that is shown beside it ("en · now de"): each
clip is decoded in the language detected from it, unless the model is unsure of that (`DETECTED_SHARE`) and the session
is sure of another: a clip of a second or two often gives a neighbouring language most of a low probability, and
decoded in it the speech comes out as that language's words ("¿Es casi el…" for Japanese). The whole session's speech
is then the better evidence (`decode_in`).
"""

from __future__ import annotations

from collections.abc import Iterable

SURE_AFTER_S = 8.0  # seconds of speech a language is judged on before it is sure
SURE_SHARE = 0.8  # the share of the summed probability the most probable language holds once it is sure
RECENT_CLIPS = 8  # the latest clips kept by where they start, for a later pass over the same speech to count in their place
# (a meeting's inputs each have a segment open at once)
DETECTED_SHARE = 0.5  # a clip's own language is trusted from this probability on (faster-whisper's own threshold for
# trusting a detection, `language_detection_threshold`)


class SpokenLanguage:
    """The language most probable over the speech heard so far, and the latest clip's where that is surely another."""

    def __init__(self, sure_after_s: float = SURE_AFTER_S, sure_share: float = SURE_SHARE) -> None:
        self.sure_after_s, self.sure_share = sure_after_s, sure_share
        self.heard_s = 0.0
        self.sure = False  # whether a language has been sure (once it has, the shown one has no "?")
        self.latest = ""  # the latest clip's language where the model was sure of it, "" where it was not
        self._weights: dict[str, float] = {}
        self._clips: dict[int, tuple[dict[str, float], float]] = {}  # what each clip heard counts for, by where it starts

    def hear(self, probabilities: Iterable[tuple[str, float]], seconds: float, at: int | None = None) -> None:
        """A clip of `seconds` of speech in which the model found these (language, probability) pairs. `at`: where the
        clip starts on the audio clock; a clip that starts where an earlier one did is a later pass over the same
        speech, and counts in its place (None: a clip of its own)."""
        if seconds <= 0:
            return
        heard = dict(probabilities)
        if not heard:
            return
        if at is not None:
            before, before_s = self._clips.pop(at, ({}, 0.0))
            self._add(before, -before_s)
            self._clips[at] = (heard, seconds)
            while len(self._clips) > RECENT_CLIPS:  # the oldest clip's speech is over: its passes are done
                del self._clips[next(iter(self._clips))]
        self._add(heard, seconds)
        top = _most_probable(heard)
        self.latest = top if heard[top] >= self.sure_share else ""
        _language, share = self.best
        self.sure = self.sure or (self.heard_s >= self.sure_after_s and share >= self.sure_share)

    def _add(self, heard: dict[str, float], seconds: float) -> None:
        for language, probability in heard.items():
            self._weights[language] = self._weights.get(language, 0.0) + probability * seconds
        self.heard_s += seconds if heard else 0.0

    def decode_in(self, probabilities: Iterable[tuple[str, float]]) -> str:
        """The language to decode a clip in, given the (language, probability) pairs detected from it alone: the
        session's where the session is sure of it and the clip's most probable language is another, under
        `DETECTED_SHARE`; "" to keep the clip's own."""
        heard = dict(probabilities)
        if not heard or not self.sure:
            return ""
        top = _most_probable(heard)
        language, _share = self.best
        return language if top != language and heard[top] < DETECTED_SHARE else ""

    @property
    def best(self) -> tuple[str, float]:
        """(language, its share of the summed probability) of the most probable language; ("", 0.0) before any."""
        total = sum(self._weights.values())
        if not total:
            return "", 0.0
        language = _most_probable(self._weights)
        return language, self._weights[language] / total

    def describe(self) -> str:
        """The language for people: "ja", "ja?" while it is not yet sure, "en · now de" while the latest speech is
        surely another language, "" before any speech."""
        language, _share = self.best
        if not language:
            return ""
        shown = language + ("" if self.sure else "?")
        return f"{shown} · now {self.latest}" if self.latest and self.latest != language else shown


def _most_probable(weights: dict[str, float]) -> str:
    """The language with the most of `weights` (the first of equals)."""
    return max(weights, key=weights.__getitem__)
