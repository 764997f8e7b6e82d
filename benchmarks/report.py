"""Markdown tables and the PNG plot of a benchmark run."""

from __future__ import annotations

import math

from captioner.events import SAMPLE_RATE as SR


def f(x, d: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, int):
        return str(x)
    return f"{x:.{d}f}"


def pc(x, d: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.{d}f}"


def summary_table(rows: list[tuple[str, dict | None, dict | None, float | None, float | None]]) -> str:
    """rows: (model, live figures, offline figures, live peak RSS, offline peak RSS[, naive VAD loop figures])."""
    head = ("| model | run | WER % | final latency p50 / p90 / max (s) | first text p50 / p90 (s) | same vs fixed ref. VAD: final p50 / p90, first p50 / p90 (s) "
            "| compute s per audio s | peak RSS MiB | words outside speech | repeated 5-grams | cues within 2×42, ≤7 s, ≤20 cps |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n")
    out = []
    for model, live, off, rss_live, rss_off, *rest in rows:
        peer = rest[0] if rest else None
        if live is not None:
            out.append(f"| {model} | live | {pc(live['wer'])} | {f(live['final_p50'])} / {f(live['final_p90'])} / {f(live['final_max'])} "
                       f"| {f(live['first_p50'])} / {f(live['first_p90'])} | {f(live.get('final_ref_p50'))} / {f(live.get('final_ref_p90'))}, "
                       f"{f(live.get('first_ref_p50'))} / {f(live.get('first_ref_p90'))} | {f(live['rtf'])} | {f(rss_live, 0)} "
                       f"| {live['nospeech_words']:g} | {live['rep5']:g} | {pc(live.get('cue_ok_share'), 0)} % |")
        if off is not None:
            out.append(f"| {model} | offline | {pc(off['wer'])} | — | — | — | {f(off['rtf'])} | {f(rss_off, 0)} "
                       f"| {off['nospeech_words']:g} | {off['rep5']:g} | — |")
        if peer is not None:
            out.append(f"| {model} | naive VAD loop | {pc(peer['wer'])} | {f(peer['final_p50'])} / {f(peer['final_p90'])} / — | — | — "
                       f"| {f(peer['rtf'])} | — | — | {peer['rep5']:g} | — |")
    return head + "\n".join(out) + "\n"


def revision_lines(rows) -> str:
    """What the revising passes changed, per model: finals replaced, WER as first shown and as revised, how long after."""
    out = []
    for model, live, *_ in rows:
        if live is not None and "wer_shown" in live:
            out.append(f"- {model}: {live.get('revised', 0):g} of {live['finals']:g} finals revised, "
                       f"{f(live.get('revision_p50'))} / {f(live.get('revision_p90'))} s (p50 / p90) after they were shown; "
                       f"WER as first shown {pc(live['wer_shown'])} %, as revised {pc(live['wer'])} %")
    return ("Revising passes (finals decoded again together once the speaker pauses):\n" + "\n".join(out) + "\n") if out else ""


def per_file_table(rows: list[tuple[str, object, dict, dict | None]]) -> str:
    """rows: (model, BenchFile, live figures, offline figures or None)."""
    head = ("| model | file | audio s | ref | WER live / offline % | final p50 / p90 / max (s) | first text p50 / p90 (s) "
            "| compute live / offline (s per s) | words out live / offline | outside speech live / offline | rep. 5-grams live / offline |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|\n")
    out = []
    for model, bf, live, off in rows:
        o = off or {}
        out.append(
            f"| {model} | {bf.stem} | {live['audio_s']:.1f} | {bf.ref_kind} | {pc(live.get('wer'))} / {pc(o.get('wer'))} "
            f"| {f(live['final_p50'])} / {f(live['final_p90'])} / {f(live['final_max'])} | {f(live['first_p50'])} / {f(live['first_p90'])} "
            f"| {f(live['rtf'])} / {f(o.get('rtf'))} | {live['words_out']:g} / {f(o.get('words_out'), 0) if o else '—'} "
            f"| {live['nospeech_words']:g} / {f(o.get('nospeech_words'), 0) if o else '—'} | {live['rep5']:g} / {f(o.get('rep5'), 0) if o else '—'} |")
    return head + "\n".join(out) + "\n"


def realtime_table(rows: list[tuple[str, str, dict, dict]]) -> str:
    """rows: (model, file, simulated figures, real-time figures)."""
    head = ("| model | file | clock | WER % | final p50 / p90 / max (s) | first text p50 / p90 (s) | compute s per audio s | finals | interims |\n"
            "|---|---|---|---|---|---|---|---|---|\n")
    out = []
    for model, stem, sim, rt in rows:
        for name, m in (("simulated", sim), ("real time", rt)):
            out.append(f"| {model} | {stem} | {name} | {pc(m.get('wer'))} | {f(m['final_p50'])} / {f(m['final_p90'])} / {f(m['final_max'])} "
                       f"| {f(m['first_p50'])} / {f(m['first_p90'])} | {f(m['rtf'])} | {m['finals']:g} | {m['interims']:g} |")
    return head + "\n".join(out) + "\n"


def plot(path, title: str, bench_file, per_model: list[tuple]) -> None:
    """per_model: (model, LiveRun, OfflineRun or None[, one-line summary]). Two panels per model: latency over the
    session, and a timeline of reference speech, live captions (span → moment shown) and offline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    n = len(per_model)
    fig, axes = plt.subplots(2 * n, 1, figsize=(17, 4.2 * n + 1.0), sharex=True,
                             gridspec_kw={"height_ratios": [1.3, 1.0] * n})
    end = max(row[1].fed_s for row in per_model) + 0.5
    for i, (model, run, off, *extra) in enumerate(per_model):
        ax, tl = axes[2 * i], axes[2 * i + 1]
        finals = [(t, e) for t, e in run.events if e.final and e.text]
        ids = {e.id for _, e in finals}
        first = {}
        for t, e in run.events:
            if e.text and e.id in ids and e.id not in first:
                first[e.id] = (t, e)
        ax.axhspan(0, 1.0, color="#e8f5e9", zorder=0)
        ax.axhline(1.0, color="green", lw=0.8, ls=":")
        ax.axhline(1.5, color="orange", lw=0.8, ls=":")
        ax.plot([e.end / SR for _, e in finals], [t - e.end / SR for t, e in finals], "o-", color="tab:blue", ms=5, lw=0.8,
                label="final shown − end of speech")
        ax.plot([e.start / SR for t, e in first.values()], [t - e.start / SR for t, e in first.values()], "x", color="tab:red", ms=7,
                label="first text shown − start of speech")
        ymax = max([1.6] + [t - e.end / SR for t, e in finals] + [t - e.start / SR for t, e in first.values()]) * 1.1
        ax.set_ylim(0, ymax)
        ax.set_ylabel("latency (s)")
        ax.set_title(f"{model} — {title}" + (f"\n{extra[0]}" if extra else ""), loc="left", fontsize=10)
        ax.legend(loc="upper right", fontsize=8, ncol=2)
        ax.grid(alpha=0.3)
        # timeline rows: 3 = reference speech, 2 = live captions, 1 = offline segments
        if bench_file.speech_spans:
            for a, b in bench_file.speech_spans:
                tl.broken_barh([(a, b - a)], (2.65, 0.7), color="0.6")
        for t, e in finals:
            a, b = e.start / SR, e.end / SR
            tl.broken_barh([(a, b - a)], (1.65, 0.7), color="tab:blue", alpha=0.6)
            tl.plot([b, t], [2.0, 2.0], color="tab:blue", lw=1.5)
            tl.plot([t], [2.0], marker="|", color="black", ms=12)
        for t, e in run.events:
            if not e.final and e.text:
                tl.plot([t], [1.55], marker="|", color="tab:red", ms=5)
        for t, _e in first.values():
            tl.plot([t], [1.55], marker="v", color="tab:red", ms=4)
        if off is not None:
            for s in off.segments:
                tl.broken_barh([(s["start"], s["end"] - s["start"])], (0.65, 0.7), color="tab:green", alpha=0.6)
        if bench_file.speech_spans is not None:
            for _t, e in finals:
                for w in e.words:
                    if not any(w.start / SR < b and w.end / SR > a for a, b in bench_file.speech_spans):
                        tl.plot([w.start / SR], [2.45], marker="*", color="crimson", ms=8)
        tl.set_yticks([1, 2, 3], ["offline\nsegments", "live finals\n(span → shown |)\ninterims ▾|", "reference\nspeech"], fontsize=8)
        tl.set_ylim(0.4, 3.6)
        tl.grid(axis="x", alpha=0.3)
    axes[-1].set_xlim(0, end)
    axes[-1].set_xlabel("session time (s): audio clock; captions drawn at the (simulated) moment they are shown")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
