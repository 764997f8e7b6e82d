"""The status line at the window's default size: a transcription's progress and its Cancel link are never cut off."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QPoint

from captioner.gui.autosave import SessionInfo
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
