"""Speaker labels on finals: each final's voice embedded and given a speaker (`voices`), on the engine's audio.

One `SpeakerTagger` per stream of audio (a single input, or a meeting's system channel; the
microphone is "You" already). A final that holds two people's turns (they took turns faster than
the segmenter's hang-over) is first cut where the voice changes (`voices.turns.change_at`), each
part a final of its own, when its parts are heard as different speakers; a reply too short for that, at the final's
start or end, is parted from it where its glimpse sounds like another speaker (`voices.turns.edge_turn`). A final with less speech than a voice
needs is embedded as a glimpse (`GLIMPSE_S`), which says which known voice a reply sounds like. An interim carries the
speaker its final will most likely have: the known voice its first `INTERIM_VOICE_S` of speech sound
like (embedded once a segment), none while that is not yet heard or is no known voice. Each final then gets the
speaker its voice joins (`OnlineSpeakers`), a whispered one (`voices.voicing`) as a short turn is placed; a revised final keeps its id's speaker; when two speakers
turn out to be one, or short turns shown without a speaker are found to be someone's, the finals
already out come again as revisions carrying their speaker, so every view and file follows. The
embedding runs where the final is made (the engine thread), a final's voice and its edges' glimpses in one run of the
encoder (its cost beside the transcription: benchmarks/README.md, "Speakers"). `speakers_offline` does it again
with the whole recording in hand, for the refined transcript.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from captioner.engine.models.recognizer import join_words
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.speaker_count import ANY_COUNT, SpeakerCount
from captioner.voices import BandMeter, ClusterRule, OnlineSpeakers, VoiceEncoder, speaker_id
from captioner.voices.clusters import cluster_offline
from captioner.voices.encoder import HOP, MIN_SPEECH_S, PARTIAL_FRAMES, PARTIAL_RATE
from captioner.voices.turns import MIN_WINDOWS, change_at, edge_turn, sides
from captioner.voices.voicing import whispered

__all__ = ["SpeakerTagger", "speakers_offline"]

MAX_PARTS = 4  # most turns one final is cut into
CUT_WINDOWS = 2  # a final shorter than this many encoder windows is embedded whole, never cut where the voice changes
WINDOW = PARTIAL_FRAMES * HOP  # samples in one window of the voice encoder (1.6 s)
STEP_S = 1 / PARTIAL_RATE  # between windows: Resemblyzer's own (0.77 s); the silences between words place a change within one
INTERIM_VOICE_S = 1.0  # speech an interim's segment needs before its voice is embedded (once) to give it a speaker
# A turn with less speech than a voice needs (`encoder.MIN_SPEECH_S`) but this much is embedded all the same, as a
# glimpse: too little to found or move a speaker (`OnlineSpeakers` takes a turn under `new_s` as a short one), enough to
# say which known voice it sounds like (benchmarks/README.md, "A short reply by its voice"): a reply ("Absolutely.")
# goes to the voice it sounds like, not to the turn before it, which a reply is not
GLIMPSE_S = 0.5
OFFLINE_BATCH = 16  # sentences the refine's grouping embeds in one run of the encoder (their audio held at once)
SHORT_TURN = WINDOW + round((MIN_WINDOWS - 1) * STEP_S * SAMPLE_RATE)  # the longest turn `change_at` cannot hear (its windows)


class SpeakerTagger:
    """Gives each final of one stream of audio its speaker, cutting a final at a change of voice (module docstring)."""

    def __init__(self, encoder: VoiceEncoder, rule: ClusterRule | None = None, count: SpeakerCount = ANY_COUNT) -> None:
        """`rule`: fixed thresholds (None: those of the band the speech is heard in, `ClusterRule.for_band`); `count`:
        how many people speak, when the user said."""
        self.encoder = encoder
        self._fixed_rule = rule
        self.band = BandMeter()  # the band of the finals' speech so far: wide, or a telephone line's
        self.speakers = OnlineSpeakers(rule or ClusterRule(), count)
        self._latest: dict[int, CaptionEvent] = {}  # each final out, as last sent, by id
        self._interim: dict[int, str] = {}  # the speaker an open segment's interims carry, once its voice was heard
        self.embed_s = 0.0  # time spent embedding voices (perf counter), for benchmarks
        self.splits = 0  # finals cut in two where the voice changed

    def tag(self, events: list[CaptionEvent], audio_of: Callable[[int, int], np.ndarray], *,
            new_id: Callable[[], int] | None = None,
            on_split: Callable[[CaptionEvent, list[CaptionEvent]], None] | None = None) -> list[CaptionEvent]:
        """`events` with a speaker on each final (from `audio_of(start, end)`, the final's speech on the audio
        clock), followed by the revisions that relabel earlier finals when speakers were merged. With `new_id` (a
        fresh caption id), a final holding two voices' turns comes out as one final per turn; `on_split(final,
        parts)` hears of it."""
        out: list[CaptionEvent] = []
        for event in events:
            if not event.final:
                out.append(self._interim_speaker(event, audio_of) if event.text else event)
                continue
            self._interim.pop(event.id, None)
            if not event.text:
                out.append(event)
                continue
            if event.revision and event.id in self._latest:
                event = replace(event, speaker=self._latest[event.id].speaker,
                                revision=max(event.revision, self._latest[event.id].revision + 1))
                self._latest[event.id] = event
                out.append(event)
                continue
            t0 = time.perf_counter()
            audio = audio_of(event.start, event.end)
            self._follow_band(audio)
            parts = self._turns(event, audio, new_id)
            if len(parts) > 1 and on_split is not None:
                self.splits += len(parts) - 1
                on_split(event, [p for p, _, _ in parts])
            for part, embedding, changed in parts:
                speech_s = (part.end - part.start) / SAMPLE_RATE
                whisper = embedding is not None and whispered(audio[part.start - event.start: part.end - event.start])
                got = self.speakers.assign(embedding, speech_s, changed=changed, turn=part.id, whispered=whisper)
                part = replace(part, speaker=got.speaker)
                self._latest[part.id] = part
                out.append(part)
                out.extend(self._relabel(got.merged, got.placed))
            self.embed_s += time.perf_counter() - t0
        return out

    def _follow_band(self, audio: np.ndarray) -> None:
        """The thresholds of the band the speech has been heard in so far, once there is enough of it to tell."""
        self.band.add(audio)
        if self._fixed_rule is None and self.band.known:
            self.speakers.rule = ClusterRule.for_band(self.band.narrow)

    def _interim_speaker(self, event: CaptionEvent, audio_of) -> CaptionEvent:
        """An interim with the known speaker its voice sounds like, embedded once its segment holds `INTERIM_VOICE_S`
        of speech (none before that, nor for a voice like no known speaker's: its final may start a new one)."""
        speaker = self._interim.get(event.id)
        if speaker is None and self.speakers.speakers and event.end - event.start >= INTERIM_VOICE_S * SAMPLE_RATE:
            t0 = time.perf_counter()
            voice = self.encoder.embed(audio_of(event.start, event.end))
            known, similarity = self.speakers.closest(voice) if voice is not None else (None, -1.0)
            speaker = known if known is not None and similarity >= self.speakers.rule.join else ""
            self._interim[event.id] = speaker
            self.embed_s += time.perf_counter() - t0
        return replace(event, speaker=speaker) if speaker else event

    def _turns(self, event: CaptionEvent, audio: np.ndarray, new_id) -> list[tuple[CaptionEvent, np.ndarray | None, bool]]:
        """The final (its speech: `audio`) as one part per speaker's turn, in order, each with its voice (None: too short
        to tell) and whether it was cut from its neighbour where the voice changed (evidence of a voice of its own).

        A final shorter than two of the encoder's windows is one turn, embedded whole (silences trimmed). A longer one
        is embedded window by window (Resemblyzer's own windows and step): the mean of its windows is its voice,
        and the windows show whether, and where, the voice changes (`change_at`); with `new_id`, it is cut there
        when the two sides are not the same known speaker, and the rest is looked at again for another turn. Then a
        turn too short for the windows at the start or the end is looked for (`_short_turn`)."""
        # the glimpses at the final's start and end the edge rule will look at, embedded with the final's voice: one run
        # of the encoder (`embed_batch`); none while nobody is known (an edge's voice is weighed against known speakers)
        edges = [e for e in (self._edge(event, at_end=True), self._edge(event, at_end=False)) if e is not None] \
            if new_id is not None and self.speakers.speakers else []
        clips = [audio[a - event.start: b - event.start] for _, (a, b) in edges]
        if event.end - event.start < CUT_WINDOWS * WINDOW or len(event.words) < 2:
            got = self.encoder.embed_batch([audio, *clips], least_s=GLIMPSE_S)
            parts, glimpses = [(event, got.clips[0], False)], got.clips[1:]
        else:
            got = self.encoder.embed_batch(clips, least_s=GLIMPSE_S, windows_of=audio, step_s=STEP_S)
            cut = self._cut(event, got.windows, got.spans + event.start, new_id, MAX_PARTS - 1)
            parts, glimpses = [(part, voice, len(cut) > 1) for part, voice in cut], got.clips
        if new_id is None:
            return parts
        # what the final's embedding gave: its edges' glimpses by span, its windows (none for a short final) on the clock
        heard = {span: g for (_, span), g in zip(edges, glimpses)}, got.windows, got.spans + event.start
        parts = parts[:-1] + self._short_turn(parts[-1], audio, event.start, new_id, heard, at_end=True)
        return self._short_turn(parts[0], audio, event.start, new_id, heard, at_end=False) + parts[1:]

    def _short_turn(self, part: tuple[CaptionEvent, np.ndarray | None, bool], audio: np.ndarray, offset: int, new_id,
                    heard: tuple[dict, np.ndarray, np.ndarray], *,
                    at_end: bool) -> list[tuple[CaptionEvent, np.ndarray | None, bool]]:
        """`part` (a final's turn, its voice, cut or not; `audio` the final's, from `offset` on the audio clock; `heard`
        what its embedding gave, reused here: its edges' glimpses by span, its windows and their spans on the clock) as
        it is, or with a short turn at its end (`at_end`) or start parted from it: one too short for the encoder's
        windows (a reply, "Absolutely.", heard in one caption with the turn beside it), parted from the rest by a
        silence people leave between turns (`turns.edge_turn`), whose glimpse sounds like a known speaker who is not
        the rest's (another known speaker, or the rest is nobody known yet) more than like the rest itself. The short
        turn is then a short turn of its own: placed as one, by its voice (`OnlineSpeakers.assign`, not `changed`)."""
        event, voice, changed = part
        edge = self._edge(event, at_end=at_end)
        if edge is None or voice is None or not self.speakers.speakers:
            return [part]  # no short turn, or nothing to weigh it against (nobody known: it sounds like nobody)
        k, span = edge
        left, right = event.words[:k], event.words[k:]
        at = span[0] if at_end else span[1]
        before, after = audio[max(0, event.start - offset): at - offset], audio[at - offset: event.end - offset]
        short, rest = (after, before) if at_end else (before, after)
        glimpses, windows, spans = heard
        glimpse = glimpses[span] if span in glimpses else self.encoder.embed(short, least_s=GLIMPSE_S)
        theirs, likeness = self.speakers.closest(glimpse) if glimpse is not None else (None, -1.0)
        if theirs is None or (theirs == self.speakers.peek(voice, (event.end - event.start) / SAMPLE_RATE) and likeness < float(glimpse @ voice)):
            return [part]  # it sounds like the whole part does (most short ends of one person's turn): the rest unheard
        rest_span = (event.start, at) if at_end else (at, event.end)
        inside = (spans[:, 0] >= rest_span[0]) & (spans[:, 1] <= rest_span[1])
        # the rest's voice: the final's windows that hold none of the short turn, where there are any (embedded already)
        rest_voice = _mean(windows[inside]) if inside.any() else self.encoder.embed(rest, least_s=GLIMPSE_S)
        if rest_voice is None or likeness < float(glimpse @ rest_voice) \
                or theirs == self.speakers.peek(rest_voice, len(rest) / SAMPLE_RATE):
            return [part]
        first, second = _halves(event, left, right)
        second = replace(second, id=new_id())
        if at_end:
            return [(first, rest_voice, changed), (second, glimpse, False)]
        return [(first, glimpse, False), (second, rest_voice, changed)]

    @staticmethod
    def _edge(event: CaptionEvent, *, at_end: bool) -> tuple[int, tuple[int, int]] | None:
        """The short turn `turns.edge_turn` finds at `event`'s end (`at_end`) or start: the index of the word the rest and it
        are parted before, and its span on the audio clock (from midway through the silence before or after it)."""
        k = edge_turn([(w.start, w.end) for w in event.words], at_end=at_end, shortest=round(GLIMPSE_S * SAMPLE_RATE),
                      longest=SHORT_TURN, rest=round(MIN_SPEECH_S * SAMPLE_RATE))
        if k is None:
            return None
        at = (event.words[k - 1].end + event.words[k].start) // 2
        return k, ((at, event.end) if at_end else (event.start, at))

    def _cut(self, event: CaptionEvent, embeddings: np.ndarray, spans: np.ndarray, new_id, depth: int):
        """`event` as its turns, each with the mean of its windows: cut where the voice changes, each side looked at
        again (`depth` more cuts at most); the first part keeps the id, each other part gets `new_id()`."""
        whole = [(event, _mean(embeddings))]
        words = event.words
        if new_id is None or depth <= 0 or len(words) < 2 or len(embeddings) < 2:
            return whole
        cuts = [((a.end + b.start) // 2, max(0, b.start - a.end)) for a, b in zip(words, words[1:])]
        at = change_at(embeddings, spans, cuts, join=self.speakers.rule.join)
        if at is None:
            return whole
        left = tuple(w for w in words if (w.start + w.end) // 2 < at)
        right = tuple(w for w in words if (w.start + w.end) // 2 >= at)
        mine, theirs = sides(spans, at)
        if not left or not right or left[-1].end - event.start < WINDOW or event.end - right[0].start < WINDOW:
            return whole  # a side shorter than one of the encoder's windows is too little to be a turn of its own
        first, second = _halves(event, left, right)
        s1 = self.speakers.peek(_mean(embeddings[mine]), (first.end - first.start) / SAMPLE_RATE)
        s2 = self.speakers.peek(_mean(embeddings[theirs]), (second.end - second.start) / SAMPLE_RATE)
        if s1 is not None and s1 == s2:
            return whole  # both sides sound like the same known speaker
        second = replace(second, id=new_id())
        before = self._cut(first, embeddings[mine], spans[mine], new_id, depth - 1)
        return [*before, *self._cut(second, embeddings[theirs], spans[theirs], new_id, depth - len(before))]

    def _relabel(self, merged: dict[str, str], placed: dict) -> list[CaptionEvent]:
        """The finals out whose speaker changed: folded into another speaker (`merged`), or given one now (`placed`, by
        final id), each again as a revision."""
        out = []
        for final_id, shown in list(self._latest.items()):
            speaker = placed.get(final_id) or merged.get(shown.speaker)
            if speaker and speaker != shown.speaker:
                again = replace(shown, speaker=speaker, revision=shown.revision + 1)
                self._latest[final_id] = again
                out.append(again)
        return out


def _halves(event: CaptionEvent, left: tuple, right: tuple) -> tuple[CaptionEvent, CaptionEvent]:
    """`event` cut in two between its words `left` and `right` (both keep its id)."""
    first = replace(event, end=max(left[-1].end, event.start + 1), text=join_words(left), words=left, stable=len(join_words(left)))
    second = replace(event, start=right[0].start, text=join_words(right), words=right, stable=len(join_words(right)))
    return first, second


def _mean(embeddings: np.ndarray) -> np.ndarray:
    m = embeddings.mean(axis=0)
    return m / max(float(np.linalg.norm(m)), 1e-9)


def speakers_offline(sentences: list[CaptionEvent], audio_of: Callable[[int, int], np.ndarray], encoder: VoiceEncoder, *,
                     live: Sequence[CaptionEvent] = (), rule: ClusterRule | None = None,
                     count: SpeakerCount = ANY_COUNT) -> list[CaptionEvent]:
    """A whole recording's captions (one channel, cut into sentences; `audio_of(start, end)` their audio, float32) with their speakers, told
    apart with every turn in hand (`cluster_offline`; a sentence too short for a voice of its own goes with the voice it
    sounds most like unless the live finals showed it as another speaker). Each group of voices takes the id of the live
    speaker whose finals (`live`, the same channel's) it overlaps most in time, one to one, so names given during the
    session stay with their voice; the others get new ids. `rule`: fixed thresholds (None: the band's); `count`: how many people
    speak, when the user said. A sentence too short for a voice takes the group its glimpse sounds most like (`GLIMPSE_S`), and
    so does a whispered one."""
    band, voices, glimpses = BandMeter(), [], []
    for at in range(0, len(sentences), OFFLINE_BATCH):  # a few sentences' voices in one run of the encoder (`embed_batch`)
        clips = [audio_of(s.start, s.end) for s in sentences[at:at + OFFLINE_BATCH]]
        for clip in clips:
            band.add(clip)
        voiced = [k for k, clip in enumerate(clips) if not whispered(clip)]
        got = dict(zip(voiced, encoder.embed_batch([clips[k] for k in voiced]).clips))
        short = [k for k in range(len(clips)) if got.get(k) is None]
        glimpsed = dict(zip(short, encoder.embed_batch([clips[k] for k in short], least_s=GLIMPSE_S).clips))
        voices += [got.get(k) for k in range(len(clips))]
        glimpses += [glimpsed.get(k) for k in range(len(clips))]
    rule = rule or ClusterRule.for_band(band.narrow)
    shown = [_live_overlap(s, live) for s in sentences]
    groups = cluster_offline(voices, [(s.end - s.start) / SAMPLE_RATE for s in sentences], rule, count,
                             heard_as=[max(by, key=by.get, default="") for by in shown], glimpses=glimpses)
    overlap: dict[tuple[int, str], int] = {}
    for by, g in zip(shown, groups):
        for speaker, shared in by.items():
            if g >= 0:
                overlap[(g, speaker)] = overlap.get((g, speaker), 0) + shared
    ids: dict[int, str] = {}
    for (g, speaker), _shared in sorted(overlap.items(), key=lambda item: -item[1]):
        if g not in ids and speaker not in ids.values():
            ids[g] = speaker
    taken = [int(i.rpartition("-")[2]) for i in ids.values() if i.rpartition("-")[2].isdigit()]
    fresh = itertools.count(max(taken, default=0) + 1)
    for g in sorted(set(groups) - {-1} - set(ids)):
        ids[g] = speaker_id(next(fresh))
    return [replace(s, speaker=ids.get(g, "")) for s, g in zip(sentences, groups)]


def _live_overlap(sentence: CaptionEvent, live: Sequence[CaptionEvent]) -> dict[str, int]:
    """Samples `sentence` shares with the live finals of each speaker they were shown as."""
    shared: dict[str, int] = {}
    for f in live:
        overlap = min(sentence.end, f.end) - max(sentence.start, f.start)
        if f.speaker and overlap > 0:
            shared[f.speaker] = shared.get(f.speaker, 0) + overlap
    return shared
