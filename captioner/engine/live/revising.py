"""Revisions: finals that came out close together, decoded again as one clip on the full window.

With `EngineConfig.revise`, each final out waits for its revising pass (`Reviser`); once the speaker
pauses (`revision.due`), after any waiting final and pause pass and before interims, one pass hears
the oldest waiting finals again. A final the revising pass hears differently comes out again with
the same id and `revision` 1, when the model was at least as sure of its words (`RevisionRule.surer`).
A revising pass that fails its checks revises nothing, and a final it gives fewer than half of its
words keeps its own (`revision.passes_over`). While the engine is behind (interims thinned out or
stopped) revisions wait, and are given up when the next finals would not fit with them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from captioner.engine.live.revision import due, mean_probability, moved_only, passes_over, replaces, settled, share
from captioner.engine.live.segments import place_words
from captioner.engine.models.recognizer import Transcript, join_words
from captioner.events import CaptionEvent, Word

if TYPE_CHECKING:
    from captioner.engine.live.engine_config import EngineConfig
    from captioner.engine.live.job import Job

__all__ = ["Final", "Reviser"]


@dataclass(frozen=True)
class Final:
    """A final out, waiting for its revision."""

    id: int
    start: int  # the segment's audio (pre-roll included)
    end: int
    speech_start: int
    speech_end: int
    text: str
    words: tuple[Word, ...]  # on the audio clock

    @property
    def probability(self) -> float:
        return mean_probability(self.words)


class Reviser:
    """The finals out that wait for their revising pass, oldest first, and what a revising pass makes of them."""

    def __init__(self, config: EngineConfig) -> None:
        self.on = config.revise
        self.rule = config.revision
        self._waiting: deque[Final] = deque()
        self._group: list[Final] = []  # the finals of the revising pass running
        self.revisions = 0  # revising passes run
        self.replaced = 0  # finals they replaced

    def wait(self, final: Final) -> None:
        """`final` is out: it waits for its revising pass (with `revise`)."""
        if self.on:
            self._waiting.append(final)

    @property
    def waiting(self) -> bool:
        return bool(self._waiting)

    def starts(self) -> Iterable[int]:
        """Where the waiting finals' audio begins: the revising pass needs all of it."""
        return (final.start for final in self._waiting)

    def take(self, clock: int, *, speaking: bool, finished: bool, behind: bool) -> list[Final]:
        """The oldest waiting finals a revising pass hears together now (none: not yet). `speaking`: a segment is open;
        `finished`: the audio has ended; `behind`: interims thinned out or stopped. Behind, revisions wait: they are the
        least urgent work; finals that no longer fit one revising pass with those after them are then given up."""
        if not self.on:
            return []
        silent = clock - self._waiting[-1].speech_end if self._waiting else 0
        n = due([(f.start, f.end) for f in self._waiting], silent, speaking=speaking, finished=finished and not speaking,
                rule=self.rule)
        if n == 0:
            return []
        if behind and not finished:
            if n < len(self._waiting):
                for _ in range(n):
                    self._waiting.popleft()  # given up
            return []
        self._group = [self._waiting.popleft() for _ in range(n)]
        return self._group

    def split(self, final: CaptionEvent, parts: list[CaptionEvent]) -> None:
        """A final came out as several, one per speaker's turn: each part waits for its revision on its own."""
        for k, waiting in enumerate(self._waiting):
            if waiting.id != final.id:
                continue
            bounds = [waiting.start, *(p.start for p in parts[1:]), waiting.end]
            split = [Final(p.id, bounds[i], bounds[i + 1], p.start, p.end, p.text, p.words) for i, p in enumerate(parts)]
            self._waiting = deque([*list(self._waiting)[:k], *split, *list(self._waiting)[k + 1:]])
            return

    def revised(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        """The finals a revising pass hears differently (`revision.replaces`) without passing over speech they had words
        for (`revision.passes_over`), again with their ids, less the words at a seam that a neighbour kept as shown writes
        already (`revision.settled`); none when the pass failed its checks."""
        group, self._group = self._group, []
        self.revisions += 1
        if result.problem or not result.words:
            return []
        on_clock = place_words(result.words, job.start, job.start, job.end)
        heard = [place_words(tuple(words), 0, final.speech_start, final.speech_end)
                 for final, words in zip(group, share(on_clock, [(f.start, f.end) for f in group]))]
        moved = moved_only([f.text for f in group], [join_words(placed) for placed in heard])
        takes = [not same and self._takes(final, placed) for final, placed, same in zip(group, heard, moved)]
        takes, seams = settled([[w.text for w in f.words] for f in group], [[w.text for w in placed] for placed in heard], takes,
                               lambda i, head, tail: self._takes(group[i], heard[i][head : len(heard[i]) - tail], judged=True))
        out = []
        for final, placed, took, (head, tail) in zip(group, heard, takes, seams):
            placed = placed[head : len(placed) - tail]  # words a neighbour keeping its own text writes already: left out
            if took:
                text = join_words(placed)
                out.append(CaptionEvent(final.id, final.speech_start, final.speech_end, text, final=True, words=placed,
                                        stable=len(text), revision=1))
        self.replaced += len(out)
        return out

    def _takes(self, final: Final, placed: tuple[Word, ...], *, judged: bool = False) -> bool:
        """Whether `final` takes the words a revising pass gave it: it hears them differently (`revision.replaces`,
        surer by the rule's margin) without passing over speech it had words for (`revision.passes_over`). `judged`: the
        pass's words were found surer with a neighbour's words at the seam among them (`revision.doubled`); left out
        only as written already, they are not judged again on the words left."""
        rule = self.rule
        surer = {"live_p": final.probability, "revised_p": mean_probability(placed), "margin": rule.margin} if rule.surer and not judged else {}
        return replaces(final.text, join_words(placed), **surer) and not passes_over(final.words, placed)
