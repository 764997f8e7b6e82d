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
"""

from __future__ import annotations

from captioner.engine.filters import ends_sentence, normalise

__all__ = ["ends_utterance", "OPEN_ENDINGS"]

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
