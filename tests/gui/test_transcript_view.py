"""The transcript view: finals with timestamps, greyed interim after them, follow/scroll, search, copy."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QTextCursor

from captioner.app.merge import CaptionMerger
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.gui.transcript_view import TranscriptView


def feed(view: TranscriptView, merger: CaptionMerger, id: int, text: str, final: bool, start_s: float = 0.0) -> None:
    event = CaptionEvent(id, int(start_s * SAMPLE_RATE), int(start_s * SAMPLE_RATE) + SAMPLE_RATE, text, final)
    view.apply(merger.apply(event))


def fragments(view: TranscriptView) -> list:
    out = []
    block = view.text.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            out.append(it.fragment())
            it += 1
        block = block.next()
    return out


def block_formats(view: TranscriptView) -> list[tuple[str, bool]]:
    """(text, italic) of every fragment in the document."""
    return [(f.text(), f.charFormat().fontItalic()) for f in fragments(view)]


def test_interim_is_greyed_after_finals_and_replaced_by_its_final(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    feed(view, m, 1, "Good morning everyone.", True, 1.0)
    feed(view, m, 2, "welcome to", False, 65.0)
    assert view.text.toPlainText().splitlines()[0] == "00:00:01  Good morning everyone."
    frags = block_formats(view)
    assert ("welcome to", True) in frags  # italic
    interim = next(f for f in fragments(view) if f.text() == "welcome to")
    final = next(f for f in fragments(view) if f.text() == "Good morning everyone.")
    grey = interim.charFormat().foreground().color()
    assert grey.saturation() == 0 and grey != final.charFormat().foreground().color()

    feed(view, m, 2, "welcome to the weekly", False, 65.0)
    assert view.text.toPlainText().count("welcome") == 1
    feed(view, m, 2, "Welcome to the weekly meeting.", True, 65.0)
    assert view.text.toPlainText().splitlines() == ["00:00:01  Good morning everyone.", "00:01:05  Welcome to the weekly meeting."]
    assert all(not italic for text, italic in block_formats(view) if "Welcome" in text)
    assert view.plain_text() == "[00:00:01] Good morning everyone.\n[00:01:05] Welcome to the weekly meeting.\n"


def test_retracted_interim_disappears(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    feed(view, m, 1, "Hello.", True)
    feed(view, m, 2, "uh", False)
    assert "uh" in view.text.toPlainText()
    feed(view, m, 2, "", True)
    assert view.text.toPlainText() == "00:00:00  Hello."
    assert view.interim_text == ""


def test_follows_the_talk_unless_the_user_scrolled_up(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.resize(500, 200)
    view.show()
    m = CaptionMerger()
    for i in range(40):
        feed(view, m, i + 1, f"Line number {i} of a long meeting.", True, i * 3.0)
    bar = view.text.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()
    assert view.following

    bar.setValue(0)  # the user scrolls up to read
    assert not view.following
    feed(view, m, 100, "Another line arrives.", True, 200.0)
    feed(view, m, 101, "and an interim", False, 203.0)
    assert bar.value() == 0
    assert view.live_button.isVisible()

    view.live_button.click()
    assert view.following and bar.value() == bar.maximum() and not view.live_button.isVisible()
    feed(view, m, 101, "And a final.", True, 203.0)
    assert bar.value() == bar.maximum()


def test_search_highlights_and_steps_through_matches(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    view.show()
    m = CaptionMerger()
    for i, text in enumerate(["The budget is fine.", "We spoke about travel.", "Budget again, said the budget chief."]):
        feed(view, m, i + 1, text, True, i * 5.0)
    view.show_find()
    bar = view.find_bar
    assert bar.isVisible()
    bar.field.setText("budget")
    assert len(bar.matches) == 3 and bar.count.text() == "3 of 3"  # starts at the newest match
    assert len(view.text.extraSelections()) == 3
    bar.find_next()
    assert bar.count.text() == "1 of 3"
    bar.find_previous()
    assert bar.count.text() == "3 of 3"
    feed(view, m, 9, "One more budget line.", True, 30.0)  # new text is searched too, keeping the current match
    assert bar.count.text() == "3 of 4"
    bar.field.setText("nothing like this")
    assert bar.count.text() == "no match" and view.text.extraSelections() == []
    bar.close_bar()
    assert not bar.isVisible() and view.text.extraSelections() == []


def test_search_finds_chinese_in_either_script(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    for i, text in enumerate(["今天的會議很好。", "我们明天再开会议。", "会议结束了。"]):
        feed(view, m, i + 1, text, True, i * 5.0)
    view.show_find()
    bar = view.find_bar
    bar.field.setText("会议")  # typed in Simplified: the Traditional line is found too, in order
    assert [c.selectedText() for c in bar.matches] == ["會議", "会议", "会议"]
    assert [c.selectionStart() for c in bar.matches] == sorted(c.selectionStart() for c in bar.matches)
    bar.field.setText("會議")
    assert len(bar.matches) == 3
    bar.field.setText("會議結束")
    assert [c.selectedText() for c in bar.matches] == ["会议结束"]


def test_copy_all_and_clear(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    feed(view, m, 1, "First  line.", True, 0.0)
    feed(view, m, 2, "Second line.", True, 3.0)
    feed(view, m, 3, "interim words", False, 6.0)
    view.copy_all()
    assert QGuiApplication.clipboard().text() == "[00:00:00] First line.\n[00:00:03] Second line.\n"
    # a selection copies too, like any text view
    cursor = view.text.textCursor()
    cursor.movePosition(QTextCursor.Start)
    cursor.movePosition(QTextCursor.EndOfBlock, QTextCursor.KeepAnchor)
    view.text.setTextCursor(cursor)
    view.text.copy()
    assert QGuiApplication.clipboard().text() == "00:00:00  First line."
    view.clear()
    assert view.text.toPlainText() == "" and view.plain_text() == ""
    feed(view, m, 3, "Third line.", True, 6.0)
    assert view.text.toPlainText() == "00:00:06  Third line."


def label_colors(view: TranscriptView) -> dict[str, str]:
    """Each label shown, and the colour it is drawn in."""
    return {f.text().strip(): f.charFormat().foreground().color().name() for f in fragments(view) if f.charFormat().fontWeight() > 600}


def test_each_side_keeps_its_colour_whoever_speaks_first(qtbot) -> None:
    """Two launches of the app, a meeting in each: "Others" first in one, "You" first in the other."""
    from dataclasses import replace

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.gui.transcript_view import SIDE_COLORS

    seen = []
    for order in ((SYSTEM, MICROPHONE), (MICROPHONE, SYSTEM)):
        view, merger = TranscriptView(), CaptionMerger()
        qtbot.addWidget(view)
        view.set_labels({MICROPHONE: "You", SYSTEM: "Others"})
        for i, channel in enumerate(order, 1):
            view.apply(merger.apply(replace(CaptionEvent(i, i * SAMPLE_RATE, (i + 1) * SAMPLE_RATE, f"words {i}", True), channel=channel)))
        seen.append(label_colors(view))
    assert seen[0] == seen[1] == {"You": SIDE_COLORS[MICROPHONE], "Others": SIDE_COLORS[SYSTEM]}
    assert SIDE_COLORS[MICROPHONE] != SIDE_COLORS[SYSTEM]


def test_renamed_sides_keep_their_colours_and_an_unknown_channel_gets_a_spare_one(qtbot) -> None:
    from dataclasses import replace

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.gui.transcript_view import SIDE_COLORS, SPARE_COLORS

    view, merger = TranscriptView(), CaptionMerger()
    qtbot.addWidget(view)
    view.set_labels({MICROPHONE: "Me", SYSTEM: "Team", "guest": "Guest"})
    for i, channel in enumerate(("guest", SYSTEM, MICROPHONE), 1):
        view.apply(merger.apply(replace(CaptionEvent(i, i * SAMPLE_RATE, (i + 1) * SAMPLE_RATE, f"words {i}", True), channel=channel)))
    assert label_colors(view) == {"Guest": SPARE_COLORS[0], "Team": SIDE_COLORS[SYSTEM], "Me": SIDE_COLORS[MICROPHONE]}
    assert view.plain_text().splitlines() == ["[00:00:01] Guest: words 1", "[00:00:02] Team: words 2", "[00:00:03] Me: words 3"]


def test_a_side_called_like_the_other_keeps_its_own_colour(qtbot) -> None:
    """The colour belongs to the channel, not to the words it is called by: two sides given one label (or each
    other's) are still told apart."""
    from dataclasses import replace

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.gui.transcript_view import SIDE_COLORS

    view, merger = TranscriptView(), CaptionMerger()
    qtbot.addWidget(view)
    view.set_labels({MICROPHONE: "Others", SYSTEM: "You"})  # swapped
    for i, channel in enumerate((MICROPHONE, SYSTEM), 1):
        view.apply(merger.apply(replace(CaptionEvent(i, i * SAMPLE_RATE, (i + 1) * SAMPLE_RATE, f"words {i}", True), channel=channel)))
    assert label_colors(view) == {"Others": SIDE_COLORS[MICROPHONE], "You": SIDE_COLORS[SYSTEM]}


def test_a_revised_final_is_rewritten_in_its_line_and_the_rest_stays(qtbot) -> None:
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    feed(view, m, 1, "Good morning everyone.", True, 1.0)
    feed(view, m, 2, "The Montreal Forest Liner works.", True, 3.0)
    feed(view, m, 3, "Thanks a lot.", True, 6.0)
    feed(view, m, 4, "next we", False, 8.0)
    revised = CaptionEvent(2, 3 * SAMPLE_RATE, 4 * SAMPLE_RATE, "The Montreal Forced Aligner works.", True, revision=1)
    view.apply(m.apply(revised))
    assert view.text.toPlainText().splitlines() == [
        "00:00:01  Good morning everyone.", "00:00:03  The Montreal Forced Aligner works.", "00:00:06  Thanks a lot.", "next we"]
    assert view.plain_text().splitlines()[1] == "[00:00:03] The Montreal Forced Aligner works."
    italic = [text for text, it in block_formats(view) if it]
    assert italic == ["next we"]


def test_a_revised_final_keeps_its_channels_label_and_colour(qtbot) -> None:
    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.gui.transcript_view import SIDE_COLORS

    view, labels = TranscriptView(), {MICROPHONE: "Me", SYSTEM: "The team"}
    qtbot.addWidget(view)
    view.set_labels(labels)
    m = CaptionMerger(labels)
    view.apply(m.apply(CaptionEvent(1, SAMPLE_RATE, 2 * SAMPLE_RATE, "the Montreal Forest Liner", True, channel=SYSTEM)))
    view.apply(m.apply(CaptionEvent(2, 3 * SAMPLE_RATE, 4 * SAMPLE_RATE, "works", True, channel=MICROPHONE)))
    view.apply(m.apply(CaptionEvent(1, SAMPLE_RATE, 2 * SAMPLE_RATE, "the Montreal Forced Aligner", True, channel=SYSTEM, revision=1)))
    assert view.plain_text().splitlines() == ["[00:00:01] The team: the Montreal Forced Aligner", "[00:00:03] Me: works"]
    assert label_colors(view) == {"The team": SIDE_COLORS[SYSTEM], "Me": SIDE_COLORS[MICROPHONE]}


def shown_finals(view: TranscriptView) -> list[str]:
    """The final lines the document holds (what is painted), as a transcript file writes them: "Speaker 1: text"."""
    lines = view.text.toPlainText().splitlines()[: len(view.plain_text().splitlines())]
    return [": ".join(line.split("  ")[1:]) for line in lines]


def test_a_revised_final_stays_whole_when_the_interim_after_it_changes(qtbot) -> None:
    """A revision that makes a line longer or shorter while an interim is shown after it: the interim's next update
    replaces the interim alone, never the revised line's end ("Good morning," shown for "Good morning, Katie.")."""
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    feed(view, m, 1, "Good morning,", True, 1.0)
    feed(view, m, 2, "so the", False, 3.0)
    view.apply(m.apply(CaptionEvent(1, SAMPLE_RATE, 2 * SAMPLE_RATE, "Good morning, Katie.", True, revision=1)))
    feed(view, m, 2, "so the plan", False, 3.0)
    assert view.text.toPlainText().splitlines() == ["00:00:01  Good morning, Katie.", "so the plan"]
    feed(view, m, 2, "So the plan is set.", True, 3.0)
    feed(view, m, 3, "next", False, 6.0)
    view.apply(m.apply(CaptionEvent(2, 3 * SAMPLE_RATE, 4 * SAMPLE_RATE, "So, planned.", True, revision=1)))
    feed(view, m, 3, "next week", False, 6.0)
    assert view.text.toPlainText().splitlines() == ["00:00:01  Good morning, Katie.", "00:00:03  So, planned.", "next week"]
    feed(view, m, 3, "Next week then.", True, 6.0)
    assert view.text.toPlainText().splitlines() == ["00:00:01  Good morning, Katie.", "00:00:03  So, planned.", "00:00:06  Next week then."]
    assert view.plain_text() == "[00:00:01] Good morning, Katie.\n[00:00:03] So, planned.\n[00:00:06] Next week then.\n"
    assert [text for text, italic in block_formats(view) if italic] == []


def test_a_revision_after_a_clear_rewrites_its_own_line_or_none(qtbot) -> None:
    """The view cleared mid-session shows fewer lines than the session has finals: a revision finds its line by id, so
    a final cleared away changes no other line, and one shown after the clear is rewritten in its place."""
    view = TranscriptView()
    qtbot.addWidget(view)
    m = CaptionMerger()
    feed(view, m, 1, "Before the clear.", True, 1.0)
    feed(view, m, 2, "Also before.", True, 2.0)
    view.clear()
    feed(view, m, 3, "After the clear.", True, 3.0)
    view.apply(m.apply(CaptionEvent(1, SAMPLE_RATE, 2 * SAMPLE_RATE, "Before the clear, revised.", True, revision=1)))
    assert view.text.toPlainText() == "00:00:03  After the clear."
    view.apply(m.apply(CaptionEvent(3, 3 * SAMPLE_RATE, 4 * SAMPLE_RATE, "After the clear, revised.", True, revision=1)))
    assert view.text.toPlainText() == "00:00:03  After the clear, revised."
    assert view.plain_text() == "[00:00:03] After the clear, revised.\n"


def test_the_window_shows_the_revised_finals_the_session_files_hold(make_app, tmp_path) -> None:
    """A meeting as the engine sends it, to the window (through the controller) and to a live transcript file alike:
    a speaker's line revised longer, then relabelled, a line of the microphone revised shorter, each while the other
    side's interim is shown and changes. The window paints what the file holds."""
    from dataclasses import replace

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.subtitles.txt import LiveTxtWriter

    app = make_app()
    view = app.window.transcript

    def said(id: int, channel: str, start_s: float, text: str, final: bool = True, **more) -> CaptionEvent:
        return CaptionEvent(id, int(start_s * SAMPLE_RATE), int((start_s + 1) * SAMPLE_RATE), text, final, channel=channel, **more)

    others = said(17, SYSTEM, 1.0, "Good morning,", speaker="speaker-1")
    mine = said(16, MICROPHONE, 3.0, "So the plan is set.")
    events = [
        others, said(16, MICROPHONE, 3.0, "so the", False),
        replace(others, text="Good morning, Katie.", revision=1), said(16, MICROPHONE, 3.0, "so the plan", False),
        mine, said(33, SYSTEM, 6.0, "the bud", False, speaker="speaker-1"),
        replace(mine, text="So, planned.", revision=1), said(33, SYSTEM, 6.0, "the budget", False, speaker="speaker-1"),
        replace(others, text="Good morning, Katie.", speaker="speaker-2", revision=2), said(33, SYSTEM, 6.0, "the budget is", False),
    ]
    with LiveTxtWriter(tmp_path / "meeting.txt") as file:
        for event in events:
            file.on_caption(event)
            app.controller._on_caption(event)
            assert shown_finals(view) == (tmp_path / "meeting.txt").read_text(encoding="utf-8").splitlines(), event
    assert (tmp_path / "meeting.txt").read_text(encoding="utf-8").splitlines() == ["Speaker 2: Good morning, Katie.", "You: So, planned."]
    assert view.text.toPlainText().splitlines() == ["00:00:01  Speaker 2  Good morning, Katie.", "00:00:03  You  So, planned.",
                                                    "Others: the budget is"]
