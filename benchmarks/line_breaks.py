"""Where the lines of Japanese, Chinese and Thai subtitles begin: between phrases, or inside a word.

    python -m benchmarks.line_breaks FILE.srt [FILE.srt ...]
    python -m benchmarks.line_breaks --render   # seconds to render an hour of Japanese finals as SRT and VTT

Each file's lines (every line of every cue) are read back in order as one text, as `units.unwrap` joins them.
A break falls where one line ends and the next begins. Counted: breaks inside a run of a script written without
spaces (a break at a space costs nothing), those that cut a katakana word in two (katakana or "ー" on both sides:
"サ|イト", "メ|ーション"), and those that fall inside a phrase as BudouX reads it (`units.phrase_starts`: "お|ります").
A caption's end is a break too, made by the speech and the same before and after a change in how lines break.

`--render`: an hour of Japanese finals (700 of about 40 characters, each timed by the character, as Whisper times
Japanese) rendered whole as SRT and VTT (`Transcript.render`, as Export and a revised final's rewrite do); the median of
`RENDERS` runs, the phrase cache emptied before each.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from captioner.subtitles import units

RENDERS = 5
SAID = "サブディレクトリーことに分けたサイトは、それぞれパブリシャセンターに登録し、イクグルニュース上では"

_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


def breaks(lines: list[str]) -> tuple[str, list[int]]:
    """The lines joined as one text (no space between two characters of an unspaced script) and where each line
    after the first begins in it."""
    text, at = "", []
    for line in filter(None, (line.strip() for line in lines)):
        if text:
            if not (units.is_unspaced(text[-1]) and units.is_unspaced(line[0])):
                text += " "
            at.append(len(text))
        text += line
    return text, at


def counts(lines: list[str]) -> dict[str, int]:
    """How many breaks there are, how many fall inside an unspaced run, a katakana word and a phrase."""
    text, at = breaks(lines)
    inside = katakana = phrase = 0
    for p in at:
        if text[p - 1] == " ":
            continue
        inside += 1
        katakana += bool(_KATAKANA.match(text[p - 1]) and _KATAKANA.match(text[p]))
        start = text.rfind(" ", 0, p) + 1
        end = text.find(" ", p)
        token = text[start:] if end < 0 else text[start:end]
        phrase += (p - start) not in units.phrase_starts(token)
    return {"breaks": len(at), "in an unspaced run": inside, "in a katakana word": katakana, "in a phrase": phrase}


def srt_lines(path: Path) -> list[str]:
    import srt

    return [line for cue in srt.parse(path.read_text(encoding="utf-8")) for line in cue.content.splitlines()]


def render_hour() -> dict[str, float]:
    """Median seconds to render an hour of Japanese finals whole, by format."""
    import statistics
    import time

    from captioner.events import CaptionEvent, Word
    from captioner.transcript import Transcript

    events = []
    for n in range(700):
        said = SAID[n % 7 :] + str(n)
        words = tuple(Word(c, n * 80_000 + k * 1500, n * 80_000 + (k + 1) * 1500) for k, c in enumerate(said))
        events.append(CaptionEvent(n + 1, n * 80_000, n * 80_000 + len(said) * 1500, said, True, words))
    doc = Transcript(events)
    out = {}
    for kind in ("srt", "vtt"):
        times = []
        for _ in range(RENDERS):
            getattr(getattr(units, "phrase_starts", None), "cache_clear", lambda: None)()  # before phrases: none
            began = time.perf_counter()
            doc.render(kind)
            times.append(time.perf_counter() - began)
        out[kind] = statistics.median(times)
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="*", type=Path)
    p.add_argument("--render", action="store_true", help="time rendering an hour of Japanese finals")
    args = p.parse_args(argv)
    if args.render:
        for kind, seconds in render_hour().items():
            print(f"{kind}: {seconds:.2f} s (median of {RENDERS})")
    if not args.files:
        return
    names = list(counts([]))
    print("| file | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for path in args.files:
        row = counts(srt_lines(path))
        print(f"| {path.name} | " + " | ".join(str(row[n]) for n in names) + " |")


if __name__ == "__main__":
    main()
