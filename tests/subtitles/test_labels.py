"""Captions of a session with several inputs carry their channel (a stable id) into every format, each shown by
its label: the words beside a caption are data looked up by the channel's id, so renaming one changes the text,
never which channel a caption is from."""

from pathlib import Path

import srt

from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM, label_of
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles.formats import FORMATS, format_named
from captioner.subtitles.srt import LiveSrtWriter, format_srt
from captioner.subtitles.txt import LiveTxtWriter, format_txt
from captioner.subtitles.vtt import format_vtt
from captioner.terminal import TerminalPrinter

S = SAMPLE_RATE
EVENTS = [
    CaptionEvent(1, 1 * S, 3 * S, "Shall we start?", True, channel=MICROPHONE),
    CaptionEvent(2, 3 * S, 5 * S, "Yes, <all> of us are here.", True, channel=SYSTEM),
    CaptionEvent(3, 5 * S, 6 * S, "no channel", True),
]
RENAMED = {MICROPHONE: "Me", SYSTEM: "The <team>"}


def test_srt_has_labels_only_when_asked():
    plain = [s.content for s in srt.parse(format_srt(EVENTS))]
    assert plain == ["Shall we start?", "Yes, <all> of us are here.", "no channel"]
    labelled = [s.content for s in srt.parse(format_srt(EVENTS, srt_labels=True))]
    assert labelled == ["You: Shall we start?", "Others: Yes, <all> of us are here.", "no channel"]


def test_live_srt_labels(tmp_path: Path):
    with LiveSrtWriter(tmp_path / "a.srt", srt_labels=True) as writer:
        for event in EVENTS:
            writer.on_caption(event)
    assert [s.content for s in srt.parse((tmp_path / "a.srt").read_text())][:2] == ["You: Shall we start?", "Others: Yes, <all> of us are here."]


def test_vtt_uses_voice_tags():
    text = format_vtt(EVENTS)
    assert "<v You>Shall we start?\n" in text
    assert "<v Others>Yes, &lt;all&gt; of us are here.\n" in text
    assert "\nno channel\n" in text


def test_txt_lines_begin_with_the_label():
    assert format_txt(EVENTS).splitlines() == ["You: Shall we start?", "Others: Yes, <all> of us are here.", "no channel"]
    assert format_txt(EVENTS[:1], timestamps=True) == "[00:00:01] You: Shall we start?\n"


def test_terminal_shows_the_label():
    import io

    out = io.StringIO()
    printer = TerminalPrinter(out, interim=False)
    printer.on_caption(EVENTS[0])
    assert "] You: Shall we start?" in out.getvalue()


def test_a_label_is_looked_up_by_the_channel_id():
    assert label_of(MICROPHONE) == "You" and label_of(SYSTEM) == "Others" and label_of("") == ""
    assert label_of(SYSTEM, RENAMED) == "The <team>"
    assert label_of("guest", RENAMED) == "guest"  # a channel with no label shows its id rather than nothing


def test_renamed_labels_change_every_files_text_and_nothing_else():
    assert [s.content for s in srt.parse(format_srt(EVENTS, srt_labels=True, labels=RENAMED))] == [
        "Me: Shall we start?", "The <team>: Yes, <all> of us are here.", "no channel"]
    assert format_txt(EVENTS, labels=RENAMED).splitlines() == ["Me: Shall we start?", "The <team>: Yes, <all> of us are here.", "no channel"]
    vtt = format_vtt(EVENTS, labels=RENAMED)
    assert "<v Me>Shall we start?\n" in vtt and "<v The &lt;team&gt;>Yes, &lt;all&gt; of us are here.\n" in vtt
    for fmt in FORMATS:  # the list of formats hands the labels on; the default ones are the defaults
        assert fmt.format(EVENTS, srt_labels=True) == fmt.format(EVENTS, srt_labels=True, labels=DEFAULT_LABELS)
        renamed = fmt.format(EVENTS, srt_labels=True, labels=RENAMED)
        assert "Me" in renamed and "You" not in renamed
        assert renamed == fmt.format(EVENTS, srt_labels=True, labels=RENAMED)
    assert [e.channel for e in EVENTS] == [MICROPHONE, SYSTEM, ""]  # the captions themselves are untouched


def test_live_writers_write_the_labels_they_are_given(tmp_path: Path):
    srt_path, txt_path = tmp_path / "a.srt", tmp_path / "a.txt"
    with format_named("srt").open_live(srt_path, srt_labels=True, labels=RENAMED) as live_srt, \
            LiveTxtWriter(txt_path, labels=RENAMED) as live_txt:
        for event in EVENTS:
            live_srt.on_caption(event)
            live_txt.on_caption(event)
    assert srt_path.read_text(encoding="utf-8") == format_srt(EVENTS, srt_labels=True, labels=RENAMED)
    assert txt_path.read_text(encoding="utf-8") == format_txt(EVENTS, labels=RENAMED)


def test_terminal_shows_the_label_it_is_given():
    import io

    out = io.StringIO()
    TerminalPrinter(out, interim=False, labels=RENAMED).on_caption(EVENTS[1])
    assert "] The <team>: Yes" in out.getvalue()


def test_a_revised_final_is_written_with_its_channels_label(tmp_path: Path):
    from dataclasses import replace

    revised = replace(EVENTS[1], text="Yes, all of us.", revision=1)
    with LiveSrtWriter(tmp_path / "a.srt", srt_labels=True, labels=RENAMED) as live_srt, LiveTxtWriter(tmp_path / "a.txt", labels=RENAMED) as live_txt:
        for event in [*EVENTS, revised]:
            live_srt.on_caption(event)
            live_txt.on_caption(event)
    expected = [EVENTS[0], revised, EVENTS[2]]
    assert (tmp_path / "a.srt").read_text(encoding="utf-8") == format_srt(expected, srt_labels=True, labels=RENAMED)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8").splitlines()[1] == "The <team>: Yes, all of us."


SPOKEN = [
    CaptionEvent(1, 1 * S, 3 * S, "Shall we start?", True, channel=MICROPHONE),
    CaptionEvent(2, 3 * S, 5 * S, "Yes.", True, channel=SYSTEM, speaker="speaker-1"),
    CaptionEvent(3, 5 * S, 6 * S, "Go ahead.", True, channel=SYSTEM, speaker="speaker-2"),
    CaptionEvent(4, 6 * S, 7 * S, "one input", True, speaker="speaker-2"),
]


def test_a_speaker_told_apart_by_voice_labels_the_caption_in_every_format():
    assert format_txt(SPOKEN).splitlines() == ["You: Shall we start?", "Speaker 1: Yes.", "Speaker 2: Go ahead.", "Speaker 2: one input"]
    assert [s.content for s in srt.parse(format_srt(SPOKEN, srt_labels=True))][1:3] == ["Speaker 1: Yes.", "Speaker 2: Go ahead."]
    assert "<v Speaker 2>Go ahead." in format_vtt(SPOKEN)


def test_a_named_speaker_is_shown_by_name_and_keeps_its_id():
    names = {**DEFAULT_LABELS, "speaker-2": "Ana"}
    assert format_txt(SPOKEN, labels=names).splitlines()[2:] == ["Ana: Go ahead.", "Ana: one input"]
    assert label_of(SYSTEM, names, "speaker-1") == "Speaker 1"
    assert label_of(SYSTEM, names) == "Others"
    assert SPOKEN[2].speaker == "speaker-2"
