"""The status line on its own: lag, what the engine gives up to keep up, session length, the autosave link, click-through."""

from __future__ import annotations

from pathlib import Path

from captioner.events import SessionStatus
from captioner.gui.controller import SessionInfo
from captioner.gui.status_line import StatusLine, lag_level, lag_text


def test_lag_rules() -> None:
    assert [lag_level(s) for s in (0.0, 3.0, 3.01, 10.0, 10.01)] == ["ok", "ok", "warn", "warn", "bad"]
    assert lag_text(2.04) == "Lag 2.0 s" and "cannot keep up" in lag_text(11)


def test_a_session_shows_lag_length_and_its_file(qtbot, tmp_path: Path) -> None:
    line = StatusLine()
    qtbot.addWidget(line)
    line.show()
    srt, txt = tmp_path / "2026-01-01_10-00.srt", tmp_path / "2026-01-01_10-00.txt"
    info = SessionInfo(srt_path=srt, txt_path=txt)
    line.session_started(info)
    assert line.lag_label.isVisible() and line.length_label.text() == "Session 0:00:00"
    assert "2026-01-01_10-00.srt" in line.autosave_label.text() and "href" in line.autosave_label.text()
    opened = []
    line.openAutosave.connect(lambda: opened.append(True))
    line.autosave_label.linkActivated.emit("open")
    assert opened == [True]
    line.set_status(SessionStatus(audio_s=65.2, processed_s=64, lag_s=1.2, level=0.0, overflows=3))
    assert line.length_label.text() == "Session 0:01:05" and "3 blocks" in line.length_label.toolTip()
    line.set_delay(4.5)
    assert line.lag_label.property("level") == "warn"
    line.session_finished(info)
    assert not line.lag_label.isVisible() and "href" in line.autosave_label.text()  # the file is kept


def test_an_empty_session_links_no_deleted_file(qtbot, tmp_path: Path) -> None:
    line = StatusLine()
    qtbot.addWidget(line)
    info = SessionInfo(srt_path=tmp_path / "a.srt", txt_path=tmp_path / "a.txt")
    line.session_started(info)
    info.srt_path, info.txt_path, info.autosave_removed = None, None, True  # what the controller does
    line.session_finished(info)
    assert "href" not in line.autosave_label.text() and "a.srt" not in line.autosave_label.text()
    assert line.autosave_label.text() == "Nothing to save"
    line.session_started(SessionInfo())
    assert line.autosave_label.text() == "Autosave off"


def test_click_through_notice_follows_the_setting(qtbot) -> None:
    line = StatusLine()
    qtbot.addWidget(line)
    line.show()
    line.set_click_through(True)
    assert line.click_through_label.isVisible()
    line.set_click_through(False)
    assert not line.click_through_label.isVisible()


def test_the_engine_degrading_is_said_in_amber_and_cleared_when_it_catches_up(qtbot) -> None:
    line = StatusLine()
    qtbot.addWidget(line)
    line.show()
    line.session_started(SessionInfo())
    assert not line.degraded_label.isVisible()
    sentence = "Behind by 6 s: interim captions paused until it catches up; final captions still come"
    line.set_status(SessionStatus(audio_s=30, processed_s=24, lag_s=6, degraded=sentence))
    assert line.degraded_label.isVisible() and line.degraded_label.text() == sentence
    line.set_status(SessionStatus(audio_s=31, processed_s=30.5, lag_s=0.5))
    assert not line.degraded_label.isVisible()
    line.set_status(SessionStatus(audio_s=40, processed_s=34, lag_s=6, degraded=sentence))
    line.session_finished(SessionInfo())
    assert not line.degraded_label.isVisible()
