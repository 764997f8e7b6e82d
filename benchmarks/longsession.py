"""A long captioning session and what its subtitle files must show afterwards.

The audio is speech clips with pauses between them, one loop of them repeated sample for
sample, each loop a whole number of VAD frames and read blocks long. It is played as fast as the
engine takes it through the app's own session, `open_session` (a non-live `FileSource`, the path of
`captioner --input FILE`) into the live SRT and TXT writers. Afterwards:

- `check_files`: the SRT (parsed with the `srt` library) holds the text of every final, in order,
  and nothing else; each cue lies inside its final's span; cues are in order and never overlap;
  the TXT holds one line per final.
- `drift`: how far the cues of a late loop sit from where the same speech put them in an early
  loop. Both loops hold the same samples, exactly `k * loop_len` apart, so the segmenter and the
  model see the same audio and make the same timing errors; what is left is the clock itself
  (samples lost or counted twice, rounding that grows with the session). The same comparison on
  the finals' own start (samples, the VAD's speech onset) shows the engine's clock without the
  writers'.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import numpy as np
import srt

from captioner.audio.sources import FileSource
from captioner.engine.live.open import SessionOptions, SessionRequest, open_session
from captioner.engine.live.pipeline import EngineConfig
from captioner.engine.live.transcriber import Transcriber
from captioner.events import SAMPLE_RATE, CaptionEvent, SessionStatus
from captioner.subtitles.srt import LiveSrtWriter
from captioner.subtitles.txt import LiveTxtWriter

# A loop is a whole number of 30 ms VAD frames and 100 ms read blocks, so every loop meets the
# segmenter's frames at the same places.
ALIGN = SAMPLE_RATE * 3 // 10
ROOM_NOISE = 3e-4  # level of the faint noise under the whole loop, as a quiet room gives


@dataclass(frozen=True)
class Looped:
    audio: np.ndarray
    loop_len: int  # samples per loop, a multiple of ALIGN
    loops: int
    placements: tuple[tuple[int, int], ...]  # (offset in the loop, clip index) of every clip

    @property
    def duration_s(self) -> float:
        return len(self.audio) / SAMPLE_RATE


def looped_speech(clips: Sequence[np.ndarray], total_s: float, *, pause_s: tuple[float, float] = (0.8, 3.0),
                  seed: int = 0) -> Looped:
    """`clips` in order with pauses of `pause_s` (seconds, random within) before each, one loop
    repeated to fill about `total_s`; the last pause of a loop takes up the rest of its length.

    Faint noise lies under the whole loop, as a room gives: webrtcvad that has heard digital
    silence (synthetic speech has stretches of exact zeros) takes the first faint noise after
    it for speech and holds on to it for seconds.
    """
    rng = np.random.default_rng(seed)
    placements, pos = [], 0
    for index, clip in enumerate(clips):
        pos += round(rng.uniform(*pause_s) * SAMPLE_RATE)
        placements.append((pos, index))
        pos += len(clip)
    natural = pos + round(pause_s[0] * SAMPLE_RATE)
    loops = max(1, int(total_s * SAMPLE_RATE // natural))
    loop_len = math.ceil(max(natural, total_s * SAMPLE_RATE / loops) / ALIGN) * ALIGN
    loop = (rng.standard_normal(loop_len) * ROOM_NOISE).astype(np.float32)
    for at, index in placements:
        loop[at : at + len(clips[index])] += clips[index]
    return Looped(np.tile(loop, loops), loop_len, loops, tuple(placements))


class SamplesSource(FileSource):
    """A FileSource whose audio is already decoded: read as fast as the session takes it."""

    def __init__(self, audio: np.ndarray, name: str = "looped speech", block_ms: int = 100) -> None:
        super().__init__(name, realtime=False, block_ms=block_ms)
        self._samples = audio

    def start(self) -> None:
        self._audio = self._samples
        self._t0 = time.monotonic()


@dataclass
class LongRun:
    srt_path: Path
    txt_path: Path
    finals: list[CaptionEvent]
    clock: int  # the engine's audio clock at the end (samples)
    fed: int  # samples the source held
    wall_s: float
    compute_s: float
    errors: list[str] = field(default_factory=list)


def run_session(audio: np.ndarray, transcriber: Transcriber, folder: Path, *, config: EngineConfig = EngineConfig(),
                on_status: Callable[[SessionStatus], None] | None = None, status_interval_s: float = 0.1,
                timeout_s: float | None = None) -> LongRun:
    """Caption `audio` with the app's session into `folder`/session.srt and session.txt."""
    folder.mkdir(parents=True, exist_ok=True)
    srt_path, txt_path = folder / "session.srt", folder / "session.txt"
    sinks = [LiveSrtWriter(srt_path, overwrite=True), LiveTxtWriter(txt_path, overwrite=True)]
    session = open_session(SessionRequest(SamplesSource(audio), SessionOptions(config, status_interval_s=status_interval_s)),
                           transcriber, sinks, on_status=on_status)
    began = time.perf_counter()
    session.start()
    if not session.wait(timeout_s):
        session.stop()
        session.wait()
        session.errors.append(f"still running after {timeout_s:.0f} s; stopped")
    wall = time.perf_counter() - began
    return LongRun(srt_path, txt_path, list(session.finals), session.engine.clock, len(audio), wall,
                   session.compute_s, list(session.errors))


# -- what the files must show ------------------------------------------------------------------
@dataclass(frozen=True)
class FileCheck:
    finals: int
    cues: int
    missing: tuple[str, ...]  # finals whose text the SRT does not hold where it should
    extra: tuple[str, ...]  # cue text that belongs to no final
    outside: tuple[str, ...]  # cues that do not lie inside their final's span
    disorder: tuple[str, ...]  # cues that start before the one before ends, or end before they start
    txt_ok: bool  # the TXT holds one line per final, its text

    @property
    def ok(self) -> bool:
        return not (self.missing or self.extra or self.outside or self.disorder) and self.txt_ok


def _ms(samples: int) -> int:
    return round(samples * 1000 / SAMPLE_RATE)


def _to_ms(t: timedelta) -> int:
    return round(t.total_seconds() * 1000)


def read_cues(path: Path) -> list[srt.Subtitle]:
    return list(srt.parse(path.read_text(encoding="utf-8")))


def check_files(finals: Sequence[CaptionEvent], srt_path: Path, txt_path: Path) -> FileCheck:
    """Hold the SRT and TXT against the finals the session emitted (see the module docstring)."""
    cues = read_cues(srt_path)
    missing, extra, outside, disorder = [], [], [], []
    queue = [(f, f.text.split()) for f in finals]
    i = 0  # current final
    for cue in cues:
        words = cue.content.split()
        j = next((k for k in range(i, len(queue)) if queue[k][1] and queue[k][1][: len(words)] == words), None)
        if j is None:
            extra.append(cue.content)
            continue
        missing += [f.text for f, rest in queue[i:j] if rest]  # the SRT went on without (the rest of) these
        i = j
        final, rest = queue[i]
        queue[i] = (final, rest[len(words):])
        lo, hi = _ms(final.start), _ms(final.end)
        start, end = _to_ms(cue.start), _to_ms(cue.end)
        if not lo <= start < end <= hi:
            outside.append(f"{cue.index}: {start}-{end} ms outside the final's {lo}-{hi} ms")
    missing += [f.text for f, rest in queue[i:] if rest]
    for before, after in zip(cues, cues[1:]):
        if after.start < before.end or after.end <= after.start:
            disorder.append(f"{before.index}/{after.index}")
    lines = txt_path.read_text(encoding="utf-8").splitlines()
    txt_ok = lines == [" ".join(f.text.split()) for f in finals]
    return FileCheck(len(finals), len(cues), tuple(missing), tuple(extra), tuple(outside), tuple(disorder), txt_ok)


@dataclass(frozen=True)
class Drift:
    reference_loop: int
    last_loop: int  # the loop compared with the reference
    cues_matched: int  # its cues with a cue of the same text in the reference loop
    cues_in_last_loop: int
    cue_ms: tuple[int, ...]  # start of each matched cue, last loop minus reference loop, after the loop shift
    finals_matched: int
    final_start_ms: tuple[float, ...]  # the same for the finals' own start (samples, shown in ms)

    @property
    def cue_median_ms(self) -> float:
        return _median(self.cue_ms)

    @property
    def cue_max_ms(self) -> float:
        return _largest(self.cue_ms)

    @property
    def final_median_ms(self) -> float:
        return _median(self.final_start_ms)

    @property
    def final_max_ms(self) -> float:
        return _largest(self.final_start_ms)


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def _largest(values: Sequence[float]) -> float:
    """The largest distance from zero among `values` (0 when there are none)."""
    return max(map(abs, values), default=0)


def drift(looped: Looped, finals: Sequence[CaptionEvent], srt_path: Path, *, loop: int = -1,
          reference_loop: int = 1) -> Drift:
    """Cue and final starts in `loop` (the last by default) against the same speech in `reference_loop`.

    Loop 0 is the session's start (the VAD has heard nothing before it), so loop 1 is the
    reference when there are three loops or more. A cue is matched to the reference cue with
    the same text nearest to its place in the loop; a final to the reference final whose start
    is nearest to its own within 1 s.
    """
    loops, loop_ms = looped.loops, looped.loop_len * 1000 / SAMPLE_RATE
    ref = min(reference_loop, max(0, loops - 2))
    last = loop % loops

    def in_loop(k: int, ms: float) -> bool:
        return k * loop_ms <= ms < (k + 1) * loop_ms

    cues = read_cues(srt_path)
    ref_cues: dict[str, list[float]] = {}
    for cue in cues:
        if in_loop(ref, _to_ms(cue.start)):
            ref_cues.setdefault(" ".join(cue.content.split()), []).append(_to_ms(cue.start) - ref * loop_ms)
    last_cues = [c for c in cues if in_loop(last, _to_ms(c.start))]
    cue_ms = []
    for cue in last_cues:
        at = _to_ms(cue.start) - last * loop_ms
        options = ref_cues.get(" ".join(cue.content.split()))
        if options:
            cue_ms.append(round(at - min(options, key=lambda o: abs(o - at))))
    ref_starts = [f.start - ref * looped.loop_len for f in finals if ref * looped.loop_len <= f.start < (ref + 1) * looped.loop_len]
    final_ms = []
    for f in finals:
        if last * looped.loop_len <= f.start < (last + 1) * looped.loop_len:
            at = f.start - last * looped.loop_len
            nearest = min(ref_starts, key=lambda s: abs(s - at), default=None)
            if nearest is not None and abs(nearest - at) < SAMPLE_RATE:
                final_ms.append((at - nearest) * 1000 / SAMPLE_RATE)
    return Drift(ref, last, len(cue_ms), len(last_cues), tuple(cue_ms), len(final_ms), tuple(final_ms))
