"""Cutting a stream of audio frames into speech segments.

`SpeechGate` holds the rules and works on per-frame facts alone (voiced or
not, and the frame's energy), so it is a pure state machine that tests can
drive frame by frame. `VadSegmenter` frames raw 16 kHz audio, asks webrtcvad
about each frame and feeds the gate.

Every position is a sample index on the audio clock.
"""

from __future__ import annotations

import bisect
from collections import deque
from dataclasses import dataclass, field
from typing import Iterable, Union

import numpy as np
import webrtcvad

from captioner.engine.live.cut_place import cut_frame, frame_after, frame_gaps
from captioner.engine.live.defaults import LEAST_STRICT, MOST_STRICT, STRICTNESS
from captioner.events import SAMPLE_RATE

LEVEL_FRAMES = 5  # voiced frames an open segment needs before its speech level is known


@dataclass(frozen=True)
class SegmenterConfig:
    """Where speech segments open and close: the VAD's frames, the onset, the hang-overs and the length limit."""

    frame_ms: int = 30  # webrtcvad takes 10, 20 or 30 ms frames
    aggressiveness: int = STRICTNESS  # webrtcvad's: LEAST_STRICT keeps the most sound as speech .. MOST_STRICT the least
    onset_frames: int = 3  # voiced frames among the last `onset_window` that open a segment
    onset_window: int = 5
    preroll_ms: int = 300  # audio kept before the first voiced frame
    hangover_ms: int = 600  # silence that ends a segment (whose words end a sentence, when the words are known)
    phrase_hangover_ms: int = 1000  # ... whose words so far do not end a sentence, or are not known yet
    blip_hangover_ms: int = 450  # ... that holds less than min_speech_ms of speech (a click, a cough): dropped
    tail_ms: int = 150  # silence kept after the last voiced frame
    min_speech_ms: int = 250  # voiced audio a segment needs to be kept
    max_segment_s: float = 15.0  # longer speech is cut ...
    cut_search_s: float = 3.0  # ... at the quietest frame of this last stretch, or near a clause end in ...
    # ... this longer one: the latest pass's words stop short of the limit (a pass every interim interval, and
    # Whisper leaves out the last words of a clip that ends mid-word), so the last `cut_search_s` seldom holds a
    # word whose end is known
    clause_search_s: float = 6.0
    # how far past a clause end's word times the cut may fall: Whisper's word times miss the words' edges by a
    # frame or two
    clause_slack_ms: int = 60
    overhang_ms: int = 150  # webrtcvad's own hang-over: trailing voiced frames in this stretch ...
    overhang_ratio: float = 0.05  # ... quieter than this share of the speech's median energy are not speech
    # a frame quieter than this share of the open segment's median speech energy (-40 dB) is silence whatever
    # webrtcvad says: it takes faint steady noise (a room's, a line's) for speech now and then, which would hold
    # a segment open across a pause between two people's turns
    quiet_ratio: float = 0.01

    def __post_init__(self) -> None:
        if self.phrase_hangover_ms < self.hangover_ms:
            raise ValueError("phrase_hangover_ms must be at least hangover_ms")
        if self.frame_ms not in (10, 20, 30):
            raise ValueError("frame_ms must be 10, 20 or 30")
        if not LEAST_STRICT <= self.aggressiveness <= MOST_STRICT:
            raise ValueError(f"VAD aggressiveness must be a whole number from {LEAST_STRICT} to {MOST_STRICT}")
        if not 1 <= self.onset_frames <= self.onset_window:
            raise ValueError("onset_frames must lie in 1..onset_window")

    @property
    def frame_len(self) -> int:
        return SAMPLE_RATE * self.frame_ms // 1000

    def frames(self, ms: float) -> int:
        return max(0, round(ms / self.frame_ms))


@dataclass(frozen=True)
class SegmentOpened:
    """A segment opened: speech began."""

    id: int
    start: int  # first sample of the segment (pre-roll included)
    speech_start: int  # first sample of the first voiced frame


@dataclass(frozen=True)
class SegmentClosed:
    """A segment closed: after a pause (`silence`), at the length limit (`max_length`) or at the end (`flush`)."""

    id: int
    start: int
    end: int  # one past the last sample of the segment
    speech_end: int  # one past the last voiced sample
    reason: str  # "silence", "max_length" or "flush"


@dataclass(frozen=True)
class SegmentDropped:
    """An opened segment that held too little speech to be worth transcribing."""

    id: int


SegmentEvent = Union[SegmentOpened, SegmentClosed, SegmentDropped]


@dataclass
class OpenSegment:
    """The segment open in the gate: its frames' facts so far."""

    id: int
    start: int
    speech_start: int
    speech_end: int
    voiced: list[bool]  # per frame since `start`
    energy: list[float]  # per frame since `start`
    loud: list[float] = field(default_factory=list)  # the voiced frames' energies, sorted

    def __post_init__(self) -> None:
        self.loud = sorted(e for e, v in zip(self.energy, self.voiced) if v)

    def level(self) -> float | None:
        """The median energy of its voiced frames; None while it holds too few to say (`LEVEL_FRAMES`)."""
        return self.loud[len(self.loud) // 2] if len(self.loud) >= LEVEL_FRAMES else None

    @property
    def voiced_frames(self) -> int:
        return sum(self.voiced)


class SpeechGate:
    """Decides, frame by frame, where speech segments start and end.

    Positions are frame-aligned: a segment starts and ends on frame edges.

    Silence alone ends a segment after `hangover_ms`, unless whoever reads the words says how far
    they end a sentence (`sentence_end`, a sample position; None: nobody says, silence decides): then
    a pause after speech that does not end a sentence (or whose words are not known yet) ends the
    segment only after `phrase_hangover_ms`. People pause longer mid-phrase than a fixed hang-over
    allows; a phrase cut there is decoded in two halves, each without the other's context.

    Speech that runs on past `max_segment_s` is cut near its end: where the words end a sentence or clause in the
    last `clause_search_s`, when whoever reads them says where (`clause_ends`), else at the quietest frame of the
    last `cut_search_s` (`cut_place`).
    """

    def __init__(self, config: SegmenterConfig = SegmenterConfig()) -> None:
        self.config = config
        self._frame = config.frame_len
        self._position = 0  # samples seen
        history = max(config.onset_window, config.frames(config.preroll_ms) + config.onset_window)
        self._history: deque[tuple[bool, float]] = deque(maxlen=history)
        self._open: OpenSegment | None = None
        self._silent_run = 0
        self._floor = 0  # no new segment may start before this sample
        self._next_id = 1
        self._sentence_end: int | None = None  # the open segment's speech up to here is known to end a sentence
        self._clause_ends: tuple[tuple[int, int], ...] = ()  # (word end, next word start): the open segment's clause ends
        self._words_end: int | None = None  # where the latest pass's words over the open segment end

    @property
    def sentence_end(self) -> int | None:
        """How far the open segment's speech is known to end a sentence (-1: nowhere yet; None: words unread)."""
        return self._sentence_end

    def judge_by_silence(self) -> None:
        """Nobody reads the words: silence alone ends the open segment, after `hangover_ms`; the length limit, by sound."""
        self._sentence_end, self._clause_ends, self._words_end = None, (), None

    def judge_by_words(self, sentence_end: int | None) -> None:
        """The words are read: the open segment's speech up to `sentence_end` ends a sentence (None: none known yet)."""
        self._sentence_end = -1 if sentence_end is None else sentence_end

    def clause_ends(self, places: Iterable[tuple[int, int]], words_end: int | None = None) -> None:
        """Where the open segment's words are known to end a sentence or clause: (where that word ends, where the
        next one starts), and where the words heard end (`words_end`). The length limit cuts at a clause end when its
        search stretch holds one, else not among the words heard where speech after them pauses (`cut_place`)."""
        self._clause_ends, self._words_end = tuple(places), words_end

    def new_id(self) -> int:
        """An id no segment will have: for a part of a final split off as a caption of its own (another speaker's turn)."""
        self._next_id += 1
        return self._next_id - 1

    def hangover_frames(self) -> int:
        """Silent frames that end the open segment now."""
        cfg = self.config
        seg = self._open
        if seg is not None and seg.voiced_frames * cfg.frame_ms < cfg.min_speech_ms:
            return min(cfg.frames(cfg.blip_hangover_ms), cfg.frames(cfg.hangover_ms))
        if self._sentence_end is None or (seg is not None and seg.speech_end <= self._sentence_end):
            return cfg.frames(cfg.hangover_ms)
        return cfg.frames(cfg.phrase_hangover_ms)

    @property
    def position(self) -> int:
        return self._position

    @property
    def open_segment(self) -> OpenSegment | None:
        return self._open

    @property
    def silence_ms(self) -> int:
        """Silence since the last voiced frame of the open segment."""
        return self._silent_run * self.config.frame_ms

    @property
    def speech_end(self) -> int | None:
        """One past the open segment's last voiced sample; None while none is open."""
        return self._open.speech_end if self._open is not None else None

    def keeps_open_segment(self) -> bool:
        """Whether a segment is open and holds enough speech (`min_speech_ms`) never to be dropped."""
        seg = self._open
        return seg is not None and seg.voiced_frames * self.config.frame_ms >= self.config.min_speech_ms

    def push(self, voiced: bool, energy: float) -> list[SegmentEvent]:
        """Take one frame's facts; return what they opened or closed."""
        frame_start = self._position
        self._position += self._frame
        level = self._open.level() if self._open is not None else None
        if voiced and level is not None and energy < level * self.config.quiet_ratio:
            voiced = False  # far quieter than this segment's speech: noise the VAD let through
        self._history.append((voiced, energy))
        if self._open is None:
            return self._maybe_open()
        return self._extend(voiced, energy, frame_start)

    def flush(self) -> list[SegmentEvent]:
        """End of stream: close whatever is open."""
        seg = self._open
        if seg is None:
            return []
        tail = min(self._silent_run, self.config.frames(self.config.tail_ms)) * self._frame
        return self._close(seg.speech_end + tail, "flush")

    def _maybe_open(self) -> list[SegmentEvent]:
        cfg = self.config
        window = [v for v, _ in list(self._history)[-cfg.onset_window :]]
        if sum(window) < cfg.onset_frames:
            return []
        frames_back = len(window) - window.index(True)
        speech_start = self._position - frames_back * self._frame
        preroll = cfg.frames(cfg.preroll_ms) * self._frame
        oldest_kept = self._position - len(self._history) * self._frame
        start = max(self._floor, speech_start - preroll, oldest_kept, 0)
        n = (self._position - start) // self._frame
        kept = list(self._history)[-n:]
        self._open = OpenSegment(self._next_id, start, speech_start, self._position - self._trailing_silence(kept) * self._frame,
                                 [v for v, _ in kept], [e for _, e in kept])
        self._next_id += 1
        self._silent_run = self._trailing_silence(kept)
        return [SegmentOpened(self._open.id, start, speech_start)]

    @staticmethod
    def _trailing_silence(frames: list[tuple[bool, float]]) -> int:
        run = 0
        for voiced, _ in reversed(frames):
            if voiced:
                break
            run += 1
        return run

    def _extend(self, voiced: bool, energy: float, frame_start: int) -> list[SegmentEvent]:
        cfg = self.config
        seg = self._open
        assert seg is not None
        seg.voiced.append(voiced)
        seg.energy.append(energy)
        if voiced:
            bisect.insort(seg.loud, energy)
            seg.speech_end = frame_start + self._frame
            self._silent_run = 0
        else:
            self._silent_run += 1
        if self._silent_run >= self.hangover_frames():
            tail = min(self._silent_run, cfg.frames(cfg.tail_ms)) * self._frame
            return self._close(seg.speech_end + tail, "silence")
        if self._position - seg.start >= cfg.max_segment_s * SAMPLE_RATE:
            return self._cut_at_quietest()
        return []

    def speech_after(self, position: int) -> int | None:
        """Where the open segment's first voiced frame at or after `position` starts; None before one."""
        seg = self._open
        if seg is None:
            return None
        first = max(0, -(-(position - seg.start) // self._frame))
        return next((seg.start + k * self._frame for k in range(first, len(seg.voiced)) if seg.voiced[k]), None)

    def end_at_pause(self, position: int) -> list[SegmentEvent]:
        """Close the open segment at the pause that ends at or goes on past `position` (the frame before it is
        silent), known only now to end a sentence.

        The words up to a pause may be known only after the speaker went on (the pass over them took longer
        than the pause). When that pause lasted the short hang-over, the segment would have ended there had the
        words been known in time: it ends there now, and the speech after the pause becomes a new open segment,
        as the segmenter would have opened it. No events when the open segment has no such pause at `position`
        (still silent there, or the pause was shorter than `hangover_ms`).
        """
        cfg = self.config
        seg = self._open
        if seg is None:
            return []
        k = (position - seg.start) // self._frame - 1
        if not 0 <= k < len(seg.voiced) or seg.voiced[k]:
            return []
        before = next((i for i in range(k - 1, -1, -1) if seg.voiced[i]), None)
        after = next((i for i in range(k + 1, len(seg.voiced)) if seg.voiced[i]), None)
        if before is None or after is None or after - before - 1 < cfg.frames(cfg.hangover_ms):
            return []
        first = OpenSegment(seg.id, seg.start, seg.speech_start, seg.start + (before + 1) * self._frame,
                            seg.voiced[: before + 1], seg.energy[: before + 1])
        if first.voiced_frames * cfg.frame_ms < cfg.min_speech_ms:
            return []  # a blip before the pause: the segment's speech starts after it
        silent_run = self._silent_run
        end = first.speech_end + min(after - before - 1, cfg.frames(cfg.tail_ms)) * self._frame
        self._open = first
        events = self._close(end, "silence")
        speech_start = seg.start + after * self._frame
        start = max(end, speech_start - cfg.frames(cfg.preroll_ms) * self._frame)
        k0 = (start - seg.start) // self._frame
        self._open = OpenSegment(self._next_id, start, speech_start, seg.speech_end, seg.voiced[k0:], seg.energy[k0:])
        self._next_id += 1
        self._silent_run = silent_run
        events.append(SegmentOpened(self._open.id, start, speech_start))
        return events

    def _cut_at_quietest(self) -> list[SegmentEvent]:
        """Close the long open segment at its quietest recent frame (near a clause end there, when one is known);
        speech goes on after it."""
        seg = self._open
        assert seg is not None
        cfg = self.config
        first = max(1, len(seg.energy) - max(1, cfg.frames(cfg.cut_search_s * 1000)))
        reach = max(1, len(seg.energy) - max(1, cfg.frames(max(cfg.clause_search_s, cfg.cut_search_s) * 1000)))
        gaps = frame_gaps(self._clause_ends, seg.start, self._frame)
        k = cut_frame(seg.voiced, seg.energy, first, gaps, cfg.frames(cfg.clause_slack_ms), reach, cfg.frames(cfg.hangover_ms),
                      None if self._words_end is None else frame_after(self._words_end, seg.start, self._frame))
        cut = seg.start + k * self._frame
        events = self._close(cut, "max_length", speech_end=min(seg.speech_end, cut))
        voiced, energy = seg.voiced[k:], seg.energy[k:]
        last_voiced = max((i for i, v in enumerate(voiced) if v), default=-1)
        self._open = OpenSegment(self._next_id, cut, cut, cut + (last_voiced + 1) * self._frame, voiced, energy)
        self._next_id += 1
        events.append(SegmentOpened(self._open.id, cut, cut))
        return events

    def _close(self, end: int, reason: str, speech_end: int | None = None) -> list[SegmentEvent]:
        seg = self._open
        assert seg is not None
        self._open = None
        self._silent_run = 0
        self._clause_ends, self._words_end = (), None  # they were the closed segment's
        voiced_ms = seg.voiced_frames * self.config.frame_ms
        if voiced_ms < self.config.min_speech_ms and reason != "max_length":
            return [SegmentDropped(seg.id)]  # its audio may still be the next one's pre-roll
        self._floor = end
        self._history.clear()
        if speech_end is None:
            speech_end = seg.start + self._speech_frames(seg) * self._frame
        return [SegmentClosed(seg.id, seg.start, end, speech_end, reason)]

    def _speech_frames(self, seg: OpenSegment) -> int:
        """Frames up to the true end of speech: the VAD's quiet overhang trimmed off."""
        last = (seg.speech_end - seg.start) // self._frame  # one past the last voiced frame
        loud = sorted(e for e, v in zip(seg.energy, seg.voiced) if v)
        floor = loud[len(loud) // 2] * self.config.overhang_ratio if loud else 0.0
        trimmed = 0
        while trimmed < self.config.frames(self.config.overhang_ms) and last - 1 > 0 and seg.energy[last - 1] < floor:
            last -= 1
            trimmed += 1
        return last


class VadSegmenter:
    """Frames 16 kHz float audio, classifies it with webrtcvad, feeds a SpeechGate."""

    def __init__(self, config: SegmenterConfig = SegmenterConfig()) -> None:
        self.config = config
        self.gate = SpeechGate(config)
        self._vad = webrtcvad.Vad(config.aggressiveness)
        self._pending = np.zeros(0, dtype=np.float32)

    def feed(self, audio: np.ndarray) -> list[SegmentEvent]:
        frame = self.config.frame_len
        buf = np.concatenate([self._pending, np.asarray(audio, dtype=np.float32)])
        n = len(buf) // frame
        events: list[SegmentEvent] = []
        for i in range(n):
            chunk = buf[i * frame : (i + 1) * frame]
            pcm = (np.clip(chunk, -1.0, 1.0) * 32767).astype("<i2").tobytes()
            voiced = self._vad.is_speech(pcm, SAMPLE_RATE)
            energy = float(np.sqrt(np.mean(chunk * chunk)))
            events.extend(self.gate.push(voiced, energy))
        self._pending = buf[n * frame :]
        return events

    def flush(self) -> list[SegmentEvent]:
        return self.gate.flush()
