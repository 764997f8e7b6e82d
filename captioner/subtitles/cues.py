"""Turning final captions into subtitle cues.

A cue holds at most a few short lines and stays on screen for a bounded time.
A long final caption is split into several cues along its word timestamps,
preferring breaks after sentence ends, then after commas, while keeping the
cues about equally full.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.subtitles.units import (
    CLAUSE_END,
    FULL_WIDTH_CHARS_PER_S,
    SENTENCE_END,
    break_offsets,
    is_unspaced,
    line_chars,
    pieces,
    unspaced,
)

CLOSERS = "\"'”’)]»"
_T = TypeVar("_T")

# Cost of a cue break by what precedes it, on the same scale as the fill cost
# (a cue that is x full costs (1 - x) ** 2).
SENTENCE_BREAK = 0.0
CLAUSE_BREAK = 0.12
WORD_BREAK = 0.35


@dataclass(frozen=True)
class Cue:
    """One subtitle on screen: lines of text from `start` to `end` (samples)."""

    start: int
    end: int
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def finals(events: Iterable[CaptionEvent]) -> Iterator[CaptionEvent]:
    """The final captions among `events`, in order."""
    return (event for event in events if event.final)


def final_cues(events: Iterable[CaptionEvent], **shape: float) -> Iterator[Cue]:
    """The cues of every final caption in `events`; `shape` goes to shape_cues."""
    for event in finals(events):
        yield from shape_cues(event, **shape)


def in_start_order(items: Iterable[_T], start: Callable[[_T], int]) -> list[_T]:
    """`items` sorted by their start; items that start together keep their order.

    Subtitle readers expect cues in start order, and finals of two people talking at
    once overlap: a long caption's second cue can start after the next caption's first.
    """
    return sorted(items, key=start)


def ordered_cues(events: Iterable[CaptionEvent]) -> list[tuple[CaptionEvent, Cue]]:
    """Every cue of the final captions in `events` with its caption, in start order."""
    return in_start_order(((event, cue) for event in finals(events) for cue in shape_cues(event)), lambda item: item[1].start)


def shape_cues(
    event: CaptionEvent,
    *,
    max_chars: int | None = None,
    max_lines: int = 2,
    max_duration_s: float = 7.0,
    min_duration_s: float = 1.0,
) -> list[Cue]:
    """Split a final caption into cues of bounded size and duration.

    Cues follow the word timestamps; without them the text is spread over the
    caption's span by character count. Cues never overlap and stay inside
    [event.start, event.end]. Lines hold at most `max_chars` characters: by
    default as many as the text's script takes (`units.line_chars`). A cue
    lasts at least `min_duration_s`, and one of full-width text (Chinese,
    Japanese) as long as it takes to read, where the next cue leaves room.
    """
    if max_chars is None:
        max_chars = line_chars(event.text)
    if max_chars < 1 or max_lines < 1 or max_duration_s <= 0:
        raise ValueError("max_chars, max_lines and max_duration_s must be positive")
    if not event.text.strip():
        return []
    words = _timed_words(event)
    max_len = round(max_duration_s * SAMPLE_RATE)
    groups = _group(words, max_chars, max_lines, max_len)
    spans = _place(
        [(group[0].start, group[-1].end) for group in groups],
        event.start,
        event.end,
        min_lens=[round(max(min_duration_s, reading_s(group)) * SAMPLE_RATE) for group in groups],
        max_len=max_len,
    )
    return [
        Cue(start, end, _balanced([w.text for w in group], max_chars))
        for group, (start, end) in zip(groups, spans)
    ]


def wrap_lines(text: str, max_chars: int | None = None, max_lines: int = 2) -> tuple[str, ...]:
    """Wrap `text` into as few lines as possible, balanced in length, of at most
    `max_chars` characters (by default as many as its script takes).

    A word longer than `max_chars` gets a line of its own; a line breaks at a
    space or between phrases of a script written without spaces (`units.pieces`). Raises
    ValueError when the text needs more than `max_lines` lines.
    """
    lines = _balanced(pieces(text), line_chars(text) if max_chars is None else max_chars)
    if len(lines) > max_lines:
        raise ValueError(f"text needs {len(lines)} lines of {max_chars} characters, more than {max_lines}")
    return lines


def _timed_words(event: CaptionEvent) -> list[Word]:
    """The event's non-blank words, spread by character count when it has none.

    A word keeps one leading space where it had any, so languages written
    without spaces are not given any. A word that goes on the one before it
    (see `_continues`) is joined to it, so no line or cue begins with it, and
    a lone opening bracket or quote is joined to the word after it.
    """
    words: list[Word] = []
    for w in event.words:
        body = " ".join(w.text.split())
        if not body:
            continue
        if words and (_continues(w.text) or (_opens(words[-1].text) and not w.text[:1].isspace())):
            words[-1] = _joined(words[-1], body, w)
        else:
            words.append(Word(w.text[:1].isspace() * " " + body, w.start, w.end, w.probability))
    return _phrases(words) or _spread(pieces(event.text), event.start, event.end)


def _phrases(words: list[Word]) -> list[Word]:
    """`words` joined into the pieces a line or cue may break between (`units.break_offsets`): Whisper times Japanese
    and Chinese by token ("サ", "イ", "ト"), and a line may break only where a phrase begins. Text written with spaces
    is left as it is."""
    text = "".join(w.text for w in words)
    if not any(map(is_unspaced, text)):
        return words
    starts = set(break_offsets(text))
    out: list[Word] = []
    at = 0
    for w in words:
        if out and at + len(w.text) - len(w.text.lstrip()) not in starts:
            out[-1] = _joined(out[-1], w.text, w)
        else:
            out.append(w)
        at += len(w.text)
    return out


def _joined(last: Word, text: str, word: Word) -> Word:
    """`last` with `word` joined on as `text`: one word over both their times, as sure as the less sure."""
    return Word(last.text + text, last.start, max(last.end, word.end), min(last.probability, word.probability))


def _continues(token: str) -> bool:
    """Whether a word token is the rest of the word before it.

    Whisper gives ".5" after " $16", "%" after " 3.2" and "-time" after " real":
    no leading space, and a punctuation mark or symbol first that does not open
    something (an opening bracket or quote belongs to what follows it).
    """
    if not token or token[0].isspace():
        return False
    category = unicodedata.category(token[0])
    return category[0] in "PS" and category not in ("Ps", "Pi")


def _opens(token: str) -> bool:
    """Whether a word token is nothing but opening brackets or quotes."""
    body = token.strip()
    return bool(body) and all(unicodedata.category(c) in ("Ps", "Pi") for c in body)


def _spread(tokens: list[str], start: int, end: int) -> list[Word]:
    """Words for `tokens` (`units.pieces`: each with its leading space, if any) over [start, end], placed as their
    characters are in the text."""
    total = max(sum(map(len, tokens)) - 1, 1)
    span = max(end - start, 0)
    words, at = [], 0
    for token in tokens:
        body = token.lstrip()
        at += len(token) - len(body) if at else 0
        words.append(Word(" " * (token != body) + body, start + span * at // total, start + span * (at + len(body)) // total))
        at += len(body)
    return words


def _group(words: list[Word], max_chars: int, max_lines: int, max_len: int) -> list[list[Word]]:
    """Split words into cues at the least total cost (fill plus break costs)."""
    n = len(words)
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    for k in range(1, n + 1):
        for i in range(k - 1, -1, -1):
            part = words[i:k]
            if i < k - 1 and not _fits(part, max_chars, max_lines, max_len):
                break
            cost = best[i] + _fill_cost(part, max_chars * max_lines, max_len)
            if k < n:
                cost += _break_cost(words[k - 1].text)
            if cost < best[k]:
                best[k], cut[k] = cost, i
    groups, k = [], n
    while k:
        groups.append(words[cut[k] : k])
        k = cut[k]
    return groups[::-1]


def _fits(part: list[Word], max_chars: int, max_lines: int, max_len: int) -> bool:
    return (
        part[-1].end - part[0].start <= max_len
        and len(_greedy([w.text for w in part], max_chars)) <= max_lines
    )


def _fill_cost(part: list[Word], max_chars: int, max_len: int) -> float:
    """(1 - fill) squared, fill being the larger of the text and time used."""
    chars = len("".join(w.text for w in part).strip())
    fill = max(chars / max_chars, (part[-1].end - part[0].start) / max_len)
    return (1.0 - min(fill, 1.0)) ** 2


def _break_cost(word: str) -> float:
    """Cost of ending a cue after `word`: lowest after a sentence end."""
    bare = word.rstrip(CLOSERS)
    if bare.endswith(SENTENCE_END):
        return SENTENCE_BREAK
    if bare.endswith(CLAUSE_END):
        return CLAUSE_BREAK
    return WORD_BREAK


def _greedy(tokens: list[str], width: int) -> list[str]:
    """Fill lines of `width` in order; an over-long token takes a line alone.

    Tokens carry their own leading space, dropped where a line begins.
    """
    lines: list[str] = []
    for token in tokens:
        if lines and len(lines[-1]) + len(token) <= width:
            lines[-1] += token
        else:
            lines.append(token.lstrip())
    return lines


def _balanced(tokens: list[str], max_chars: int) -> tuple[str, ...]:
    """The fewest lines of at most `max_chars`, with the longest line shortest."""
    count = len(_greedy(tokens, max_chars))
    return next(
        tuple(lines)
        for width in range(1, max_chars + 1)
        if len(lines := _greedy(tokens, width)) <= count
    )


def reading_s(group: list[Word]) -> float:
    """Seconds a viewer takes to read a cue of full-width text (`units.FULL_WIDTH_CHARS_PER_S`); 0 for other text."""
    text = "".join(w.text for w in group).strip()
    return len(text) / FULL_WIDTH_CHARS_PER_S if unspaced(text) else 0.0


def _place(
    spans: list[tuple[int, int]], lo: int, hi: int, *, min_lens: list[int], max_len: int
) -> list[tuple[int, int]]:
    """Clamp spans into [lo, hi] without overlaps, then lengthen short ones.

    A span longer than `max_len` is cut to it; one shorter than its `min_lens`
    is extended as far as the next span (or `hi`) allows.
    """
    clamped, floor = [], lo
    for start, end in spans:
        start = min(max(start, floor), hi)
        end = min(max(end, start), hi, start + max_len)
        clamped.append((start, end))
        floor = end
    nexts = [start for start, _ in clamped[1:]] + [hi]
    return [
        (start, max(end, min(start + min(min_len, max_len), limit)))
        for (start, end), limit, min_len in zip(clamped, nexts, min_lens)
    ]
