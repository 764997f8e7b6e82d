"""The live speaker rule of this checkout given again the turns a `speakers` run heard: rules compared on the same voices.

`python -m benchmarks.speakers … --out DIR` keeps, for every call, each turn the live rule was given (its voice, its
seconds of speech, whether it was cut where the voice changed, the band's thresholds then, and its words by the
person who said each) in `DIR/voices.json`. A live run moves with the machine's load (the finals are cut where the
passes fall), so two runs of two rules differ by more than the rules do; this gives those very turns to
`OnlineSpeakers` as it is now, with the number of people given and without, and scores the words as `speakers` does
(after the best one-to-one mapping of speakers found to people). Run it in a checkout of another commit, on the same
file, for that commit's rule.

`--regrouped` also scores the same turns grouped again at the end with all of them in hand (`cluster_offline`, as
the refine's grouping does, told what live showed): whether the turns a live session heard, grouped afresh as the call
goes on, would have their speakers right more often than the live rule gives them.

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
    label, _ = live_labels(voices, people, given)
    return scored(voices, label)


def live_labels(voices: list[dict], people: int, given: bool):
    """Each turn's speaker as the live rule of this checkout leaves it (by turn index), and the rule it ended with."""
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
    return label, speakers.rule


def regrouped(voices: list[dict], people: int, given: bool) -> tuple[float, int]:
    """`replay`'s score of the same turns grouped at the end with all of them in hand (`cluster_offline`): a turn
    with a voice of its own (`encoder.MIN_SPEECH_S`, not whispered) is grouped, the others take the group their
    glimpse sounds most like; each told the speaker live showed it as."""
    from captioner.speaker_count import SpeakerCount
    from captioner.voices.clusters import cluster_offline
    from captioner.voices.encoder import MIN_SPEECH_S

    label, rule = live_labels(voices, people, given)
    embeddings, glimpses = [], []
    for v in voices:
        e = None if v["voice"] is None else np.asarray(v["voice"])
        whole = e is not None and v["speech_s"] >= MIN_SPEECH_S and not v.get("whispered", False)
        embeddings.append(e if whole else None)
        glimpses.append(None if whole else e)
    groups = cluster_offline(embeddings, [v["speech_s"] for v in voices], rule,
                             SpeakerCount.exactly(people) if given else SpeakerCount(),
                             heard_as=[label[k] for k in range(len(voices))], glimpses=glimpses)
    return scored(voices, {k: "" if g < 0 else str(g) for k, g in enumerate(groups)})


def scored(voices: list[dict], label: dict[int, str]) -> tuple[float, int]:
    """The share of words on the right person after the best one-to-one mapping of speakers found, and their number."""
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
    ap.add_argument("--regrouped", action="store_true", help="also the same turns grouped again at the end (cluster_offline)")
    args = ap.parse_args(argv)
    rules = [replay, regrouped] if args.regrouped else [replay]
    heads = [f"{what}, number {given}: accuracy (found)" for what in ("live", "regrouped")[:len(rules)] for given in ("given", "not given")]
    print("| call | half | run | " + " | ".join(heads) + " |")
    print("|---|---|---|" + "---:|" * len(heads))
    for path in args.voices:
        for call in json.loads(path.read_text(encoding="utf-8")):
            got = [rule(call["voices"], call["people"], given) for rule in rules for given in (True, False)]
            print(f"| {call['call']} | {call['half']} | {path.parent.name} | "
                  + " | ".join(f"{100 * a:.1f} % ({n}/{call['people']})" for a, n in got) + " |")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
