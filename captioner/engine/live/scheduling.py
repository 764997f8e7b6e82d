"""Scheduling passes: when a pass over the open segment is due, and the jobs that carry passes to a worker.

- As soon as speech pauses (`pause_pass_ms`), one pass covers everything said so far (the pause pass);
  if the pause turns out to be the segment's end, that pass becomes the final, so the final appears
  about one pass after the speaker stops. Not while far behind (`pacing.FINALS_ONLY`).
- While a segment grows, an interim pass runs when the segment has `Pace.interim_interval_s` of new
  audio and the speaker is not pausing (the pass a pause calls for should not wait behind an interim);
  the first after `Pace.first_interim_s` of speech; while the passes so far heard no words, early in a
  segment, the next after half of that. Interims thin out or stop while the engine falls behind.
- An interim over a segment that reaches the length limit before the pass could be back (its measured time) is
  not started: the cut is placed without its words, and the segment's final would wait behind it.
- With `interim_worker`, interims are drafts of an interim model on a worker of their own, beside the
  final model's passes. Until a segment shows its first words its drafts run every `interim_interval_s`,
  even far behind; when speech pauses, a draft also covers everything said up to the pause (`at_pause`):
  its words say whether the segment ends there until a pass of the final model over as much speech is back.
- Where passes are cheap (`Pace.cheap`) an interim (greedy, unchecked) never stands in for the pause
  pass: the final is always a checked pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from captioner.engine.live import pacing
from captioner.engine.live.job import Job
from captioner.events import SAMPLE_RATE

if TYPE_CHECKING:
    from captioner.audio.buffer import AudioBuffer
    from captioner.engine.live.engine_config import EngineConfig
    from captioner.engine.live.revising import Final
    from captioner.engine.live.segmenter import SpeechGate
    from captioner.engine.live.segments import Segment

__all__ = ["Job", "Passes"]

PROMPT_HISTORY_CHARS = 2000  # recent finals' text kept for the prompt
FIRST_WORDS_SPAN = 2  # a segment's first this many first-interim waits: past them, a segment without words is noise
# more often than not, and its passes wait the full interval
EMPTY_RETRY_DIVISOR = 2  # while the passes so far heard no words, the next one after this share of the first wait


class Passes:
    """The passes running (one on the transcriber, one on the interim worker) and the making of the next ones."""

    def __init__(self, config: EngineConfig, audio: AudioBuffer, gate: SpeechGate, pace: pacing.Pace) -> None:
        self.config = config
        self._audio, self._gate, self._pace = audio, gate, pace
        self.running: Job | None = None  # on the (final) transcriber
        self.drafting: Job | None = None  # the interim pass running on the interim worker
        self.drafts = bool(config.interim_worker)  # interims come from a separate interim model
        self._next_id = 1
        self._history = ""  # text of recent finals, for the prompt

    def heard(self, text: str) -> None:
        """A final's text: the prompt of the passes after it ends with it."""
        self._history = (self._history + " " + text).strip()[-PROMPT_HISTORY_CHARS:]

    def back(self, job: Job) -> None:
        """`job` came back: its worker is free."""
        if self.running is not None and self.running.id == job.id:
            self.running = None
        if self.drafting is not None and self.drafting.id == job.id:
            self.drafting = None

    def pause_due(self, seg: Segment, covered_to: int) -> bool:
        """Whether the open segment `seg`'s speech has paused long enough for a pass over it, and passes so far reach
        only `covered_to` of its speech (the pause pass: `final_to`; the draft at a pause: `drafted_to`). Not when far
        behind."""
        return (self._gate.silence_ms >= self.config.pause_pass_ms and covered_to < seg.speech_end
                and self._pace.level < pacing.FINALS_ONLY)

    def pause(self, seg: Segment) -> Job:
        """The pause pass over the open segment `seg`: it may become the final."""
        return self.start(seg, final=False, end=self._gate.position, pause=True)

    def interim(self, seg: Segment) -> Job | None:
        """The interim pass (or draft at a pause) due now over the open segment `seg`, or None."""
        cfg, pace = self.config, self._pace
        position = self._gate.position
        if not cfg.interims:
            return None
        first_words = cfg.interim_worker and not seg.last_words  # on an interim worker, none of it shown yet
        if pace.level >= pacing.FINALS_ONLY and not first_words:
            return None  # far behind: no interims, but for a segment's first words on an interim worker
        if cfg.interim_worker and self.pause_due(seg, seg.drafted_to):
            return self.start(seg, final=False, end=position, at_pause=True)  # the words up to the pause, known soon
        if self._gate.silence_ms > 0 and not first_words:
            return None  # speech may be pausing: keep the transcriber free for the pause pass (a draft that would show a
            # segment's first words runs on the interim worker, beside it)
        if not cfg.interim_worker and self._back_after_cut(seg, position):
            return None
        first_s = pace.first_interim_s
        starting = seg.passed_to - seg.speech_start < FIRST_WORDS_SPAN * cfg.first_interim_s * SAMPLE_RATE
        if seg.passed_to == 0:
            due = position - seg.speech_start >= first_s * SAMPLE_RATE
        elif not seg.last_words and (pace.level == pacing.NORMAL or first_words) and starting:
            # the passes so far heard no words (the speech had barely begun): try again soon, not a full interval later
            due = position - seg.passed_to >= first_s / EMPTY_RETRY_DIVISOR * SAMPLE_RATE
        else:
            interval = cfg.interim_interval_s if first_words else pace.interim_interval_s
            due = position - seg.passed_to >= interval * SAMPLE_RATE
        return self.start(seg, final=False, end=position) if due else None

    def _back_after_cut(self, seg: Segment, position: int) -> bool:
        """Whether a pass over `seg` started at `position` would be back only once the segment has reached its length
        limit (`SegmenterConfig.max_segment_s`), taking the time an interim pass has taken so far."""
        limit = seg.start + round(self._gate.config.max_segment_s * SAMPLE_RATE)
        return position + round(self._pace.pass_s * SAMPLE_RATE) >= limit

    def start(self, seg: Segment, *, final: bool, end: int, pause: bool = False, at_pause: bool = False) -> Job:
        """A pass over `seg`'s audio up to `end`, marked running on its worker."""
        job = Job(
            id=self._next_id,
            segment_id=seg.id,
            final=final,
            start=seg.start,
            end=end,
            audio=self._audio.get(seg.start, end),
            prompt=self._prompt(),
            pause=pause,
            revised_later=self.config.revise and (final or pause),
            at_pause=at_pause,
            heard=bool(seg.last_words) or seg.good is not None,
        )
        self._next_id += 1
        seg.passed_to = end
        if final or pause or not (self.drafts or self._pace.cheap):  # where passes are cheap an interim (greedy,
            seg.final_to = end  # unchecked) never stands in for the pause pass: the final is always a checked pass
        if self.config.interim_worker and not (final or pause):
            self.drafting = job
            seg.drafted_to = end
        else:
            self.running = job
        return job

    def revise(self, group: list[Final]) -> Job:
        """The revising pass over the finals of `group` (oldest first): their audio, gaps and all."""
        job = Job(id=self._next_id, segment_id=group[0].id, final=False, start=group[0].start, end=group[-1].end,
                  audio=self._audio.get(group[0].start, group[-1].end), revises=tuple(f.id for f in group))
        self._next_id += 1
        self.running = job
        return job

    def _prompt(self) -> str | None:
        n = self.config.prompt_chars
        if n <= 0 or not self._history:
            return None
        tail = self._history[-n:]
        return tail[tail.find(" ") + 1 :] if len(self._history) > n else tail
