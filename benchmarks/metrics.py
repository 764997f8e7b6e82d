"""Figures for one live run (and its offline twin) on one file, and their pooling over files."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass

import numpy as np

from captioner.events import SAMPLE_RATE, CaptionEvent

SR = SAMPLE_RATE

# Cue shape rules checked on every final's cues.
CUE_MAX_LINES = 2
CUE_MAX_CHARS = 42
CUE_MAX_S = 7.0
CUE_MAX_CPS = 20.0

_normaliser = None


def normalise(text: str) -> str:
    """Whisper's English normaliser (numbers, spelling, punctuation), single spaces."""
    global _normaliser
    if _normaliser is None:
        from whisper_normalizer.english import EnglishTextNormalizer

        _normaliser = EnglishTextNormalizer()
    return " ".join(_normaliser(text).split())


@dataclass(frozen=True)
class WordErrors:
    ref_words: int
    sub: int
    dele: int
    ins: int

    @property
    def errors(self) -> int:
        return self.sub + self.dele + self.ins

    @property
    def wer(self) -> float:
        return self.errors / self.ref_words if self.ref_words else float("nan")

    def __add__(self, other: "WordErrors") -> "WordErrors":
        return WordErrors(self.ref_words + other.ref_words, self.sub + other.sub, self.dele + other.dele, self.ins + other.ins)


def word_errors(ref: str, hyp: str) -> WordErrors:
    import jiwer

    r, h = normalise(ref), normalise(hyp)
    if not r:
        return WordErrors(0, 0, 0, len(h.split()))
    if not h:
        return WordErrors(len(r.split()), 0, len(r.split()), 0)
    out = jiwer.process_words(r, h)
    return WordErrors(len(r.split()), out.substitutions, out.deletions, out.insertions)


def pct(values, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")


def repeated_ngrams(text: str, n: int = 5) -> int:
    """Occurrences of normalised word n-grams beyond their first (0: nothing said twice)."""
    words = normalise(text).split()
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    return sum(c - 1 for c in grams.values() if c > 1)


def outside_speech(start_s: float, end_s: float, spans, total_s: float) -> bool:
    """Whether a word's whole time span lies where the reference has no speech."""
    if start_s >= total_s:
        return True  # in the silence padded after the file
    if spans is None:
        return False
    return not any(start_s < b and end_s > a for a, b in spans)


def cue_shape(finals: list[CaptionEvent]) -> dict:
    """Share of SRT cues (shape_cues on each final) within lines, chars, duration and reading speed."""
    from captioner.subtitles.cues import shape_cues

    n = ok = bad_lines = bad_chars = bad_dur = bad_cps = 0
    for ev in finals:
        for cue in shape_cues(ev):
            n += 1
            dur = (cue.end - cue.start) / SR
            chars = len(" ".join(cue.lines))
            b_lines = len(cue.lines) > CUE_MAX_LINES
            b_chars = any(len(line) > CUE_MAX_CHARS for line in cue.lines)
            b_dur = dur > CUE_MAX_S
            b_cps = dur <= 0 or chars / dur > CUE_MAX_CPS
            bad_lines += b_lines
            bad_chars += b_chars
            bad_dur += b_dur
            bad_cps += b_cps
            ok += not (b_lines or b_chars or b_dur or b_cps)
    return {"cues": n, "cues_ok": ok, "cue_ok_share": ok / n if n else float("nan"),
            "cue_bad_lines": bad_lines, "cue_bad_chars": bad_chars, "cue_bad_duration": bad_dur, "cue_bad_cps": bad_cps}


REF_FRAME_S = 0.03
REF_BACK_S = 0.45  # how far before a caption's start its speech onset is looked for
REF_FWD_S = 0.6  # how far after a caption's end its last voiced frame is looked for


def reference_voicing(audio: np.ndarray, aggressiveness: int = 2) -> np.ndarray:
    """Per 30 ms frame: voiced or not, by webrtcvad at a fixed aggressiveness.

    A yardstick independent of the engine's settings: the latencies "as defined" start from the
    engine's own VAD marks (event.start / event.end), which move when the VAD settings move (a
    more aggressive VAD starts segments later and ends them earlier, which flatters it)."""
    import webrtcvad

    vad = webrtcvad.Vad(aggressiveness)
    n = int(REF_FRAME_S * SR)
    pcm = (np.clip(audio, -1, 1) * 32767).astype("<i2")
    return np.array([vad.is_speech(pcm[i : i + n].tobytes(), SR) for i in range(0, len(pcm) - n + 1, n)], dtype=bool)


def _anchored(voicing: np.ndarray, t_emit: float, e: CaptionEvent) -> tuple[float, float]:
    """(speech onset, speech end) of a caption by the reference voicing, near its own marks."""
    s, end = e.start / SR, e.end / SR
    lo, hi = max(0, int((s - REF_BACK_S) / REF_FRAME_S)), min(len(voicing), int(min(end + REF_FWD_S, t_emit) / REF_FRAME_S))
    idx = np.flatnonzero(voicing[lo:hi])
    if not len(idx):
        return s, end
    return (lo + idx[0]) * REF_FRAME_S, (lo + idx[-1] + 1) * REF_FRAME_S


def first_seen(events, finals) -> list[float]:
    """Per final, seconds from its start to the first time any caption (an interim or final, of any segment) showed one
    of its words: a word whose middle lies within the final's span.

    "First text" (`first_p50`) times a segment's first caption of its own id; when a segment is cut where speech went
    on (the length limit, a pause known late), its first words were on screen before, in the interim of the segment it
    was cut from. This is when the reader saw them. `events`: (seconds, CaptionEvent) as emitted."""
    out = []
    for final in finals:
        lo, hi = final.start, final.end
        seen = next((t for t, e in events for w in e.words if lo <= (w.start + w.end) // 2 < hi), None)
        if seen is not None:
            out.append(seen - final.start / SR)
    return out


WORD_MATCH_S = 0.5  # a caption's word shows a final's word when their texts agree and their middles lie this close


def word_latency(events, kept) -> list[float]:
    """Per word of the finals as they stand (`kept`, revisions in), seconds from the word's end to the first caption
    (an interim or a final, any id) that showed it: the same word (normalised) within WORD_MATCH_S of it on the clock;
    a word no caption showed before is counted from the final that carries it. `events`: (seconds, CaptionEvent)."""
    shown: dict[str, list[tuple[float, float]]] = {}  # word -> (middle s, first time shown), in event order
    for t, e in events:
        for w in e.words:
            key = normalise(w.text).strip()
            if key:
                shown.setdefault(key, []).append(((w.start + w.end) / 2 / SR, t))
    when = {(e.id, e.revision): t for t, e in events if e.final}
    out = []
    for e in kept:
        for w in e.words:
            key, middle = normalise(w.text).strip(), (w.start + w.end) / 2 / SR
            times = [t for m, t in shown.get(key, []) if abs(m - middle) <= WORD_MATCH_S]
            t = min(times, default=when.get((e.id, e.revision), float("nan")))
            out.append(t - w.end / SR)
    return [x for x in out if x == x]


def final_latency(events) -> list[float]:
    """Per final as first shown (revisions left out), seconds from the end of its speech to when it came out.
    `events`: (seconds, CaptionEvent) as emitted."""
    return [t - e.end / SR for t, e in events if e.final and e.text and not e.revision]


def live_figures(run, bench_file, voicing: np.ndarray | None = None) -> dict:
    """Everything measured on one live run."""
    finals = [(t, e) for t, e in run.events if e.final and e.text and not e.revision]  # as first shown: latency
    revised = {e.id: (t, e) for t, e in run.events if e.final and e.text and e.revision}
    revision_delay = [t - final_t for final_t, e in finals if e.id in revised for t in [revised[e.id][0]]]
    retractions = sum(1 for _, e in run.events if e.final and not e.text)
    shown = {e.id for _, e in run.events if not e.final and e.text}
    # an empty final with start == end retracts a segment the segmenter dropped (too little speech);
    # one with end > start is a closed segment whose final pass came back empty: its text is lost
    lost_shown = sum(1 for _, e in run.events if e.final and not e.text and e.id in shown and e.end > e.start)
    retracted = sum(1 for _, e in run.events if e.final and not e.text and e.id in shown and e.end <= e.start)
    interims = [(t, e) for t, e in run.events if not e.final]
    final_ids = {e.id for _, e in finals}
    first: dict[int, tuple[float, CaptionEvent]] = {}
    for t, e in run.events:
        if e.text and e.id in final_ids and e.id not in first:
            first[e.id] = (t, e)
    final_lat = final_latency(run.events)
    first_lat = [t - e.start / SR for t, e in first.values()]
    seen_lat = first_seen(run.events, [e for _, e in finals])
    first_from_interim = sum(1 for t, e in first.values() if not e.final)
    anchored = {}
    if voicing is not None:
        final_of = {e.id: (t, e) for t, e in finals}
        anchored["final_latency_ref"] = [t - _anchored(voicing, t, e)[1] for t, e in finals]
        anchored["first_text_latency_ref"] = [t_first - _anchored(voicing, *final_of[i])[0] for i, (t_first, _) in first.items()]
    kept = [revised.get(e.id, (t, e))[1] for t, e in finals]  # the transcript as it stands once revised
    text = " ".join(e.text for e in kept)
    words = [(w.text, w.start / SR, w.end / SR) for e in kept for w in e.words]
    word_lat = word_latency(run.events, kept)
    nospeech = [w for w in words if outside_speech(w[1], w[2], bench_file.speech_spans, run.duration_s)]
    out = {
        "text": text,
        "finals": len(finals),
        "interims": len(interims),
        "retractions": retractions,
        "passes": len(run.passes) if run.passes else None,
        "final_passes": sum(p.job.final for p in run.passes) if run.passes else None,
        "passes_dropped": sum(bool(p.result.dropped) for p in run.passes) if run.passes else None,
        "passes_over_1s": sum(p.result.compute_s > 1.0 for p in run.passes) if run.passes else None,
        "empty_finals": retractions,
        "lost_shown": lost_shown,  # closed segments whose interim text was on screen but whose final came back empty
        "retracted_shown": retracted,  # interim text shown for a segment later dropped as too short
        "revised": len(revised),  # finals replaced by a revising pass
        "revised_share": len(revised) / len(finals) if finals else 0.0,  # ... of the finals shown
        "word_latency": word_lat,  # seconds from each word's end to the first caption showing it
        "word_p50": pct(word_lat, 50), "word_p90": pct(word_lat, 90),
        "revision_delay": revision_delay,  # seconds from a final to its revision
        "revision_p50": pct(revision_delay, 50), "revision_p90": pct(revision_delay, 90),
        "final_latency": final_lat,
        "first_text_latency": first_lat,
        "final_p50": pct(final_lat, 50), "final_p90": pct(final_lat, 90), "final_max": max(final_lat, default=float("nan")),
        "first_p50": pct(first_lat, 50), "first_p90": pct(first_lat, 90), "first_max": max(first_lat, default=float("nan")),
        "first_from_interim": first_from_interim,
        "first_seen_latency": seen_lat,
        "seen_p50": pct(seen_lat, 50), "seen_p90": pct(seen_lat, 90),
        "compute_s": run.compute_s,
        "cpu_s": run.cpu_s,
        "rtf": run.compute_s / run.duration_s,
        "audio_s": run.duration_s,
        "words_out": len(normalise(text).split()),
        "nospeech_words": len(nospeech),
        "nospeech_examples": [w[0].strip() for w in nospeech][:20],
        "rep5": repeated_ngrams(text),
    }
    out.update(cue_shape(kept))
    if anchored:
        fl, ft = anchored["final_latency_ref"], anchored["first_text_latency_ref"]
        out.update({**anchored, "final_ref_p50": pct(fl, 50), "final_ref_p90": pct(fl, 90),
                    "first_ref_p50": pct(ft, 50), "first_ref_p90": pct(ft, 90)})
    if bench_file.ref is not None:
        we = word_errors(bench_file.ref, text)
        out.update({"ref_words": we.ref_words, "sub": we.sub, "del": we.dele, "ins": we.ins, "wer": we.wer})
        shown = word_errors(bench_file.ref, " ".join(e.text for _, e in finals))  # the finals as first shown
        out.update({"shown_sub": shown.sub, "shown_del": shown.dele, "shown_ins": shown.ins, "wer_shown": shown.wer})
    return out


def offline_figures(run, bench_file) -> dict:
    nospeech = [w for w in run.words if outside_speech(w[1], w[2], bench_file.speech_spans, run.duration_s)]
    out = {
        "text": run.text,
        "compute_s": run.compute_s,
        "rtf": run.compute_s / run.duration_s,
        "audio_s": run.duration_s,
        "words_out": len(normalise(run.text).split()),
        "nospeech_words": len(nospeech),
        "nospeech_examples": [w[0].strip() for w in nospeech][:20],
        "rep5": repeated_ngrams(run.text),
    }
    if bench_file.ref is not None:
        we = word_errors(bench_file.ref, run.text)
        out.update({"ref_words": we.ref_words, "sub": we.sub, "del": we.dele, "ins": we.ins, "wer": we.wer})
    return out


def peer_figures(run, bench_file) -> dict:
    """Figures of the naive VAD loop on one file: (text, final latencies, compute s, audio s)."""
    text, latencies, compute, duration = run
    out = {"text": text, "compute_s": compute, "rtf": compute / duration, "audio_s": duration,
           "final_latency": list(latencies), "final_p50": pct(latencies, 50), "final_p90": pct(latencies, 90),
           "nospeech_words": 0, "rep5": repeated_ngrams(text)}
    if bench_file.ref is not None:
        we = word_errors(bench_file.ref, text)
        out.update({"ref_words": we.ref_words, "sub": we.sub, "del": we.dele, "ins": we.ins, "wer": we.wer})
    return out


def pooled(per_file: list[tuple[object, dict]], kind: str) -> dict:
    """Figures over several files: WER over the pooled true-reference words, latency over all captions."""
    errs = WordErrors(0, 0, 0, 0)
    shown = WordErrors(0, 0, 0, 0)  # live finals as first shown, before their revisions
    for f, m in per_file:
        if f.pooled and "ref_words" in m:
            errs = errs + WordErrors(m["ref_words"], m["sub"], m["del"], m["ins"])
            if "wer_shown" in m:
                shown = shown + WordErrors(m["ref_words"], m["shown_sub"], m["shown_del"], m["shown_ins"])
    audio = sum(m["audio_s"] for _, m in per_file)
    compute = sum(m["compute_s"] for _, m in per_file)
    out = {"files": len(per_file), "audio_s": audio, "compute_s": compute, "rtf": compute / audio if audio else float("nan"),
           "ref_words": errs.ref_words, "sub": errs.sub, "del": errs.dele, "ins": errs.ins, "wer": errs.wer,
           "nospeech_words": sum(m["nospeech_words"] for _, m in per_file),
           "rep5": sum(m["rep5"] for _, m in per_file)}
    if kind == "peer":
        fl = [x for _, m in per_file for x in m["final_latency"]]
        out.update({"final_p50": pct(fl, 50), "final_p90": pct(fl, 90)})
    if kind == "live":
        fl = [x for _, m in per_file for x in m["final_latency"]]
        ft = [x for _, m in per_file for x in m["first_text_latency"]]
        fs = [x for _, m in per_file for x in m.get("first_seen_latency", [])]
        wl = [x for _, m in per_file for x in m.get("word_latency", [])]
        out.update({"word_p50": pct(wl, 50), "word_p90": pct(wl, 90)})
        rd = [x for _, m in per_file for x in m.get("revision_delay", [])]
        cues = sum(m["cues"] for _, m in per_file)
        out.update({
            "wer_shown": shown.wer,
            "revised": sum(m.get("revised", 0) for _, m in per_file),
            "revision_p50": pct(rd, 50), "revision_p90": pct(rd, 90),
            "finals": sum(m["finals"] for _, m in per_file),
            "interims": sum(m["interims"] for _, m in per_file),
            "revised_share": (sum(m.get("revised", 0) for _, m in per_file) / max(1, sum(m["finals"] for _, m in per_file))),
            "retractions": sum(m["retractions"] for _, m in per_file),
            "lost_shown": sum(m["lost_shown"] for _, m in per_file),
            "retracted_shown": sum(m["retracted_shown"] for _, m in per_file),
            "passes": sum(m["passes"] or 0 for _, m in per_file),
            "passes_over_1s": sum(m["passes_over_1s"] or 0 for _, m in per_file),
            "final_p50": pct(fl, 50), "final_p90": pct(fl, 90), "final_max": max(fl, default=float("nan")),
            "first_p50": pct(ft, 50), "first_p90": pct(ft, 90), "first_max": max(ft, default=float("nan")),
            "seen_p50": pct(fs, 50), "seen_p90": pct(fs, 90),
            "cpu_s": sum(m["cpu_s"] for _, m in per_file if not math.isnan(m["cpu_s"])),
            "cues": cues, "cue_ok_share": sum(m["cues_ok"] for _, m in per_file) / cues if cues else float("nan"),
            "cue_bad_cps": sum(m["cue_bad_cps"] for _, m in per_file),
            "cue_bad_duration": sum(m["cue_bad_duration"] for _, m in per_file),
        })
        if all("final_latency_ref" in m for _, m in per_file):
            rl = [x for _, m in per_file for x in m["final_latency_ref"]]
            rt = [x for _, m in per_file for x in m["first_text_latency_ref"]]
            out.update({"final_ref_p50": pct(rl, 50), "final_ref_p90": pct(rl, 90),
                        "first_ref_p50": pct(rt, 50), "first_ref_p90": pct(rt, 90)})
    return out


def median_of(dicts: list[dict]) -> dict:
    """Key-wise median of the numbers in several runs' figures (other values from the first run)."""
    out = dict(dicts[0])
    for k, v in dicts[0].items():
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            vals = [d[k] for d in dicts if isinstance(d.get(k), (int, float)) and not math.isnan(d[k])]
            out[k] = float(np.median(vals)) if vals else float("nan")
    return out
