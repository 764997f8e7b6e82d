"""Captions of a session with several inputs carry their channel into every format."""

from pathlib import Path

import srt

from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles.srt import LiveSrtWriter, format_srt
from captioner.subtitles.txt import format_txt
from captioner.subtitles.vtt import format_vtt
from captioner.terminal import TerminalPrinter

S = SAMPLE_RATE
EVENTS = [
    CaptionEvent(1, 1 * S, 3 * S, "Shall we start?", True, channel="You"),
    CaptionEvent(2, 3 * S, 5 * S, "Yes, <all> of us are here.", True, channel="Others"),
    CaptionEvent(3, 5 * S, 6 * S, "no channel", True),
]


def test_srt_has_labels_only_when_asked():
    plain = [s.content for s in srt.parse(format_srt(EVENTS))]
    assert plain == ["Shall we start?", "Yes, <all> of us are here.", "no channel"]
    labelled = [s.content for s in srt.parse(format_srt(EVENTS, labels=True))]
    assert labelled == ["You: Shall we start?", "Others: Yes, <all> of us are here.", "no channel"]


def test_live_srt_labels(tmp_path: Path):
    with LiveSrtWriter(tmp_path / "a.srt", labels=True) as writer:
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
