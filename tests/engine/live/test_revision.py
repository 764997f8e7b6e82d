from captioner.engine.live.revision import (
    RevisionRule,
    doubled,
    due,
    mean_probability,
    moved_only,
    passes_over,
    replaces,
    settled,
    share,
)
from captioner.events import SAMPLE_RATE, Word

S = SAMPLE_RATE
RULE = RevisionRule(pause_s=1.5, span_s=24.0)


def test_nothing_waits_nothing_is_due():
    assert due([], 100 * S, speaking=False, finished=True, rule=RULE) == 0


def test_finals_wait_while_the_speaker_talks_or_only_just_stopped():
    spans = [(0, 3 * S), (4 * S, 7 * S)]
    assert due(spans, S, speaking=False, finished=False, rule=RULE) == 0  # silent 1 s since the last one's speech
    assert due(spans, 20 * S, speaking=True, finished=False, rule=RULE) == 0  # a new segment is open


def test_a_pause_after_the_latest_final_revises_them_all():
    spans = [(0, 3 * S), (4 * S, 7 * S)]
    assert due(spans, 3 * S // 2, speaking=False, finished=False, rule=RULE) == 2


def test_the_oldest_that_fit_in_one_window_go_at_once_even_while_speaking():
    spans = [(0, 10 * S), (11 * S, 20 * S), (21 * S, 26 * S)]
    assert due(spans, 0, speaking=True, finished=False, rule=RULE) == 2


def test_one_final_longer_than_the_span_still_goes_alone():
    spans = [(0, 30 * S), (31 * S, 33 * S)]
    assert due(spans, 0, speaking=True, finished=False, rule=RULE) == 1


def test_at_the_end_of_the_audio_everything_left_is_revised():
    spans = [(0, 3 * S)]
    assert due(spans, 0, speaking=False, finished=True, rule=RULE) == 1


def word(text, start_s, end_s):
    return Word(" " + text, round(start_s * S), round(end_s * S))


def test_words_go_to_the_segment_they_were_said_in_or_the_nearest():
    spans = [(0, 2 * S), (3 * S, 5 * S)]
    words = [word("one", 0.2, 0.5), word("two", 1.7, 2.4), word("three", 2.6, 2.9), word("four", 3.5, 4.0),
             word("five", 5.5, 6.0)]
    parts = share(words, spans)
    assert [[w.text.strip() for w in part] for part in parts] == [["one", "two"], ["three", "four", "five"]]


def test_no_spans_no_parts():
    assert share([word("one", 0, 1)], []) == []


def test_a_final_takes_a_revision_that_says_something_else_and_keeps_its_words():
    assert replaces("The Montreal Forest Liner.", "The Montreal forced aligner.")
    assert not replaces("Good morning, everyone.", "good morning everyone")  # the same words
    assert not replaces("one two three four five six", "one two")  # the pass passed over most of it
    assert replaces("one two three four five six", "one two three")
    assert not replaces("Thank you.", "")


def test_a_final_may_keep_its_words_when_the_model_was_surer_of_them():
    assert replaces("lazy nog", "lazy dog", live_p=0.6, revised_p=0.8)
    assert not replaces("lazy dog", "lazy nog", live_p=0.8, revised_p=0.6)
    # with a margin, words the model is hardly surer of do not redraw a line already read
    assert not replaces("that, as an example", "that has an example", live_p=0.857, revised_p=0.8575, margin=0.01)
    assert replaces("that, as an example", "that has an example", live_p=0.857, revised_p=0.8575)
    assert replaces("lazy nog", "lazy dog", live_p=0.6, revised_p=0.62, margin=0.01)
    assert mean_probability([Word(" a", 0, 1, 0.5), Word(" b", 1, 2, 1.0)]) == 0.75
    assert mean_probability([]) == 0.0


def test_a_revision_that_leaves_out_speech_the_final_had_words_for_passes_over_it():
    live = [word("I", 0.0, 0.2), word("am", 0.2, 0.4), word("here.", 0.4, 0.8), word("You", 4.0, 4.2), word("can", 4.2, 4.5),
            word("call", 4.5, 4.8), word("me", 4.8, 5.0), word("Abbie.", 5.0, 5.6)]
    assert passes_over(live, live[:3])  # the second sentence, 3.2 s after the first ends, is gone
    assert passes_over(live, live[3:])  # so is the first
    assert passes_over(live, [])
    assert not passes_over([], [])
    # words heard otherwise, fewer or more, within the gap of the final's: nothing passed over
    assert not passes_over(live, [word("I'm", 0.0, 0.4), word("here.", 0.4, 0.8), word("Call", 4.3, 4.8), word("me", 4.8, 5.0),
                                  word("Abby.", 5.0, 5.6)])
    assert not passes_over(live, live[:3] + [word("Abbie.", 5.0, 5.6)])  # "You can call me" lies within 2.5 s of it
    assert passes_over(live, live[:3], gap_s=4.0) and not passes_over(live, live[:3], gap_s=4.5)  # "Abbie." 4.2 s on


def test_words_moved_across_a_line_end_redraw_no_line():
    shown = ["Lord, but I'm glad to see you again, Phil.", "Mr. Quilter is the apostle of the middle classes.", "He was not an old-sposed young man."]
    heard = ["Lord, but I'm glad to see you again,", "Phil. Mr. Quilter is the apostle of the middle classes", "He was not an ill-disposed young man."]
    assert moved_only(shown, heard) == [True, True, False]  # the third heard a word differently: revised as before
    # over three lines: a word moved on from each to the next
    assert moved_only(["a b", "c d", "e"], ["a", "b c", "d e"]) == [True, True, True]
    # a line given no words, its words heard in its neighbour's
    assert moved_only(["one two", "three"], ["one two three", ""]) == [True, True]


def test_other_words_are_no_move():
    assert moved_only(["a b", "c d"], ["a", "b x d"]) == [False, False]  # "c" heard as "x": both lines may be revised
    assert moved_only(["a b"], ["a c"]) == [False]
    assert moved_only(["a b", "c"], ["a b", "c"]) == [True, True]  # the same words where they were: nothing to redraw either
    assert moved_only([], []) == []


def test_a_word_dated_across_a_line_end_beside_a_line_kept_as_shown_is_not_written_twice():
    # the pass passed over "But um" and dated "Montreal" into the next line, which takes it with its other words
    shown = [["But", "um", "Montreal."], ["but,", "um,", "but..."], ["Forest", "Lane."]]
    heard = [[], ["Montreal,", "but", "Montreal"], ["Forest", "Lane."]]
    assert doubled(shown, heard, [False, True, False]) == [(0, 0), (1, 0), (0, 0)]
    # and mirrored: the line before takes the next line's first words, which that line keeps
    assert doubled([["so", "we", "went"], ["home", "at", "last."]], [["so", "we", "went", "home", "at"], []],
                   [True, False]) == [(0, 2), (0, 0)]


def test_words_said_twice_or_had_there_already_stay():
    shown = [["No."], ["no,", "I", "said"]]
    assert doubled(shown, [["No."], ["No,", "I", "said", "so"]], [False, True]) == [(0, 0), (0, 0)]  # heard on both sides
    assert doubled([["No."], ["no", "I", "said"]], [[], ["no,", "I", "sat"]], [False, True]) == [(0, 0), (0, 0)]  # had it
    assert doubled([["No."], ["I", "said"]], [[], ["No.", "I", "sat"]], [True, True]) == [(0, 0), (0, 0)]  # both revised
    assert doubled([["No."], ["I", "said"]], [[], ["No."]], [False, True]) == [(0, 0), (1, 0)]  # all of it: nothing left
    assert doubled([], [], []) == []


def test_a_line_that_no_longer_takes_its_words_keeps_its_own_and_its_other_seam_is_looked_at_again():
    # the pass heard "But Montreal," | "but Montreal" | "forced the liner.": the second line's last word is the third
    # line's first (kept as shown); without it that line keeps only one word of four and keeps its own text, which
    # begins with the word the first line took at its end
    shown = [["What", "I'm..."], ["Montreal,", "but,", "um,", "but..."], ["Montreal", "Force", "Liner."]]
    heard = [["But", "Montreal,"], ["but", "Montreal"], ["forced", "the", "liner."]]

    def still_takes(i, head, tail):
        return replaces(" ".join(shown[i]), " ".join(heard[i][head : len(heard[i]) - tail]))

    assert doubled(shown, heard, [True, True, False]) == [(0, 0), (0, 1), (0, 0)]
    assert settled(shown, heard, [True, True, False], still_takes) == ([True, False, False], [(0, 1), (0, 0), (0, 0)])
    # nothing at any seam: the choices stand as they were
    assert settled(shown, [["What", "I'm"], ["x"], []], [True, True, False], still_takes) == ([True, True, False], [(0, 0)] * 3)
