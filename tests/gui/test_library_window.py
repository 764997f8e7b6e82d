"""The Library window: sessions listed, a search as you type opening a session at its line, a line corrected."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from captioner.gui.library_action import LIBRARY_SHORTCUT
from captioner.gui.library_window import NOTE_MARK, NOTES, TEXT, TITLE, LibraryWindow
from captioner.library import Library
from tests.library.sessions import live_session

STEM = "2026-03-10_09-30"


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder, audio=1)
    for path in live_session(folder, "interview", kinds=("srt", "txt", "vtt")):
        os.utime(path, (1_600_000_000, 1_600_000_000))
    (folder / "damaged.srt").write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nHalf \xff written\n\n2\n00:00:0")
    os.utime(folder / "damaged.srt", (1_500_000_000, 1_500_000_000))
    return folder


@pytest.fixture
def window(qtbot, folder, tmp_path) -> LibraryWindow:
    w = LibraryWindow(folder, library=Library(folder, tmp_path / "index.sqlite3"))
    qtbot.addWidget(w)
    w.show()
    w.refresh()
    return w


def titles(w: LibraryWindow) -> list[str]:
    return [w.sessions.item(row, TITLE).text() for row in range(w.sessions.rowCount())]


def test_every_session_is_listed_newest_first_and_a_damaged_one_with_its_note(window):
    assert titles(window) == ["2026-03-10 09:30", "interview", "damaged"]
    assert window.sessions.item(0, 4).text() == "audio"
    assert window.sessions.item(2, NOTES).text() == NOTE_MARK and "UTF-8" in window.sessions.item(2, NOTES).toolTip()
    window.sessions.selectRow(2)
    assert window.stem == "damaged" and window.notes.isVisibleTo(window) and window.lines.rowCount() == 1
    assert not window.lines.item(0, TEXT).flags() & Qt.ItemIsEditable  # a damaged session is read, never written


def test_a_search_as_you_type_finds_the_line_and_opens_its_session_there(window, qtbot):
    qtbot.keyClicks(window.search, "budg")
    qtbot.waitUntil(lambda: window.hits.rowCount() == 2, timeout=3000)
    assert window.found.currentWidget() is window.hits
    assert [window.hits.item(0, c).text() for c in range(4)] == ["2026-03-10 09:30", "00:16", "Speaker 2", "Yes, the budget first."]
    window._hit_chosen(window.hits.item(0, 3))
    assert window.stem == STEM and window.lines.selectionModel().selectedRows()[0].row() == 2
    window.search.clear()
    qtbot.waitUntil(lambda: window.found.currentWidget() is window.sessions, timeout=3000)


def test_a_corrected_line_and_a_renamed_speaker_are_in_every_file(window, folder):
    window.open_session(STEM)
    window.lines.item(2, TEXT).setText("Yes, the bonus first.")
    assert "Speaker 2: Yes, the bonus first." in (folder / f"{STEM}.txt").read_text(encoding="utf-8")
    assert "Yes, the bonus first." in (folder / f"{STEM}.srt").read_text(encoding="utf-8")
    window.rename_speaker("Speaker 1", "Ann")
    assert "Ann: So the plan" in (folder / f"{STEM}.txt").read_text(encoding="utf-8")
    assert window.lines.item(1, 1).text() == "Ann"
    window.search.setText("bonus")
    assert [hit.stem for hit in window.run_search()] == [STEM]


def test_the_session_the_app_captions_now_is_not_changed(window, folder, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    window.recording = lambda: STEM
    before = (folder / f"{STEM}.txt").read_text(encoding="utf-8")
    window.open_session(STEM)
    window.lines.item(2, TEXT).setText("Changed while recording.")
    window.rename_speaker("Speaker 1", "Ann")
    window.delete_line(0)
    assert len(warned) == 3 and "being captioned now" in warned[0]
    assert (folder / f"{STEM}.txt").read_text(encoding="utf-8") == before


def test_a_title_given_in_the_list_is_kept(window, folder):
    window.sessions.item(1, TITLE).setText("Interview with Ann")
    assert titles(window)[1] == "Interview with Ann"
    assert "Interview with Ann" in (folder / "interview.session.json").read_text(encoding="utf-8")


def test_a_session_exported_and_deleted(window, folder, tmp_path):
    window.open_session("interview")
    assert not window.player.play_button.isEnabled()  # its audio was not kept
    window.export("txt", str(tmp_path / "out.txt"))
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == (folder / "interview.txt").read_text(encoding="utf-8")
    window.delete_session(asked=False)
    assert titles(window) == ["2026-03-10 09:30", "damaged"] and not (folder / "interview.srt").exists()
    assert not window.delete_button.isEnabled()


def test_the_file_menu_opens_the_library_of_the_settings_sessions_folder(make_app, tmp_path, qtbot):
    folder = tmp_path / "kept"
    folder.mkdir()
    live_session(folder)
    app = make_app(autosave_dir=str(folder))
    action = next(a for a in app.window.menuBar().actions()[0].menu().actions() if a.text() == "&Library of sessions…")
    assert action.shortcut().toString() == LIBRARY_SHORTCUT
    action.trigger()
    library = app.window.findChild(LibraryWindow)
    assert library is not None and library.isVisible() and titles(library) == ["2026-03-10 09:30"]
    assert library.recording() == ""  # no session running
    library.close()


def test_a_session_is_heard_from_the_line_chosen_and_the_line_heard_is_followed(qtbot, tmp_path):
    import numpy as np

    from captioner.audio.recorder import SessionRecorder
    from captioner.events import SAMPLE_RATE
    from tests.library.test_playback import FakeOutput

    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder)
    recorder = SessionRecorder.open(folder, STEM)
    audio = (0.3 * np.sin(np.arange(20 * SAMPLE_RATE) / 10)).astype(np.float32)
    for at in range(0, len(audio), 480):
        recorder.feed(0, audio[at:at + 480])
    recorder.close()
    FakeOutput.made.clear()
    w = LibraryWindow(folder, library=Library(folder, tmp_path / "index.sqlite3"), output=FakeOutput)
    qtbot.addWidget(w)
    w.show()
    w.refresh()
    w.open_session(STEM)
    assert w.player.play_button.isEnabled()
    w.player.speed.setCurrentIndex(2)
    w.lines.selectRow(1)
    w._play()
    qtbot.waitUntil(lambda: not w.player.playing, timeout=20000)
    qtbot.waitUntil(lambda: w.lines.selectionModel().selectedRows()[0].row() == 2, timeout=5000)  # followed to the last line
    stream = FakeOutput.made[0]
    assert stream.kw["samplerate"] == 2 * SAMPLE_RATE
    assert abs(sum(len(b) for b in stream.sent) - (20 - 3.5) * SAMPLE_RATE) < SAMPLE_RATE // 10  # from line 2, at 3.5 s
