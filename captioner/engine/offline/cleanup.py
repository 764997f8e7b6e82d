"""The words faster-whisper writes for a recording decoded whole, cleaned up by the live engine's rules and cut into captions.

What the live engine would judge not to be speech goes (`invented`), and so does text written where the voice
detector heard nobody (`in_silence`); words are dated within the speech they belong to (`after_onsets`,
`within_speech`); where a window passed over a stretch of speech, its output segment dated in the silence after that
stretch goes before the stretch is decoded alone (`dated_beside`), and speech a window passed over in part
(`longest_unheard`) is decoded alone, its words in place of the window's where it heard more (`without_words_in`); a
run of words written twice is kept once (`without_repeats`, `repeats_dropped`), and a sentence Whisper cut across two
of its segments is one caption again (`whole_sentences`). A channel's captions are cut into sentences (`sentences`),
and where another channel spoke between two of their words (`between_turns`).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from captioner.engine.filters import collapse_repeats, drop_repeated_runs, ends_sentence, is_invented
from captioner.engine.models.recognizer import Heard, join_words
from captioner.engine.offline.speech_spans import LONG_SILENCE_S, as_float
from captioner.events import SAMPLE_RATE, CaptionEvent, Word

__all__ = [
    "after_onsets",
    "between_turns",
    "caption",
    "dated_beside",
    "in_silence",
    "invented",
    "longest_unheard",
    "repeats_dropped",
    "sentences",
    "whole_sentences",
    "within_speech",
    "without_repeats",
    "without_words_in",
    "words_at",
]


def invented(segment: Heard, audio: np.ndarray, at: int) -> bool:
    """Whether a window's output segment is most likely not speech that was there, by the live engine's rules (a loop,
    Whisper's no-speech rule, a filler such as "Thank you." or "Okay." over quiet or unsure audio); `audio` holds the
    segment's samples from `at` on (the segment's times are from `at`)."""
    clip = as_float(audio[max(0, at + round(segment.start * SAMPLE_RATE)):max(0, at + round(segment.end * SAMPLE_RATE))])
    rms = float(np.sqrt(np.mean(clip * clip))) if len(clip) else 0.0
    return is_invented(segment.score, rms)


JOIN_GAP_S = 1.0  # a caption that ends mid-sentence and one that goes on with it, this close, are one sentence


def whole_sentences(events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """Captions in time order with a sentence Whisper cut across two of its segments put back together: a caption whose
    last word ends no sentence, followed within `JOIN_GAP_S` on its channel (and speaker) by one that begins in lower
    case ("…ask what" / "you can do for your country." is one caption). Renumbered from 1 when any were joined."""
    out: list[CaptionEvent] = []
    for event in events:
        before = next((e for e in reversed(out) if e.channel == event.channel), None)
        first = event.words[0].text.strip() if event.words else ""
        if (before is not None and before is out[-1] and before.speaker == event.speaker and before.words
                and not ends_sentence(before.words[-1].text) and first[:1].islower()
                and event.start - before.end <= JOIN_GAP_S * SAMPLE_RATE):
            words = before.words + event.words
            text = join_words(words)
            out[-1] = replace(before, end=max(before.end, event.end), text=text, words=words, stable=len(text))
            continue
        out.append(event)
    if len(out) == len(events):
        return list(events)
    return [replace(e, id=n) for n, e in enumerate(out, 1)]


def repeats_dropped(events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """Captions in time order without a run of words that repeats the run just before it (`collapse_repeats`, the live
    engine's rule) across captions said within `LONG_SILENCE_S` of each other: the same sentence written for noise
    after noise, each decoded by itself ("All right, that's it." again and again), is written once. Speech
    further apart is never compared: a sentence said again later stays."""
    groups: list[list[CaptionEvent]] = []
    for event in events:
        if groups and event.start - groups[-1][-1].end <= LONG_SILENCE_S * SAMPLE_RATE:
            groups[-1].append(event)
        else:
            groups.append([event])
    out: list[CaptionEvent] = []
    for group in groups:
        words = [(n, word) for n, e in enumerate(group) for word in e.words]
        kept = collapse_repeats(words, key=lambda item: item[1].text)
        if len(kept) == len(words):
            out.extend(group)
            continue
        out.extend(e for n, old in enumerate(group)
                   if (e := caption([word for k, word in kept if k == n], old.channel)) is not None)
    return out


def without_repeats(events: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """One window's captions without the runs of words that repeat an earlier run of theirs word for word (the live
    engine's rule for a decoder repeating itself: a window's tail decoded again after its last sentence writes that
    sentence twice), nor a run that repeats the run just before it (the live engine's `collapse_repeats`: "Okay. Okay.
    Okay." over noise is one "Okay."); a caption left without words goes."""
    words = [(n, word) for n, e in enumerate(events) for word in e.words]
    kept = collapse_repeats(drop_repeated_runs(words, key=lambda item: item[1].text), key=lambda item: item[1].text)
    if len(kept) == len(words):
        return list(events)
    out = []
    for n, e in enumerate(events):
        event = caption([word for k, word in kept if k == n], e.channel)
        if event is not None:
            out.append(event)
    return out


def words_at(segment: Heard, offset: int) -> list[Word]:
    """A recognizer's stretch's words on the recording's clock: decoded from audio that began `offset` samples in."""
    return [replace(w, start=w.start + offset, end=w.end + offset) for w in segment.words]


def caption(words: Sequence[Word], channel: str) -> CaptionEvent | None:
    """A final caption of `words` on the channel `channel` (numbered once the channel's captions are in order), or None
    if they hold no text."""
    text = join_words(words)
    if not text:
        return None
    return CaptionEvent(0, words[0].start, max(words[-1].end, words[0].start + 1), text, final=True, words=tuple(words),
                        stable=len(text), channel=channel)


def after_onsets(words: Sequence[Word], onsets: Sequence[int]) -> list[Word]:
    """Words that start no earlier than the voice they belong to: Whisper dates the first word after a silence from the
    start of the audio it was given, which holds the silence before the voice. `onsets`: the first voiced sample of
    each live segment, in order; a word that starts in the silence before an onset and ends after it starts at that
    onset (its end kept)."""
    out = []
    for word in words:
        k = bisect.bisect_right(onsets, word.start)
        onset = onsets[k] if k < len(onsets) else None
        if onset is not None and word.start < onset < word.end:
            word = replace(word, start=onset)
        out.append(word)
    return out


def in_silence(words: Sequence[Word], starts: Sequence[int], ends: Sequence[int]) -> bool:
    """Whether every one of `words` (an output segment's) lies wholly outside the speech the voice detector heard
    (`starts`, `ends`: the live segments', in order): text Whisper wrote where neither the live engine nor the detector
    heard anyone ("Okay." after "Okay." over radio hiss), which `within_speech` would otherwise squeeze onto the
    speech's edges as cues of a few milliseconds. None is written."""
    for word in words:
        k = bisect.bisect_right(starts, word.end - 1) - 1  # the last segment that starts before the word ends
        if k >= 0 and ends[k] > word.start:
            return False
    return bool(words)


def dated_beside(words: Sequence[Word], k: int, starts: Sequence[int], ends: Sequence[int]) -> bool:
    """Whether a window's output segment holds the words of live segment `k`, which the window passed over (none of its
    words overlap `k`), dated late: its first word lies wholly inside the silence just after `k` (so none of its words
    is the speech's before `k`).

    Whisper's timestamps drift late after a disfluency ("Montreal, but, um, but…" dated seconds after it is said,
    into the silence after it); `within_speech` then puts those words on the next speech's edge, and decoding `k` alone
    writes them a second time. (Words of the next speech in the same segment go with it; that speech is decoded alone in
    turn if nothing else of the window's is left on it.) `words`: the segment's, in order, on the recording's clock as
    the recognizer dated them; `starts`, `ends`: the live segments', in order."""
    return bool(words) and k + 1 < len(starts) and ends[k] <= words[0].start and words[0].end <= starts[k + 1]


def longest_unheard(words: Sequence[Word], onset: int, end: int) -> int:
    """The longest stretch of the speech [onset, end) in which none of `words` starts (samples), counting from the onset
    to the first word and from the last word's start to the end: where a window's decoding passed over part of the
    speech (Whisper wrote "…and Mr. John" and ended its window, the sentence's last six seconds never written; its last
    word stretched over them)."""
    marks = [onset, *sorted(min(max(w.start, onset), end) for w in words), end]
    return max(b - a for a, b in zip(marks, marks[1:]))


def without_words_in(events: Sequence[CaptionEvent], start: int, end: int) -> list[CaptionEvent]:
    """`events` without their words that start within [start, end) of the recording's clock: a caption left with none
    goes, one with words on both sides of the stretch is cut in two there (the words in their places, on its channel)."""
    out: list[CaptionEvent] = []
    for event in events:
        if not any(start <= w.start < end for w in event.words):
            out.append(event)
            continue
        for part in ([w for w in event.words if w.start < start], [w for w in event.words if w.start >= end]):
            if (cut := caption(part, event.channel)) is not None:
                out.append(cut)
    return out


def within_speech(words: Sequence[Word], starts: Sequence[int], ends: Sequence[int]) -> list[Word]:
    """Words dated within the speech they belong to, not in the silence after it: Whisper stretches the last word
    before a silence over it (a word of several seconds, a cue that stays on through the other side's turn), and dates
    a word after that stretch inside the silence. `starts`, `ends`: the live segments', in order. A word that starts
    within a segment and ends in the silence after it ends at the segment's end (its start kept); a word wholly inside
    a silence goes with the word before it (`words` are one caption's, in order) when that one is the speech's before
    the silence, else with the nearer of the silence's two edges (a word of one sample there); a segment cut where
    speech went on (the next one starts where it ends) has no silence after it. The first word after a silence that
    starts early is `after_onsets`' business."""
    out: list[Word] = []
    for word in words:
        k = bisect.bisect_right(starts, word.start) - 1
        nxt = starts[k + 1] if 0 <= k < len(starts) - 1 else None
        if k < 0 or (nxt is not None and ends[k] >= nxt):
            pass  # before all speech, or no silence after this segment
        elif word.start < ends[k] < word.end:
            word = replace(word, end=ends[k])
        elif ends[k] <= word.start and (nxt is None or word.end <= nxt):
            spoken = bool(out) and starts[k] <= out[-1].start < ends[k]  # the caption's word before it was this speech's
            at = ends[k] if spoken or nxt is None or word.start - ends[k] <= nxt - word.end else nxt
            word = replace(word, start=at - 1, end=at) if at == ends[k] else replace(word, start=at, end=at + 1)
        out.append(word)
    return out


def sentences(event: CaptionEvent) -> list[CaptionEvent]:
    """A caption cut after each word that ends a sentence."""
    parts: list[list[Word]] = [[]]
    for word in event.words:
        parts[-1].append(word)
        if ends_sentence(word.text):
            parts.append([])
    return _cut(event, parts)


def _cut(event: CaptionEvent, parts: list[list[Word]]) -> list[CaptionEvent]:
    """`event` as one caption per non-empty run of its words in `parts` (the event itself when there is one run)."""
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return [event]
    return [replace(event, start=p[0].start, end=max(p[-1].end, p[0].start + 1), text=join_words(p), words=tuple(p), stable=len(join_words(p)))
            for p in parts]


def between_turns(captions: Sequence[CaptionEvent]) -> list[CaptionEvent]:
    """Several channels' captions, each cut where another channel spoke in a pause between two of its words (a word of
    that channel lies wholly within the pause), so that sorted by start they interleave as spoken also where no sentence
    ends at the turn: a model that writes no punctuation, a window whose text ran on across the other side's turn."""
    words = sorted((w.start, w.end, e.channel) for e in captions for w in e.words)
    starts = [start for start, _end, _channel in words]
    out: list[CaptionEvent] = []
    for event in captions:
        parts: list[list[Word]] = [[]]
        for word, after in zip(event.words, event.words[1:]):
            parts[-1].append(word)
            within = range(bisect.bisect_left(starts, word.end), bisect.bisect_right(starts, after.start))
            if any(words[k][2] != event.channel and words[k][1] <= after.start for k in within):
                parts.append([])
        parts[-1].extend(event.words[-1:])
        out.extend(_cut(event, parts))
    return out
