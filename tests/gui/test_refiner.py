"""Refining at Stop in the app, with the real tiny.en: progress in the status line, the refined transcript shown,
cancel, and a live session that always wins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from captioner.gui.refiner import refine_text
from tests.gui.conftest import SENTENCES, words
from tests.speech import wer

SHOTS = os.environ.get("CAPTIONER_SHOTS")  # a folder: the test saves its screenshots there to be looked at


def shoot(window, name: str) -> None:
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / name))


def caption_file(app, qtbot, wav: Path):
    """Caption `wav` as a session of the app, to its end; the session's SessionInfo."""
    from captioner.gui.controller import State

    c = app.controller
    app.window.start_file_session(str(wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    return c.info


def test_the_status_line_says_how_far_the_refine_is_and_how_long_it_has_left() -> None:
    assert refine_text(30.0, 120.0, -1) == "Refining: 25 %"
    assert refine_text(30.0, 120.0, 42.4) == "Refining: 25 %, 42 s left"
    assert refine_text(60.0, 3600.0, 600.0) == "Refining: 2 %, 10 min left"


def test_the_status_line_names_the_recording_being_transcribed_and_how_many_wait() -> None:
    from captioner.gui.refiner import RefineJob

    job = RefineJob(None, recognizer=None, recording=Path("/music/talk.mp4"))
    assert refine_text(30.0, 60.0, 12.0, job, 2) == "Transcribing talk.mp4: 50 %, 12 s left (2 more waiting)"
    assert refine_text(30.0, 60.0, -1, RefineJob(Path("s.srt"), recognizer=None), 0) == "Refining: 50 %"
    from captioner.engine.offline.decode_whole import TELLING_SPEAKERS

    assert refine_text(60.0, 60.0, 0.0, job, 0, TELLING_SPEAKERS) == "Transcribing talk.mp4: telling speakers apart…"


@pytest.mark.slow
def test_at_stop_the_transcript_is_refined_in_the_background_and_shown(make_app, qtbot, speech_wav: Path) -> None:
    app = make_app(compute_device="cpu")
    w, c = app.window, app.controller
    progress: list[str] = []
    c.refiner.progress.connect(lambda *_: progress.append(w.status_line.refine_label.text()))
    c.refiner.progress.connect(lambda *_: len(progress) == 1 and shoot(w, "refine-1-progress.png"))
    jobs = []
    queue = c.refiner.refine
    c.refiner.refine = lambda job: (jobs.append(job), queue(job))[-1]
    info = caption_file(app, qtbot, speech_wav)
    finals = c.finals  # the live captions, before the refined ones take their place
    live_srt, live_txt = info.srt_path.read_bytes(), info.txt_path.read_bytes()
    assert [p.name for p in info.audio_paths] == [f"{info.stem}.audio.opus"]
    qtbot.waitUntil(lambda: info.refined, timeout=60000)
    assert progress and all(text.startswith("Refining: ") and "Cancel" in text for text in progress)
    assert not w.status_line.refine_label.isVisible()
    assert [job.live for job in jobs] == [tuple(finals)]  # the session's live captions, for the refine to vote with
    assert w.status_line.autosave_label.text() == f'Refined: <a href="open">{info.stem}.srt</a>'
    assert f"{info.stem}.live.srt" in w.status_line.autosave_label.toolTip()
    folder = info.srt_path.parent
    assert (folder / f"{info.stem}.live.srt").read_bytes() == live_srt and (folder / f"{info.stem}.live.txt").read_bytes() == live_txt
    assert (folder / f"{info.stem}.vtt").exists()
    assert not info.audio_paths[0].exists()  # by default the audio goes once the transcript is refined
    shown = w.transcript.plain_text()
    assert wer(" ".join(SENTENCES), " ".join(e.text for e in c.finals)) <= 0.2
    assert {"morning", "travel"} <= set(words(shown))
    shoot(w, "refine-2-refined.png")
    assert not c.unsaved


@pytest.mark.slow
def test_a_new_session_pauses_the_refine_and_both_are_refined_after_it(make_app, qtbot, speech_wav: Path) -> None:
    from captioner.gui.controller import State

    app = make_app(compute_device="cpu", recording="keep")
    w, c = app.window, app.controller
    first = caption_file(app, qtbot, speech_wav)
    qtbot.waitUntil(lambda: c.refiner.busy, timeout=10000)
    w.start_file_session(str(speech_wav), realtime=False)  # the live session wins the model
    assert not c.refiner.busy and [job.path for job in c.refiner.queue] == [first.srt_path]
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    second = c.info
    qtbot.waitUntil(lambda: second.refined, timeout=120000)
    for info in (first, second):
        assert (info.srt_path.parent / f"{info.stem}.live.srt").exists() and info.audio_paths[0].exists()  # kept, as set
    assert not first.refined  # refined on disk, but the transcript shown is the second session's


@pytest.mark.slow
def test_a_cancelled_refine_keeps_the_live_transcript_and_the_audio(make_app, qtbot, speech_wav: Path) -> None:
    app = make_app(compute_device="cpu")
    w, c = app.window, app.controller
    caption_file(app, qtbot, speech_wav)
    qtbot.waitUntil(lambda: c.refiner.busy, timeout=10000)
    w.status_line.cancelRefine.emit()  # the status line's Cancel link
    assert not c.refiner.busy and not w.status_line.refine_label.isVisible()
    assert w.message_bar.text == "Refining was cancelled; the session keeps its live transcript and its audio."
    qtbot.wait(3000)  # the worker stops at its next segment; nothing of it lands
    info = c.info
    assert not info.refined and info.audio_paths[0].exists()
    assert not list(info.srt_path.parent.glob("*.live.*")) and not list(info.srt_path.parent.glob("*.refined.*"))


@pytest.mark.slow
def test_never_record_means_no_audio_and_no_refine(make_app, qtbot, speech_wav: Path) -> None:
    app = make_app(compute_device="cpu", recording="never")
    c = app.controller
    caption_file(app, qtbot, speech_wav)
    assert c.info.audio_paths == [] and not c.refiner.busy and not c.refiner.queue
    assert not list(c.info.srt_path.parent.glob("*.opus"))


@pytest.mark.slow
def test_refine_a_past_session_that_still_has_its_audio(make_app, qtbot, speech_wav: Path) -> None:
    app = make_app(compute_device="cpu", recording="keep", refine_at_stop=False)
    w, c = app.window, app.controller
    past = caption_file(app, qtbot, speech_wav)
    assert not c.refiner.busy and past.audio_paths[0].exists()
    w.transcript.clear()
    w.refine_transcript(str(past.srt_path))  # File → Refine a past session's transcript…, the file picked
    qtbot.waitUntil(lambda: c.info is not past and c.info.refined, timeout=60000)
    assert c.info.srt_path == past.srt_path and (past.srt_path.parent / f"{past.stem}.live.srt").exists()
    assert {"morning", "travel"} <= set(words(w.transcript.plain_text()))
    assert past.audio_paths[0].exists()  # "keep"
    from captioner.audio.recorder import find_tracks

    assert [t.model for t in find_tracks(past.srt_path.parent, past.stem)] == [app.store.settings.model]  # the folder, not a name
    past.srt_path.with_name("other.srt").write_text("")
    w.refine_transcript(str(past.srt_path.with_name("other.srt")))
    assert "The session other has no recorded audio" in w.message_bar.text


@pytest.mark.slow
def test_transcribe_a_recording_in_the_app(make_app, qtbot, tmp_path: Path, speech_wav: Path) -> None:
    import numpy as np

    from tests.speech import read_wav, write_video, write_wav

    app = make_app(compute_device="cpu", preload=True)
    w, c = app.window, app.controller
    qtbot.waitUntil(lambda: c.model.transcriber is not None, timeout=30000)
    video = write_video(tmp_path / "talk.mp4", read_wav(speech_wav))
    progress: list[str] = []
    c.refiner.progress.connect(lambda *_: progress.append(w.status_line.refine_label.text()))
    w.transcribe_recording(str(video))  # File → Transcribe a recording…, the file picked
    qtbot.waitUntil(lambda: bool(c.finals) and not c.refiner.busy, timeout=60000)
    assert progress and progress[-1].startswith("Transcribing talk.mp4: 100 %")
    assert wer(" ".join(SENTENCES), " ".join(e.text for e in c.finals)) <= 0.2
    assert {"morning", "travel"} <= set(words(w.transcript.plain_text()))
    saved = c.settings.sessions_dir()
    assert w.status_line.autosave_label.text() == 'Transcribed: <a href="open">talk.srt</a>'
    assert str(saved / "talk.vtt") in w.status_line.autosave_label.toolTip()
    for suffix in (".srt", ".txt", ".vtt"):  # saved whole, private, as the sessions are
        path = saved / f"talk{suffix}"
        assert {"morning", "travel"} <= set(words(path.read_text(encoding="utf-8"))) and path.stat().st_mode & 0o077 == 0
    assert not c.unsaved  # it is on disk: Start need not ask
    shoot(w, "transcribe-recording.png")
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio")
    assert c.refines.transcribe_recording(bad) == ""  # (the window would first ask about the unsaved transcript)
    qtbot.waitUntil(lambda: "is not audio in a format captioner reads" in w.message_bar.text, timeout=10000)
    bad.unlink()
    bad = write_video(bad.with_suffix(".mp4"), read_wav(speech_wav))  # the same again, a file that is audio: the failure is past
    assert c.refines.transcribe_recording(bad) == ""
    qtbot.waitUntil(lambda: not c.refiner.busy and "notes.srt" in w.status_line.autosave_label.text(), timeout=60000)
    assert "is not audio" not in w.message_bar.text
    quiet = write_wav(tmp_path / "quiet.wav", np.zeros(3 * 16000, np.float32))
    assert c.refines.transcribe_recording(quiet) == ""
    qtbot.waitUntil(lambda: not c.refiner.busy and "quiet.srt" in w.status_line.autosave_label.text(), timeout=60000)
    assert w.message_bar.text == "No speech was heard in quiet.wav." and not c.finals
    shoot(w, "transcribe-nothing-heard.png")
    c.refines.transcribe_recording(video)  # said at once, before its first pass is through
    assert c.refiner.busy and w.status_line.refine_label.text().startswith("Transcribing talk.mp4: 0 %")
    assert "No speech" not in w.message_bar.text  # the next recording under way: the note is past
    w.status_line.cancelRefine.emit()
    assert w.message_bar.text == "Transcribing talk.mp4 was cancelled; nothing was saved." and w.message_bar.level == "info"


@pytest.mark.slow
def test_recordings_dropped_on_the_window_are_transcribed_in_turn_and_each_saved(make_app, qtbot, tmp_path: Path, speech_wav: Path) -> None:
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    from tests.speech import read_wav, write_video

    app = make_app(compute_device="cpu", preload=True)
    w, c = app.window, app.controller
    qtbot.waitUntil(lambda: c.model.transcriber is not None, timeout=30000)
    samples = read_wav(speech_wav)
    first, second = write_video(tmp_path / "monday.mp4", samples), tmp_path / "tuesday.wav"
    second.write_bytes(speech_wav.read_bytes())
    (c.settings.sessions_dir()).mkdir(parents=True, exist_ok=True)
    (c.settings.sessions_dir() / "monday.txt").write_text("an earlier transcript of that name\n")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(first)), QUrl.fromLocalFile(str(second)), QUrl("https://example.org/talk.mp3")])
    enter = QDragEnterEvent(w.rect().center(), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier)
    enter.ignore()  # events are made accepted: the window must accept it itself
    w.dragEnterEvent(enter)
    assert enter.isAccepted()
    progress: list[str] = []

    def on_progress(*_) -> None:
        progress.append(w.status_line.refine_label.text())
        if "more waiting" in progress[-1] and sum("more waiting" in t for t in progress) == 1:
            shoot(w, "transcribe-queue.png")

    c.refiner.progress.connect(on_progress)
    w.dropEvent(QDropEvent(QPointF(w.rect().center()), Qt.CopyAction, mime, Qt.LeftButton, Qt.NoModifier))
    assert len(c.refiner.queue) == 1 and c.refiner.running.recording == first  # the web link is not a file: left out
    qtbot.waitUntil(lambda: not c.refiner.busy and not c.refiner.queue and c.info.source == "tuesday.wav", timeout=120000)
    assert any(t.startswith("Transcribing monday.mp4") and "(1 more waiting)" in t for t in progress)
    assert any(t.startswith("Transcribing tuesday.wav") for t in progress)
    folder = c.settings.sessions_dir()
    assert (folder / "monday.txt").read_text() == "an earlier transcript of that name\n"  # never written over
    for stem in ("monday-2", "tuesday"):
        assert {"morning", "travel"} <= set(words((folder / f"{stem}.txt").read_text(encoding="utf-8")))
    assert {"morning", "travel"} <= set(words(w.transcript.plain_text()))  # the last one done is shown
    plain = QMimeData()
    plain.setText("some words")
    enter = QDragEnterEvent(w.rect().center(), Qt.CopyAction, plain, Qt.LeftButton, Qt.NoModifier)
    enter.ignore()  # events are made accepted: the window must accept it itself
    w.dragEnterEvent(enter)
    assert not enter.isAccepted()  # text is not a recording


@pytest.mark.slow
def test_cancel_stops_one_transcription_and_the_next_starts_cancel_all_stops_every_one(make_app, qtbot, tmp_path: Path, speech_wav: Path) -> None:
    app = make_app(compute_device="cpu", preload=True)
    w, c = app.window, app.controller
    qtbot.waitUntil(lambda: c.model.transcriber is not None, timeout=30000)
    first, second = tmp_path / "first.wav", tmp_path / "second.wav"
    for path in (first, second):
        path.write_bytes(speech_wav.read_bytes())
    assert c.refines.transcribe_recording(first) == "" and c.refines.transcribe_recording(second) == ""
    assert c.refiner.running.recording == first and "Cancel all" in w.status_line.refine_label.text()
    w.status_line.refine_label.linkActivated.emit("cancel")  # the status line's Cancel link
    assert w.message_bar.text == "Transcribing first.wav was cancelled; nothing was saved."
    assert c.refiner.running is not None and c.refiner.running.recording == second  # the next one started at once
    assert w.status_line.refine_label.isVisible() and w.status_line.refine_label.text().startswith("Transcribing second.wav")
    assert "Cancel all" not in w.status_line.refine_label.text()  # nothing waits after it
    qtbot.waitUntil(lambda: not c.refiner.busy and c.info.source == "second.wav", timeout=60000)
    folder = c.settings.sessions_dir()
    assert (folder / "second.txt").is_file() and not (folder / "first.txt").exists()

    for path in (first, second, first):
        assert c.refines.transcribe_recording(path) == ""
    w.status_line.refine_label.linkActivated.emit("cancel-all")
    assert not c.refiner.busy and not c.refiner.queue and not w.status_line.refine_label.isVisible()
    assert w.message_bar.text == "Transcribing first.wav was cancelled; nothing was saved. The 2 waiting after it were cancelled too."
