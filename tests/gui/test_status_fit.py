"""The status line at the window's default size: a transcription's progress and its Cancel link are never cut off."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint

from captioner.app.autosave import SessionInfo
from captioner.gui.refiner import RefineJob, refine_text


def test_a_transcriptions_progress_and_cancel_fit_the_default_window(make_app, qtbot, tmp_path: Path) -> None:
    app = make_app()
    w = app.window
    assert (w.width(), w.height()) == (900, 620)  # the size the window opens at
    info = SessionInfo(srt_path=tmp_path / "2026-11-26_10-00-00.srt", txt_path=tmp_path / "2026-11-26_10-00-00.txt")
    w.status_line.session_started(info)
    w.status_line.session_finished(info)  # "Autosave: saved as … and …" beside it, as after a session
    job = RefineJob(path=None, recognizer=None, recording=Path("/home/someone/Recordings/whisper-timestamped_apollo11.mp3"))
    w.status_line.show_refine(refine_text(12.0, 60.0, 48.0, job, queued=1))
    qtbot.wait(50)
    label = w.status_line.refine_label
    right = label.mapTo(w, QPoint(label.width(), 0)).x()
    if os.environ.get("CAPTIONER_SHOTS"):
        w.grab().save(str(Path(os.environ["CAPTIONER_SHOTS"]) / "status-line-transcribing.png"))
    assert "20 %" in label.text() and "Cancel" in label.text()
    assert label.width() >= label.sizeHint().width(), "the progress is cut short"
    assert 0 < right <= w.width(), "the progress runs off the window"
    saved = w.status_line.autosave_label  # beside it, in words that fit: the shorter wording, never a cut one
    assert saved.text() == f'Saved: <a href="open">{info.srt_path.name}</a>' and saved.width() >= saved._width(saved.text())


def _laid_out(label, window):
    """The label's rectangle in the window's coordinates."""
    from PySide6.QtCore import QRect

    return QRect(label.mapTo(window, QPoint(0, 0)), label.size())


def test_long_names_and_passing_words_are_cut_short_never_drawn_over_each_other(make_app, qtbot, tmp_path: Path) -> None:
    app = make_app()
    w = app.window
    line = w.status_line
    line.set_state("running")  # "Listening"
    line.set_model("distil-large-v3.5 on the CPU (int8), interim text by tiny.en")
    saved = tmp_path / "derived_longform_mixed_speakers_of_the_meeting.srt"
    info = SessionInfo(srt_path=saved, source="derived_longform_mixed_speakers_of_the_meeting.mp3")
    line.show_transcribed(info)
    target = tmp_path / "a" / "long" / "folder" / "of" / "exports" / "the-meeting-of-the-whole-team.srt"
    line.flash(f"Exported 42 captions to {target}", 8000)
    qtbot.wait(50)
    if os.environ.get("CAPTIONER_SHOTS"):
        w.grab().save(str(Path(os.environ["CAPTIONER_SHOTS"]) / "status-line-long-names.png"))
    assert "…" in line.autosave_label.text() and str(saved) in line.autosave_label.toolTip()
    assert line.note_label.toolTip() == f"Exported 42 captions to {target}" and line.note_label.text().endswith(".srt")
    shown = [label for label in (line.state_label, line.model_status, line.autosave_label, line.note_label) if label.isVisible()]
    rects = [_laid_out(label, w) for label in shown]
    assert all(0 <= r.left() and r.right() <= w.width() for r in rects), rects
    assert not any(a.intersects(b) for n, a in enumerate(rects) for b in rects[n + 1:]), rects
    assert line.state_label.width() >= line.state_label.sizeHint().width()  # "Listening" is shown whole
    assert statusbar_message(w) == ""  # nothing is painted over the line by the status bar itself


def statusbar_message(window) -> str:
    return window.statusBar().currentMessage()
