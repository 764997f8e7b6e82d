"""Chinese in one script: the live finals' and the transcription's script, as the model writes it and as captioner keeps it.

    python -m benchmarks.chinese_script [--files F.wav ...]

Whisper writes Chinese in Simplified or Traditional characters as it happens to. Each file is captioned live (an
instant clock, language detected) and transcribed whole, twice: with the recognizer writing as the model writes
(`WhisperRecognizer.chinese_script = ""`) and as a session does by default (`AUTO`: the script of the session's first
Chinese caption, `captioner.subtitles.chinese`). For each: how many captions are in each script, and the characters
unlike plain faster-whisper's on the same model (whole file, beam 5), as written and with the script set aside (both
sides in Simplified). The set holds no Chinese recording: without `--files` a Mandarin talk is spoken by espeak-ng
(`TALK`, pinyin read by a Mandarin voice; the text is in the results file).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks import modelpaths

TALK = (
    "ge4 wei4 tong2 xue2 da4 jia1 hao3, jin1 tian1 wo3 men5 lai2 tao3 lun4 yi1 xia4 ren2 gong1 zhi4 neng2 zai4 ri4 "
    "chang2 sheng1 huo2 zhong1 de5 ying4 yong4. shou3 xian1, yu3 yin1 shi2 bie2 ji4 shu4 yi3 jing1 fei1 chang2 "
    "cheng2 shu2, hen3 duo1 shou3 ji1 dou1 ke3 yi3 ba3 shuo1 hua4 de5 nei4 rong2 zhi2 jie1 zhuan3 huan4 cheng2 "
    "wen2 zi4. qi2 ci4, ji1 qi4 fan1 yi4 ye3 yue4 lai2 yue4 zhun3 que4, chu1 guo2 lv3 you2 de5 shi2 hou4, wo3 men5 "
    "ke3 yi3 yong4 shou3 ji1 he2 dang1 di4 ren2 jiao1 liu2. dan4 shi4, zhe4 xie1 ji4 shu4 ye3 dai4 lai2 le5 yi1 "
    "xie1 wen4 ti2, bi3 ru2 ge4 ren2 yin3 si1 de5 bao3 hu4, yi3 ji2 shu4 ju4 an1 quan2 de5 feng1 xian3. suo3 yi3 "
    "wo3 men5 zai4 shi3 yong4 zhe4 xie1 gong1 ju4 de5 shi2 hou4, yi2 ding4 yao4 zhu4 yi4 bao3 hu4 zi4 ji3 de5 xin4 "
    "xi1. xia4 mian4 qing3 da4 jia1 fen1 cheng2 xiao3 zu3, tao3 lun4 yi1 xia4 ni3 men5 zui4 chang2 yong4 de5 ying4 "
    "yong4, yi3 ji2 ta1 men5 de5 you1 dian3 he2 que1 dian3."
)
VOICE = ("cmn-latn-pinyin+f2", "120")  # espeak-ng voice and words a minute (as benchmarks.languages)
AS_WRITTEN = ""


def talk(folder: Path) -> Path:
    if shutil.which("espeak-ng") is None:
        sys.exit("espeak-ng is needed to speak the Mandarin talk (or give --files)")
    path = folder / "zh_talk.wav"
    subprocess.run(["espeak-ng", "-v", VOICE[0], "-s", VOICE[1], "-w", str(path), TALK], check=True)
    return path


def scripts(texts: list[str]) -> dict[str, int]:
    """How many of `texts` are in each script ("" for those no character of which tells)."""
    from captioner.subtitles.chinese import script_of

    counts: dict[str, int] = {}
    for text in texts:
        counts[script_of(text) or "neither"] = counts.get(script_of(text) or "neither", 0) + 1
    return counts


def differs(plain: str, said: str) -> tuple[float, float]:
    """(characters unlike plain's as written, with the script set aside)."""
    import jiwer

    from captioner.subtitles.chinese import SIMPLIFIED, in_script
    from captioner.subtitles.units import units

    def cer(a: str, b: str) -> float:
        return jiwer.cer("".join(units(a)), "".join(units(b)))

    return cer(plain, said), cer(in_script(plain, SIMPLIFIED), in_script(said, SIMPLIFIED))


def run(folder: Path, audio, script: str, threads: int) -> tuple[list[str], list[str]]:
    """(the live finals' texts, the transcription's captions' texts) with the recognizer writing Chinese as `script`."""
    from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
    from captioner.engine.live.replay import replay
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber
    from captioner.engine.offline.decode_whole import transcribe_audio

    transcriber = Transcriber.load(str(folder), DecodeOptions(language=None), device="cpu", compute_type="int8", threads=threads)
    transcriber.recognizer.chinese_script = script
    live = replay(audio, CaptionEngine(EngineConfig()), transcriber.run, compute_advances_clock=False)
    whole = transcribe_audio(transcriber.recognizer, audio, language=None)
    return [f.text for f in live.finals], [e.text for e in whole]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", default="base")
    p.add_argument("--files", nargs="*", type=Path)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)

    from faster_whisper import WhisperModel

    from captioner.audio.sources import decode_file
    from captioner.subtitles.chinese import AUTO

    name, folder = modelpaths.resolve(args.model)
    model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=args.threads)
    files = args.files or [talk(Path(tempfile.mkdtemp(prefix="chinese-")))]
    rows = []
    print("| file | run | captions by script | differs from plain | script set aside |")
    print("|---|---|---|---:|---:|")
    for path in files:
        segments, _info = model.transcribe(str(path), beam_size=5)
        plain = "".join(s.text for s in segments)
        audio = decode_file(str(path))
        row = {"model": name, "file": path.name, "plain": plain, "plain_scripts": scripts([s for s in plain.split(",") if s])}
        for script, label in ((AS_WRITTEN, "as written"), (AUTO, "one script")):
            live, whole = run(folder, audio, script, args.threads)
            for kind, texts in (("live", live), ("transcribed", whole)):
                raw, aside = differs(plain, "".join(texts))
                row[f"{kind} {label}"] = {"texts": texts, "scripts": scripts(texts), "differs": raw, "aside": aside}
                counts = ", ".join(f"{k} {v}" for k, v in sorted(scripts(texts).items()))
                print(f"| {path.name} | {kind}, {label} | {counts} | {100 * raw:.1f} % | {100 * aside:.1f} % |", flush=True)
        rows.append(row)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
