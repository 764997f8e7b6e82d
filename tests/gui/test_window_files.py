"""The main window's file dialogs: the name Export proposes."""

from __future__ import annotations

from pathlib import Path

from captioner.gui.window_files import free_name


def test_export_never_proposes_a_file_that_is_there(tmp_path: Path) -> None:
    assert free_name(tmp_path, "2026-11-26_10-00", ".srt") == tmp_path / "2026-11-26_10-00.srt"
    (tmp_path / "2026-11-26_10-00.srt").write_text("the autosave file, being written")
    assert free_name(tmp_path, "2026-11-26_10-00", ".srt") == tmp_path / "2026-11-26_10-00 (2).srt"
    (tmp_path / "2026-11-26_10-00 (2).srt").write_text("an earlier export")
    assert free_name(tmp_path, "2026-11-26_10-00", ".srt") == tmp_path / "2026-11-26_10-00 (3).srt"
    assert free_name(tmp_path, "2026-11-26_10-00", ".vtt") == tmp_path / "2026-11-26_10-00.vtt"
