"""Speaker labels on real recordings with known speakers: word-level speaker accuracy, speakers found, cost.

    python -m benchmarks.speakers [--model tiny.en] [--band wide|phone|both] [--count] [--instant] [--out DIR]

Calls are built from `../shared/speech` clips whose speaker is known (the evaluation set's halves, split
by speaker: `evalset.py`): each call is the clips of 2, 3 or 4 people taking turns, with 0.5–0.9 s
between turns, played into the engine on the simulated clock (`replay`) with speaker labels on, as
`captioner caption --speakers` runs them. The public round-robin file (20 clips, 0.7 s
apart, 10 voices by source) is the hard case: most voices speak once, for 2–7 s. The short-replies calls
(`build_replies`) are two people each speaking two recordings in a row with a reply of the other's between them: a
few words (0.4–1.2 s) cut at pauses from the other's recordings. `--instant`: the passes take no time on the
simulated clock, so the captions are the same whatever the machine's load and two speaker rules compare on the
same finals (the embedding's share is then of an unloaded clock's compute, still measured).

Scores, per call:
- speaker accuracy: the share of the captioned words (each word placed in the turn holding its
  middle, at most as many as the turn's reference words) whose caption carries the turn's speaker,
  after the best one-to-one mapping of the speakers found to the people present;
- speakers found (at the end, after merges) against people present;
- short turns right: turns under 1.2 s (`SHORT_TURN_S`) most of whose captioned words carry their speaker, under the
  same mapping;
- extra time: tagging a final (its voice, its turns, its speaker: on the engine's thread, so it adds to when the final
  comes out; median and p90 per call, not on the simulated clock);
- extra compute: the time spent embedding voices against the time spent transcribing; with `--cost-of`, also against
  what transcribing the call live costs the app's default model: `distil-large-v3.5` (its stand-in on this CPU,
  `standin_models`: the same shape, real cost; the call played on the live clock, its passes taking their time) or `gpu`
  (the measured model's passes, each at the default model's pace on the H200, `GPU_PASS_COST`, under a GPU's rules);
- offline: the same captions cut into sentences and grouped with the whole recording in hand, as the refine after
  the session does (`speakers_offline`; the refine also decodes the words again, which is not measured here).
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.benchfile import DEFAULT_SPEECH_DIR
from benchmarks.known_voices import A_READER, AEW, AXB, LJ, MFA, SPEAKER_OF, level, recording, telephone
from benchmarks.modelpaths import resolve
from captioner.events import SAMPLE_RATE as SR

# (name, half, the people's clips in speaking order: turns alternate between them)
CALLS = [
    ("tune, 2 people", "tune", [A_READER, LJ]),
    ("tune, 3 people", "tune", [A_READER, LJ, AEW]),
    ("tune, 2 people (b)", "tune", [AEW, LJ]),
    ("tune, 2 people (c)", "tune", [AEW, A_READER]),
    ("report, 2 people", "report", [MFA, AXB]),
    ("report, 3 people", "report", [MFA, AXB, ["faster-whisper_jfk"]]),
    ("report, 4 people", "report", [MFA, AXB, ["faster-whisper_jfk"], ["leopard_test"]]),
    ("report, 3 people (b)", "report", [AXB, ["faster-whisper_jfk"], ["leopard_test"]]),
]
# two people, each speaking two turns in a row with a short reply of the other's between them (`build_replies`)
REPLY_CALLS = [
    ("tune, 2 people, short replies", "tune", [A_READER, LJ]),
    ("tune, 2 people (b), short replies", "tune", [AEW, LJ]),
    ("report, 2 people, short replies", "report", [MFA, AXB]),
    ("report, 2 people (b), short replies", "report", [AXB, MFA]),
]
GPU_PASS_COST = (0.07, 0.005)  # s a pass, s per s of its clip: the default model on the H200 (README, "On a GPU")
SHORT_TURN_S = 1.2  # a turn shorter than this is a short one (a reply, "Absolutely."): scored on its own too
REPLY_S = (0.4, 1.2)  # how long a reply cut from a person's recordings is


@dataclass
class Turn:
    speaker: str
    start: int
    end: int
    words: int


def _ref_words(stem: str, speech_dir: Path) -> int:
    return len((speech_dir / "refs" / f"{stem}.txt").read_text(encoding="utf-8").split())


def build_call(people: list[list[str]], speech_dir: Path, seed: int = 7, rounds: int = 1) -> tuple[np.ndarray, list[Turn]]:
    """The people's clips taking turns (round robin over people until all clips are used), 0.5–0.9 s apart; with
    `rounds` > 1, that many times over, each round's clips in another order (a long call of the same people)."""
    rng = np.random.default_rng(seed)
    order = []
    for r in range(rounds):
        queues = [list(clips) if r == 0 else list(rng.permutation(clips)) for clips in people]
        while any(queues):
            for q in queues:
                if q:
                    order.append(q.pop(0))
    pieces, turns, at = [], [], int(0.5 * SR)
    pieces.append(np.zeros(at, dtype=np.float32))
    for stem in order:
        x = level(recording(stem, speech_dir))
        turns.append(Turn(SPEAKER_OF[stem], at, at + len(x), _ref_words(stem, speech_dir)))
        gap = np.zeros(int(rng.uniform(0.5, 0.9) * SR), dtype=np.float32)
        pieces += [x.astype(np.float32), gap]
        at += len(x) + len(gap)
    pieces.append(np.zeros(SR, dtype=np.float32))
    return np.concatenate(pieces), turns


def phrases(x: np.ndarray, lo_s: float = REPLY_S[0], hi_s: float = REPLY_S[1]) -> list[np.ndarray]:
    """Stretches of a recording that begin and end at a pause between words (30 ms frames; a pause: 90 ms more than
    15 dB under the recording's median frame) and last `lo_s`–`hi_s`, one after another: a person's short replies, in
    their own voice, a few words each."""
    frame = SR * 30 // 1000
    rms = np.sqrt(np.mean(x[: len(x) // frame * frame].reshape(-1, frame) ** 2, axis=1))
    voiced = list(rms > np.median(rms) * 10 ** (-15 / 20))
    runs, start, quiet = [], None, 0
    for k, v in enumerate([*voiced, False, False, False]):
        if v:
            start, quiet = (k if start is None else start), 0
        elif start is not None:
            quiet += 1
            if quiet == 3:
                runs.append((start, k - quiet + 1))
                start = None
    out, i = [], 0
    while i < len(runs):
        j = i
        while j + 1 < len(runs) and (runs[j + 1][1] - runs[i][0]) * frame <= hi_s * SR:
            j += 1
        a, b = runs[i][0], runs[j][1]
        if lo_s * SR <= (b - a) * frame <= hi_s * SR:
            out.append(x[max(0, a * frame - frame): b * frame + frame])
        i = j + 1
    return out


def build_replies(people: list[list[str]], speech_dir: Path, seed: int = 7) -> tuple[np.ndarray, list[Turn]]:
    """Two people taking turns as in a conversation: each speaks two of their recordings in a row, the other's short
    reply between them (a stretch of 0.4–1.2 s of the other's speech between pauses: `phrases`), then the other speaks
    two, and so on; 0.5–0.9 s between turns. A reply between two turns of one voice is the case where the turn before
    it is the wrong guess."""
    rng = np.random.default_rng(seed)
    longs = [list(clips) for clips in people]
    replies = [[p for stem in clips for p in phrases(level(recording(stem, speech_dir)))] for clips in people]
    who = {k: SPEAKER_OF[clips[0]] for k, clips in enumerate(people)}
    order, k = [], 0
    while any(longs):
        p, q = k % 2, 1 - k % 2
        for n in range(2):
            if longs[p]:
                order.append((who[p], level(recording(longs[p].pop(0), speech_dir))))
                if n == 0 and longs[p] and replies[q]:
                    order.append((who[q], replies[q][len(order) % len(replies[q])]))
        k += 1
    pieces, turns, at = [np.zeros(int(0.5 * SR), dtype=np.float32)], [], int(0.5 * SR)
    for person, x in order:
        turns.append(Turn(person, at, at + len(x), max(1, round(2.5 * len(x) / SR))))
        gap = np.zeros(int(rng.uniform(0.5, 0.9) * SR), dtype=np.float32)
        pieces += [x.astype(np.float32), gap]
        at += len(x) + len(gap)
    pieces.append(np.zeros(SR, dtype=np.float32))
    return np.concatenate(pieces), turns


def roundrobin(speech_dir: Path) -> tuple[np.ndarray, list[Turn]]:
    stem = "derived_roundrobin_short"
    audio = recording(stem, speech_dir)
    spans = json.loads((speech_dir / "annotations" / f"{stem}.segments.json").read_text(encoding="utf-8"))
    turns = [Turn(SPEAKER_OF.get(Path(s["source"]).stem, Path(s["source"]).stem), int(s["start"] * SR), int(s["end"] * SR),
                  len(s["text"].split())) for s in spans]
    return np.concatenate([audio, np.zeros(SR, dtype=np.float32)]), turns


def _turn_of(word, turns: list[Turn]) -> int:
    """The index of the turn a word's middle is in, or is nearest."""
    mid = (word.start + word.end) // 2
    return min(range(len(turns)), key=lambda i: 0 if turns[i].start <= mid < turns[i].end
               else min(abs(mid - turns[i].start), abs(mid - turns[i].end)))


def score(finals, turns: list[Turn]) -> dict:
    """Speaker accuracy over the captioned words, after the best one-to-one mapping; speakers found."""
    people = sorted({t.speaker for t in turns})
    found = sorted({f.speaker for f in finals if f.speaker})
    counts = [dict() for _ in turns]  # per turn: speaker found → captioned words
    for f in finals:
        for w in f.words:
            k = _turn_of(w, turns)
            counts[k][f.speaker] = counts[k].get(f.speaker, 0) + 1
    captioned = sum(min(t.words, sum(c.values())) for t, c in zip(turns, counts))

    def right(mapping: dict[str, str]) -> int:
        total = 0
        for t, c in zip(turns, counts):
            hits = sum(n for s, n in c.items() if mapping.get(s) == t.speaker)
            total += min(t.words, hits)
        return total

    best, best_map = 0, {}
    if len(found) <= 7:
        for perm in itertools.permutations(people + [None] * max(0, len(found) - len(people)), len(found)):
            mapping = dict(zip(found, perm))
            hits = right(mapping)
            if hits > best or not best_map:
                best, best_map = hits, mapping
    else:  # greedy: each speaker found to the person it shares the most words with
        for s in found:
            share = {p: sum(c.get(s, 0) for t, c in zip(turns, counts) if t.speaker == p) for p in people}
            best_map[s] = max(share, key=share.get)
        best = right(best_map)
    # a short turn (a reply, "Absolutely.") is right when most of its captioned words carry its speaker
    short = [(t, c) for t, c in zip(turns, counts) if t.end - t.start < SHORT_TURN_S * SR and sum(c.values())]
    short_right = sum(2 * sum(n for s, n in c.items() if best_map.get(s) == t.speaker) > sum(c.values()) for t, c in short)
    return {"accuracy": best / captioned if captioned else 0.0, "captioned_words": captioned, "people": len(people),
            "found": len(found), "turns": len(turns), "unlabelled_finals": sum(1 for f in finals if not f.speaker),
            "short_turns": len(short), "short_right": short_right}


def _heard_turn(heard, tagger, turns: list[Turn]) -> dict:
    """A turn the live rule was given, with its words by the person who said each (for `speakers_replay`; each word
    goes to the turn its middle is in or nearest, as `score` counts them)."""
    token, embedding, speech_s, changed, whispered, (join, merge, new_s) = heard
    part = tagger._latest.get(token)
    words: dict[str, int] = {}
    for w in part.words if part is not None else ():
        person = turns[_turn_of(w, turns)].speaker
        words[person] = words.get(person, 0) + 1
    return {"voice": None if embedding is None else [round(float(v), 6) for v in embedding], "speech_s": speech_s,
            "changed": changed, "whispered": whispered, "rule": [join, merge, new_s], "words": words}


def run_call(transcriber, audio: np.ndarray, turns: list[Turn], *, count: bool = False, rule=None, instant: bool = False) -> dict:
    from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
    from captioner.engine.live.replay import replay
    from captioner.engine.live.speakers import SpeakerTagger
    from captioner.speaker_count import SpeakerCount
    from captioner.voices import load_encoder

    config = EngineConfig(revise=bool(getattr(transcriber, "revises", False)))
    engine = CaptionEngine(config)
    people = SpeakerCount.exactly(len({t.speaker for t in turns})) if count else SpeakerCount()
    engine.speakers = tagger = SpeakerTagger(load_encoder(), rule, count=people)
    heard = []  # each turn the live rule was given, in order: what `speakers_replay` gives a rule again
    assign = tagger.speakers.assign

    def recorded(embedding, speech_s, *, changed=False, turn=None, whispered=False):
        r = tagger.speakers.rule
        heard.append((turn, embedding, speech_s, changed, whispered, (r.join, r.merge, r.new_s)))
        return assign(embedding, speech_s, changed=changed, turn=turn, whispered=whispered)

    tagger.speakers.assign = recorded
    tag, final_tag_s = tagger.tag, []  # each final's tagging (its voice, turns, speaker), s: what speakers add to its latency

    def timed(events, *args, **kwargs):
        t = time.perf_counter()
        out = tag(events, *args, **kwargs)
        if any(e.final and e.text and not e.revision for e in events):
            final_tag_s.append(time.perf_counter() - t)
        return out

    tagger.tag = timed
    t0 = time.perf_counter()
    run = replay(audio, engine, transcriber.run, compute_advances_clock=not instant)
    wall = time.perf_counter() - t0
    out = score(run.finals, turns)
    # as the refine does after the session: the captions cut into sentences, grouped with the whole recording in hand
    from captioner.engine.live.speakers import speakers_offline
    from captioner.engine.offline.cleanup import sentences

    cut = sorted((s for f in run.finals for s in sentences(f)), key=lambda s: s.start)
    offline = score(speakers_offline(cut, lambda a, b: audio[a:b], load_encoder(), live=run.finals, rule=rule, count=people), turns)
    out["offline_accuracy"], out["offline_found"] = offline["accuracy"], offline["found"]
    relabels = sum(1 for e in run.emitted if e.event.final and e.event.revision and e.event.speaker)
    out.update({"audio_s": len(audio) / SR, "compute_s": run.compute_s, "embed_s": engine.speakers.embed_s,
                "embed_share": engine.speakers.embed_s / run.compute_s if run.compute_s else 0.0, "wall_s": wall,
                "final_tag_ms": [round(1000 * v, 1) for v in final_tag_s],
                "revisions_with_speaker": relabels, "voices": [_heard_turn(h, tagger, turns) for h in heard],
                "finals": [{"start_s": f.start / SR, "end_s": f.end / SR, "speaker": f.speaker, "text": f.text} for f in run.finals]})
    return out


def transcription_cost(spec: str, transcriber):
    """What captioning a call live costs the app's default model, as a function of the call's audio (seconds of compute):
    `spec` "gpu": `transcriber`'s passes, each at the default model's pace on the H200 (`GPU_PASS_COST`), under a GPU's
    rules; a stand-in's name: that stand-in on this CPU (`standin_models`), the clock advancing with each pass."""
    from benchmarks import standin_models
    from benchmarks.runners import simulate_live
    from captioner.engine.live.pipeline import EngineConfig

    if spec == "gpu":
        return lambda audio: simulate_live(transcriber.run, audio, EngineConfig(accelerated=True), pass_cost=GPU_PASS_COST).compute_s
    standin = standin_models.load(spec)
    return lambda audio: simulate_live(standin.run, audio, EngineConfig()).compute_s


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="tiny.en")
    ap.add_argument("--speech-dir", type=Path, default=DEFAULT_SPEECH_DIR)
    ap.add_argument("--out", type=Path, default=None, help="write results.json and report.md here")
    ap.add_argument("--only", default="", help="run only the calls whose name holds this")
    ap.add_argument("--band", choices=("wide", "phone", "both"), default="both",
                    help="the calls as recorded (wide), as a telephone line carries them (phone: 8 kHz, 300 Hz up), or both")
    ap.add_argument("--count", action="store_true", help="also each call with the number of people given (--speakers N)")
    ap.add_argument("--rule", default="", help="JOIN,MERGE: these thresholds whatever the band (to tune them)")
    ap.add_argument("--seed", type=int, default=7, help="the gaps between turns (and with --long the later rounds' order): other calls of the same clips")
    ap.add_argument("--long", action="store_true", help="also the three-person calls ten times over (about 10 minutes each)")
    ap.add_argument("--instant", action="store_true",
                    help="passes take no time on the clock: the same captions whatever the machine's load, so two speaker rules "
                         "compare on the same finals")
    ap.add_argument("--cost-of", choices=("distil-large-v3.5", "gpu"), default="",
                    help="also the embedding's share of what the default model spends captioning each call live: its stand-in "
                         "on this CPU, or at the H200's pace (`transcription_cost`)")
    args = ap.parse_args(argv)
    from captioner.engine.live.transcriber import Transcriber

    name, folder = resolve(args.model)
    transcriber = Transcriber.load(str(folder), device="cpu", compute_type="int8", name=name)
    cost_of = transcription_cost(args.cost_of, transcriber) if args.cost_of else None
    calls = [(n, h, build_call(people, args.speech_dir, seed=args.seed)) for n, h, people in CALLS]
    calls += [(n, h, build_replies(people, args.speech_dir, seed=args.seed)) for n, h, people in REPLY_CALLS]
    calls.append(("round-robin file", "neither", roundrobin(args.speech_dir)))
    if args.long:  # the three-person calls, ten times over: does the count of speakers hold over ten minutes?
        for n, h, people in CALLS:
            if "3 people" in n:
                calls.append((f"{n}, ten rounds", h, build_call(people, args.speech_dir, seed=args.seed, rounds=10)))
    bands = ("wide", "phone") if args.band == "both" else (args.band,)
    calls = [(f"{n}{', telephone' if band == 'phone' else ''}{', people given' if given else ''}", h, band, given,
              (telephone(a) if band == "phone" else a, t))
             for n, h, (a, t) in calls for band in bands for given in ((False, True) if args.count else (False,))]
    rows = []
    for call_name, half, band, given, (audio, turns) in calls:
        if args.only and args.only not in call_name:
            continue
        rule = None
        if args.rule:
            from captioner.voices import ClusterRule

            join, merge = (float(v) for v in args.rule.split(","))
            rule = ClusterRule(join=join, merge=merge)
        r = run_call(transcriber, audio, turns, count=given, rule=rule, instant=args.instant)
        r.update({"call": call_name, "half": half, "model": name, "band": band, "people_given": given})
        if cost_of is not None:
            r["cost_of"], r["cost_of_compute_s"] = args.cost_of, cost_of(audio)
            r["embed_share_of"] = r["embed_s"] / r["cost_of_compute_s"]
        rows.append(r)
        print(f"{call_name}: speaker accuracy {100 * r['accuracy']:.1f} % of {r['captioned_words']} words; speakers found "
              f"{r['found']} of {r['people']}; short turns right {r['short_right']} of {r['short_turns']}; "
              f"offline {100 * r['offline_accuracy']:.1f} %, {r['offline_found']} found; embedding {r['embed_s']:.2f} s = {100 * r['embed_share']:.1f} % of "
              f"transcription ({r['compute_s']:.1f} s) for {r['audio_s']:.0f} s of audio"
              + (f"; {100 * r['embed_share_of']:.1f} % of {args.cost_of}'s ({r['cost_of_compute_s']:.1f} s)" if cost_of else "")
              + f"; a final's tagging median {np.median(r['final_tag_ms'] or [0]):.0f} ms, p90 {np.percentile(r['final_tag_ms'] or [0], 90):.0f} ms", flush=True)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "voices.json").write_text(json.dumps([{k: r[k] for k in ("call", "half", "people", "people_given", "voices")} for r in rows]),
                                              encoding="utf-8")  # for speakers_replay
        (args.out / "results.json").write_text(json.dumps([{k: v for k, v in r.items() if k != "voices"} for r in rows], indent=1), encoding="utf-8")
        lines = ["| call | half | model | audio s | turns | speaker accuracy | speakers found / present | short turns right "
                 "| offline (refine): accuracy, found | embedding s (share of transcription) |",
                 "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            lines.append(f"| {r['call']} | {r['half']} | {r['model']} | {r['audio_s']:.0f} | {r['turns']} | {100 * r['accuracy']:.1f} % | "
                         f"{r['found']} / {r['people']} | {r['short_right']} / {r['short_turns']} | {100 * r['offline_accuracy']:.1f} %, {r['offline_found']} | "
                         f"{r['embed_s']:.2f} ({100 * r['embed_share']:.1f} %"
                         + (f"; {100 * r['embed_share_of']:.1f} % of {r['cost_of']}'s" if "cost_of" in r else "") + ") |")
        (args.out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
