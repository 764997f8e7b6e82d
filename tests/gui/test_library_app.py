"""The library through the whole app, with the real tiny.en: a session the app captioned and a recording it transcribed
are listed, a word said in them is found and opens the session at its line, and a corrected word is in every file of
the session, and in the library, when the app starts again."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from captioner.gui.library_window import TEXT, TITLE, LibraryWindow
from tests.gui.conftest import words


def open_library(app) -> LibraryWindow:
    """File → Library of sessions…, as the user picks it."""
    action = next(a for a in app.window.menuBar().actions()[0].menu().actions() if a.text() == "&Library of sessions…")
    action.trigger()
    library = app.window.findChild(LibraryWindow)
    assert library is not None and library.isVisible()
    return library


def listed(library: LibraryWindow) -> set[str]:
    return {library.sessions.item(row, TITLE).data(Qt.UserRole) for row in range(library.sessions.rowCount())}


def test_sessions_the_app_made_are_found_opened_at_the_line_and_a_correction_is_kept_after_a_restart(
        make_app, qtbot, tmp_path: Path, speech_wav: Path) -> None:
    from captioner.gui.controller import State
    from tests.speech import read_wav, write_wav

    app = make_app(compute_device="cpu", recording="never")
    c = app.controller
    app.window.start_file_session(str(speech_wav), realtime=False)  # a live session, captioned to its end
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    live = c.info.stem
    recording = write_wav(tmp_path / "planning.wav", read_wav(speech_wav))
    assert c.refines.transcribe_recording(recording) == ""  # File → Transcribe a recording…
    qtbot.waitUntil(lambda: not c.refiner.busy and "planning.srt" in app.window.status_line.autosave_label.text(), timeout=60000)

    library = open_library(app)
    assert {live, "planning"} <= listed(library)
    library.search.setText("summer")
    hits = library.run_search()
    assert {hit.stem for hit in hits} == {live, "planning"}
    row = next(r for r in range(library.hits.rowCount()) if library.hits.item(r, 0).data(Qt.UserRole)[0] == live)
    library._hit_chosen(library.hits.item(row, 3))  # the search's line clicked
    assert library.stem == live
    line = library.lines.selectionModel().selectedRows()[0].row()
    said = library.lines.item(line, TEXT).text()
    assert "summer" in words(said)
    library.lines.item(line, TEXT).setText(said.replace("summer", "winter"))  # corrected in place

    folder = c.settings.sessions_dir()
    for suffix in (".srt", ".txt"):
        kept = words((folder / f"{live}{suffix}").read_text(encoding="utf-8"))
        assert "winter" in kept and "summer" not in kept
    assert "summer" in words((folder / "planning.txt").read_text(encoding="utf-8"))  # the other session as it was
    library.close()
    app.window.close()

    again = make_app(compute_device="cpu", recording="never", write=False)  # the app started again
    library = open_library(again)
    assert {live, "planning"} <= listed(library)
    library.search.setText("winter")
    assert [hit.stem for hit in library.run_search()] == [live]
    library.search.setText("summer")
    assert [hit.stem for hit in library.run_search()] == ["planning"]
    library.open_session(live)
    assert any("winter" in words(library.lines.item(r, TEXT).text()) for r in range(library.lines.rowCount()))
    library.close()


def test_a_session_whose_audio_is_kept_is_refined_from_the_library(make_app, qtbot, speech_wav: Path) -> None:
    from captioner.gui.controller import State

    app = make_app(compute_device="cpu", recording="keep", refine_at_stop=False)
    c = app.controller
    app.window.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    stem, folder = c.info.stem, c.settings.sessions_dir()
    assert not (folder / f"{stem}.live.srt").exists()  # not refined at Stop
    library = open_library(app)
    library.open_session(stem)
    assert library.refine_button.isVisible() and library.refine_button.isEnabled()
    library.refine_button.click()
    assert not library.refine_button.isEnabled()
    qtbot.waitUntil(lambda: (folder / f"{stem}.live.srt").exists() and not c.refiner.busy, timeout=60000)
    library.refresh()
    refined = next(s for s in library.library.sessions() if s.stem == stem)
    assert refined.refined and refined.audio  # kept, as the settings say
    library.open_session(stem)
    assert {"morning", "travel"} <= set(words(" ".join(library.lines.item(r, TEXT).text() for r in range(library.lines.rowCount()))))
    library.close()


def test_a_speaker_renamed_in_the_library_is_named_in_every_file_when_the_app_starts_again(
        make_app, qtbot, tmp_path: Path, speech_wav: Path) -> None:
    from captioner.gui.library_window import SPEAKER
    from tests.speech import read_wav, write_wav

    app = make_app(compute_device="cpu", recording="never", speakers=True, preload=True)
    c = app.controller
    qtbot.waitUntil(lambda: c.model.transcriber is not None, timeout=30000)
    recording = write_wav(tmp_path / "interview.wav", read_wav(speech_wav))
    assert c.refines.transcribe_recording(recording) == ""  # told apart by voice as it is transcribed
    qtbot.waitUntil(lambda: not c.refiner.busy and "interview.srt" in app.window.status_line.autosave_label.text(), timeout=120000)
    library = open_library(app)
    library.open_session("interview")
    speaker = library.lines.item(0, SPEAKER).text()
    assert speaker  # a transcription with speakers names who spoke each line
    library.rename_speaker(speaker, "Ann")
    folder = c.settings.sessions_dir()
    for suffix in (".txt", ".vtt"):
        kept = (folder / f"interview{suffix}").read_text(encoding="utf-8")
        assert "Ann" in kept and speaker not in kept
    library.close()
    app.window.close()

    again = make_app(compute_device="cpu", recording="never", speakers=True, write=False)
    library = open_library(again)
    library.open_session("interview")
    assert {library.lines.item(r, SPEAKER).text() for r in range(library.lines.rowCount())} == {"Ann"}
    library.close()
