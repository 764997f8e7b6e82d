"""The library as the window and the terminal use it: list, search, find, correct, title, export, delete."""

from __future__ import annotations

import os

import pytest

from captioner.library import EditRefused, Library, default_index_path
from captioner.settings import APP_NAME
from tests.library.sessions import live_session

STEM = "2026-03-10_09-30"


@pytest.fixture
def library(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder, audio=1)
    for path in live_session(folder, "interview", kinds=("srt", "txt", "vtt")):
        os.utime(path, (1_600_000_000, 1_600_000_000))  # written in 2020: older than the other
    lib = Library(folder, tmp_path / "index" / "library.sqlite3")
    yield lib
    lib.close()


def test_the_index_lives_in_the_apps_data_folder_one_file_a_sessions_folder(tmp_path):
    first, second = default_index_path(tmp_path / "a"), default_index_path(tmp_path / "b")
    assert first != second and first.parent == second.parent and APP_NAME in str(first.parent)
    assert default_index_path(tmp_path / "a") == first


def test_a_corrected_line_is_found_by_its_new_words_at_once(library):
    library.sessions()
    assert [h.stem for h in library.search("budget")] == [STEM, "interview"]
    library.correct(STEM, 2, "Yes, the bonus first.", was="Yes, the budget first.")
    assert [h.stem for h in library.search("budget")] == ["interview"]
    assert [(h.stem, h.n) for h in library.search("bonus")] == [(STEM, 2)]
    library.delete_line(STEM, 2, was="Yes, the bonus first.")
    assert library.search("bonus") == [] and library.sessions()[0].lines == 2


def test_a_session_is_found_by_its_stem_file_path_or_title(library):
    library.sessions()
    assert library.find(STEM) == STEM
    assert library.find(f"{STEM}.audio.opus") == STEM
    assert library.find(str(library.folder / "interview.vtt")) == "interview"
    library.set_title(STEM, "Weekly  standup")
    assert library.find("Weekly standup") == STEM
    assert [s.title for s in library.sessions()] == ["Weekly standup", "interview"]
    library.set_title(STEM, "")
    assert library.sessions()[0].title == "2026-03-10 09:30"
    with pytest.raises(EditRefused, match="No session"):
        library.find("nothing")


def test_a_session_exported_in_each_format(library, tmp_path):
    library.sessions()
    for kind in ("srt", "txt"):  # as the session's own files say it
        out = library.export(STEM, kind, tmp_path / f"out.{kind}")
        assert out.read_text(encoding="utf-8") == (library.folder / f"{STEM}.{kind}").read_text(encoding="utf-8")
    library.export(STEM, "vtt", tmp_path / "out.vtt")  # a format the session was not saved in
    assert "<v Speaker 1>So the plan" in (tmp_path / "out.vtt").read_text(encoding="utf-8")


def test_a_deleted_session_leaves_the_list_and_the_search(library):
    library.sessions()
    gone = library.delete(STEM)
    assert sorted(p.name for p in gone) == [f"{STEM}.audio.opus", f"{STEM}.srt", f"{STEM}.txt"]
    assert [s.stem for s in library.sessions()] == ["interview"]
    assert {h.stem for h in library.search("budget")} == {"interview"}
