"""Whether the words heard so far end what the speaker was saying.

The segmenter ends a segment after a short silence only when the words so far end a sentence;
after words that leave a phrase open it waits longer (`SegmenterConfig.phrase_hangover_ms`), so a
mid-phrase pause ("here is a ... long pause") does not cut the phrase in two halves that are then
decoded apart. Whisper writes sentence punctuation from the audio and the words together: a falling
voice and a finished clause end in ".", "?" or "!", a trailing-off one in "..." or nothing. It
also puts a full stop after a phrase cut short ("The meeting will start at." for "... start at |
nine"), so a sentence that ends on a word that cannot end one (an article, a preposition, a
conjunction, a possessive) is taken as open. The segmenter also waits for the pass itself: a
pause whose words are not known yet ends the segment only after the longer wait. When the pass
comes back after the speaker went on, and its words end a sentence, the segment still ends at that
pause if it lasted the short hang-over: the cut is the one the words would have made in time.
With a small interim model beside a big one, the small model's draft over the speech up to the
pause speaks first (a big model's pass takes seconds, longer than any hang-over).
While the engine is too far behind to run pause passes there are no words to go by, and silence
alone decides (`tell_gate`).

Speech that runs on without a pause is cut at the segmenter's length limit; the gate is also told where the
latest pass's words end a sentence or clause (`clause_ends`), so that the cut falls between two clauses rather
than inside a word or between a verb and its clause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from captioner.engine.filters import ends_sentence, normalise
from captioner.engine.live.pacing import FINALS_ONLY
from captioner.subtitles.units import CLAUSE_END, CLOSERS, SENTENCE_END

if TYPE_CHECKING:
    from captioner.engine.live.segmenter import SpeechGate
    from captioner.engine.live.segments import Segment
    from captioner.engine.models.recognizer import Transcript
    from captioner.events import Word

__all__ = ["checked_words", "clause_ends", "ends_utterance", "heard_to", "OPEN_ENDINGS", "says_ended", "tell_gate", "words_end"]

# English words that end a statement only when something was cut off after them (articles,
# prepositions, conjunctions, possessive determiners); a question may end on one ("where from?")
OPEN_ENDINGS = frozenset(
    """a an the and or but nor because if than whereas although though unless whether of to in at by
    for from with into onto between through during my your our their its""".split()
)


def ends_utterance(text: str) -> bool:
    """True when `text` (a pass over the speech up to a pause) ends a sentence, or holds no words."""
    text = text.strip()
    if not text:
        return True
    if text.rstrip("\"')»”’").endswith(("...", "…")):
        return False  # trailing off: more is coming
    if not ends_sentence(text):
        return False
    if text.rstrip("\"')»”’").endswith("?"):
        return True
    last = normalise(text.split()[-1]).split()
    return not last or last[-1] not in OPEN_ENDINGS


def says_ended(result: Transcript, level: int) -> bool:
    """Whether a pass's words say the segment may end at its pause: they end a sentence, and the engine (at `level`,
    `pacing`) is not too far behind to go by words."""
    return level < FINALS_ONLY and ends_utterance(result.text)


def heard_to(seg: Segment, level: int) -> tuple[int, bool]:
    """(audio end, whether its words end a sentence) of the latest pass back over `seg` that may say so: the final
    model's, or a pause draft over more speech; (-1, False) before any."""
    heard = (-1, False) if seg.best is None else (seg.best[0], says_ended(seg.best[1], level))
    if seg.draft_heard is not None and seg.draft_heard[0] > heard[0]:
        heard = seg.draft_heard
    return heard


def checked_words(seg: Segment) -> tuple[Word, ...]:
    """The words of the latest pass back over `seg` that may be its final, clip-relative; none before one, or from a
    pass that failed its checks (its word times may not fit the audio)."""
    return () if seg.best is None or seg.best[1].problem else seg.best[1].words


def clause_ends(seg: Segment) -> list[tuple[int, int]]:
    """Where the latest pass back over `seg` that may be its final says its words end a sentence or clause: (where
    that word ends, where the next word starts), on the audio clock (`checked_words`). Not after the pass's last
    word: Whisper ends speech cut off mid-phrase with a full stop."""
    words = checked_words(seg)
    return [(seg.start + w.end, seg.start + nxt.start) for w, nxt in zip(words, words[1:])
            if w.text.strip().rstrip(CLOSERS).endswith(SENTENCE_END + CLAUSE_END)]


def words_end(seg: Segment) -> int | None:
    """Where the words of the latest pass back over `seg` that may be its final end, on the audio clock
    (`checked_words`); None without any."""
    words = checked_words(seg)
    return seg.start + words[-1].end if words else None


def tell_gate(gate: SpeechGate, seg: Segment | None, level: int) -> None:
    """Tell the segmenter's gate how far the open segment `seg`'s words are known to end a sentence: by the latest
    pass that may say so (`heard_to`), and where they end a clause (`clause_ends`); silence alone while the engine is
    too far behind for pause passes."""
    if level >= FINALS_ONLY:
        gate.judge_by_silence()
    elif seg is None:
        gate.judge_by_words(None)
        gate.clause_ends(())
    else:
        end, ends = heard_to(seg, level)
        gate.judge_by_words(end if ends else None)
        gate.clause_ends(clause_ends(seg), words_end(seg))
