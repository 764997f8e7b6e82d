from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.subtitles.cues import final_cues
from captioner.subtitles.errors import SubtitleFileError, SubtitleFileExistsError
from captioner.subtitles.srt import LiveSrtWriter, write_srt
from captioner.subtitles.txt import LiveTxtWriter, format_txt, write_txt
from captioner.subtitles.vtt import format_vtt, format_vtt_timestamp, write_vtt
from tests.subtitles.test_cues import LONG_TEXT, final


def s(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


SESSION = [
    CaptionEvent(
        1, s(1.0), s(2.5), " Hello, world.", True, (Word(" Hello,", s(1.0), s(1.5)), Word(" world.", s(1.5), s(2.25)))
    ),
    CaptionEvent(2, s(3.0), s(4.0), " Fish and", False),
    CaptionEvent(3, s(62.0), s(63.5), " Fish & chips <3", True),
    CaptionEvent(4, s(70.0), s(71.0), " ", True),
    CaptionEvent(5, s(3601.5), s(3603.0), " Bye\nnow.", True),
]

TXT = "Hello, world.\nFish & chips <3\nBye now.\n"
TXT_TIMED = "[00:00:01] Hello, world.\n[00:01:02] Fish & chips <3\n[01:00:01] Bye now.\n"
VTT = (
    "WEBVTT\n\n"
    "00:00:01.000 --> 00:00:02.250\nHello, world.\n\n"
    "00:01:02.000 --> 00:01:03.500\nFish &amp; chips &lt;3\n\n"
    "01:00:01.500 --> 01:00:03.000\nBye now.\n\n"
)


def test_write_txt(tmp_path: Path):
    write_txt(tmp_path / "a.txt", SESSION)
    write_txt(tmp_path / "b.txt", SESSION, timestamps=True)
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == TXT
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == TXT_TIMED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_live_txt_has_one_line_per_final_after_every_caption(tmp_path: Path):
    path = tmp_path / "live.txt"
    with LiveTxtWriter(path) as writer:
        for n, event in enumerate(SESSION, 1):
            writer.on_caption(event)
            assert path.read_text(encoding="utf-8") == format_txt(SESSION[:n])
        assert writer.lines_written == 3
        assert writer.finals == [e for e in SESSION if e.final]
    assert path.read_text(encoding="utf-8") == TXT


def test_live_txt_keeps_an_existing_file(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("keep me\n", encoding="utf-8")
    with pytest.raises(SubtitleFileExistsError):
        LiveTxtWriter(path)
    assert path.read_text(encoding="utf-8") == "keep me\n"


def test_live_txt_in_a_missing_folder_fails_at_construction(tmp_path: Path):
    path = tmp_path / "nowhere" / "notes.txt"
    with pytest.raises(SubtitleFileError, match="another folder"):
        LiveTxtWriter(path)


def test_format_vtt():
    assert format_vtt(SESSION) == VTT
    assert format_vtt([]) == "WEBVTT\n\n"


def test_vtt_timestamps():
    assert format_vtt_timestamp(0) == "00:00:00.000"
    assert format_vtt_timestamp(s(3723.456)) == "01:02:03.456"
    events = [final(LONG_TEXT, 0.0, 20.0), final(LONG_TEXT, 3590.0, 3610.0, id=2)]
    text = format_vtt(events)
    assert text.startswith("WEBVTT\n\n")
    blocks = text.removeprefix("WEBVTT\n\n").split("\n\n")
    assert blocks.pop() == ""
    assert len(blocks) == len(list(final_cues(events)))
    for block in blocks:
        timing, *lines = block.split("\n")
        assert re.fullmatch(r"\d{2}:\d{2}:\d{2}\.\d{3} --> \d{2}:\d{2}:\d{2}\.\d{3}", timing)
        assert 1 <= len(lines) <= 2


def test_write_vtt_replaces_atomically(tmp_path: Path):
    path = tmp_path / "session.vtt"
    path.write_text("old", encoding="utf-8")
    write_vtt(path, SESSION)
    assert path.read_text(encoding="utf-8") == VTT
    assert [p.name for p in tmp_path.iterdir()] == ["session.vtt"]


@pytest.mark.parametrize("write", [write_vtt, write_txt])
def test_failed_export_leaves_no_temp_file(tmp_path: Path, write):
    target = tmp_path / "taken"
    target.mkdir()
    with pytest.raises(SubtitleFileError) as caught:
        write(target, SESSION)
    assert str(target) in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["taken"]


def test_txt_messages_speak_of_a_transcript_not_subtitles(tmp_path: Path):
    existing = tmp_path / "notes.txt"
    existing.write_text("earlier\n")
    with pytest.raises(SubtitleFileExistsError, match="transcript file") as raised:
        LiveTxtWriter(existing)
    assert "subtitle" not in str(raised.value)
    with pytest.raises(SubtitleFileError, match="is a folder.*transcript file"):
        write_txt(tmp_path, [final("x", 0, 1)])
    with pytest.raises(SubtitleFileError, match="is a folder.*subtitle file"):
        write_vtt(tmp_path, [final("x", 0, 1)])


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("write", [write_txt, write_vtt, write_srt], ids=["txt", "vtt", "srt"])
def test_exports_are_private_to_their_owner_even_over_an_open_file(tmp_path: Path, write):
    path = tmp_path / "export"
    path.write_text("old")
    path.chmod(0o644)
    write(path, [final("private words", 0, 1)])
    assert "private words" in path.read_text()
    assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
@pytest.mark.parametrize("overwrite", [False, True])
def test_live_files_are_private_to_their_owner(tmp_path: Path, overwrite: bool):
    for cls, name in ((LiveTxtWriter, "live.txt"), (LiveSrtWriter, "live.srt")):
        path = tmp_path / name
        if overwrite:
            path.write_text("old")
            path.chmod(0o644)
        with cls(path, overwrite=overwrite) as writer:
            writer.on_caption(final("private words", 0, 1))
        assert path.stat().st_mode & 0o777 == 0o600
