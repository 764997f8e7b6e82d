"""Autosave files: dated names that never collide, private to their owner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from captioner.app.autosave import open_autosave

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def close(*writers) -> None:
    for writer in writers:
        writer.close()


@posix
def test_a_new_autosave_folder_and_its_files_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "sessions"
    srt, txt = open_autosave(folder, "2026-01-02_10-00")
    close(srt, txt)
    assert folder.stat().st_mode & 0o777 == 0o700
    assert srt.path.stat().st_mode & 0o777 == txt.path.stat().st_mode & 0o777 == 0o600


@posix
def test_the_apps_own_folder_is_made_private_a_folder_the_user_chose_keeps_its_mode(tmp_path: Path) -> None:
    own, chosen = tmp_path / "own", tmp_path / "chosen"
    for folder in (own, chosen):
        folder.mkdir()
        folder.chmod(0o755)
    close(*open_autosave(own, "a", own_folder=True))
    close(*open_autosave(chosen, "a"))
    assert own.stat().st_mode & 0o777 == 0o700
    assert chosen.stat().st_mode & 0o777 == 0o755
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in [*own.iterdir(), *chosen.iterdir()])


def test_a_second_session_in_the_same_minute_gets_its_own_files(tmp_path: Path) -> None:
    first = open_autosave(tmp_path, "s")
    second = open_autosave(tmp_path, "s")
    close(*first, *second)
    assert [w.path.name for w in second] == ["s-2.srt", "s-2.txt"]
