"""Where the lines of Japanese, Chinese and Thai subtitles begin: between phrases, or inside a word.

    python -m benchmarks.line_breaks FILE.srt [FILE.srt ...]

Each file's lines (every line of every cue) are read back in order as one text, as `units.unwrap` joins them.
A break falls where one line ends and the next begins. Counted: breaks inside a run of a script written without
spaces (a break at a space costs nothing), those that cut a katakana word in two (katakana or "ー" on both sides:
"サ|イト", "メ|ーション"), and those that fall inside a phrase as BudouX reads it (`units.phrase_starts`: "お|ります").
A caption's end is a break too, made by the speech and the same before and after a change in how lines break.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from captioner.subtitles.units import is_unspaced, phrase_starts

_KATAKANA = re.compile(r"[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")


def breaks(lines: list[str]) -> tuple[str, list[int]]:
    """The lines joined as one text (no space between two characters of an unspaced script) and where each line
    after the first begins in it."""
    text, at = "", []
    for line in filter(None, (line.strip() for line in lines)):
        if text:
            if not (is_unspaced(text[-1]) and is_unspaced(line[0])):
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
        phrase += (p - start) not in phrase_starts(token)
    return {"breaks": len(at), "in an unspaced run": inside, "in a katakana word": katakana, "in a phrase": phrase}


def srt_lines(path: Path) -> list[str]:
    import srt

    return [line for cue in srt.parse(path.read_text(encoding="utf-8")) for line in cue.content.splitlines()]


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("files", nargs="+", type=Path)
    args = p.parse_args(argv)
    names = list(counts([]))
    print("| file | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for path in args.files:
        row = counts(srt_lines(path))
        print(f"| {path.name} | " + " | ".join(str(row[n]) for n in names) + " |")


if __name__ == "__main__":
    main()
