"""The sessions folder as files: each session's files found by name, whatever wrote them."""

from __future__ import annotations

import os
from datetime import datetime

from captioner.library.folder import read_title, scan_folder, write_sidecar
from tests.library.sessions import live_session


def test_every_file_of_a_session_is_found_by_its_role(tmp_path):
    live_session(tmp_path, audio=2)
    stem = "2026-03-10_09-30"
    for name in (f"{stem}.vtt", f"{stem}.live.srt", f"{stem}.live.txt", f"{stem}.refined.srt", f"{stem}.session.json"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = scan_folder(tmp_path)[stem]
    assert sorted(found.transcripts) == [".srt", ".txt", ".vtt"]
    assert sorted(found.live) == [".srt", ".txt"] and found.refined
    assert [p.name for p in found.audio] == [f"{stem}.audio-1.opus", f"{stem}.audio-2.opus"]
    assert found.sidecar.name == f"{stem}.session.json"
    assert [p.name for p in found.leftovers] == [f"{stem}.refined.srt"]
    assert len(found.paths) == 9


def test_copied_in_files_and_recordings_alone_are_sessions_and_other_files_are_not(tmp_path):
    (tmp_path / "interview.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nHello\n", encoding="utf-8")
    (tmp_path / "old-notes.txt").write_text("Hello\n", encoding="utf-8")
    (tmp_path / "2026-01-02_10-00.audio.opus").write_bytes(b"OggS")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    (tmp_path / ".hidden.srt").write_text("x", encoding="utf-8")
    (tmp_path / ".talk.srt.1a2b.tmp").write_text("x", encoding="utf-8")
    (tmp_path / "lonely.session.json").write_text("{}", encoding="utf-8")
    (tmp_path / "folder.srt").mkdir()
    assert sorted(scan_folder(tmp_path)) == ["2026-01-02_10-00", "interview", "old-notes"]


def test_a_folder_that_is_not_there_holds_no_session(tmp_path):
    assert scan_folder(tmp_path / "missing") == {}


def test_the_signature_changes_when_a_file_is_written_added_or_removed(tmp_path):
    paths = live_session(tmp_path)
    before = scan_folder(tmp_path)["2026-03-10_09-30"].signature
    assert scan_folder(tmp_path)["2026-03-10_09-30"].signature == before
    with open(paths[1], "a", encoding="utf-8") as out:
        out.write("You: and one more line\n")
    grown = scan_folder(tmp_path)["2026-03-10_09-30"].signature
    assert grown != before
    paths[0].unlink()
    assert scan_folder(tmp_path)["2026-03-10_09-30"].signature != grown


def test_a_session_is_dated_by_its_stem_else_its_sidecar_else_its_files(tmp_path):
    live_session(tmp_path)
    live_session(tmp_path, "talk")
    os.utime(tmp_path / "talk.srt", (1_700_000_000, 1_700_000_000))
    os.utime(tmp_path / "talk.txt", (1_700_000_100, 1_700_000_100))
    found = scan_folder(tmp_path)
    assert found["2026-03-10_09-30"].started == datetime(2026, 3, 10, 9, 30)
    assert found["talk"].started == datetime.fromtimestamp(1_700_000_000)
    write_sidecar(found["talk"], started="2025-05-05T08:00:00", title="  The   talk ")
    again = scan_folder(tmp_path)["talk"]
    assert again.started == datetime(2025, 5, 5, 8, 0) and read_title(again) == "The talk"


def test_a_sidecar_that_holds_nothing_more_is_removed(tmp_path):
    live_session(tmp_path)
    session = scan_folder(tmp_path)["2026-03-10_09-30"]
    path = write_sidecar(session, title="Standup")
    assert path.is_file() and oct(path.stat().st_mode & 0o777) == "0o600"
    write_sidecar(session, title="")
    assert not path.exists() and read_title(scan_folder(tmp_path)["2026-03-10_09-30"]) == ""


def test_a_sidecar_that_cannot_be_read_gives_no_title(tmp_path):
    live_session(tmp_path)
    (tmp_path / "2026-03-10_09-30.session.json").write_text("{not json", encoding="utf-8")
    assert read_title(scan_folder(tmp_path)["2026-03-10_09-30"]) == ""
