"""Two channels at once: a conversation between the microphone ("You") and system audio ("Others").

    .venv/bin/python -m benchmarks.meeting                      # tiny.en
    .venv/bin/python -m benchmarks.meeting --models tiny.en base
    .venv/bin/python -m benchmarks.meeting --live-only --final-pace 0.1   # at a GPU's pace, with its timing rules

The conversation: the 24 clips of the evaluation set (benchmarks/evalset.py, both halves: real
speech of 13 speakers with their own references) in a shuffled order, joined with natural pauses of
0.35-1.4 s over a faint noise floor (`evalset.join`), the turns taking the two channels in turn:
clip 1 is said into the microphone, clip 2 comes out of the speakers, and so on. Each channel is
silent (the noise floor) while the other speaks. Three runs per model:

- one channel: the same conversation as one input (the mix), through `runners.simulate_live`;
- two channels: both channels at once through `replay_meeting` (captioner/engine/live/replay.py: one
  engine per channel, one transcriber, the meeting session's rules for the next job, spoken order
  and echoes), on the simulated clock where every pass costs its measured compute time;
- echo: the same, without headphones: the microphone also hears the speakers, 150 ms later and
  10 dB quieter (×0.32); once with the echo rule (captioner/engine/live/echo.py) and once without it;
- refined: both channels kept as a session's recording (the real recorder) and refined after it
  (`refine_session`: each channel decoded the offline way, merged in spoken order, echoes dropped),
  without and with the echo; beside it, offline: the mix decoded whole (`WhisperModel.transcribe`,
  beam 5), which has no sides. `--refined-only` runs these alone.

Figures: WER of the whole conversation (finals in the order they came out) and per channel (the
channel's clips vs. the finals labelled with it); label accuracy (share of the words out, by their
word times, that lie in a turn of the channel they are labelled with); final latency per channel
(the moment a final is handed out minus the end of its speech, p50/p90); compute seconds per
audio second (the two-channel audio counted once); the echo rule: words it removed from the
microphone (whole captions or the echoed run cut from one), of them words of the user's own turns
(wrongly removed), and the turns those belong to; doubled words: words of the speakers' turns
captioned as "You" anyway; first text (a final's start to the first caption with text under its id) and word
latency (each word of the finals to the first caption that showed it). `--final-pace 0.1` counts the passes of
the final model at a tenth of their measured compute, about a GPU's (as `model_costs.py --final-pace` does), and
turns on the GPU's timing rules (`--gpu-rules`). Output: the table on stdout and results/<name>/meeting.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from pathlib import Path

import numpy as np

from benchmarks import dataset, evalset, modelpaths
from benchmarks.engine_args import machine
from benchmarks.metrics import pct, word_errors, word_latency
from benchmarks.runners import pace, pad_audio, simulate_live
from captioner.channels import MICROPHONE, SYSTEM, label_of
from captioner.events import SAMPLE_RATE as SR

REPO = Path(__file__).resolve().parent.parent

YOU, OTHERS = label_of(MICROPHONE), label_of(SYSTEM)  # "You", "Others": the channels' default labels name the turns
ECHO_DELAY_S = 0.15
ECHO_GAIN = 0.32  # -10 dB
PAD_S = 1.0
SEED = 20261124


def conversation(speech_dir: Path) -> dict:
    """The mix, each channel's audio and the clips (stem, channel, start s, end s, ref) in spoken order."""
    clips = evalset.clips("tune", speech_dir) + evalset.clips("report", speech_dir)
    rng = np.random.default_rng(SEED)
    order = [clips[i] for i in rng.permutation(len(clips))]
    mix, spans = evalset.join([evalset.decode(c.path, SR) for c in order], SR, rng)
    channels = {YOU: mix.copy(), OTHERS: mix.copy()}
    turns = []
    for i, (clip, (a, b)) in enumerate(zip(order, spans)):
        speaker, listener = (YOU, OTHERS) if i % 2 == 0 else (OTHERS, YOU)
        lo, hi = round(a * SR), round(b * SR)
        channels[listener][lo:hi] = rng.normal(0, evalset.NOISE_RMS, hi - lo).astype(np.float32)  # silent meanwhile
        turns.append({"stem": clip.stem, "channel": speaker, "start": a, "end": b, "ref": clip.ref})
    return {"mix": pad_audio(mix, PAD_S), "channels": {k: pad_audio(v, PAD_S) for k, v in channels.items()}, "turns": turns}


def with_echo(channels: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The microphone also hears the speakers, later and quieter."""
    delay = round(ECHO_DELAY_S * SR)
    heard = np.concatenate([np.zeros(delay, np.float32), channels[OTHERS][:-delay]]) * ECHO_GAIN
    return {YOU: np.clip(channels[YOU] + heard, -1, 1).astype(np.float32), OTHERS: channels[OTHERS]}


def turn_of(start_s: float, end_s: float, turns: list[dict]) -> dict | None:
    """The turn a word overlaps most (None: it overlaps none)."""
    best, most = None, 0.0
    for turn in turns:
        overlap = min(end_s, turn["end"]) - max(start_s, turn["start"])
        if overlap > most:
            best, most = turn, overlap
    return best


def words_in_turns(events, turns: list[dict]) -> list[tuple[str, dict]]:
    """(label, turn) of every timed word of `events` that lies in a turn."""
    out = []
    for e in events:
        for w in e.words:
            turn = turn_of(w.start / SR, w.end / SR, turns)
            if turn is not None:
                out.append((label_of(e.channel), turn))
    return out


def first_and_word_latency(events: list[tuple[float, object]]) -> tuple[list[float], list[float]]:
    """Of one run's events (moment out, event), each channel's apart (their ids are their own): seconds from each
    final's start to the first caption with text under its id (first text), and from each word of the finals to the
    first caption that showed it (`metrics.word_latency`)."""
    first, words = [], []
    for channel in {e.channel for _, e in events}:
        mine = [(t, e) for t, e in events if e.channel == channel]
        shown: dict[int, float] = {}
        for t, e in mine:
            if e.text:
                shown.setdefault(e.id, t)
        kept = [e for _, e in as_revised(mine)]
        first += [shown[e.id] - e.start / SR for e in kept]
        words += word_latency(mine, kept)
    return first, words


def as_revised(events: list[tuple[float, object]]) -> list[tuple[float, object]]:
    """The finals as they stand once revised (a revision replaces its final, by id; one emptied is gone), each with
    the moment it was first shown: one input's engine revises its finals, a meeting's does not."""
    first: dict[int, float] = {}
    latest: dict[int, object] = {}
    for t, e in events:
        if e.final:
            first.setdefault(e.id, t)
            latest[e.id] = e
    return [(first[i], e) for i, e in latest.items() if e.text]


def figures(finals: list[tuple[float, object]], turns: list[dict], compute_s: float, audio_s: float, echoes=(), two_channels: bool = True,
            events: list[tuple[float, object]] = ()) -> dict:
    """Figures of one run; `finals`: (moment handed out, final event) in the order they came out; `events`: every
    event out (interims too), for the first text and word latency."""
    text = " ".join(e.text for _, e in finals)
    we = word_errors(" ".join(t["ref"] for t in turns), text)
    first, words = first_and_word_latency(list(events))
    out = {"wer": we.wer, "ref_words": we.ref_words, "finals": len(finals), "compute_per_audio_s": compute_s / audio_s,
           "final_p50": pct([t - e.end_s for t, e in finals], 50), "final_p90": pct([t - e.end_s for t, e in finals], 90),
           "first_p50": pct(first, 50), "first_p90": pct(first, 90), "word_p50": pct(words, 50), "word_p90": pct(words, 90)}
    if not two_channels:
        return out
    placed = words_in_turns([e for _, e in finals], turns)
    out["label_accuracy"] = sum(label == turn["channel"] for label, turn in placed) / len(placed) if placed else float("nan")
    out["doubled_words"] = sum(label == YOU and turn["channel"] == OTHERS for label, turn in placed)
    for channel in (YOU, OTHERS):
        mine = [(t, e) for t, e in finals if label_of(e.channel) == channel]
        ref = " ".join(t["ref"] for t in turns if t["channel"] == channel)
        lat = [t - e.end_s for t, e in mine]
        out[channel] = {"wer": word_errors(ref, " ".join(e.text for _, e in mine)).wer, "finals": len(mine),
                        "final_p50": pct(lat, 50), "final_p90": pct(lat, 90)}
    removed = words_in_turns(echoes, turns)
    out["echo_words_removed"] = sum(len(e.words) for e in echoes)
    out["echo_words_wrong"] = sum(turn["channel"] == YOU for _, turn in removed)  # the user's own words lost
    out["echo_turns_hit"] = len({turn["start"] for _, turn in removed if turn["channel"] == YOU})
    out["mic_turns"] = sum(1 for t in turns if t["channel"] == YOU)
    return out


def run_model(spec: str, talk: dict, threads: int, *, live: bool = True, refined: bool = True, final_pace: float = 1.0,
              gpu_rules: bool = False) -> dict:
    from captioner.engine.live.echo import EchoRule
    from captioner.engine.live.meeting import Channel
    from captioner.engine.live.pipeline import EngineConfig
    from captioner.engine.live.replay import replay_meeting
    from captioner.engine.live.transcriber import Transcriber

    name, folder = modelpaths.resolve(spec)
    transcriber = Transcriber.load(str(folder), device="cpu", compute_type="int8", threads=threads, name=name)
    transcriber.warm_up()
    audio_s = len(talk["mix"]) / SR
    turns = talk["turns"]
    rows = {}
    if not live:
        return {"model": name, "rows": refined_rows(transcriber.recognizer, name, talk)}
    config = EngineConfig(accelerated=gpu_rules)
    transcribe = transcriber.run if final_pace == 1.0 else pace(transcriber.run, final_pace)
    one = simulate_live(transcriber.run, talk["mix"], config, pad_s=0, final_pace=final_pace)
    rows["one channel (mix)"] = figures(as_revised(one.events), turns, one.compute_s, audio_s, two_channels=False, events=one.events)
    echoed = with_echo(talk["channels"])
    for variant, channels, rule in (("two channels", talk["channels"], EchoRule()), ("two channels, echo", echoed, EchoRule()),
                                    ("two channels, echo, rule off", echoed, None)):
        run = replay_meeting([(Channel(YOU, None, MICROPHONE), channels[YOU]), (Channel(OTHERS, None, SYSTEM), channels[OTHERS])],
                             transcribe, config, echo=rule)
        finals = [(e.at_s, e.event) for e in run.emitted if e.event.final and e.event.text]
        rows[variant] = figures(finals, turns, run.compute_s, audio_s, run.echoes, events=[(e.at_s, e.event) for e in run.emitted])
        rows[variant]["stalled"] = run.stalled
        rows[variant]["transcript"] = [f"{label_of(e.channel)}: {e.text}" for _, e in finals]
        rows[variant]["echoes"] = [e.text for e in run.echoes]
    if refined:
        rows.update(refined_rows(transcriber.recognizer, name, talk))
    return {"model": name, "rows": rows}


def refined_rows(recognizer, name: str, talk: dict) -> dict:
    """The conversation kept as a meeting's recording and refined after it (without and with the echo), and the mix
    decoded whole offline: rows of `figures`, with no latency (nothing is live)."""
    import tempfile
    import time

    from captioner.audio.recorder import SessionRecorder
    from captioner.engine.offline.refine import refine_session
    from captioner.engine.offline.session_files import find_session

    audio_s = len(talk["mix"]) / SR
    rows = {}
    nothing = float("nan")
    for variant, channels in (("refined", talk["channels"]), ("refined, echo", with_echo(talk["channels"]))):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            recorder = SessionRecorder.open(folder, "call", [YOU, OTHERS], kinds=[MICROPHONE, SYSTEM], model=name)
            for at in range(0, len(channels[YOU]), 1600):  # both channels in blocks, on one clock, as a session feeds them
                recorder.feed(0, channels[YOU][at:at + 1600])
                recorder.feed(1, channels[OTHERS][at:at + 1600])
            recorder.close()
            (folder / "call.srt").write_text("", encoding="utf-8")  # the live transcript the refine sets aside
            began = time.perf_counter()
            events = refine_session(find_session(folder / "call.srt"), recognizer)
            took = time.perf_counter() - began
        rows[variant] = figures([(nothing, e) for e in events], talk["turns"], took, audio_s)
        rows[variant]["transcript"] = [f"{label_of(e.channel)}: {e.text}" for e in events]
    began = time.perf_counter()
    segments, _ = recognizer.model.transcribe(talk["mix"], language="en", beam_size=5, word_timestamps=True)  # faster-whisper, plain
    text = " ".join(s.text.strip() for s in segments)
    we = word_errors(" ".join(t["ref"] for t in talk["turns"]), text)
    rows["offline (the mix, whole)"] = {"wer": we.wer, "ref_words": we.ref_words, "finals": 0, "final_p50": nothing, "final_p90": nothing,
                                        "compute_per_audio_s": (time.perf_counter() - began) / audio_s, "transcript": [text]}
    return rows


def _f(x: float, digits: int = 2) -> str:
    return "—" if x != x else f"{x:.{digits}f}"


def table(results: list[dict]) -> str:
    nan = float("nan")
    lines = ["| model | run | WER % (all / You / Others) | label accuracy % | final latency p50 / p90 s: You | … Others "
             "| first text p50 / p90 s | word latency p50 / p90 s "
             "| compute s per audio s | echo rule: words removed (user's own, in turns) | doubled words |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for res in results:
        for variant, r in res["rows"].items():
            seen = f"| {_f(r.get('first_p50', nan))} / {_f(r.get('first_p90', nan))} | {_f(r.get('word_p50', nan))} / {_f(r.get('word_p90', nan))} "
            if YOU not in r:
                lines.append(f"| {res['model']} | {variant} | {_f(100 * r['wer'], 1)} | — | {_f(r['final_p50'])} / {_f(r['final_p90'])} (one channel) | — "
                             f"{seen}| {_f(r['compute_per_audio_s'])} | — | — |")
                continue
            you, others = r[YOU], r[OTHERS]
            lines.append(f"| {res['model']} | {variant} | {_f(100 * r['wer'], 1)} / {_f(100 * you['wer'], 1)} / {_f(100 * others['wer'], 1)} "
                         f"| {_f(100 * r['label_accuracy'], 1)} | {_f(you['final_p50'])} / {_f(you['final_p90'])} | {_f(others['final_p50'])} / {_f(others['final_p90'])} {seen}"
                         f"| {_f(r['compute_per_audio_s'])} | {r['echo_words_removed']} ({r['echo_words_wrong']}, {r['echo_turns_hit']} of {r['mic_turns']}) | {r['doubled_words']} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--models", nargs="+", default=["tiny.en"])
    p.add_argument("--speech-dir", type=Path, default=dataset.DEFAULT_SPEECH_DIR)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--name", default=None, help="results folder name (default: meeting-<date>)")
    p.add_argument("--refined-only", action="store_true", help="only the refined and offline rows (no live runs)")
    p.add_argument("--live-only", action="store_true", help="only the live runs (no refined and offline rows)")
    p.add_argument("--final-pace", type=float, default=1.0,
                   help="the final model's passes count this many times their measured compute on the simulated clock (0.1: a GPU's pace)")
    p.add_argument("--gpu-rules", choices=("on", "off", "auto"), default="auto",
                   help="the engine's timing rules for a GPU (EngineConfig.accelerated); auto: on with --final-pace under 1")
    args = p.parse_args(argv)
    info = machine()
    talk = conversation(args.speech_dir)
    audio_s = len(talk["mix"]) / SR
    mic_turns = sum(1 for t in talk["turns"] if t["channel"] == YOU)
    print(f"conversation: {len(talk['turns'])} turns ({mic_turns} You, {len(talk['turns']) - mic_turns} Others), {audio_s:.1f} s", flush=True)
    results = []
    for spec in args.models:
        results.append(run_model(spec, talk, args.threads, live=not args.refined_only, refined=not args.live_only,
                                 final_pace=args.final_pace,
                                 gpu_rules=args.gpu_rules == "on" or (args.gpu_rules == "auto" and args.final_pace < 1.0)))
        print(table(results[-1:]), flush=True)
    info["loadavg_end"] = os.getloadavg()
    out = REPO / "benchmarks" / "results" / (args.name or f"meeting-{dt.date.today().isoformat()}")
    out.mkdir(parents=True, exist_ok=True)
    (out / "meeting.json").write_text(json.dumps({"machine": info, "audio_s": audio_s, "turns": talk["turns"], "results": results}, indent=1, default=str))
    print()
    print(table(results))
    print(f"\nload average start {info['loadavg_start']}, end {info['loadavg_end']}; results in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
