"""The captioning engine: audio in, transcription jobs out, captions back.

`CaptionEngine` is synchronous and owns no thread: a caller feeds it audio, asks it for the next
job whenever the transcriber is free, and hands it each job's result. The live session runs it with
a capture thread and a worker thread; the benchmark runs it on a simulated clock. Both see the same
decisions. It composes named parts, each with its rule:

- `segmenter`: where speech segments open and close (`SpeechGate`), told by `endpoint` how far the
  words heard end a sentence;
- `segments`: the segments whose captions are not all out, and what the passes over each heard;
- `scheduling`: when a pause pass or an interim is due (`Passes`), paced by `pacing.Pace`;
- `interims`: what a segment shows while its final is still to come;
- `early_finals`: where passes are cheap, a sentence is final as soon as its pause pass says it ended;
- `revising`: finals that came out close together, decoded again as one clip once the speaker pauses;
- `speakers`: each final's speaker.

A final whose pass still fails its checks after the full-window re-run (`captioner.engine.checks`)
falls back to the segment's last good interim when that one holds more words, so a looping pass never
wipes out what was said.
"""

from __future__ import annotations

import logging
import queue
from collections.abc import Callable

import numpy as np

from captioner.audio.buffer import AudioBuffer
from captioner.engine.live import early_finals, endpoint, interims, pacing
from captioner.engine.live.engine_config import EngineConfig
from captioner.engine.live.job import Job
from captioner.engine.live.revising import Final, Reviser
from captioner.engine.live.scheduling import Passes
from captioner.engine.live.segmenter import SegmentClosed, SegmentDropped, SegmentEvent, SegmentOpened, VadSegmenter
from captioner.engine.live.segments import Segment, Segments, place_words
from captioner.engine.live.speakers import SpeakerTagger
from captioner.engine.models.recognizer import Transcript, join_words
from captioner.events import SAMPLE_RATE, CaptionEvent

log = logging.getLogger(__name__)

__all__ = ["CaptionEngine", "EngineConfig", "Job"]

KEEP_AUDIO_S = 1  # audio always kept behind the clock: the segmenter's pre-roll lies within it
DEFAULT_CONFIG = EngineConfig()


class CaptionEngine:
    """Turns live audio into transcription jobs and their results into captions, interim and final, in order."""

    def __init__(self, config: EngineConfig = DEFAULT_CONFIG) -> None:
        self.config = config
        self.segmenter = VadSegmenter(config.segmenter)
        self.gate = self.segmenter.gate
        self.audio = AudioBuffer()
        self.segments = Segments()
        self.pace = pacing.Pace(config)
        self.passes = Passes(config, self.audio, self.gate, self.pace)
        self.reviser = Reviser(config)
        self._cut: int | None = None  # the latest segment cut where speech went on (`interims.carried_over`)
        self.reruns = 0  # passes the transcriber ran again on the full window
        self.fallbacks = 0  # finals that took the last good interim's words
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
        endpoint.tell_gate(self.gate, self.segments.open, self.level)
        events = self._tagged(self._segment_events(self.segmenter.feed(samples)))
        self._let_go_of_old_audio()
        return events

    def finish(self) -> list[CaptionEvent]:
        """End of the audio: the open segment closes; its final is still to come."""
        self.finished = True
        return self._tagged(self._segment_events(self.segmenter.flush()))

    # -- jobs -----------------------------------------------------------
    def next_job(self) -> Job | None:
        """The job the transcriber should run now, or None (one job at a time): a closed segment's final pass before
        anything else, then the pause pass, then a revising pass, then an interim.

        With `interim_worker`, only the passes that may become finals: interims come from `next_interim_job`.
        """
        if self.passes.running is not None:
            return None
        self.pace.follow(self.lag)  # before the finals: segments waiting for theirs count too
        seg = self.segments.uncovered()
        if seg is not None:
            return self.passes.start(seg, final=True, end=seg.end)
        seg = self.segments.open
        if seg is not None and not self.finished and self.passes.pause_due(seg, seg.final_to):
            return self.passes.pause(seg)
        group = [] if self.segments.closed else self.reviser.take(
            self.clock, speaking=seg is not None, finished=self.finished, behind=self.level > pacing.NORMAL)
        if group:
            return self.passes.revise(group)
        if seg is None or self.finished or self.config.interim_worker:
            return None
        return self.passes.interim(seg)

    def next_interim_job(self) -> Job | None:
        """With `interim_worker`: the interim pass the interim worker should run now, or None."""
        if not self.config.interim_worker or self.passes.drafting is not None:
            return None
        self.pace.follow(self.lag)
        if self.segments.open is None or self.finished:
            return None
        return self.passes.interim(self.segments.open)

    def complete(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        """Take a finished job's result; return the captions it makes."""
        return self._tagged(self._complete(job, result))

    def _tagged(self, events: list[CaptionEvent]) -> list[CaptionEvent]:
        """`events` with each final's speaker (and an interim's likely one), when speakers are told apart (and the relabelled
        finals after a merge)."""
        if self.speakers is None or not events:
            return events
        try:
            return self.speakers.tag(events, self.audio.get, new_id=self.gate.new_id, on_split=self.reviser.split)
        except Exception as exc:  # a fault in telling voices apart ends the labels, never the captions
            log.exception("speaker labels failed")
            self.speakers = None
            self.notices.put(f"Speaker labels stopped ({type(exc).__name__}: {exc}); the captions go on without them.")
            return events

    def _complete(self, job: Job, result: Transcript) -> list[CaptionEvent]:
        self.passes.back(job)
        if job.revises:
            return self.reviser.revised(job, result)
        self.reruns += result.reruns
        self.passes.drafts |= result.draft
        self.pace.measure(job, result)
        seg = self.segments.find(job.segment_id)
        drafted = self.config.interim_worker and result.draft
        on = self.config.interims
        if seg is None:
            return interims.moved_on(self.segments.open, self._cut, job, result, interims=on) if drafted else []
        if drafted:
            if job.end <= seg.done_to:
                return []  # it came back after a newer pass of its segment: stale
            if seg.end is not None:  # closed, its final still to come: shown meanwhile; the lag still counts it
                if result.text and not result.problem:
                    seg.good = result
                return [*interims.interim(seg, job, result, interims=on),
                        *interims.moved_on(self.segments.open, self._cut, job, result, interims=on)]
        seg.done_to = max(seg.done_to, job.end)
        if result.text and not result.problem:
            seg.good = result
        checked = job.final or job.pause
        if not result.draft and (checked or not result.problem):
            seg.best = (job.end, result)
        if seg.end is not None:
            return self._finalise_covered()
        return self._heard_open(seg, job, result, bool(drafted))

    def _heard_open(self, seg: Segment, job: Job, result: Transcript, drafted: bool) -> list[CaptionEvent]:
        """A pass over the open segment `seg` came back: at a pause whose words end a sentence, an early final, or the
        segment ended at that pause (`SpeechGate.end_at_pause`); else its interim."""
        ends = (job.pause or job.at_pause) and not result.problem and endpoint.says_ended(result, self.level)
        if job.at_pause and not result.problem:
            seg.draft_heard = (job.end, ends)
        if ends and job.pause and early_finals.due(self.config, self.pace.cheap, self.gate, seg, job):
            endpoint.tell_gate(self.gate, self.segments.open, self.level)
            return early_finals.show(seg, result, self.gate.new_id)
        if ends:
            shown = interims.interim(seg, job, result, interims=self.config.interims) if drafted else []  # up to the pause
            ended = self._segment_events(self.gate.end_at_pause(job.end))
            if ended:
                return [*shown, *ended]  # the pause ended the segment; the speech since is the next one's
        endpoint.tell_gate(self.gate, self.segments.open, self.level)
        return interims.interim(seg, job, result, interims=self.config.interims)

    # -- state for status and tests -------------------------------------
    @property
    def level(self) -> int:
        """How far the engine steps down to keep up (`pacing.NORMAL`, `SPARSE`, `FINALS_ONLY`)."""
        return self.pace.level

    @property
    def busy(self) -> bool:
        """A pass is running on the (final) transcriber."""
        return self.passes.running is not None

    @property
    def drafting(self) -> bool:
        """An interim pass is running on the interim worker."""
        return self.passes.drafting is not None

    @property
    def degraded(self) -> str:
        """Plain words on how the engine is stepping down to keep up; "" when it keeps up."""
        return self.pace.degraded

    @property
    def pending_finals(self) -> int:
        return len(self.segments.closed)

    @property
    def awaiting_pause(self) -> bool:
        """The open segment's speech has paused and the pass that says whether the pause ends a sentence is due or
        running. Live, it comes back within the pause; a file read faster than real time waits for it, or the pause is
        judged by silence alone (the longer hang-over of an open phrase) and two people's quick turns become one caption."""
        seg = self.segments.open
        if seg is None or self.finished:
            return False
        running = self.passes.running
        return (running is not None and running.pause and running.segment_id == seg.id) or self.passes.pause_due(seg, seg.final_to)

    @property
    def processed(self) -> int:
        """Audio-clock position up to which captions are out (final, or interim text of a segment
        whose final is still to come)."""
        return self.segments.processed(self.clock)

    @property
    def unfinished_start(self) -> int | None:
        """Audio-clock start of the oldest speech whose final is not out yet (a closed or the open segment)."""
        return self.segments.unfinished_start

    @property
    def lag(self) -> int:
        """Samples of live audio whose final captions are not out yet."""
        return self.clock - self.processed

    @property
    def done(self) -> bool:
        """Finished and nothing left to transcribe."""
        return (self.finished and self.segments.open is None and not self.segments.closed and self.passes.running is None
                and self.passes.drafting is None and (not self.reviser.waiting or not self.config.revise))

    # -- internals ------------------------------------------------------
    def _segment_events(self, events) -> list[CaptionEvent]:
        """Follow the segmenter's events: a segment dropped after it showed words says so with an empty final; a closed
        one's final comes once a pass covered it; a cut where speech went on hands its shown words on."""
        out: list[CaptionEvent] = []
        closed: Segment | None = None
        for ev in events:
            if self.on_segment is not None:
                self.on_segment(ev)
            if isinstance(ev, SegmentOpened):
                self.segments.opened(ev)
            elif isinstance(ev, SegmentDropped):
                seg = self.segments.dropped()
                if seg is not None and seg.shown:
                    out.append(CaptionEvent(seg.id, seg.speech_start, seg.speech_start, "", final=True))
            elif isinstance(ev, SegmentClosed):
                closed = self.segments.close(ev)
                out.extend(self._finalise_covered())
        self.segments.follow(self.gate)
        if self.segments.open is not None and closed is not None and self.config.interim_worker:
            # cut where speech went on (the length limit, a pause known late): the words shown stay. With an interim
            # worker only: there drafts show speech the final model is seconds behind; with one worker the cut
            # segment's final comes first and the new segment's pass next
            self._cut = closed.id
            out.extend(interims.carried_over(self.segments.open, closed, waiting=closed in self.segments.closed,
                                             interims=self.config.interims))
        return out

    def _finalise_covered(self) -> list[CaptionEvent]:
        """Emit finals, in order, for closed segments whose latest pass heard all their speech."""
        return [event for seg in self.segments.covered() for event in self._final(seg)]

    def _final(self, seg: Segment) -> list[CaptionEvent]:
        """The final of the closed segment `seg`, from its latest pass that covered it (or its last good interim)."""
        assert seg.end is not None and seg.best is not None
        result = seg.best[1]
        start, end = seg.speech_start, max(seg.speech_end, seg.speech_start + 1)
        if result.problem and seg.good is not None and len(seg.good.words) > len(result.words):
            result = seg.good
            self.fallbacks += 1
        words = place_words(result.words, seg.start, start, end)
        text = join_words(words)
        if text:
            self.passes.heard(text)
        if seg.parts:
            return early_finals.share_out(seg, words, self.reviser)
        if text:
            self.reviser.wait(Final(seg.id, seg.start, seg.end, start, end, text, words))
        return [CaptionEvent(seg.id, start, end, text, final=True, words=words, stable=len(text))]

    def _let_go_of_old_audio(self) -> None:
        keep_from = min([self.clock - KEEP_AUDIO_S * SAMPLE_RATE, *self.segments.starts(), *self.reviser.starts()])
        self.audio.discard_before(keep_from)
