"""The transcript document: captions in, every file format out, written whole and read back."""

from __future__ import annotations

import os

import pytest

from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles.formats import format_named
from captioner.transcript import Transcript


def final(n: int, text: str, start_s: float, end_s: float, **kw) -> CaptionEvent:
    return CaptionEvent(n, int(start_s * SAMPLE_RATE), int(end_s * SAMPLE_RATE), text, True, **kw)


def meeting() -> list[CaptionEvent]:
    return [final(1, "Good morning everyone.", 0.5, 2.0, channel=MICROPHONE),
            final(2, "Morning, shall we start?", 2.5, 4.0, channel=SYSTEM, speaker="speaker-1"),
            final(3, "Yes, the agenda first.", 4.5, 6.0, channel=SYSTEM, speaker="speaker-2")]


def test_finals_are_kept_in_order_and_interims_and_empty_finals_left_out():
    doc = Transcript()
    assert doc.add(CaptionEvent(1, 0, 10, "Good", False)) is None
    assert doc.add(final(1, "Good morning.", 0, 1)) == 0
    assert doc.add(final(2, "  ", 1, 2)) is None
    assert doc.add(final(3, "Bye.", 2, 3)) == 1
    assert [e.text for e in doc.finals] == ["Good morning.", "Bye."]
    assert doc.events() == doc.finals and len(doc) == 2


def test_a_revision_replaces_the_final_of_its_id_in_place():
    doc = Transcript([final(1, "Good mourning.", 0, 1), final(2, "Bye.", 1, 2)])
    assert doc.add(CaptionEvent(1, 0, SAMPLE_RATE, "Good morning.", True, revision=1)) == 0
    assert [e.text for e in doc.finals] == ["Good morning.", "Bye."]


def test_each_format_is_rendered_as_the_format_itself_makes_it():
    events = meeting()
    doc = Transcript(events)
    for kind in ("srt", "txt", "vtt"):
        assert doc.render(kind) == format_named(kind).format(events, labels=doc.labels)
    assert doc.render("srt", srt_labels=True) == format_named("srt").format(events, srt_labels=True, labels=doc.labels)
    with pytest.raises(KeyError):
        doc.render("doc")


def test_a_rename_reaches_every_format(tmp_path):
    doc = Transcript(meeting())
    doc.save(tmp_path, "s")
    assert doc.rename_speaker("speaker-2", " Ana ")["speaker-2"] == "Ana"
    written = doc.save_again(tmp_path / "s.srt")
    assert sorted(p.name for p in written) == ["s.srt", "s.txt", "s.vtt"]
    assert "Ana: Yes" in (tmp_path / "s.txt").read_text() and "<v Ana>" in (tmp_path / "s.vtt").read_text()
    doc.rename_speaker("speaker-2", "")
    assert "speaker-2" not in doc.labels


def test_save_writes_whole_files_atomically_and_new_writes_over_nothing(tmp_path):
    doc = Transcript(meeting())
    first = doc.save(tmp_path / "sessions", "s")
    assert [p.name for p in first] == ["s.srt", "s.txt", "s.vtt"]
    assert (tmp_path / "sessions" / "s.srt").read_text() == doc.render("srt")
    again = doc.save(tmp_path / "sessions", "s", ["srt", "txt"], new=True)
    assert [p.name for p in again] == ["s-2.srt", "s-2.txt"]
    assert not [p for p in (tmp_path / "sessions").iterdir() if p.name.startswith(".")]  # no temporary file left
    if os.name == "posix":
        assert (tmp_path / "sessions" / "s.srt").stat().st_mode & 0o777 == 0o600


def test_write_picks_the_format_by_suffix(tmp_path):
    doc = Transcript(meeting())
    doc.write(tmp_path / "out.vtt")
    assert (tmp_path / "out.vtt").read_text() == doc.render("vtt")


@pytest.mark.parametrize("kinds, srt_labels", [(["srt", "txt", "vtt"], False), (["srt", "txt"], True)])
def test_a_saved_transcript_loads_back_the_same(tmp_path, kinds, srt_labels):
    doc = Transcript(meeting(), labels={MICROPHONE: "Me", SYSTEM: "Others", "speaker-1": "Bo"}, srt_labels=srt_labels)
    doc.save(tmp_path, "s", kinds)
    back = Transcript.load(tmp_path / "s.srt", labels=doc.labels)
    for kind in kinds:
        assert back.render(kind) == doc.render(kind)
    assert [(e.text, e.start, e.end, e.channel, e.speaker) for e in back.finals] == [
        ("Good morning everyone.", 8000, 32000, MICROPHONE, ""), ("Morning, shall we start?", 40000, 64000, "", "speaker-1"),
        ("Yes, the agenda first.", 72000, 96000, "", "speaker-2")]


def test_a_transcript_of_one_input_loads_back(tmp_path):
    doc = Transcript([final(1, "Hello there, this is a test of a longer caption that makes two lines.", 0, 5)])
    doc.save(tmp_path, "one", ["srt"])
    assert Transcript.load(tmp_path / "one.srt").render("srt") == doc.render("srt")


def test_japanese_on_two_lines_loads_back_without_a_space_put_in(tmp_path):
    said = "サブディレクトリーごとに分けたサイトは、それぞれ登録されます。"
    doc = Transcript([final(1, said, 0, 5)])
    doc.save(tmp_path, "ja", ["srt"])
    assert "\n" in (tmp_path / "ja.srt").read_text(encoding="utf-8").split("\n\n")[0].split("\n", 2)[2]  # two lines
    back = Transcript.load(tmp_path / "ja.srt")
    assert [e.text for e in back.finals] == [said]
