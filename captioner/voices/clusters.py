"""Who is speaking, online: voice embeddings grouped into speakers as they come.

Pure rules over unit vectors (`encoder.VoiceEncoder.embed`), no model. Each speaker is the weighted
mean of the embeddings given to it (weights: seconds of speech). A turn joins the speaker whose mean
it is closest to when their cosine similarity reaches `join`, else it starts a new speaker — if it
holds enough speech to speak for a voice (`new_s`). A shorter turn changes no speaker: it is the
known speaker it sounds like (by the same `join`), else, for now, the known speaker it sounds most like
(a short reply is weak evidence of a voice, but evidence: between two turns of one person it is most
often the other person's), the previous turn's where it sounds no more like anyone else (a "yeah" is
not a new person), and it waits: short turns that sound alike and together hold `new_s` of speech
are a new speaker (people in spontaneous talk say little at a time), and the turns waiting are
placed with a new speaker they sound like; a short turn heard with nobody to weigh it against (before anyone was
known: it showed nobody; or with one speaker known: it could only show them) is shown as the known speaker it sounds
most like when a speaker is found (a turn weighed between speakers keeps what was decided with the turns around it). A
turn is short by its speech (`new_s`), however it was embedded: the tagger embeds a turn under a voice's minimum as a
glimpse (`engine.live.speakers.GLIMPSE_S`), which says whose voice a reply is like. A turn too short to embed at all
goes with the voiced turn before it (with the one after it when none came before), as the offline grouping does: it
shows that turn's speaker, or the previous turn's while that one waits, and is placed with it once it has a speaker of
its own. Two speakers whose means have come to `merge` apart are one speaker: the later one is folded into the earlier
one, and the caller relabels what it showed.

The thresholds are the encoder's, for the band the recording's speech fills (`band.py`): in wide band GE2E
embeddings of one voice lie about 0.75–0.95 apart by cosine, different voices 0.3–0.7; through a telephone
line every voice sounds more like every other, and the lines move up (`ClusterRule.for_band`). When the
user knows how many people speak (`SpeakerCount`), the count wins over the thresholds: no speaker beyond
the most (a new voice is the known one it is most like — unless the speaker heard least was heard for less time
than this voice in one turn and sounds more like another speaker than the voice does like anyone: it joins that
speaker, and the new voice takes its place), the turns waiting are shown as the voice each is most like once as
many voices as the most are known, no merge below the least, and the offline grouping joins groups until there are
no more than the most, and stops at the least.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from captioner.speaker_count import ANY_COUNT, SpeakerCount

__all__ = ["Assignment", "ClusterRule", "OnlineSpeakers", "cluster_offline", "speaker_id"]


def speaker_id(n: int) -> str:
    """The stable id of the n-th speaker found (1-based): what captions carry and names are keyed by."""
    return f"speaker-{n}"


@dataclass(frozen=True)
class ClusterRule:
    """Where the lines between voices are drawn: how alike a turn must be to join a speaker, two speakers to be one, and
    how much speech founds one."""

    join: float = 0.72  # cosine to a speaker's mean voice that makes a turn theirs
    merge: float = 0.82  # two speakers' means this close are one speaker
    new_s: float = 3.2  # seconds of speech a turn needs to start a speaker, or to add to one (offline: a group, to be one): two of the encoder's windows

    @classmethod
    def for_band(cls, narrow: bool) -> ClusterRule:
        """The rule for speech in wide band, or through a telephone-like band (`band.BandMeter.narrow`)."""
        return NARROW_RULE if narrow else cls()


NARROW_RULE = ClusterRule(join=0.83, merge=0.86)  # telephone band (benchmarks/README.md, "Speakers", "Through a telephone line")


@dataclass(frozen=True)
class Assignment:
    """What placing one turn decided: its speaker, the speakers found to be one, and the earlier turns it placed."""

    speaker: str  # the speaker id given to the turn; "" when none could be
    merged: dict[str, str] = field(default_factory=dict)  # speakers folded into another: old id → surviving id
    placed: dict[object, str] = field(default_factory=dict)  # earlier turns (by the caller's token) now given a speaker


@dataclass
class _Speaker:
    id: str
    total: np.ndarray  # weighted sum of the embeddings
    weight: float

    @property
    def mean(self) -> np.ndarray:
        return self.total / max(np.linalg.norm(self.total), 1e-9)

    def likeness(self, e: np.ndarray) -> float:
        """How alike a voice is to this speaker's: its cosine similarity to each of the speaker's turns, averaged
        (weighed by their speech), as the offline grouping's average linkage. On the scale of one turn against another
        however many turns the speaker has: the direction of many turns' mean lies closer to every voice near it than
        any one turn does (their differences average out), and its length, shorter the more the turns vary, takes that
        back. Against the mean's direction alone, a second person with a voice like the first would join them once the
        first had spoken a few times (benchmarks/README.md, "Speakers", "Through a telephone line")."""
        return float(e @ self.total) / max(self.weight, 1e-9)


@dataclass
class _Waiting:
    turn: object  # the caller's token for it
    embedding: np.ndarray
    speech_s: float
    shown: str = ""  # the speaker it is shown as meanwhile
    unweighed: bool = False  # shown with nobody else to weigh it against (no speaker known, or one): shown again as the
    # voice it is most like when a speaker is found


WEIGHED_FROM = 2  # speakers known before a turn can be weighed between them
MAX_WAITING = 20  # short turns of no known voice kept to found or join a speaker later


class OnlineSpeakers:
    """The speakers found so far in one stream of turns (one channel)."""

    def __init__(self, rule: ClusterRule = ClusterRule(), count: SpeakerCount = ANY_COUNT) -> None:
        self.rule = rule
        self.count = count
        self._speakers: list[_Speaker] = []
        self._waiting: list[_Waiting] = []
        self._found = 0
        self._last = ""
        self._voiced: object = None  # the caller's token of the last turn with a voice; None before any
        self._unvoiced: list[tuple[object, object]] = []  # turns too short to embed, each with the voiced turn it goes with (None: the next)

    @property
    def speakers(self) -> list[str]:
        """The ids of the speakers there are now, oldest first."""
        return [s.id for s in self._speakers]

    def assign(self, embedding: np.ndarray | None, speech_s: float, *, changed: bool = False, turn: object = None,
               whispered: bool = False) -> Assignment:
        """The speaker of a turn with this voice `embedding` (None: too little speech to embed) and `speech_s` seconds
        of speech; the speakers it showed to be one; the earlier turns it placed. `changed`: the turn was cut from the
        one next to it because the voice changed (`turns.change_at`): evidence enough of its own voice to start a
        speaker, however short. `turn`: the caller's token for it, given back in a later `placed`. `whispered`: too
        little of a voice however long (`voicing.whispered`): placed as a short turn is."""
        if whispered:
            speech_s, changed = 0.0, False
        if embedding is None:
            if turn is not None and (self._voiced is None or any(w.turn == self._voiced for w in self._waiting)):
                self._unvoiced = [*self._unvoiced, (turn, self._voiced)][-MAX_WAITING:]
            return Assignment(self._last)
        e = np.asarray(embedding, dtype=np.float64)
        best, sim = self._closest(e)
        sure = speech_s >= self.rule.new_s or changed
        part = self._part_of_someone(speech_s, sim) if sure and sim < self.rule.join else None
        if part is not None:
            keep, gone = sorted(part, key=self._speakers.index)
            merged = self._fold(keep, gone)
            return self._voiced_turn(turn, replace(self._new(e, speech_s, []), merged=merged), waits=False)
        if best is not None and (sim >= self.rule.join or (sure and not self.count.room(len(self._speakers)))):
            if sure:
                best.total += e * speech_s
                best.weight += speech_s
            self._last = best.id
            return self._voiced_turn(turn, Assignment(best.id, self._merge(best) if sure else {}), waits=False)
        if sure:
            return self._voiced_turn(turn, self._new(e, speech_s, []), waits=False)
        alike = [w for w in self._waiting if float(w.embedding @ e) >= self.rule.join]
        if speech_s + sum(w.speech_s for w in alike) >= self.rule.new_s and self.count.room(len(self._speakers)):
            return self._voiced_turn(turn, self._new(e, speech_s, alike), waits=False)  # short turns that sound alike: together, a voice
        shown = self._reply_to(best, sim, e)
        if turn is not None:
            self._waiting = [*self._waiting, _Waiting(turn, e, speech_s, shown, unweighed=len(self._speakers) < WEIGHED_FROM)][-MAX_WAITING:]
        return self._voiced_turn(turn, Assignment(shown), waits=True)

    def _reply_to(self, best: _Speaker | None, sim: float, e: np.ndarray) -> str:
        """Who a short turn like no known voice is shown as, for now: the known speaker it sounds most like, weakly as
        its voice says so (a reply between two turns of one person is most often the other person's), the previous
        turn's speaker where it sounds no more like anyone else (a "yeah" is not a new person)."""
        previous = next((s for s in self._speakers if s.id == self._last), None)
        if best is None or previous is None or previous.likeness(e) >= sim:
            return self._last
        return best.id

    def _voiced_turn(self, turn: object, got: Assignment, *, waits: bool) -> Assignment:
        """`got` for a voiced turn (`waits`: it has no speaker of its own yet), with the turns too short to embed that
        go with it, or with a turn it placed, placed too."""
        if turn is None:
            return got
        self._unvoiced = [(t, turn if anchor is None else anchor) for t, anchor in self._unvoiced]
        self._voiced = turn
        known = dict(got.placed) if waits else {**got.placed, turn: got.speaker}
        placed = {t: known[anchor] for t, anchor in self._unvoiced if anchor in known}
        if not placed:
            return got
        self._unvoiced = [(t, anchor) for t, anchor in self._unvoiced if t not in placed]
        return replace(got, placed={**got.placed, **placed})

    def _new(self, e: np.ndarray, speech_s: float, founders: list[_Waiting]) -> Assignment:
        """A new speaker of this voice (and of the waiting turns `founders`); the waiting turns that sound like it join."""
        self._found += 1
        speaker = _Speaker(speaker_id(self._found), e * speech_s, speech_s)
        for w in founders:
            speaker.total += w.embedding * w.speech_s
            speaker.weight += w.speech_s
        self._speakers.append(speaker)
        self._last = speaker.id
        placed = {w.turn: speaker.id for w in founders}
        for w in self._waiting:
            if w.turn not in placed and speaker.likeness(w.embedding) >= self.rule.join:
                placed[w.turn] = speaker.id
        self._waiting = [w for w in self._waiting if w.turn not in placed]
        for w in self._waiting:  # shown as the voice it sounds most like of those known now: once all are, or if never weighed
            like = max(self._speakers, key=lambda s: s.likeness(w.embedding)).id
            if (w.unweighed or not self.count.room(len(self._speakers))) and like != w.shown:
                w.shown = placed[w.turn] = like
            w.unweighed = w.unweighed and len(self._speakers) < WEIGHED_FROM
        return Assignment(speaker.id, placed=placed)

    def peek(self, embedding: np.ndarray, speech_s: float, *, whispered: bool = False) -> str | None:
        """The known speaker `assign` would give this turn now, changing nothing; None when it would be a new speaker
        (or nobody)."""
        if whispered:
            speech_s = 0.0
        best, sim = self._closest(np.asarray(embedding, dtype=np.float64))
        if best is not None and sim < self.rule.join and speech_s >= self.rule.new_s and self._part_of_someone(speech_s, sim) is not None:
            return None
        if best is not None and (sim >= self.rule.join or not self.count.room(len(self._speakers))):
            return best.id
        if speech_s < self.rule.new_s and self._last:
            return self._reply_to(best, sim, np.asarray(embedding, dtype=np.float64))
        return None

    def closest(self, embedding: np.ndarray) -> tuple[str | None, float]:
        """The known speaker this voice is most like, and their cosine similarity; (None, -1) with nobody known."""
        best, sim = self._closest(np.asarray(embedding, dtype=np.float64))
        return (best.id if best is not None else None), sim

    def _closest(self, e: np.ndarray) -> tuple[_Speaker | None, float]:
        if not self._speakers:
            return None, -1.0
        sims = [s.likeness(e) for s in self._speakers]
        k = int(np.argmax(sims))
        return self._speakers[k], sims[k]

    def _part_of_someone(self, speech_s: float, sim: float) -> tuple[_Speaker, _Speaker] | None:
        """With as many speakers as the count's most, and a voice of `speech_s` seconds in one turn that is `sim` alike
        to the known speaker it is most like: the speaker heard least and the one it sounds most like, when it was heard
        for less time than that turn and sounds more like that one than the voice does like anyone — it is likelier a
        part of someone (a stretch of one voice cut off as another, a laugh; as in the offline grouping, a voice heard
        least) than the voice is. None with room for a speaker, or no such speaker."""
        if self.count.room(len(self._speakers)) or len(self._speakers) < WEIGHED_FROM:
            return None
        least = min(self._speakers, key=lambda s: s.weight)
        voice = least.total / least.weight
        like = max((s for s in self._speakers if s is not least), key=lambda s: s.likeness(voice))
        return (least, like) if least.weight < speech_s and like.likeness(voice) > sim else None

    def _fold(self, keep: _Speaker, gone: _Speaker) -> dict[str, str]:
        """`gone` folded into `keep` (the earlier of the two); old id → surviving id."""
        keep.total += gone.total
        keep.weight += gone.weight
        self._speakers.remove(gone)
        if self._last == gone.id:
            self._last = keep.id
        return {gone.id: keep.id}

    def _merge(self, grown: _Speaker) -> dict[str, str]:
        """Fold into one the speakers the grown one has come close to, one after another (the survivor of each fold is
        weighed again against those left); old id → surviving (earliest) id, for every speaker folded on the way."""
        merged: dict[str, str] = {}
        while len(self._speakers) > self.count.least:
            voice = grown.total / grown.weight
            other = next((s for s in self._speakers if s is not grown and s.likeness(voice) >= self.rule.merge), None)
            if other is None:
                break
            keep, gone = (other, grown) if self._speakers.index(other) < self._speakers.index(grown) else (grown, other)
            folded = self._fold(keep, gone)
            merged = {old: keep.id if new == gone.id else new for old, new in merged.items()} | folded
            grown = keep
        return merged


def cluster_offline(embeddings: list[np.ndarray | None], speech_s: list[float], rule: ClusterRule = ClusterRule(),
                    count: SpeakerCount = ANY_COUNT, *, heard_as: Sequence[str] = (),
                    glimpses: Sequence[np.ndarray | None] = ()) -> list[int]:
    """Turns grouped by voice with the whole recording in hand: a group number per turn (0, 1, … in order of first
    appearance), or -1 for a turn with no embedding and no neighbour that has one.

    Agglomerative clustering, average linkage on cosine similarity: the two groups most alike are joined while they
    are at least `join` alike (every turn's voice weighed by its seconds of speech), never below the `count`'s least.
    Then, as live, a voice needs `new_s` of speech to be a speaker: a group with less joins the group it sounds most
    like (the smallest first) — unless the live captions told them apart (`heard_as`: the speaker each turn was shown as
    live, "" for none; a group is kept apart when its turns and the other group's were all shown as different speakers:
    live saw each turn whole and in its place in the talk, where the grouping sees sentences cut from it). With more
    groups left than the `count`'s most, the group with the least speech joins the group it sounds most like, whatever
    their likeness, until there are no more: told how many people speak, a voice heard least is likelier a part of one
    of them (a whisper, a laugh, a voice raised) than a person of their own, where joining the two groups most alike
    took two people for one when a part was unlike everyone. A turn too short for a voice but with a glimpse of one
    (`glimpses`: the voice of less speech, where `embeddings` has None) takes the group it sounds most like (on average
    over its turns, as the grouping compares), and moves no group; a turn with neither takes the group of the nearest
    turn in time that has a voice, the one before first.
    """
    n = len(embeddings)
    known = [i for i in range(n) if embeddings[i] is not None]
    groups: list[list[int]] = [[i] for i in known]
    if groups:
        e = np.stack([np.asarray(embeddings[i], dtype=np.float64) for i in known])
        sims = e @ e.T  # between groups: weighted average of their turns' similarities (Lance-Williams update)
        np.fill_diagonal(sims, -np.inf)
        weight = np.array([max(speech_s[i], 1e-3) for i in known])
        members = [[k] for k in range(len(known))]
        shown = [{heard_as[i]} - {""} if i < len(heard_as) else set() for i in known]  # live speakers of each group's turns

        def join(a: int, b: int) -> None:
            with np.errstate(invalid="ignore"):
                sims[a, :] = (weight[a] * sims[a, :] + weight[b] * sims[b, :]) / (weight[a] + weight[b])
            sims[:, a] = sims[a, :]
            sims[a, a] = sims[b, :] = sims[:, b] = -np.inf
            weight[a] += weight[b]
            members[a], members[b] = members[a] + members[b], []
            shown[a] |= shown[b]

        groups_left = len(known)
        while groups_left > max(1, count.least):
            a, b = divmod(int(np.argmax(sims)), len(known))
            if sims[a, b] < rule.join:
                break
            join(a, b)
            groups_left -= 1
        while groups_left > max(1, count.least):
            small = sorted((weight[k], k) for k in range(len(known)) if members[k] and weight[k] < rule.new_s)
            folds = [(k, int(np.argmax(sims[k]))) for _, k in small]
            fold = next(((k, j) for k, j in folds if not (shown[k] and shown[j] and not shown[k] & shown[j])), None)
            if fold is None:
                break
            join(fold[1], fold[0])
            groups_left -= 1
        while not count.room(groups_left - 1):  # more voices than the most given: fewer, whatever their likeness
            k = min((k for k in range(len(known)) if members[k]), key=lambda k: weight[k])
            join(int(np.argmax(sims[k])), k)
            groups_left -= 1
        groups = [[known[k] for k in m] for m in members if m]
    label = [-1] * n
    for g, items in enumerate(sorted(groups, key=min)):
        for i in items:
            label[i] = g
    voices_of = {label[i]: [] for i in known}
    for i in known:
        voices_of[label[i]].append(i)
    for i, glimpse in enumerate(glimpses):
        if glimpse is not None and embeddings[i] is None and voices_of:
            alike = {g: sum(float(np.asarray(embeddings[j]) @ glimpse) * speech_s[j] for j in items) / sum(speech_s[j] for j in items)
                     for g, items in voices_of.items()}
            label[i] = max(alike, key=alike.get)
    for i in range(n):
        if label[i] < 0:
            before = next((label[j] for j in range(i - 1, -1, -1) if embeddings[j] is not None), -1)
            label[i] = before if before >= 0 else next((label[j] for j in range(i + 1, n) if embeddings[j] is not None), -1)
    return label
