"""Live files deleted under their writer (or their folder), and writes that fail: written again whole, or said at once."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import srt

from captioner.subtitles.errors import SubtitleFileError
from captioner.subtitles.srt import LiveSrtWriter, format_srt
from captioner.subtitles.txt import LiveTxtWriter, format_txt
from tests.subtitles.test_srt import session

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX: open files can be deleted, file modes")
pytestmark = posix


def finals():
    return [e for e in session() if e.final]


def writers(folder: Path, notices: list[str]) -> tuple[LiveSrtWriter, LiveTxtWriter]:
    return (LiveSrtWriter(folder / "s.srt", on_notice=notices.append), LiveTxtWriter(folder / "s.txt", on_notice=notices.append))


def check_files(folder: Path, events) -> None:
    srt_text = (folder / "s.srt").read_text(encoding="utf-8")
    assert srt_text == format_srt(events)
    assert list(srt.parse(srt_text, ignore_errors=False))
    assert (folder / "s.txt").read_text(encoding="utf-8") == format_txt(events)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.iterdir())


def test_a_deleted_file_is_written_again_with_everything_and_said_so(tmp_path: Path):
    events, notices = finals(), []
    srt_writer, txt_writer = writers(tmp_path, notices)
    for event in events[:2]:
        srt_writer.on_caption(event)
        txt_writer.on_caption(event)
    (tmp_path / "s.srt").unlink()
    (tmp_path / "s.txt").unlink()
    assert not srt_writer.saved and not txt_writer.saved
    assert notices == []
    for event in events[2:]:
        srt_writer.on_caption(event)
        txt_writer.on_caption(event)
        check_files(tmp_path, events[: events.index(event) + 1])
    assert len(notices) == 2  # once per file, when it was found gone
    assert f"{tmp_path / 's.srt'} was deleted during the session: it was written again with everything captioned so far" in notices[0]
    assert "transcript file" in notices[1]
    assert srt_writer.saved and txt_writer.saved
    srt_writer.close()
    txt_writer.close()
    check_files(tmp_path, events)


def test_a_file_moved_away_is_written_again_where_it_belongs(tmp_path: Path):
    events, notices = finals(), []
    writer = LiveSrtWriter(tmp_path / "s.srt", on_notice=notices.append)
    writer.on_caption(events[0])
    (tmp_path / "s.srt").rename(tmp_path / "elsewhere.srt")
    writer.on_caption(events[1])
    writer.close()
    assert (tmp_path / "s.srt").read_text(encoding="utf-8") == format_srt(events[:2])
    assert len(notices) == 1


def test_a_deleted_folder_is_made_again_private_to_its_owner(tmp_path: Path):
    folder = tmp_path / "sessions"
    folder.mkdir(mode=0o700)
    events, notices = finals(), []
    srt_writer, txt_writer = writers(folder, notices)
    srt_writer.on_caption(events[0])
    txt_writer.on_caption(events[0])
    shutil.rmtree(folder)
    srt_writer.on_caption(events[1])
    txt_writer.on_caption(events[1])
    assert folder.stat().st_mode & 0o777 == 0o700
    check_files(folder, events[:2])
    assert notices[0] == (f"The folder {folder} was deleted during the session: it was made again and s.srt written "
                          "with everything captioned so far.")
    assert notices[1].startswith(f"The transcript file {folder / 's.txt'} was deleted")  # the folder was back by then
    srt_writer.close()
    txt_writer.close()


def test_a_file_deleted_after_the_last_caption_is_written_again_when_it_closes(tmp_path: Path):
    events, notices = finals(), []
    srt_writer, txt_writer = writers(tmp_path, notices)
    for event in events:
        srt_writer.on_caption(event)
        txt_writer.on_caption(event)
    shutil.rmtree(tmp_path)
    srt_writer.close()
    txt_writer.close()
    check_files(tmp_path, events)
    assert len(notices) == 2


def test_a_folder_that_cannot_be_made_again_is_said_at_once_and_nothing_is_lost(tmp_path: Path):
    """The folder deleted and a file put in its place: the writer cannot make it again, says so, keeps every
    final, and writes them all once the place is free again."""
    folder = tmp_path / "sessions"
    folder.mkdir()
    events, notices = finals(), []
    writer = LiveSrtWriter(folder / "s.srt", on_notice=notices.append)
    writer.on_caption(events[0])
    shutil.rmtree(folder)
    folder.write_text("not a folder")
    with pytest.raises(SubtitleFileError) as caught:
        writer.on_caption(events[1])
    message = str(caught.value)
    assert f"The subtitle file {folder / 's.srt'} was deleted during the session and could not be made again" in message
    assert caught.value.errno is not None
    assert writer.finals == events[:2] and not writer.saved and notices == []
    folder.unlink()
    writer.on_caption(events[2])
    assert writer.saved
    writer.close()
    assert (folder / "s.srt").read_text(encoding="utf-8") == format_srt(events[:3])
    assert len(notices) == 1


def test_closing_a_writer_whose_folder_cannot_be_made_again_raises_and_leaves_the_finals(tmp_path: Path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    events = finals()
    writer = LiveTxtWriter(folder / "s.txt")
    writer.on_caption(events[0])
    shutil.rmtree(folder)
    folder.write_text("not a folder")
    with pytest.raises(SubtitleFileError, match="could not be made again"):
        writer.close()
    assert writer.closed and writer.finals == events[:1]


def test_a_revised_final_replaces_its_entries_and_the_files_are_whole_again(tmp_path: Path):
    from dataclasses import replace

    events = finals()
    srt_writer, txt_writer = writers(tmp_path, [])
    for event in events:
        srt_writer.on_caption(event)
        txt_writer.on_caption(event)
    revised = replace(events[1], text="A revised sentence, heard with its neighbours.", words=(), revision=1)
    srt_writer.on_caption(revised)
    txt_writer.on_caption(revised)
    expected = [revised if e.id == revised.id else e for e in events]
    check_files(tmp_path, expected)
    assert [e.text for e in srt_writer.finals] == [e.text for e in expected]
    srt_writer.close()
    txt_writer.close()
    check_files(tmp_path, expected)


def test_a_file_in_a_folder_that_does_not_exist_names_the_folder(tmp_path: Path):
    with pytest.raises(SubtitleFileError) as caught:
        LiveSrtWriter(tmp_path / "notes" / "monday.srt")
    assert str(caught.value) == (f"Could not create the subtitle file {tmp_path / 'notes' / 'monday.srt'}: its folder "
                                 f"{tmp_path / 'notes'} does not exist. Create it or choose another folder.")
    assert not (tmp_path / "notes").exists()
