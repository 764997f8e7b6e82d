"""Voting between transcripts of the same speech: lined up word by word, the words most of them heard."""

from __future__ import annotations

from captioner.engine.offline.vote import MOST_WORDS, PAUSE_S, aligned, stretches, voted
from captioner.events import SAMPLE_RATE, Word


def said(text: str, start_s: float = 0.0, step_s: float = 0.3, probability: float = 1.0) -> list[Word]:
    """`text`'s words one after another from `start_s`, each `step_s` long."""
    return [Word(f" {w}", round((start_s + n * step_s) * SAMPLE_RATE), round((start_s + (n + 1) * step_s) * SAMPLE_RATE), probability)
            for n, w in enumerate(text.split())]


def text(words: list[Word]) -> str:
    return "".join(w.text for w in words).strip()


def test_a_word_two_of_three_transcripts_heard_is_kept_and_one_only_one_wrote_goes() -> None:
    first = said("Lord, wait, I'm glad to see you again, Phil.")
    second = said("Lord, but I'm glad to see you again, sir.")
    third = said("Lord, but I'm glad to see you again, Phil.")
    assert text(voted([first, second, third])) == "Lord, but I'm glad to see you again, Phil."
    assert text(voted([first, said("Lord, I'm glad to see you, Phil."), said("Lord, I'm glad to see you again, Phil. Thank you.")])) \
        == "Lord, I'm glad to see you again, Phil."  # "wait" and "Thank you." one transcript's only; "again" two's


def test_a_tie_goes_to_the_first_transcript_and_a_kept_word_is_the_first_transcripts_that_has_it() -> None:
    first = said("ask not what your country", probability=0.9)
    second = said("as not what you're country", start_s=0.05, probability=0.5)
    third = said("ask knot what your county", start_s=0.1, probability=0.7)
    out = voted([first, second, third])
    assert text(out) == "ask not what your country"
    assert out == first  # every kept word is the first transcript's own (its time, its probability)
    out = voted([said("as not"), said("Ask not.", start_s=0.05), said("ask, not", start_s=0.1)])
    assert text(out) == "Ask not"  # "as" one vote against two for "ask": the second's word, as it wrote it
    assert out[0].start == round(0.05 * SAMPLE_RATE)
    assert text(voted([said("one two"), said("one three"), said("one four")])) == "one two"  # three ways: the first's


def test_two_transcripts_give_the_first_one() -> None:
    first, second = said("we are glad to welcome his gospel"), said("we were glad to welcome this gospel too")
    assert voted([first, second]) == first
    assert voted([first]) == first
    assert voted([first, []]) == first
    assert voted([[], [], []]) == []


def test_transcripts_are_lined_up_by_their_words() -> None:
    columns = aligned([said("the cat sat on the mat"), said("a cat sat on mat"), said("the cat sad on the mat today")])
    rows = [[w.text.strip() if w is not None else None for w in column] for column in columns]
    assert rows == [["the", "a", "the"], ["cat", "cat", "cat"], ["sat", "sat", "sad"], ["on", "on", "on"],
                    ["the", None, "the"], ["mat", "mat", "mat"], [None, None, "today"]]
    rows = [[w.text.strip() if w is not None else None for w in column]
            for column in aligned([said("No, Mr. Quilter."), said("no mister quilter"), said("Mr. Quilter")])]
    assert rows == [["No,", "no", None], ["Mr.", "mister", "Mr."], ["Quilter.", "quilter", "Quilter"]]  # by normalised words


def test_transcripts_are_cut_at_the_pauses_all_of_them_leave() -> None:
    first = said("one two three") + said("four five", start_s=3.0)  # a pause of 2.1 s in each
    second = said("one two tree") + said("for five", start_s=3.1)
    four = Word(" four", round(1.5 * SAMPLE_RATE), round(2.4 * SAMPLE_RATE))
    third = [*said("one two three"), four, *said("five", start_s=3.2)]  # but "four" said in it: no cut there
    parts = stretches([first, second])
    assert [[text(words) for words in part] for part in parts] == [["one two three", "one two tree"], ["four five", "for five"]]
    assert len(stretches([first, second, third])) == 1
    short = said("one two three") + said("four five", start_s=0.9 + 0.9 * PAUSE_S)  # a pause under PAUSE_S
    assert len(stretches([short, short])) == 1


def test_a_long_stretch_without_a_long_pause_is_cut_at_its_longest_pauses() -> None:
    words = []
    at = 0.0
    for n in range(3 * MOST_WORDS):
        words.append(Word(" word", round(at * SAMPLE_RATE), round((at + 0.2) * SAMPLE_RATE)))
        at += 0.25 if n % 50 else 0.4  # a longer pause every 50 words
    parts = stretches([words, words, words])
    assert len(parts) > 2
    assert all(len(part[0]) <= MOST_WORDS for part in parts)
    assert [w for part in parts for w in part[0]] == words  # nothing lost, nothing twice
    assert voted([words, words[:-1], words]) == words


def test_transcripts_that_leave_no_pause_are_cut_all_the_same() -> None:
    """Words read back from subtitles are spread over whole cues, one cue running into the next: no pause is left that
    all transcripts leave, and the first transcript's pauses cut the stretches; with none there either, the middle of
    the words does. An hour of speech is never lined up in one piece."""
    spoken = [Word(" word", n * 4800, n * 4800 + 3200) for n in range(3 * MOST_WORDS)]  # 0.1 s between words
    spread = [Word(" word", n * 4800, (n + 1) * 4800) for n in range(3 * MOST_WORDS)]  # no gap at all
    for transcripts in ([spoken, spread], [spread, spread]):
        parts = stretches(transcripts)
        assert len(parts) > 2 and all(len(words) <= MOST_WORDS for part in parts for words in part)
        assert [[w for part in parts for w in part[n]] for n in range(2)] == transcripts  # nothing lost, nothing twice
    assert stretches([[Word(" a", 0, 100)] * (MOST_WORDS + 1)]) == [[[Word(" a", 0, 100)] * (MOST_WORDS + 1)]]  # one moment
