from __future__ import annotations

import pytest

from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.subtitles.cues import Cue, final_cues, shape_cues, wrap_lines

LONG_TEXT = (
    "So today we're going to talk about the new release. It has a lot of changes, "
    "most of them small, but a few are quite important for everyone who deploys "
    "the service on their own machines. First, the configuration format changed. "
    "Second, we dropped support for the old database driver, which nobody used anyway. "
    "Questions? Okay, let's go."
)


def timed_words(text: str, start: int, end: int) -> tuple[Word, ...]:
    """Words of `text` spread over [start, end] the way speech is: longer words take
    longer, short gaps between words and longer pauses after sentences."""
    tokens = text.split()
    lengths = [0.1 + 0.06 * len(t) for t in tokens]
    gaps = [0.35 if t.endswith((".", "?", "!")) else 0.05 for t in tokens[:-1]] + [0.0]
    scale = (end - start) / sum(lengths + gaps)
    words, t = [], float(start)
    for token, length, gap in zip(tokens, lengths, gaps):
        words.append(Word(" " + token, round(t), round(t + length * scale), 0.9))
        t += (length + gap) * scale
    return tuple(words)


def final(text: str, start_s: float, end_s: float, *, id: int = 1, words: bool = True) -> CaptionEvent:
    start, end = round(start_s * SAMPLE_RATE), round(end_s * SAMPLE_RATE)
    return CaptionEvent(id, start, end, text, True, timed_words(text, start, end) if words else ())


def check_cues(cues: list[Cue], event: CaptionEvent, max_chars: int = 42, max_lines: int = 2) -> None:
    assert cues
    for cue in cues:
        assert 1 <= len(cue.lines) <= max_lines
        assert all(0 < len(line) <= max_chars for line in cue.lines)
        assert cue.lines == tuple(line.strip() for line in cue.lines)
        assert event.start <= cue.start < cue.end <= event.end
        assert cue.end - cue.start <= 7 * SAMPLE_RATE
    for before, after in zip(cues, cues[1:]):
        assert before.end <= after.start
    assert " ".join(" ".join(cue.lines) for cue in cues).split() == event.text.split()


def test_long_final_becomes_bounded_ordered_cues():
    assert len(LONG_TEXT.split()) >= 55
    event = final(LONG_TEXT, 3.0, 23.0)
    cues = shape_cues(event)
    check_cues(cues, event)
    assert len(cues) >= 4
    assert cues[0].start == event.words[0].start
    assert cues[-1].end == event.words[-1].end


def test_cue_spans_follow_word_timestamps():
    event = final(LONG_TEXT, 0.0, 20.0)
    cues = shape_cues(event)
    words = iter(event.words)
    for cue in cues:
        group = [next(words) for _ in " ".join(cue.lines).split()]
        assert cue.start == group[0].start
        assert cue.end == max(group[-1].end, min(cue.start + SAMPLE_RATE, cue.end))


@pytest.mark.parametrize("seconds", [6.0, 20.0, 45.0, 90.0])
def test_any_speaking_rate_keeps_the_limits(seconds: float):
    event = final(LONG_TEXT, 1.0, 1.0 + seconds)
    cues = shape_cues(event)
    check_cues(cues, event)


def test_slow_speech_is_split_by_duration():
    event = final("one two three four five six seven eight", 0.0, 24.0)
    cues = shape_cues(event)
    check_cues(cues, event)
    assert len(cues) >= 4


def test_narrow_cues_keep_their_limits():
    event = final(LONG_TEXT, 0.0, 20.0)
    cues = shape_cues(event, max_chars=20, max_lines=3, max_duration_s=4.0)
    for cue in cues:
        assert len(cue.lines) <= 3 and all(len(line) <= 20 for line in cue.lines)
        assert cue.end - cue.start <= 4 * SAMPLE_RATE
    assert " ".join(cue.text.replace("\n", " ") for cue in cues) == " ".join(LONG_TEXT.split())


def test_breaks_after_a_sentence_end():
    text = (
        "The meeting starts at nine tomorrow morning. "
        "Please bring your laptop and the printed agenda for the review."
    )
    cues = shape_cues(final(text, 0.0, 8.0))
    assert [cue.text.replace("\n", " ") for cue in cues] == [
        "The meeting starts at nine tomorrow morning.",
        "Please bring your laptop and the printed agenda for the review.",
    ]


def test_breaks_after_a_comma_when_no_sentence_ends():
    text = (
        "When the nightly build finishes on the main branch, "
        "the release job uploads all of the packages to the public mirror"
    )
    cues = shape_cues(final(text, 0.0, 9.0))
    assert [cue.text.replace("\n", " ") for cue in cues] == [
        "When the nightly build finishes on the main branch,",
        "the release job uploads all of the packages to the public mirror",
    ]


def test_an_early_sentence_end_does_not_leave_a_tiny_cue():
    text = (
        "Yes. We looked at the numbers from last quarter and the results are "
        "better than expected in almost every region we track."
    )
    event = final(text, 0.0, 9.0)
    cues = shape_cues(event)
    check_cues(cues, event)
    assert len(cues) == 2
    assert cues[0].text != "Yes."


def test_lines_are_balanced():
    text = "This sentence is about sixty characters long when it is spoken."
    (cue,) = shape_cues(final(text, 0.0, 4.0))
    assert len(cue.lines) == 2
    assert abs(len(cue.lines[0]) - len(cue.lines[1])) <= 8


def test_short_final_is_one_cue():
    event = final("Hello there, everyone.", 2.0, 4.0)
    (cue,) = shape_cues(event)
    assert cue.lines == ("Hello there, everyone.",)
    assert cue.start == event.words[0].start
    assert cue.end == event.words[-1].end


def test_word_longer_than_a_line_gets_a_line_of_its_own():
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis-related"
    assert len(long_word) > 42
    event = final(f"The doctor said {long_word} issues are rare.", 0.0, 6.0)
    cues = shape_cues(event)
    lines = [line for cue in cues for line in cue.lines]
    assert long_word in lines
    assert all(len(line) <= 42 for line in lines if line != long_word)
    assert " ".join(lines).split() == event.text.split()


def test_short_cue_is_extended_to_the_minimum_duration():
    start = 1 * SAMPLE_RATE
    event = CaptionEvent(1, start, 5 * SAMPLE_RATE, "Hi.", True, (Word(" Hi.", start, start + 3200),))
    (cue,) = shape_cues(event)
    assert (cue.start, cue.end) == (start, start + SAMPLE_RATE)


def test_extension_stops_at_the_event_end():
    start = 1 * SAMPLE_RATE
    end = start + 8000
    event = CaptionEvent(1, start, end, "Hi.", True, (Word(" Hi.", start, start + 3200),))
    (cue,) = shape_cues(event)
    assert (cue.start, cue.end) == (start, end)


def test_extension_stops_at_the_next_cue():
    words = (Word(" Yes.", 0, 3200), Word(" No.", 8000, 11200))
    event = CaptionEvent(1, 0, 3 * SAMPLE_RATE, "Yes. No.", True, words)
    cues = shape_cues(event, max_chars=4, max_lines=1)
    assert [(c.start, c.end, c.lines) for c in cues] == [
        (0, 8000, ("Yes.",)),
        (8000, 8000 + SAMPLE_RATE, ("No.",)),
    ]


def test_word_times_outside_the_event_are_clamped():
    words = (Word(" early", 0, 9000), Word(" late", 9000, 40000))
    event = CaptionEvent(1, 4000, 32000, "early late", True, words)
    (cue,) = shape_cues(event)
    assert (cue.start, cue.end) == (4000, 32000)


def test_words_with_blank_text_are_skipped():
    words = (Word(" hello", 0, 8000), Word(" ", 8000, 8100), Word(" world", 8100, SAMPLE_RATE))
    event = CaptionEvent(1, 0, SAMPLE_RATE, "hello world", True, words)
    assert [cue.lines for cue in shape_cues(event)] == [("hello world",)]


def test_without_words_text_is_spread_by_characters():
    event = final(LONG_TEXT, 10.0, 30.0, words=False)
    cues = shape_cues(event)
    check_cues(cues, event)
    assert cues[0].start == event.start
    assert cues[-1].end == event.end
    span = event.end - event.start
    done = 0
    for cue in cues:
        chars = len(" ".join(cue.lines)) + 1
        assert abs(cue.start - (event.start + span * done / len(LONG_TEXT))) < SAMPLE_RATE / 2
        done += chars


def test_without_words_a_short_text_is_one_cue_over_the_event():
    event = final("Thank you.", 1.0, 2.5, words=False)
    (cue,) = shape_cues(event)
    assert cue.lines == ("Thank you.",)
    assert (cue.start, cue.end) == (event.start, event.end)


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_has_no_cues(text: str):
    event = CaptionEvent(1, 0, SAMPLE_RATE, text, True, (Word(" ", 0, 100),))
    assert shape_cues(event) == []


def test_final_cues_skips_interim_captions():
    first = final("First caption.", 0.0, 2.0, id=1)
    interim = CaptionEvent(2, 2 * SAMPLE_RATE, 3 * SAMPLE_RATE, "Still talk", False)
    second = final("Second caption.", 3.0, 5.0, id=3)
    assert [cue.text for cue in final_cues([first, interim, second])] == ["First caption.", "Second caption."]


def test_cue_text_joins_lines():
    assert Cue(0, 1, ("one", "two")).text == "one\ntwo"


def test_wrap_lines_balances_two_lines():
    assert wrap_lines("aaaa bbbb cccc dddd eeee", max_chars=20) == ("aaaa bbbb cccc", "dddd eeee")
    assert wrap_lines("short text") == ("short text",)
    assert wrap_lines("") == ()


def test_wrap_lines_never_cuts_a_word():
    assert wrap_lines("a" * 50 + " tail", max_chars=42) == ("a" * 50, "tail")


def test_wrap_lines_rejects_text_needing_too_many_lines():
    with pytest.raises(ValueError, match="3 lines"):
        wrap_lines("one two three", max_chars=5, max_lines=2)


def test_bad_limits_are_rejected():
    with pytest.raises(ValueError):
        shape_cues(final("hello", 0.0, 1.0), max_chars=0)


def test_words_without_spaces_are_not_given_any():
    tokens = ["我们", "今天", "讨论", "新版本", "的", "发布", "计划", "。"] * 4
    words = tuple(Word(t, i * 4000, i * 4000 + 3500) for i, t in enumerate(tokens))
    event = CaptionEvent(1, 0, len(tokens) * 4000, "".join(tokens), True, words)
    cues = shape_cues(event, max_chars=16)
    assert "".join("".join(cue.lines) for cue in cues) == event.text
    assert all(" " not in line and len(line) <= 16 for cue in cues for line in cue.lines)


# Word tokens as faster-whisper gives them for tiny.en: a number's decimals, a percent sign and
# the second half of a hyphenated word come without a leading space.
WHISPER_TOKENS = [
    " The", " budget", " rose", " to", " $16", ".5", " million", " in", " 2024,", " up", " 3", ".2", "%",
    " from", " last", " year.", " Call", " me", " at", " 10", ".30", " on", " March", " 16.", " A", " real",
    "-time", " demo.",
]


def whisper_final(tokens: list[str]) -> CaptionEvent:
    words = tuple(Word(t, i * 8000, i * 8000 + 6000) for i, t in enumerate(tokens))
    return CaptionEvent(1, 0, len(tokens) * 8000, "".join(tokens).strip(), True, words)


@pytest.mark.parametrize("max_chars", range(12, 43))
def test_word_pieces_without_a_space_stay_on_the_word_before(max_chars: int):
    event = whisper_final(WHISPER_TOKENS)
    cues = shape_cues(event, max_chars=max_chars)
    check_cues(cues, event, max_chars=max_chars)
    assert " ".join(" ".join(cue.lines) for cue in cues) == event.text
    assert not any(line.startswith((".", "%", "-")) for cue in cues for line in cue.lines)


def test_a_joined_word_spans_its_pieces():
    event = whisper_final([" costs", " $16", ".5", " million."])
    cue, = shape_cues(event, min_duration_s=0.0)
    assert cue.lines == ("costs $16.5 million.",)
    assert (cue.start, cue.end) == (0, 3 * 8000 + 6000)
    (one,) = shape_cues(whisper_final([" $16", ".5"]), min_duration_s=0.0)
    assert (one.start, one.end) == (0, 8000 + 6000)


def test_closing_punctuation_never_begins_a_line_without_spaces():
    tokens = ["我们", "今天", "讨论", "新版本", "的", "发布", "计划", "。", "「", "好的", "」", "，", "谢谢", "。"] * 3
    words = tuple(Word(t, i * 4000, i * 4000 + 3500) for i, t in enumerate(tokens))
    event = CaptionEvent(1, 0, len(tokens) * 4000, "".join(tokens), True, words)
    for max_chars in range(4, 17):
        lines = [line for cue in shape_cues(event, max_chars=max_chars) for line in cue.lines]
        assert "".join(lines) == event.text
        assert not any(line.startswith(("。", "」", "，")) for line in lines)
        assert not any(line.endswith("「") for line in lines)


def test_text_without_spaces_gets_lines_of_full_width_length():
    from captioner.subtitles.units import FULL_WIDTH_LINE_CHARS, pieces

    text = ("サブディレクトリーごとに分けたサイトは、それぞれパブリッシャーセンターに登録し、Googleニュース上では"
            "サイトとして認識され、ファビコンアイコンはサイトごとのものが正しく表示されます。")
    start, end = 0, 12 * SAMPLE_RATE
    items = pieces(text)
    step = (end - start) // len(items)
    words = tuple(Word(p.lstrip() if k else p, k * step, (k + 1) * step) for k, p in enumerate(items))
    cues = shape_cues(CaptionEvent(1, start, end, text, True, words))
    assert len(cues) > 1
    assert all(len(line) <= FULL_WIDTH_LINE_CHARS for cue in cues for line in cue.lines)
    assert "".join(line for cue in cues for line in cue.lines) == text  # no space put in, no character lost
    untimed = shape_cues(CaptionEvent(1, start, end, text, True))
    assert "".join(line for cue in untimed for line in cue.lines) == text
    assert all(len(line) <= FULL_WIDTH_LINE_CHARS for cue in untimed for line in cue.lines)
    assert wrap_lines("今日はいい天気ですね。散歩に行きましょう。") == ("今日はいい天気ですね。", "散歩に行きましょう。")


def test_japanese_timed_by_the_character_breaks_lines_and_cues_between_phrases():
    from captioner.subtitles.units import break_offsets

    # as base transcribes ja_japanese.mp3's first 8 s, timed by token as Whisper times Japanese ("サ", "イ", "ト")
    text = "いきますニュースタブでの サイトメーション期が実際と違う系に関するご質問いただいております 同一度メインでディレクトリー"
    chars = [(" " if k and text[k - 1] == " " else "") + c for k, c in enumerate(text) if c != " "]
    words = tuple(Word(c, k * 2000, (k + 1) * 2000) for k, c in enumerate(chars))
    cues = shape_cues(CaptionEvent(1, 0, len(chars) * 2000, text, True, words))
    lines = [line.replace(" ", "") for cue in cues for line in cue.lines]
    assert len(cues) > 1 and "".join(lines) == text.replace(" ", "")
    phrase_starts = {len(text[:k].replace(" ", "")) for k in break_offsets(text)}  # in the text without its spaces
    line_starts = [sum(map(len, lines[:n])) for n in range(len(lines))]
    assert set(line_starts) <= phrase_starts, lines  # never "イトメーション…" or "ります"
    assert all(len(line) <= 16 for line in lines)


def test_a_cue_of_full_width_text_stays_up_as_long_as_it_takes_to_read():
    from captioner.subtitles.units import FULL_WIDTH_CHARS_PER_S

    text = "今日はいい天気ですね。"  # 11 characters said in a second
    words = tuple(Word(c, k * SAMPLE_RATE // 11, (k + 1) * SAMPLE_RATE // 11) for k, c in enumerate(text))
    (cue,) = shape_cues(CaptionEvent(1, 0, 10 * SAMPLE_RATE, text, True, words))
    assert cue.end - cue.start == round(len(text) / FULL_WIDTH_CHARS_PER_S * SAMPLE_RATE)
    (short,) = shape_cues(CaptionEvent(1, 0, 2 * SAMPLE_RATE, text, True, words))
    assert short.end == 2 * SAMPLE_RATE  # never past its caption's end
    (english,) = shape_cues(final("Is it a nice day today?", 0.0, 1.0))
    assert english.end - english.start == SAMPLE_RATE  # the least duration, as before
