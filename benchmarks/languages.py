"""Every language of `shared/speech/languages/` (and one English file for scale), live and transcribed, against plain
faster-whisper on the same model.

    python -m benchmarks.languages --models base

The files have no human reference, so the yardstick is plain faster-whisper on the same model and file (whole file,
beam 5, the language detected in each 30 s window: `multilingual=True`, so a file that changes language is written in
each language as spoken). Scored by characters (CER) for languages written without spaces (Japanese, Chinese,
Thai) and by words (WER) otherwise, both sides normalised by `captioner.subtitles.units` (lower case, punctuation
dropped). Live: the live engine on an instant clock (`replay(..., compute_advances_clock=False)`: passes take no time on
the audio clock, though how often interims run still follows their measured time, so a run may differ), language
detected. Transcribed: `transcribe_audio`, as `captioner transcribe --language auto` makes it.
`--task translate`: both sides translate into English (Whisper's translate task, `--translate`), scored by words.
`--latency`: also live on the simulated clock, where each pass takes its measured compute (`runners.simulate_live`), as a
session on this machine runs: `--runs` runs, their finals unlike plain's (median, and the range over the runs: which
pass becomes a final follows the passes' timing) and the finals' latency (end of their speech to shown; p50, p90, all
runs' finals pooled). Run once per `--task` to compare the two on one model.
`en-de_multilingual.mp3`'s German half is scored by itself too (`german_half`). The set holds no Chinese recording, so Chinese is spoken by espeak-ng (`CHINESE`, pinyin read by a Mandarin voice) when
it is installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import dataset, modelpaths
from benchmarks.metrics import pct as percentile

SCALE_FILE = "audio/faster-whisper_jfk.flac"  # English, for scale
# Mandarin as espeak-ng speaks it: "我们今天去公园散步。天气很好，阳光明媚。你想一起去吗？我觉得这是一个好主意。"
CHINESE = ("wo3 men5 jin1 tian1 qu4 gong1 yuan2 san4 bu4. tian1 qi4 hen3 hao3, yang2 guang1 ming2 mei4. "
           "ni3 xiang3 yi4 qi3 qu4 ma5? wo3 jue2 de5 zhe4 shi4 yi2 ge4 hao3 zhu3 yi4.")
CHINESE_VOICE = ("cmn-latn-pinyin+f2", "120")  # espeak-ng voice and words a minute: base takes it for Chinese
# en-de_multilingual.mp3 reads a text in English, then in German: plain faster-whisper writes its German in English,
# so its German half is also scored by itself, cut at the quietest tenth of a second in this stretch (seconds)
MIXED_FILE, GERMAN_FROM_S, QUIET_STEP_S = "en-de_multilingual.mp3", (29.0, 34.0), 0.1
PLAIN_BEAM = 5
CHAR_LANGUAGES = frozenset({"ja", "zh", "yue", "th", "lo", "my", "km"})


def chinese_clip(folder: Path) -> list[Path]:
    """The Chinese clip spoken by espeak-ng into `folder`, or none without espeak-ng."""
    if shutil.which("espeak-ng") is None:
        return []
    path = folder / "zh_espeak.wav"
    voice, speed = CHINESE_VOICE
    subprocess.run(["espeak-ng", "-v", voice, "-s", speed, "-w", str(path), CHINESE], check=True)
    return [path]


def german_half(path: Path, folder: Path) -> list[Path]:
    """The German half of `MIXED_FILE` as a WAV in `folder`, or none when `path` is another file."""
    if path.name != MIXED_FILE:
        return []
    import wave

    import numpy as np

    from captioner.audio.sources import decode_file
    from captioner.events import SAMPLE_RATE

    audio = decode_file(str(path))
    step, (lo, hi) = round(QUIET_STEP_S * SAMPLE_RATE), (round(s * SAMPLE_RATE) for s in GERMAN_FROM_S)
    cut = min(range(lo, hi, step), key=lambda at: float(np.mean(audio[at : at + step] ** 2)))
    out = folder / "de_half.wav"
    with wave.open(str(out), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(audio[cut:], -1, 1) * 32767).astype("<i2").tobytes())
    return [out]


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance between two sequences of units."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        diag, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            diag, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diag + (r != h))
    return row[-1]


def scored_units(text: str, by_chars: bool) -> list[str]:
    from captioner.subtitles.units import units

    said = units(text)
    return [c for u in said for c in u] if by_chars else said


def error_rate(ref: str, hyp: str, by_chars: bool) -> float:
    """Edit distance over the reference's length, in characters or in words."""
    r, h = scored_units(ref, by_chars), scored_units(hyp, by_chars)
    return edit_distance(r, h) / max(len(r), 1)


def plain(model, path: str, task: str) -> tuple[str, str]:
    """(text, detected language) of plain faster-whisper on the whole file."""
    segments, info = model.transcribe(path, beam_size=PLAIN_BEAM, task=task, multilingual=True)
    return "".join(s.text for s in segments).strip(), info.language


def live_transcriber(folder: Path, threads: int, task: str):
    """The live engine's transcriber for the model in `folder`, language detected, decoding `task`."""
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber
    from captioner.engine.models.recognizer import TRANSLATE, translating

    transcriber = Transcriber.load(str(folder), DecodeOptions(language=None), device="cpu", compute_type="int8", threads=threads)
    if task == TRANSLATE:
        translating(transcriber.recognizer)
    return transcriber


def live(folder: Path, audio, threads: int, task: str) -> tuple[str, str]:
    """(the finals' text, the spoken language the session detected: "ja", "ja?" while not yet sure)."""
    from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
    from captioner.engine.live.replay import replay

    transcriber = live_transcriber(folder, threads, task)
    run = replay(audio, CaptionEngine(EngineConfig()), transcriber.run, compute_advances_clock=False)
    return " ".join(f.text for f in run.finals), transcriber.spoken.describe()


def paced(folder: Path, audio, threads: int, task: str, runs: int) -> list[tuple[str, list[float]]]:
    """`runs` live runs on the simulated clock (each pass takes its measured compute: `runners.simulate_live`, the
    engine's rules as a session sets them), each on a fresh session: (the finals' text, each final's seconds from the
    end of its speech to when it came out)."""
    from benchmarks.metrics import final_latency as latency_of
    from benchmarks.runners import simulate_live
    from captioner.engine.live.pipeline import EngineConfig
    from captioner.engine.live.replay import latest_finals

    out = []
    for _ in range(runs):
        transcriber = live_transcriber(folder, threads, task)
        transcriber.warm_up()
        events = simulate_live(transcriber.run, audio, EngineConfig()).events
        out.append((" ".join(e.text for e in latest_finals(e for _, e in events)), latency_of(events)))
    return out


def transcribed(folder: Path, audio, threads: int, task: str) -> str:
    from captioner.engine.models.recognizer import TRANSLATE, translating
    from captioner.engine.models.recognizers import load_recognizer
    from captioner.engine.offline.decode_whole import transcribe_audio

    recognizer = load_recognizer(folder, device="cpu", compute_type="int8", threads=threads, name=folder.name)
    if task == TRANSLATE:
        translating(recognizer)
    return " ".join(e.text for e in transcribe_audio(recognizer, audio, language=None))


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=["base"])
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--files", nargs="*", type=Path, help="these files instead of languages/ and the English one")
    p.add_argument("--task", choices=("transcribe", "translate"), default="transcribe")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", type=Path, help="write the texts and figures here")
    p.add_argument("--latency", action="store_true", help="also live on the simulated clock: differs, and p50/p90 latency")
    p.add_argument("--runs", type=int, default=3, help="runs on the simulated clock (with --latency)")
    args = p.parse_args(argv)

    from faster_whisper import WhisperModel

    from captioner.audio.sources import decode_file

    made = Path(tempfile.mkdtemp(prefix="languages-"))
    files = args.files or [*sorted((args.speech_dir / "languages").iterdir()), *chinese_clip(made), args.speech_dir / SCALE_FILE]
    files = [f for path in files for f in (path, *german_half(path, made))]
    rows = []
    timed = " live at this machine's pace | final p50 | final p90 |" if args.latency else ""
    print(f"| model | file | language | unit | plain units | live differs | transcribed differs | shown live |{timed}")
    print("|---|---|---|---|---|---|---|---|" + "---|---|---|" * args.latency)
    for spec in args.models:
        name, folder = modelpaths.resolve(spec)
        model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=args.threads)
        for path in files:
            began = time.perf_counter()
            ref, language = plain(model, str(path), args.task)
            audio = decode_file(str(path))
            by_chars = language in CHAR_LANGUAGES and args.task == "transcribe"
            said_live, spoken = live(folder, audio, args.threads, args.task)
            said_offline = transcribed(folder, audio, args.threads, args.task)
            row = {"model": name, "file": path.name, "language": language, "unit": "char" if by_chars else "word",
                   "plain_units": len(scored_units(ref, by_chars)), "live": error_rate(ref, said_live, by_chars),
                   "transcribed": error_rate(ref, said_offline, by_chars), "plain_text": ref, "live_text": said_live,
                   "transcribed_text": said_offline, "spoken": spoken, "seconds": round(time.perf_counter() - began, 1)}
            times = ""
            if args.latency:
                runs = paced(folder, audio, args.threads, args.task, args.runs)
                lat = [s for _text, each in runs for s in each]
                rates = sorted(error_rate(ref, text, by_chars) for text, _each in runs)
                row.update(paced_texts=[text for text, _each in runs], paced_live=rates, final_latency=lat,
                           final_p50=percentile(lat, 50), final_p90=percentile(lat, 90))
                times = (f" {100 * percentile(rates, 50):.1f} % ({100 * rates[0]:.1f}–{100 * rates[-1]:.1f}) "
                         f"| {row['final_p50']:.2f} s | {row['final_p90']:.2f} s |")
            rows.append(row)
            print(f"| {name} | {path.name} | {language} | {row['unit']} | {row['plain_units']} | {100 * row['live']:.1f} % "
                  f"| {100 * row['transcribed']:.1f} % | {spoken} |{times}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
