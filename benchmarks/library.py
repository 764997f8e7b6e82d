"""The library of kept sessions at scale: opening the list, searching, building the index from nothing.

    .venv/bin/python -m benchmarks.library                        # 1,000 sessions of an hour each
    .venv/bin/python -m benchmarks.library --sessions 100 --runs 1  # a quick look

A sessions folder is generated in a temporary folder: each session an hour of captions (a final every 4-6 s, 5-25
words each from a vocabulary of common English words with rarer names and figures, one to four speakers), written
as the app writes a live session (an SRT of two-line subtitles, a TXT of labelled lines), one in twenty in Chinese; one
in ten with a recorded-audio stand-in file. Then, each a median over `--runs`:

- build: the index made from nothing (`Library.sessions()` with no index file): every session read and indexed, on
  the wall clock and in CPU time (the machine's load average is printed with each run);
- open: the list opened with the index there (a new `Library`, `sessions()`: the folder scanned, nothing changed);
- search: `--searches` queries (common and rare words, two words, a word's first letters as typed, two Chinese
  characters), each timed once the index exists: p50 and p95;
- one session read whole (`Library.read`): a one-hour session, and a two-hour one;
- playing from a line: a meeting of `--playback-minutes` recorded (two sides, the app's recorder), the time from Play
  to the first block sent to the output, from 10 %, 50 % and 99 % of the way in (`--playback-only`: this alone).

Figures go to benchmarks/results/library/library.json and are printed as the README's table.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from captioner.library import Library

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "library"

COMMON = ("the of and to a in that is was he for it with as his on be at by i this had not are but from or have an they "
          "which one you were her all she there would their we him been has when who will more no if out so said what up its "
          "about into than them can only other new some could time these two may then do first any my now such like our over "
          "man me even most made after also did many before must through back years where much your way well down should "
          "because each just those people how too little state good very make world still own see men work long get here "
          "between both life being under never day same another know while last might us great old year off come since "
          "against go came right used take three meeting budget plan quarter team release customer search library report "
          "project schedule review design question answer agree decision number week month today tomorrow yesterday").split()
RARE = ("Okonkwo Haruki Ingrid Marguerite Tadeusz Quetzal Zanzibar Valparaiso Reykjavik Nakamura Fitzgerald Abernathy "
        "Kilimanjaro Ouagadougou Tegucigalpa Wojciechowski Papadopoulos Szczecin Yokohama Montevideo").split()
HANZI = "我们明天开会讨论预算项目计划客户团队发布搜索报告问题答案同意决定今天时间工作安排会议进度设计市场产品销售"
FINAL_EVERY_S = (4.0, 6.0)
WORDS_A_FINAL = (5, 25)
CUE_CHARS = 42  # a subtitle line, as captioner.subtitles.cues cuts them
QUERIES = ("the", "budget", "meeting plan", "Okonkwo", "Tegucigalpa", "bud", "libr", "quarter release", "customer report",
           "开会", "预算", "team", "decision tomorrow", "Szczecin", "yesterday")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sessions", type=int, default=1000, help="sessions in the folder (default 1000)")
    p.add_argument("--minutes", type=float, default=60.0, help="each session's length (default 60)")
    p.add_argument("--runs", type=int, default=3, help="runs whose median is given (default 3)")
    p.add_argument("--searches", type=int, default=300, help="searches timed (default 300)")
    p.add_argument("--folder", type=Path, default=None,
                   help="generate the sessions here, or use those an earlier run generated there (default: a temporary folder)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--playback-minutes", type=float, default=20.0,
                   help="a meeting of this length recorded (two sides) to time playing from a line (default 20; 0: none)")
    p.add_argument("--playback-only", action="store_true", help="time playing from a line only")
    return p.parse_args(argv)


def session_lines(rng: random.Random, minutes: float, chinese: bool) -> list[tuple[float, float, str, str]]:
    """An hour's finals: (start s, end s, who, text)."""
    people = [f"Speaker {n}" for n in range(1, rng.randint(1, 4) + 1)]
    lines, at = [], 0.5
    while at < minutes * 60:
        length = rng.uniform(*FINAL_EVERY_S) - 0.5
        count = rng.randint(*WORDS_A_FINAL)
        if chinese:
            text = "".join(rng.choice(HANZI) for _ in range(count * 2)) + "。"
        else:
            tokens = [rng.choice(RARE) if rng.random() < 0.003 else rng.choice(COMMON) for _ in range(count)]
            text = " ".join(tokens).capitalize() + "."
        lines.append((at, at + length, rng.choice(people), text))
        at += length + 0.5
    return lines


def cues_of(start: float, end: float, text: str) -> list[tuple[float, float, str]]:
    """A final cut into subtitles as the app cuts them: at most two lines of CUE_CHARS, time shared by length."""
    spaced = " " in text
    pieces = text.split() if spaced else [text[i:i + 2] for i in range(0, len(text), 2)]
    cues, line, lines = [], "", []
    for piece in pieces:
        joined = f"{line} {piece}" if line and spaced else line + piece
        if len(joined) > CUE_CHARS and line:
            lines.append(line)
            line = piece
            if len(lines) == 2:
                cues.append(lines)
                lines = []
        else:
            line = joined
    cues.append(lines + [line])
    total = sum(len("".join(c)) for c in cues)
    out, at = [], start
    for cue in cues:
        until = at + (end - start) * len("".join(cue)) / total
        out.append((at, until, "\n".join(cue)))
        at = until
    return out


def stamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def session_files(lines: list[tuple[float, float, str, str]]) -> tuple[str, str]:
    """The SRT and TXT of a live session of `lines`, as the app writes them (SRT without labels, TXT with)."""
    srt, n = [], 0
    for start, end, _, text in lines:
        for at, until, said in cues_of(start, end, text):
            n += 1
            srt.append(f"{n}\n{stamp(at)} --> {stamp(until)}\n{said}\n\n")
    return "".join(srt), "".join(f"{who}: {text}\n" for _, _, who, text in lines)


def generate(folder: Path, count: int, minutes: float, seed: int) -> dict:
    rng = random.Random(seed)
    sizes = 0
    for k in range(count):
        day, minute = divmod(k, 8)
        stem = f"2025-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}_{9 + minute:02d}-00"
        if (folder / f"{stem}.srt").exists():
            stem += f"-{k}"
        srt, txt = session_files(session_lines(rng, minutes, chinese=k % 20 == 7))
        (folder / f"{stem}.srt").write_text(srt, encoding="utf-8")
        (folder / f"{stem}.txt").write_text(txt, encoding="utf-8")
        if k % 10 == 3:
            (folder / f"{stem}.audio.opus").write_bytes(b"OggS" + bytes(1000))
        sizes += len(srt.encode()) + len(txt.encode())
    srt, txt = session_files(session_lines(rng, 2 * minutes, chinese=False))
    (folder / "two-hours.srt").write_text(srt, encoding="utf-8")
    (folder / "two-hours.txt").write_text(txt, encoding="utf-8")
    return {"sessions": count + 1, "bytes": sizes}


def timed(work) -> tuple[float, object]:
    began = time.perf_counter()
    result = work()
    return time.perf_counter() - began, result


def measure(folder: Path, index: Path, runs: int, searches: int, seed: int) -> dict:
    builds, build_cpu, opens, p50s, p95s, reads = [], [], [], [], [], {"one hour": [], "two hours": []}
    rng = random.Random(seed)
    for run in range(runs):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index}{suffix}").unlink(missing_ok=True)
        library = Library(folder, index)
        cpu = time.process_time()
        took, listed = timed(library.sessions)
        builds.append(took)
        build_cpu.append(time.process_time() - cpu)
        library.close()
        for _ in range(3):
            library = Library(folder, index)
            opens.append(timed(library.sessions)[0])
            library.close()
        library = Library(folder, index)
        library.sessions()
        times = sorted(timed(functools.partial(library.search, QUERIES[n % len(QUERIES)] if n < len(QUERIES) else rng.choice(QUERIES)))[0]
                       for n in range(searches))
        p50s.append(times[len(times) // 2])
        p95s.append(times[min(len(times) - 1, round(0.95 * len(times)) - 1)])
        one_hour = next(s.stem for s in listed if s.stem != "two-hours")
        reads["one hour"].append(timed(functools.partial(library.read, one_hour))[0])
        reads["two hours"].append(timed(functools.partial(library.read, "two-hours"))[0])
        library.close()
        print(f"run {run + 1}: build {builds[-1]:.2f} s (CPU {build_cpu[-1]:.1f} s), open {statistics.median(opens[-3:]):.3f} s, "
              f"search p50 {p50s[-1] * 1000:.1f} ms p95 {p95s[-1] * 1000:.1f} ms, load {os.getloadavg()[0]:.1f}", flush=True)
    return {"build_s": statistics.median(builds), "build_cpu_s": statistics.median(build_cpu), "open_s": statistics.median(opens),
            "search_p50_ms": statistics.median(p50s) * 1000, "search_p95_ms": statistics.median(p95s) * 1000,
            "read_one_hour_s": statistics.median(reads["one hour"]), "read_two_hours_s": statistics.median(reads["two hours"]),
            "index_mb": sum(Path(f"{index}{s}").stat().st_size for s in ("", "-wal") if Path(f"{index}{s}").exists()) / 1e6}


class _FirstBlock:
    """An output stream that notes when the first block reaches it."""

    def __init__(self, **kw) -> None:
        self.at: float | None = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False

    def write(self, block) -> None:
        if self.at is None:
            self.at = time.perf_counter()


def _same(stream: _FirstBlock, **kw) -> _FirstBlock:
    return stream


def measure_playback(folder: Path, minutes: float, tries: int = 5) -> dict:
    """From Play to the first block sent to the output, at the start, middle and end of a meeting's two recorded sides."""
    import numpy as np

    from captioner.audio.recorder import SessionRecorder
    from captioner.events import SAMPLE_RATE
    from captioner.library.playback import Playback

    recorder = SessionRecorder.open(folder, "2025-12-31_10-00", ["You", "Others"])
    block = (0.2 * np.sin(np.arange(10 * SAMPLE_RATE) / 7)).astype(np.float32)
    for side in range(2):
        for _ in range(int(minutes * 6)):
            recorder.feed(side, block)
    recorder.close()
    out = {}
    for at in (0.1, 0.5, 0.99):
        waits = []
        for _ in range(tries):
            stream = _FirstBlock()
            began = time.perf_counter()
            playback = Playback(recorder.paths, at * minutes * 60, output=functools.partial(_same, stream)).start()
            while stream.at is None:
                time.sleep(0.0005)
            waits.append(stream.at - began)
            playback.stop()
        out[f"{at:.0%}"] = statistics.median(waits) * 1000
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.playback_only:
        with tempfile.TemporaryDirectory(prefix="library-bench-") as temp:
            played = measure_playback(Path(temp), args.playback_minutes)
        print("from Play to the first block sent, ms: " + ", ".join(f"at {at} {ms:.1f}" for at, ms in played.items()))
        return 0
    with tempfile.TemporaryDirectory(prefix="library-bench-") as temp:
        folder = args.folder or Path(temp) / "sessions"
        folder.mkdir(parents=True, exist_ok=True)
        if (folder / "two-hours.srt").exists():  # generated by an earlier run with --folder
            made = {"sessions": len(list(folder.glob("*.srt"))), "bytes": sum(p.stat().st_size for p in folder.glob("*.??t"))}
        else:
            print(f"generating {args.sessions} sessions of {args.minutes:g} min in {folder} ...", flush=True)
            took, made = timed(lambda: generate(folder, args.sessions, args.minutes, args.seed))
            print(f"generated {made['bytes'] / 1e6:.0f} MB of SRT and TXT in {took:.0f} s", flush=True)
        figures = measure(folder, Path(temp) / "index.sqlite3", args.runs, args.searches, args.seed)
        if args.playback_minutes:
            (Path(temp) / "played").mkdir()
            figures["playback_ms"] = measure_playback(Path(temp) / "played", args.playback_minutes)
    figures.update(sessions=made["sessions"], minutes=args.minutes, mb=made["bytes"] / 1e6, runs=args.runs,
                   searches=args.searches, machine=f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
                   python=sys.version.split()[0])
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "library.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print()
    print("| figure | target | measured |")
    print("|---|---:|---:|")
    print(f"| the list opened, index there | < 1 s | {figures['open_s']:.2f} s |")
    print(f"| a search once indexed, p50 / p95 | p95 < 100 ms | {figures['search_p50_ms']:.1f} / {figures['search_p95_ms']:.1f} ms |")
    print(f"| the index built from nothing (its CPU time) | < 30 s | {figures['build_s']:.1f} s ({figures['build_cpu_s']:.1f} s) |")
    print(f"| one session read: an hour / two hours | < 1 s | {figures['read_one_hour_s']:.2f} / {figures['read_two_hours_s']:.2f} s |")
    if "playback_ms" in figures:
        print("| from Play to the first block sent (start / middle / end of a meeting) | < 0.3 s | "
              + " / ".join(f"{ms:.0f}" for ms in figures["playback_ms"].values()) + " ms |")
    print(f"\n{figures['sessions']} sessions, {figures['mb']:.0f} MB of SRT and TXT, index {figures['index_mb']:.0f} MB; {figures['machine']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
