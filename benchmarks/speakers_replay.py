"""The live speaker rule of this checkout given again the turns a `speakers` run heard: rules compared on the same voices.

`python -m benchmarks.speakers … --out DIR` keeps, for every call, each turn the live rule was given (its voice, its
seconds of speech, whether it was cut where the voice changed, the band's thresholds then, and its words by the
person who said each) in `DIR/voices.json`. A live run moves with the machine's load (the finals are cut where the
passes fall), so two runs of two rules differ by more than the rules do; this gives those very turns to
`OnlineSpeakers` as it is now, with the number of people given and without, and scores the words as `speakers` does
(after the best one-to-one mapping of speakers found to people). Run it in a checkout of another commit, on the same
file, for that commit's rule.

    python -m benchmarks.speakers --model tiny.en --band both --count --out /tmp/sp
    python -m benchmarks.speakers_replay /tmp/sp/voices.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np


def replay(voices: list[dict], people: int, given: bool) -> tuple[float, int]:
    """The share of words on the right person, and the speakers found, with the rule of this checkout."""
    from captioner.speaker_count import SpeakerCount
    from captioner.voices.clusters import ClusterRule, OnlineSpeakers

    speakers = OnlineSpeakers(count=SpeakerCount.exactly(people) if given else SpeakerCount())
    label: dict[int, str] = {}
    for k, v in enumerate(voices):
        join, merge, new_s = v["rule"]
        speakers.rule = ClusterRule(join=join, merge=merge, new_s=new_s)
        voice = None if v["voice"] is None else np.asarray(v["voice"])
        got = speakers.assign(voice, v["speech_s"], changed=v["changed"], turn=k, whispered=v.get("whispered", False))
        label[k] = got.speaker
        label.update(got.placed)
        for old, new in got.merged.items():
            label = {t: new if s == old else s for t, s in label.items()}
    found = sorted(set(label.values()) - {""})
    persons = sorted({p for v in voices for p in v["words"]})
    total = sum(n for v in voices for n in v["words"].values())
    best = 0
    for perm in itertools.permutations(persons + [None] * max(0, len(found) - len(persons)), len(found)):
        mapping = dict(zip(found, perm))
        best = max(best, sum(v["words"].get(mapping.get(label[k]), 0) for k, v in enumerate(voices)))
    return (best / total if total else 0.0), len(found)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("voices", type=Path, nargs="+", help="voices.json of one or more `speakers --out` runs")
    args = ap.parse_args(argv)
    print("| call | half | run | number given: accuracy (found) | not given: accuracy (found) |")
    print("|---|---|---|---:|---:|")
    for path in args.voices:
        for call in json.loads(path.read_text(encoding="utf-8")):
            given = replay(call["voices"], call["people"], True)
            free = replay(call["voices"], call["people"], False)
            print(f"| {call['call']} | {call['half']} | {path.parent.name} | {100 * given[0]:.1f} % ({given[1]}/{call['people']}) | "
                  f"{100 * free[0]:.1f} % ({free[1]}/{call['people']}) |")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
