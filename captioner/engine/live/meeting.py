"""A session over several inputs at once: the microphone and what the computer plays.

Each channel has its own source and its own engine (VAD segmenter, segments,
passes); all of them share one transcriber, which runs one job at a time:
finals before interims, the oldest final first across channels, and interims
taken in turn, so neither side starves the other. On a GPU the interims come
at its pace, as in a session of one input; a final is shown once its segment
has ended (`spoken_order.lane_engine`).

Times are on one session clock: a channel's own audio clock plus the moment
its first sample was captured after the session started (estimated from when
its blocks arrive). Finals are handed to the
sinks in spoken order: a final waits until no other channel can still
produce a caption that starts before it. A microphone final that repeats what
system audio carried around the same time is an echo and is dropped (see
echo.py); its interims are cleared with an empty final. These rules live in
spoken_order.py, which `engine.live.replay` shares.

A channel whose source fails (device unplugged) is reported as a non-fatal
error while another channel still captures; the session ends with an error
only when every channel is gone. A source may also say what happens to it
while it goes on (`notices`: the sound server stopped, is back; the microphone
is gone, is back): those go out as non-fatal errors too, kept in `notices`,
not in `errors`. Each of these says which channel it is about (`SessionProblem.channel`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from captioner.audio.recorder import SessionRecorder
from captioner.audio.sources import AudioSourceError
from captioner.channels import DEFAULT_LABELS, MICROPHONE, MODE_BOTH, MODE_SYSTEM, SYSTEM
from captioner.engine.live.session import MAX_QUEUED_FINALS, CaptionSink, SessionBase, SessionOptions, accelerated, engine_status
from captioner.engine.live.speakers import SpeakerTagger
from captioner.engine.live.spoken_order import Channel, Lane, SpokenOrder, lane_engine, pick_job
from captioner.engine.live.transcriber import Transcriber
from captioner.events import SAMPLE_RATE, CaptionEvent, SessionProblem, SessionStatus, replaced_final
from captioner.speaker_count import count_of
from captioner.voices import load_encoder

__all__ = ["Channel", "MeetingSession", "meeting_channels"]

log = logging.getLogger(__name__)


class MeetingSession(SessionBase):
    """A meeting captioned live: each channel (the microphone, the system's sound) an engine of its own, one worker."""

    def __init__(
        self,
        channels: Sequence[Channel],
        transcriber: Transcriber,
        sinks: Iterable[CaptionSink] = (),
        *,
        options: SessionOptions = SessionOptions(),
        on_status: Callable[[SessionStatus], None] | None = None,
        on_error: Callable[[SessionProblem], None] | None = None,
        recorder: SessionRecorder | None = None,
    ) -> None:
        if not channels:
            raise ValueError("a meeting session needs at least one channel")
        super().__init__(transcriber, sinks, options, on_status, on_error, "captioner-meeting", recorder)
        config = replace(options.config, accelerated=options.config.accelerated or accelerated(transcriber))  # a GPU's pace
        self.lanes = [Lane(i, ch, lane_engine(config)) for i, ch in enumerate(channels)]
        if options.speakers:  # the others, told apart by voice; the microphone is "You"
            for lane in self.lanes:
                if lane.channel.kind == SYSTEM:
                    lane.engine.speakers = SpeakerTagger(load_encoder(), count=count_of(options.speakers))
        self.order = SpokenOrder(self.lanes, options.echo)
        self._t0 = 0.0
        self._running: Lane | None = None

    # -- control (as CaptionSession) ---------------------------------------
    def start(self) -> None:
        """Open every source, all at once (a capture child takes a second or two to deliver), and start;
        the first channel's error raises here, after closing the sources that opened."""
        self._t0 = time.monotonic()
        with ThreadPoolExecutor(len(self.lanes), thread_name_prefix="captioner-open") as pool:
            failures = list(pool.map(_open_source, self.lanes))
        failed = next(((lane, exc) for lane, exc in zip(self.lanes, failures) if exc is not None), None)
        if failed is not None:
            for lane, exc in zip(self.lanes, failures):
                if exc is None:
                    lane.channel.source.stop()
            lane, exc = failed
            raise AudioSourceError(f"{lane.label}: {exc}") from exc
        self._start_threads()

    @property
    def clock(self) -> int:
        """The session clock: samples since the session started, as far as audio has arrived."""
        return max(lane.at + lane.engine.clock for lane in self.lanes)

    @property
    def echoes(self) -> list[CaptionEvent]:
        """What was dropped of microphone finals as echoes of system audio: whole finals, or the echoed words cut from one."""
        return self.order.echoes

    def delays_s(self, channel: str) -> list[float]:
        """Per final of a channel (its id): the session clock at its release minus the end of its speech."""
        return next((lane.delays_s for lane in self.lanes if lane.channel.kind == channel), [])

    # -- engine thread ------------------------------------------------------
    def _run_engine(self) -> None:
        next_status = 0.0
        while not all(lane.engine.done for lane in self.lanes):
            got = False
            for lane in self.lanes:
                if lane.reading and (lane.channel.source.live or lane.engine.pending_finals < MAX_QUEUED_FINALS):
                    got = self._read(lane) or got
            self._take_results(wait=not got)
            if self._running is None:
                self._schedule()
            self._release()
            for lane in self.lanes:
                self._pass_notices(lane.engine, lane.label, lane.channel.kind)
            now = time.monotonic()
            if now >= next_status:
                self._publish_status()
                next_status = now + self.status_interval_s

    def _stop_sources(self) -> None:
        for lane in self.lanes:
            lane.channel.source.stop()

    def _finish(self) -> None:
        self._release(everything=True)

    def _read(self, lane: Lane) -> bool:
        """Feed a lane what its source has; True if audio came."""
        source = lane.channel.source
        self._pass_notices(source, lane.label, lane.channel.kind)
        try:
            block = source.read(timeout=0.01)
        except AudioSourceError as exc:
            self._lose(lane, str(exc))
            return False
        got = block is not None and len(block) > 0
        if got:
            self._place(lane, len(block))
            if self.recorder is not None:
                self.recorder.feed(lane.index, block, lane.at)
            lane.level = float(np.sqrt(np.mean(block * block)))
            self._collect(lane, lane.engine.feed(block))
        if self._stop.is_set():
            source.stop()
        if source.finished:
            lane.reading = False
            self._collect(lane, lane.engine.finish())
        return got

    def _place(self, lane: Lane, samples: int) -> None:
        """Place a lane on the session clock: where its audio so far would begin, had it come with no delay.

        Audio that waited in a queue arrives late, never early, so the smallest estimate is the best one.
        """
        if not lane.channel.source.live:
            lane.offset = 0
            return
        elapsed = round((time.monotonic() - self._t0) * SAMPLE_RATE)
        estimate = max(0, elapsed - (lane.engine.clock + samples))
        lane.offset = estimate if lane.offset is None else min(lane.offset, estimate)

    def _lose(self, lane: Lane, message: str) -> None:
        lane.reading, lane.lost = False, True
        lane.channel.source.stop()
        self._collect(lane, lane.engine.finish())
        alive = [other.label for other in self.lanes if not other.lost]
        if alive:
            self._report(f"{lane.label}: {message} Captions go on from {' and '.join(alive)}.", fatal=False, channel=lane.channel.kind)
        else:
            self._report(f"{lane.label}: {message}")

    def _schedule(self) -> None:
        picked = pick_job(self.lanes)
        if picked is not None:
            lane, job = picked
            self._running, lane.served = lane, time.monotonic()
            self._jobs.put(job)

    def _take_results(self, wait: bool) -> None:
        timeout = 0.05 if wait and self._running is not None else 0.0
        if wait and self._running is None:
            time.sleep(0.01)
        for job, result in self._results_ready(timeout):
            lane, self._running = self._running, None
            assert lane is not None
            self._collect(lane, lane.engine.complete(job, result))

    # -- events -----------------------------------------------------------
    def _collect(self, lane: Lane, events: list[CaptionEvent]) -> None:
        """A lane's events: interims go out now, finals wait their turn."""
        for interim in self.order.take(lane, events):
            self._send(interim)

    def _release(self, *, everything: bool = False) -> None:
        """Send held finals whose turn has come, in spoken order."""
        now = round((time.monotonic() - self._t0) * SAMPLE_RATE)
        for lane, event in self.order.release(now, everything=everything):
            if event.text and event.revision:  # a final shown again (its speaker found): it takes its place
                at = replaced_final(self.finals, event)
                if at is not None:
                    self.finals[at] = event
            elif event.text:
                self.finals.append(event)
                lane.delays_s.append((self.clock - event.end) / SAMPLE_RATE)
            self._send(event)

    def _publish_status(self) -> None:
        if self.on_status is None:
            return
        for lane in self.lanes:
            level = 0.0 if lane.lost else lane.level
            self.on_status(engine_status(lane.engine, lane.channel.source, level, at=lane.at, channel=lane.channel.kind))


def _open_source(lane: Lane) -> AudioSourceError | None:
    try:
        lane.channel.source.start()
    except AudioSourceError as exc:
        return exc
    return None


def meeting_channels(mode: str, device: str | None, output: str | None, *, labels: Mapping[str, str] = DEFAULT_LABELS) -> list[Channel]:
    """The channels for a listening mode: system audio (MODE_SYSTEM) or the microphone too (MODE_BOTH).

    `device`: the microphone (None: the default input); `output`: the output whose
    sound is captured (None: the default output, followed when it changes); `labels`: what
    each channel is called, by id (a missing one: its default).
    AudioSourceError when the microphone cannot be one (an output's monitor: the default
    input, or the output recorded).
    """
    from captioner.audio.loopback import SystemAudioSource, meeting_microphone

    if mode not in (MODE_SYSTEM, MODE_BOTH):
        raise ValueError(f"not a mode with system audio: {mode!r}")
    mic_label, system_label = (labels.get(channel, DEFAULT_LABELS[channel]).strip() for channel in (MICROPHONE, SYSTEM))
    if not mic_label or not system_label or mic_label == system_label:
        raise ValueError("the microphone and system audio need two different, non-empty labels")
    channels = [Channel(mic_label, meeting_microphone(device or None, output or None), MICROPHONE)] if mode == MODE_BOTH else []
    channels.append(Channel(system_label, SystemAudioSource(output or None), SYSTEM))
    return channels
