"""How much a short stretch of one person's speech says about who is speaking: the voice encoder on pieces of a few
words (up to 1.2 s, cut between words where tiny.en's word times put them) of the known speakers' recordings, against
each person's voice from their other recordings. Per half of the evaluation set, wide band and through a telephone line.

    python -m benchmarks.short_voices [--speech-dir DIR]

A piece is right when it sounds most like its own speaker of the half's people (2-4 of them); the margin is its
likeness to its own speaker less that to the most alike other. What a reply too short for a voice can be given by its
voice alone (`engine.live.speakers.GLIMPSE_S`), against the turn before it, which a reply never is. The likeness
itself, to its own speaker and to the most alike other, says whether one line could tell a few words of a known voice
from another person's with nobody else to weigh them against (one speaker known): where the lower tail of the one
meets the upper tail of the other.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from benchmarks.benchfile import DEFAULT_SPEECH_DIR
from benchmarks.known_voices import SPEAKER_OF, level, recording, telephone
from benchmarks.modelpaths import resolve
from captioner.events import SAMPLE_RATE as SR

HALVES = {"tune": ("reader", "aew", "lj"), "report": ("mfa", "axb", "jfk", "1272")}
BUCKETS = ((0.3, 0.6), (0.6, 0.9), (0.9, 1.3))  # seconds of audio in the piece (50 ms each side of its words included)
LONGEST_S = 1.2  # a piece: the words after the last piece's that fit in this


def pieces(x: np.ndarray, model) -> list[np.ndarray]:
    """`x` cut between words into pieces of a few words, each up to LONGEST_S, one after another."""
    segments, _ = model.transcribe(x, word_timestamps=True, beam_size=1, language="en")
    words = [w for seg in segments for w in seg.words]
    out, i = [], 0
    while i < len(words):
        j = i
        while j + 1 < len(words) and words[j + 1].end - words[i].start <= LONGEST_S:
            j += 1
        a, b = max(0.0, words[i].start - 0.05), words[j].end + 0.05
        out.append(x[int(a * SR): int(b * SR)])
        i = j + 1
    return out


def measure(speech_dir: Path, band: str, people: tuple[str, ...], encoder, model,
            least_s: float) -> list[tuple[float, bool, float, float, float]]:
    """(seconds, right, margin, likeness to its own speaker, to the most alike other) per piece of every recording of
    `people`."""
    clips = {s: level(recording(s, speech_dir)) for s, p in SPEAKER_OF.items() if p in people}
    if band == "phone":
        clips = {s: telephone(x) for s, x in clips.items()}
    whole = {s: encoder.embed(x) for s, x in clips.items()}
    out = []
    for stem, x in clips.items():
        me = SPEAKER_OF[stem]
        voices = {}
        for p in people:  # each person's voice from their recordings other than this one
            others = [whole[t] for t in clips if SPEAKER_OF[t] == p and t != stem and whole[t] is not None]
            if others:
                v = np.mean(others, axis=0)
                voices[p] = v / np.linalg.norm(v)
        if me not in voices:  # one recording only: nothing else of theirs to compare with
            continue
        for piece in pieces(x, model):
            e = encoder.embed(piece, least_s=least_s)
            if e is None:
                continue
            alike = {p: float(e @ v) for p, v in voices.items()}
            other = max(v for p, v in alike.items() if p != me)
            out.append((len(piece) / SR, max(alike, key=alike.get) == me, alike[me] - other, alike[me], other))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--speech-dir", type=Path, default=DEFAULT_SPEECH_DIR)
    args = ap.parse_args(argv)
    from faster_whisper import WhisperModel

    from captioner.engine.live.speakers import GLIMPSE_S
    from captioner.voices import load_encoder

    encoder = load_encoder()
    model = WhisperModel(str(resolve("tiny.en")[1]), device="cpu", compute_type="int8", cpu_threads=2)
    print("| band | half | piece (s) | pieces | sound most like their own speaker | margin, median "
          "| likeness to their own speaker, p10 / median | to the most alike other, median / p90 |\n|---|---|---|---:|---:|---:|---:|---:|")
    for band in ("wide", "phone"):
        for half, people in HALVES.items():
            got = np.array(measure(args.speech_dir, band, people, encoder, model, GLIMPSE_S))
            for lo, hi in (*BUCKETS, (BUCKETS[0][0], BUCKETS[-1][1])):
                rows = got[(got[:, 0] >= lo) & (got[:, 0] < hi)] if len(got) else got
                if len(rows):
                    own, other = np.quantile(rows[:, 3], [0.1, 0.5]), np.quantile(rows[:, 4], [0.5, 0.9])
                    print(f"| {band} | {half} | {lo:.1f}–{hi:.1f} | {len(rows)} | {100 * rows[:, 1].mean():.0f} % | {np.median(rows[:, 2]):.2f} "
                          f"| {own[0]:.2f} / {own[1]:.2f} | {other[0]:.2f} / {other[1]:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
