"""The captioning engine's state: audio in, transcription jobs out, captions back.

`CaptionEngine` is synchronous and owns no thread: a caller feeds it audio,
asks it for the next job whenever the transcriber is free, and hands it each
job's result. The live session runs it with a capture thread and a worker
thread; the benchmark runs it on a simulated clock. Both see the same
decisions.

Scheduling rules:
- a closed segment's final comes before any interim work;
- while a segment grows, an interim pass runs when the transcriber is free, the
  segment has `interim_interval_s` of new audio and the speaker is not pausing
  (the pass a pause calls for should not wait behind an interim);
- as soon as speech pauses, one pass covers everything said so far; if the
  pause turns out to be the segment's end, that pass becomes the final, so
  the final appears about one pass after the speaker stops;
- interims follow the measured pass time, and thin out or stop while the
  engine falls behind (`captioner.engine.live.pacing`); finals are never skipped;
- interims written by a smaller interim model (drafts) are shown but never
  become a final;
- with `interim_worker`, drafts run on a worker of their own, beside the final
  model's passes (`next_interim_job`), so the first text of a segment never
  waits for a long final pass; a draft whose segment has a newer finished
  pass, or its final, is dropped when it comes back (one whose segment has
  closed meanwhile is still shown until the final comes). Until a segment
  shows its first words its drafts run every `interim_interval_s`, even far
  behind (short passes of the small model); after that the interims thin
  out and are given up first, as without the worker. When speech pauses, a
  draft also covers everything said up to the pause: its words say whether
  the segment ends there until a pass of the final model over as much speech
  is back (`endpoint`), so a big model's slow pass does not keep the next
  sentence inside this segment;
- a final whose pass still fails its checks after the full-window re-run
  (`captioner.engine.checks`) falls back to the segment's last good interim
  when that one holds more words, so a looping pass never wipes out what
  was said;
- where passes are cheap (on a GPU, `accelerated`, the passes that may become
  finals cost at most `cheap_pass_s`, measured as the engine runs them), interims run every
  `fast_interim_s` of new audio (the first after `fast_first_interim_s` of
  speech), and a pause pass whose words end a sentence is shown as the final
  at once (`early_finals`), while the segment waits out its hang-over as
  before: if the speaker goes on within it, the segment goes on too, its
  later words show under a new id (the continuation), and the segment's final
  pass, over all of it as before, is shared out at the sentence ends shown:
  a part whose words it hears differently is revised (same id), the words
  after the last one are the continuation's final. The words come from the
  same passes over the same segments as without early finals;
- with `revise`, finals that came out close together are decoded again as
  one clip on the full window once the speaker pauses
  (`captioner.engine.live.revision`), after any waiting final and pause pass and
  before interims; a final the revising pass hears differently comes out
  again with the same id and `revision` 1 (when the model was at least as
  sure of its words: `RevisionRule.surer`). A revising pass that fails its
  checks revises nothing, a final it gives fewer than half of its words
  keeps its own, and while the engine is behind (interims thinned out or
  stopped) revisions wait, and are given up when the next finals would not
  fit with them.
"""

from __future__ import annotations

import logging
import queue
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from captioner.audio.buffer import AudioBuffer
from captioner.engine.filters import normalise
from captioner.engine.live import pacing
from captioner.engine.live.defaults import INTERIMS
from captioner.engine.live.endpoint import ends_utterance
from captioner.engine.live.revision import RevisionRule, due, mean_probability, moved_only, passes_over, replaces, settled, share
from captioner.engine.live.segmenter import (
    SegmentClosed,
    SegmentDropped,
    SegmenterConfig,
    SegmentEvent,
    SegmentOpened,
    VadSegmenter,
)
from captioner.engine.live.speakers import SpeakerTagger
from captioner.engine.live.stabilizer import stable_chars
from captioner.engine.models.recognizer import Transcript, join_words
from captioner.events import SAMPLE_RATE, CaptionEvent, Word

log = logging.getLogger(__name__)

__all__ = ["CaptionEngine", "EngineConfig", "Job"]


@dataclass(frozen=True)
class EngineConfig:
    segmenter: SegmenterConfig = SegmenterConfig()
    interims: bool = INTERIMS
    first_interim_s: float = 0.75  # speech before the first interim pass (shorter ones mostly come back empty); while
    # the passes come back empty, the next one after half of it (within the segment's first twice this)
    interim_interval_s: float = 1.0  # new audio before another interim pass
    pause_pass_ms: int = 150  # silence after which a pass that may become the final runs
    prompt_chars: int = 0  # previous final text given to the decoder as context (0: none)
    adapt: bool = True  # interim interval follows the pass time; interims thin out, then stop, when behind
    interim_worker: bool | None = None  # interim passes run beside the final passes, on an interim model's own worker
    # (`next_interim_job`); None: CaptionSession turns it on when its transcriber has an interim model, else off
    # (a meeting session runs every pass on one worker and leaves it off)
    revise: bool = True  # finals decoded again together, on the full window, once the speaker pauses (`revision`)
    revision: RevisionRule = RevisionRule()
    # Where passes are cheap: the recognizer runs on an accelerator (`accelerated`: a GPU, whose time is the captions'
    # own, not the user's programs'), and a pass that may become a final costs it at most `cheap_pass_s` (smoothed, as
    # measured): a quarter of the hang-over, so a pause pass comes back well before the segment would end. A GPU's cost
    # 0.03-0.13 s (benchmarks/README.md, "On a GPU"); a big model on a small GPU may not, and keeps a CPU's rules.
    accelerated: bool = False  # set by the session from the recognizer's device
    cheap_pass_s: float = 0.15
    fast_interim_s: float = 0.25  # ... interims every this much new audio (a CPU's: `interim_interval_s`)
    fast_first_interim_s: float = 0.25  # ... the first after this much speech (a CPU's: `first_interim_s`)
    early_finals: bool = True  # ... a pause pass whose words end a sentence is shown as the final at once (not with an
    # interim worker, whose drafts serve a big model on a CPU)


@dataclass(frozen=True)
class Job:
    """One transcription pass over [start, end) of the audio clock."""

    id: int
    segment_id: int
    final: bool  # True: the segment has ended and this is its final pass
    start: int
    end: int
    audio: np.ndarray = field(repr=False)
    prompt: str | None = None
    pause: bool = False  # made when speech paused: it may become the final
    revises: tuple[int, ...] = ()  # a revising pass: the ids of the finals it decodes again (their audio, gaps and all)
    revised_later: bool = False  # a pass that may become a final, which a revising pass will hear again
    at_pause: bool = False  # a draft over the speech up to a pause (interim worker): its words may end the segment
    heard: bool = False  # an earlier pass over this segment heard words


@dataclass(frozen=True)
class _Final:
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


@dataclass(frozen=True)
class _Part:
    """A segment's words up to a sentence end, shown as a final before the segment ended (`EngineConfig.early_finals`)."""

    id: int
    start: int  # its speech on the audio clock
    split: int  # where its speech ended: the pause its final was shown at
    text: str
    words: tuple[Word, ...]


@dataclass
class _Segment:
    id: int
    start: int
    speech_start: int
    speech_end: int = 0
    end: int | None = None  # set once closed
    reason: str = ""
    passed_to: int = 0  # audio end of the latest pass started on it
    final_to: int = 0  # ... of the latest started pass that may become its final (not a draft)
    drafted_to: int = 0  # ... of the latest started draft (interim worker)
    done_to: int = 0  # audio end of the latest finished pass, drafts included
    best: tuple[int, Transcript] | None = None  # (audio end, result) of the latest finished pass that may be its final
    draft_heard: tuple[int, bool] | None = None  # (audio end, whether its words end a sentence) of the latest pause draft
    good: Transcript | None = None  # latest pass with text that passed its checks
    last_words: list[str] = field(default_factory=list)
    shown: bool = False  # an interim of it was emitted
    shown_words: tuple[Word, ...] = ()  # the words of the latest interim shown, on the audio clock
    parts: list[_Part] = field(default_factory=list)  # its finals shown early, at sentence ends, oldest first
    shown_id: int = 0  # the id its captions show under: its own, or after an early final the continuation's
    resumed: int | None = None  # where speech went on after the latest early final (None: not yet)

    def __post_init__(self) -> None:
        self.shown_id = self.shown_id or self.id

    @property
    def split(self) -> int:
        """Where its words after the early finals begin on the clock (-1 without early finals)."""
        return self.parts[-1].split if self.parts else -1

    @property
    def shown_start(self) -> int:
        """Where the speech its captions show now begins: its own, or the continuation's."""
        if not self.parts:
            return self.speech_start
        return self.resumed if self.resumed is not None else self.split

    def covered_by(self, end: int) -> bool:
        """Whether a pass reaching `end` heard all of this closed segment's speech, and no more."""
        if self.reason == "max_length":
            return end == self.end  # speech went on past the cut: only a pass up to the cut will do
        return end >= self.speech_end


class CaptionEngine:
    def __init__(self, config: EngineConfig = EngineConfig()) -> None:
        self.config = config
        self.segmenter = VadSegmenter(config.segmenter)
        self.audio = AudioBuffer()
        self._open: _Segment | None = None
        self._closed: deque[_Segment] = deque()  # waiting for their final
        self._running: Job | None = None
        self._drafting: Job | None = None  # the interim pass running on the interim worker
        self._cut: int | None = None  # the latest segment cut where speech went on (`_carried_over`)
        self._next_job = 1
        self._history = ""  # text of recent finals, for the prompt
        self._drafts = bool(config.interim_worker)  # interims come from a separate interim model
        self._unrevised: deque[_Final] = deque()  # finals out, oldest first, waiting for their revising pass
        self._pass_s = 0.0  # smoothed compute time of an interim pass
        self._checked_s = 0.0  # ... of a pass that may become a final (final model)
        self.level = pacing.NORMAL
        self.reruns = 0  # passes the transcriber ran again on the full window
        self.fallbacks = 0  # finals that took the last good interim's words
        self.revisions = 0  # revising passes run
        self.revised = 0  # finals they replaced
        self._revising: list[_Final] = []  # the finals of the revising pass running
        self.finished = False
        self.on_segment: Callable[[SegmentEvent], None] | None = None  # hears where segments open, close, are dropped
        self.speakers: SpeakerTagger | None = None  # gives each final the speaker whose voice it is (`speakers.py`)
        self.notices: queue.Queue[str] = queue.Queue()  # what the user should know that ends nothing, as a source's notices

    # -- audio in -------------------------------------------------------
    @property
    def clock(self) -> int:
        return self.audio.end

    def feed(self, samples: np.ndarray) -> list[CaptionEvent]:
        """Take the next block of 16 kHz mono float32 audio."""
        self.audio.append(np.asarray(samples, dtype=np.float32))
        self._set_end_rule()
        events = self._tagged(self._segment_events(self.segmenter.feed(samples)))
        self._let_go_of_old_audio()
        return events

    def finish(self) -> list[CaptionEvent]:
        """End of the audio: the open segment closes; its final is still to come."""
        self.finished = True
        return self._tagged(self._segment_events(self.segmenter.flush()))

    # -- jobs -----------------------------------------------------------
    def next_job(self) -> Job | None:
        """The job the transcriber should run now, or None (one job at a time).

        With `interim_worker`, only the passes that may become finals: interims come from `next_interim_job`.
        """
        if self._running is not None:
            return None
        if self.config.adapt:  # before the finals: segments waiting for theirs count too
            self.level = pacing.next_level(self.level, self.lag / SAMPLE_RATE)
        for seg in self._closed:
            if seg.best is None or not seg.covered_by(seg.best[0]):
                return self._start(seg, final=True, end=seg.end)
        seg = self._open
        if seg is not None and not self.finished:
            if self._pause_due(seg.final_to):
                return self._start(seg, final=False, end=self.segmenter.gate.position, pause=True)
        revising = self._revision_job()
        if revising is not None:
            return revising
        if seg is None or self.finished or self.config.interim_worker:
            return None
        return self._interim_job()

    def _pause_due(self, covered_to: int) -> bool:
        """Whether the open segment's speech has paused long enough for a pass over it, and passes so far reach only
        `covered_to` of its speech (the pause pass: `final_to`; the draft at a pause: `drafted_to`). Not when far
        behind."""
        seg = self._open
        return (seg is not None and self.segmenter.gate.silence_ms >= self.config.pause_pass_ms and covered_to < seg.speech_end
                and self.level < pacing.FINALS_ONLY)

    def _revision_job(self) -> Job | None:
        """The revising pass due now over the oldest finals waiting for one, or None. Behind (interims thinned out
        or stopped), revisions wait: they are the least urgent work; finals that no longer fit one revising pass with
        those after them are then left as they are."""
        if not self.config.revise or self._closed:
            return None
        silent = self.clock - self._unrevised[-1].speech_end if self._unrevised else 0
        n = due([(f.start, f.end) for f in self._unrevised], silent, speaking=self._open is not None,
                finished=self.finished and self._open is None, rule=self.config.revision)
        if n == 0:
            return None
        if self.level > pacing.NORMAL and not self.finished:
            if n < len(self._unrevised):
                for _ in range(n):
                    self._unrevised.popleft()  # given up
            return None
        group = [self._unrevised.popleft() for _ in range(n)]
        job = Job(id=self._next_job, segment_id=group[0].id, final=False, start=group[0].start, end=group[-1].end,
                  audio=self.audio.get(group[0].start, group[-1].end), revises=tuple(f.id for f in group))
        self._next_job += 1
        self._revising = group
        self._running = job
        return job

    def next_interim_job(self) -> Job | None:
        """With `interim_worker`: the interim pass the interim worker should run now, or None."""
        if not self.config.interim_worker or self._drafting is not None:
            return None
        if self.config.adapt:
            self.level = pacing.next_level(self.level, self.lag / SAMPLE_RATE)
        if self._open is None or self.finished:
            return None
        return self._interim_job()

    def _interim_job(self) -> Job | None:
        seg = self._open
        assert seg is not None
        position = self.segmenter.gate.position
        if not self.config.interims:
            return None
        first_words = self.config.interim_worker and not seg.last_words  # on an interim worker, none of it shown yet
        if self.level >= pacing.FINALS_ONLY and not first_words:
            return None  # far behind: no interims, but for a segment's first words on an interim worker
        if self.config.interim_worker and self._pause_due(seg.drafted_to):
            return self._start(seg, final=False, end=position, at_pause=True)  # the words up to the pause, known soon
        if self.segmenter.gate.silence_ms > 0 and not first_words:
            return None  # speech may be pausing: keep the transcriber free for the pause pass (a draft that would show a
            # segment's first words runs on the interim worker, beside it)
        first_s = self.first_interim_s
        # a segment's first 1.5 s (twice a CPU's first wait): past them, a segment without words is noise more often than not
        starting = seg.passed_to - seg.speech_start < 2 * self.config.first_interim_s * SAMPLE_RATE
        if seg.passed_to == 0:
            due = position - seg.speech_start >= first_s * SAMPLE_RATE
        elif not seg.last_words and (self.level == pacing.NORMAL or first_words) and starting:
            # the passes so far heard no words (the speech had barely begun): try again soon, not a full interval later
            due = position - seg.passed_to >= first_s / 2 * SAMPLE_RATE
        else:
            interval = self.config.interim_interval_s if first_words else self.interim_interval_s
            due = position - seg.passed_to >= interval * SAMPLE_RATE
        return self._start(seg, final=False, end=position) if due else None

    def complete(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        """Take a finished job's result; return the captions it makes."""
        return self._tagged(self._complete(job, result))

    def _tagged(self, events: list[CaptionEvent]) -> list[CaptionEvent]:
        """`events` with each final's speaker (and an interim's likely one), when speakers are told apart (and the relabelled
        finals after a merge)."""
        if self.speakers is None or not events:
            return events
        try:
            return self.speakers.tag(events, self.audio.get, new_id=self.segmenter.gate.new_id, on_split=self._split_final)
        except Exception as exc:  # a fault in telling voices apart ends the labels, never the captions
            log.exception("speaker labels failed")
            self.speakers = None
            self.notices.put(f"Speaker labels stopped ({type(exc).__name__}: {exc}); the captions go on without them.")
            return events

    def _split_final(self, final: CaptionEvent, parts: list[CaptionEvent]) -> None:
        """A final came out as several, one per speaker's turn: each part waits for its revision on its own."""
        for k, waiting in enumerate(self._unrevised):
            if waiting.id != final.id:
                continue
            bounds = [waiting.start, *(p.start for p in parts[1:]), waiting.end]
            split = [_Final(p.id, bounds[i], bounds[i + 1], p.start, p.end, p.text, p.words)
                     for i, p in enumerate(parts)]
            self._unrevised = deque([*list(self._unrevised)[:k], *split, *list(self._unrevised)[k + 1:]])
            return

    def _complete(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        if self._running is not None and self._running.id == job.id:
            self._running = None
        if self._drafting is not None and self._drafting.id == job.id:
            self._drafting = None
        if job.revises:
            return self._revised(job, result)
        self.reruns += result.reruns
        self._drafts |= result.draft
        if not (job.final or job.pause):
            self._pass_s = pacing.smoothed(self._pass_s, result.compute_s)
        elif not result.draft:
            self._checked_s = pacing.smoothed(self._checked_s, result.compute_s)
        seg = self._find(job.segment_id)
        drafted = self.config.interim_worker and result.draft
        if seg is None:
            return self._moved_on(job, result) if drafted else []
        if drafted:
            if job.end <= seg.done_to:
                return []  # it came back after a newer pass of its segment: stale
            if seg.end is not None:  # closed, its final still to come: shown meanwhile; the lag still counts it
                if result.text and not result.problem:
                    seg.good = result
                return [*self._interim(seg, job, result), *self._moved_on(job, result)]
        seg.done_to = max(seg.done_to, job.end)
        if result.text and not result.problem:
            seg.good = result
        checked = job.final or job.pause
        if not result.draft and (checked or not result.problem):
            seg.best = (job.end, result)
        if seg.end is not None:
            return self._finalise_covered()
        ends = (job.pause or job.at_pause) and not result.problem and self._ends_sentence(result)
        if job.at_pause and not result.problem:
            seg.draft_heard = (job.end, ends)
        if ends and job.pause and self._early_final_due(seg, job):
            self._set_end_rule()
            return self._early_final(seg, result)
        if ends:
            shown = self._interim(seg, job, result) if drafted else []  # the draft's words, up to the pause
            ended = self._segment_events(self.segmenter.gate.end_at_pause(job.end))
            if ended:
                return [*shown, *ended]  # the pause ended the segment; the speech since is the next one's
        self._set_end_rule()
        return self._interim(seg, job, result)

    def _early_final_due(self, seg: _Segment, job: Job) -> bool:
        """Whether a pause pass over `seg` whose words end a sentence is shown as the final now: passes are cheap, the
        speaker is still silent since the pass's audio ended, and the segment holds enough speech never to be dropped."""
        gate = self.segmenter.gate
        open_seg = gate.open_segment
        return (self.config.early_finals and not self.config.interim_worker and self.cheap and open_seg is not None
                and seg.speech_end <= job.end and seg.speech_end > seg.split
                and open_seg.voiced_frames * gate.config.frame_ms >= gate.config.min_speech_ms)

    def _early_final(self, seg: _Segment, result: Transcript) -> list[CaptionEvent]:
        """Show the words of `seg` heard up to its pause (since its latest early final) as a final now; its later speech,
        if any, shows under a new id."""
        start = seg.shown_start
        words = tuple(w for w in _place_words(result.words, seg.start, seg.speech_start, seg.speech_end) if _middle(w) >= seg.split)
        text = join_words(words)
        if not text:
            return []
        part = _Part(seg.shown_id, start, seg.speech_end, text, words)
        seg.parts.append(part)
        seg.shown_id, seg.resumed, seg.last_words = self.segmenter.gate.new_id(), None, []
        return [CaptionEvent(part.id, start, max(part.split, start + 1), text, final=True, words=words, stable=len(text))]

    # -- state for status and tests -------------------------------------
    @property
    def busy(self) -> bool:
        """A pass is running on the (final) transcriber."""
        return self._running is not None

    @property
    def drafting(self) -> bool:
        """An interim pass is running on the interim worker."""
        return self._drafting is not None

    @property
    def interim_interval_s(self) -> float:
        """Seconds of new audio before the next interim pass, as the pacing rules stand now."""
        base = min(self.config.interim_interval_s, self.config.fast_interim_s) if self.cheap else self.config.interim_interval_s
        if not self.config.adapt:
            return base
        return pacing.interim_interval(base, self._pass_s, self.level)

    @property
    def cheap(self) -> bool:
        """Whether passes are cheap here: on an accelerator (`accelerated`) the passes that may become finals, as measured
        so far (the interims' before any), cost at most `cheap_pass_s`, and the engine keeps up."""
        measured = self._checked_s or self._pass_s  # 0 before any pass: an accelerator is taken at its word until measured
        return self.config.accelerated and measured <= self.config.cheap_pass_s and self.level == pacing.NORMAL

    @property
    def first_interim_s(self) -> float:
        """Speech before a segment's first interim pass, as the passes' cost stands now."""
        if self.cheap:
            return min(self.config.first_interim_s, self.config.fast_first_interim_s)
        return self.config.first_interim_s

    @property
    def degraded(self) -> str:
        """Plain words on how the engine is stepping down to keep up; "" when it keeps up."""
        return pacing.degraded_message(self.level, self.interim_interval_s)

    @property
    def pending_finals(self) -> int:
        return len(self._closed)

    @property
    def awaiting_pause(self) -> bool:
        """The open segment's speech has paused and the pass that says whether the pause ends a sentence is due or
        running. Live, it comes back within the pause; a file read faster than real time waits for it, or the pause is
        judged by silence alone (the longer hang-over of an open phrase) and two people's quick turns become one caption."""
        seg = self._open
        if seg is None or self.finished:
            return False
        running = self._running
        return (running is not None and running.pause and running.segment_id == seg.id) or self._pause_due(seg.final_to)

    @property
    def processed(self) -> int:
        """Audio-clock position up to which captions are out (final, or interim text of a segment
        whose final is still to come)."""
        if self._closed:
            return max(self._closed[0].start, self._closed[0].done_to)
        if self._open is not None:
            return max(self._open.start, self._open.done_to)
        return self.clock

    @property
    def unfinished_start(self) -> int | None:
        """Audio-clock start of the oldest speech whose final is not out yet (a closed or the open segment)."""
        if self._closed:
            return self._closed[0].speech_start
        return self._open.speech_start if self._open is not None else None

    @property
    def lag(self) -> int:
        """Samples of live audio whose final captions are not out yet."""
        return self.clock - self.processed

    @property
    def done(self) -> bool:
        """Finished and nothing left to transcribe."""
        return (self.finished and self._open is None and not self._closed and self._running is None and self._drafting is None
                and (not self._unrevised or not self.config.revise))

    # -- internals ------------------------------------------------------
    def _set_end_rule(self) -> None:
        """Tell the segmenter how far the open segment's words are known to end a sentence.

        The pause pass's text decides: a short silence ends the segment after a finished sentence,
        a longer one after an open phrase. A pause pass that comes back after the speaker went on still
        ends the segment at its pause when that pause lasted the short hang-over (`SpeechGate.end_at_pause`).
        With an interim worker, the draft run at the pause decides until a pass of the final model over as much
        speech is back: a big model's pass takes seconds, longer than any hang-over, and meanwhile the next
        sentence would be heard as part of this segment.
        While the engine is too far behind to run pause passes there are no words to go by, and silence
        alone decides, as it always did.
        """
        gate = self.segmenter.gate
        seg = self._open
        if self.level >= pacing.FINALS_ONLY:
            gate.sentence_end = None
        elif seg is None:
            gate.sentence_end = -1
        else:
            end, ends = self._heard_to(seg)
            gate.sentence_end = end if ends else -1

    def _heard_to(self, seg: _Segment) -> tuple[int, bool]:
        """(audio end, whether its words end a sentence) of the latest pass back over `seg` that may say so: the final
        model's, or a pause draft over more speech; (-1, False) before any."""
        heard = (-1, False) if seg.best is None else (seg.best[0], self._ends_sentence(seg.best[1]))
        if seg.draft_heard is not None and seg.draft_heard[0] > heard[0]:
            heard = seg.draft_heard
        return heard

    def _ends_sentence(self, result: Transcript) -> bool:
        return self.level < pacing.FINALS_ONLY and ends_utterance(result.text)

    def _segment_events(self, events) -> list[CaptionEvent]:
        out: list[CaptionEvent] = []
        closed: _Segment | None = None
        for ev in events:
            if self.on_segment is not None:
                self.on_segment(ev)
            if isinstance(ev, SegmentOpened):
                self._open = _Segment(ev.id, ev.start, ev.speech_start, speech_end=ev.speech_start)
            elif isinstance(ev, SegmentDropped):
                seg, self._open = self._open, None
                if seg is not None and seg.shown:
                    out.append(CaptionEvent(seg.id, seg.speech_start, seg.speech_start, "", final=True))
            elif isinstance(ev, SegmentClosed):
                seg, self._open = self._open, None
                assert seg is not None and seg.id == ev.id
                seg.end, seg.speech_end, seg.reason = ev.end, ev.speech_end, ev.reason
                self._closed.append(seg)
                out.extend(self._finalise_covered())
                closed = seg
        if self._open is not None:
            self._open.speech_end = self.segmenter.gate.open_segment.speech_end
            if self._open.parts and self._open.resumed is None and self._open.speech_end > self._open.split:
                self._open.resumed = self.segmenter.gate.speech_after(self._open.split)  # the speaker went on: the continuation
            if closed is not None and self.config.interim_worker:  # cut where speech went on (the length limit, a pause known
                # late): the words shown stay. With an interim worker only: there drafts show speech the final model is
                # seconds behind; with one worker the cut segment's final comes first and the new segment's pass next
                self._cut = closed.id
                out.extend(self._carried_over(closed))
        return out

    def _finalise_covered(self) -> list[CaptionEvent]:
        """Emit finals, in order, for closed segments whose latest pass heard all their speech."""
        out = []
        while self._closed:
            seg = self._closed[0]
            if seg.best is None or not seg.covered_by(seg.best[0]):
                break
            self._closed.popleft()
            out.extend(self._final(seg, seg.best[1]))
        return out

    def _start(self, seg: _Segment, *, final: bool, end: int, pause: bool = False, at_pause: bool = False) -> Job:
        job = Job(
            id=self._next_job,
            segment_id=seg.id,
            final=final,
            start=seg.start,
            end=end,
            audio=self.audio.get(seg.start, end),
            prompt=self._prompt(),
            pause=pause,
            revised_later=self.config.revise and (final or pause),
            at_pause=at_pause,
            heard=bool(seg.last_words) or seg.good is not None,
        )
        self._next_job += 1
        seg.passed_to = end
        if final or pause or not (self._drafts or self.cheap):  # where passes are cheap an interim (greedy, unchecked) never
            seg.final_to = end  # stands in for the pause pass: the final is always a checked pass
        if self.config.interim_worker and not (final or pause):
            self._drafting = job
            seg.drafted_to = end
        else:
            self._running = job
        return job

    def _prompt(self) -> str | None:
        n = self.config.prompt_chars
        if n <= 0 or not self._history:
            return None
        tail = self._history[-n:]
        return tail[tail.find(" ") + 1 :] if len(self._history) > n else tail

    def _final(self, seg: _Segment, result: Transcript) -> list[CaptionEvent]:
        assert seg.end is not None
        start, end = seg.speech_start, max(seg.speech_end, seg.speech_start + 1)
        if result.problem and seg.good is not None and len(seg.good.words) > len(result.words):
            result = seg.good
            self.fallbacks += 1
        words = _place_words(result.words, seg.start, start, end)
        text = join_words(words)
        if text:
            self._history = (self._history + " " + text).strip()[-2000:]
        if seg.parts:
            return self._shared_out(seg, words)
        if text and self.config.revise:
            self._unrevised.append(_Final(seg.id, seg.start, seg.end, start, end, text, words))
        return [CaptionEvent(seg.id, start, end, text, final=True, words=words, stable=len(text))]

    def _shared_out(self, seg: _Segment, words: tuple[Word, ...]) -> list[CaptionEvent]:
        """The final of a segment whose sentence ends were shown early (`_early_final`): its words shared out at them.
        A part whose words it hears differently now is revised (never emptied: one given none keeps its own; one that
        differs in punctuation or case alone stays as shown), the words after the last one are the continuation's final;
        confirmed parts say nothing again."""
        assert seg.end is not None
        speech_end = max(seg.speech_end, seg.split) if seg.resumed is not None else seg.split
        bounds = [p.split for p in seg.parts[:-1]] + ([seg.split] if seg.resumed is not None else [])
        groups: list[list[Word]] = [[] for _ in range(len(seg.parts) + 1)]
        for w in words:
            groups[sum(_middle(w) >= b for b in bounds)].append(w)
        out = []
        for k, (part, heard) in enumerate(zip(seg.parts, groups)):
            text = join_words(heard)
            kept = tuple(heard) if text else part.words
            if text and normalise(text) != normalise(part.text):  # its words changed; a full stop or capital alone does
                # not redraw a line already read (the speaker went on after a sentence end: "…the store." stays so). Kept
                # as shown otherwise, its words would stand beside the continuation's as this pass shared them out: a
                # word at the cut written twice (a "surer" rule here cost 7 words of 665 on the report half at a GPU's pace)
                out.append(CaptionEvent(part.id, part.start, max(part.split, part.start + 1), text, final=True, words=kept,
                                        stable=len(text), revision=1))
            elif text:
                text, kept = part.text, part.words  # as shown
            if self.config.revise:  # the segment's audio cut at the sentence ends shown; its last part to the segment's end
                lo = seg.start if k == 0 else seg.parts[k - 1].split  # (its tail too), as a final without early ones has it
                whole = k == len(seg.parts) - 1 and seg.resumed is None
                hi, speech_hi = (seg.end, max(seg.speech_end, part.start + 1)) if whole else (part.split, max(part.split, part.start + 1))
                self._unrevised.append(_Final(part.id, lo, hi, part.start, speech_hi, text or part.text, kept))
        rest = tuple(groups[-1])
        text = join_words(rest)
        if seg.resumed is not None and text:
            start = seg.shown_start
            out.append(CaptionEvent(seg.shown_id, start, max(speech_end, start + 1), text, final=True, words=rest, stable=len(text)))
            if self.config.revise:
                self._unrevised.append(_Final(seg.shown_id, seg.split, seg.end, start, max(speech_end, start + 1), text, rest))
        elif seg.resumed is not None and seg.last_words:  # the continuation showed interim text and heard nothing in the end
            out.append(CaptionEvent(seg.shown_id, seg.shown_start, seg.shown_start, "", final=True))
        return out

    def _revised(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        """The finals a revising pass hears differently (`revision.replaces`) without passing over speech they had words
        for (`revision.passes_over`), again with their ids, less the words at a seam that a neighbour kept as shown writes
        already (`revision.settled`); none when the pass failed its checks."""
        group, self._revising = self._revising, []
        self.revisions += 1
        if result.problem or not result.words:
            return []
        on_clock = _place_words(result.words, job.start, job.start, job.end)
        heard = [_place_words(tuple(words), 0, final.speech_start, final.speech_end)
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
        self.revised += len(out)
        return out

    def _takes(self, final: _Final, placed: tuple[Word, ...], *, judged: bool = False) -> bool:
        """Whether `final` takes the words a revising pass gave it: it hears them differently (`revision.replaces`,
        surer by the rule's margin) without passing over speech it had words for (`revision.passes_over`). `judged`: the
        pass's words were found surer with a neighbour's words at the seam among them (`revision.doubled`); left out
        only as written already, they are not judged again on the words left."""
        rule = self.config.revision
        surer = {"live_p": final.probability, "revised_p": mean_probability(placed), "margin": rule.margin} if rule.surer and not judged else {}
        return replaces(final.text, join_words(placed), **surer) and not passes_over(final.words, placed)

    def _interim(self, seg: _Segment, job: Job, result: Transcript) -> list[CaptionEvent]:
        """What a pass that is not the final shows meanwhile: nothing with interims off (`EngineConfig.interims`), where
        a pause pass still runs, to say whether the segment ends there and to be its final, but its words wait for it."""
        if not self.config.interims:
            return []
        placed = _place_words(result.words, seg.start, seg.speech_start, job.end)
        if not seg.parts:
            return [self._shown(seg, placed, job.end, result.text)]
        placed = tuple(w for w in placed if _middle(w) >= seg.split)  # after an early final: the continuation's words
        if seg.resumed is None or not join_words(placed):
            return []
        return [self._shown(seg, placed, job.end, join_words(placed))]

    def _shown(self, seg: _Segment, placed: tuple[Word, ...], end: int, text: str) -> CaptionEvent:
        """An interim of `seg` showing `placed` (words on the clock up to `end`, `text` their text). A segment cut where
        speech went on shows only its words before the cut: those after it are the next segment's (`_carried_over`)."""
        if seg.end is not None and any(w.start >= seg.end for w in placed):
            placed = tuple(w for w in placed if w.start < seg.end)
            text, end = join_words(placed), seg.end
        words = [w.text for w in placed]
        stable = stable_chars(seg.last_words, words)
        seg.last_words = words
        seg.shown = True
        seg.shown_words = placed
        return CaptionEvent(seg.shown_id, seg.shown_start, end, text, final=False, words=placed, stable=stable)

    def _carried_over(self, ended: _Segment) -> list[CaptionEvent]:
        """When a segment is cut where speech went on (at its quietest point at the length limit, or at a pause known
        late to end a sentence: `SpeechGate.end_at_pause`), the words already shown of the speech after the cut, as
        the first interim of the segment that speech opened: they were on screen in the ended segment's interim,
        which its final replaces without them, and stay there until the new segment's own passes speak. No event
        when no word shown starts in the new segment."""
        seg = self._open
        if seg is None or seg.shown or not self.config.interims:
            return []
        words = tuple(w for w in ended.shown_words if w.start >= seg.start)
        if not join_words(words):
            return []
        out = []
        if ended in self._closed:  # its final still to come: its interim without the words that move on
            out.append(self._shown(ended, ended.shown_words, ended.end or seg.start, join_words(ended.shown_words)))
        out.append(self._shown(seg, words, max(words[-1].end, seg.speech_start + 1), join_words(words)))
        return out

    def _moved_on(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        """A draft of a segment cut since it started (its speech went on past the cut) that heard words after the cut:
        those words are the open segment's, shown as its interim at once, unless a pass of that segment's own came
        back already or what it shows reaches further (`_carried_over` hands on the words shown at the cut itself)."""
        nxt = self._open
        if (nxt is None or job.segment_id != self._cut or nxt.id == job.segment_id or not self.config.interims or nxt.done_to
                or job.end <= nxt.start):
            return []  # a segment that ended in silence hands nothing on: a word timed into its pause is still its own
        words = tuple(w for w in _place_words(result.words, job.start, job.start, job.end) if w.start >= nxt.start)
        if not join_words(words) or (nxt.shown_words and nxt.shown_words[-1].end >= words[-1].end):
            return []
        return [self._shown(nxt, words, job.end, join_words(words))]

    def _find(self, segment_id: int) -> _Segment | None:
        if self._open is not None and self._open.id == segment_id:
            return self._open
        return next((s for s in self._closed if s.id == segment_id), None)

    def _let_go_of_old_audio(self) -> None:
        keep_from = self.clock - SAMPLE_RATE  # the segmenter's pre-roll lies within the last second
        for seg in (*self._closed, self._open, *self._unrevised):
            if seg is not None:
                keep_from = min(keep_from, seg.start)
        self.audio.discard_before(keep_from)


def _middle(word: Word) -> int:
    return (word.start + word.end) // 2


def _place_words(words: tuple[Word, ...], offset: int, lo: int, hi: int) -> tuple[Word, ...]:
    """Move clip-relative words onto the audio clock, inside [lo, hi]."""
    placed = []
    for w in words:
        s = min(max(w.start + offset, lo), hi)
        e = min(max(w.end + offset, s), hi)
        placed.append(Word(w.text, s, e, w.probability))
    return tuple(placed)
