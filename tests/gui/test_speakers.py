"""Speakers told apart by voice in the app: labels in the transcript, overlay and files; naming a speaker."""

from __future__ import annotations

from pathlib import Path

import pytest

from captioner.gui.controller import State
from tests.gui.conftest import srt_text
from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation, turns_of

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def call_wav(tmp_path_factory) -> Path:
    a, b = TWO_VOICES
    turns = [(a, VOICE_SENTENCES[0]), (b, VOICE_SENTENCES[1]), (a, VOICE_SENTENCES[2]), (b, VOICE_SENTENCES[3])]
    return conversation(tmp_path_factory.mktemp("call") / "call.wav", turns)[0]


def test_speakers_are_labelled_and_a_name_reaches_every_caption_the_overlay_and_the_files(make_app, qtbot, call_wav, transcriber):
    # the overlay kept (never cleared after silence): the refine at Stop may take longer than the silence it allows
    app = make_app(speakers=True, srt_labels=True, overlay={"lines": 6, "clear_after_s": 0})
    w, c = app.window, app.controller
    c.model.use(transcriber)
    app.overlay.resize(1400, 500)
    finished, refined = [], []
    c.sessionFinished.connect(finished.append)
    c.refines.refined.connect(lambda info, _updates: refined.append(info))
    assert w.start_file_session(str(call_wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(finished), timeout=120000)
    assert not c.notices.errors, c.notices.errors
    info = finished[0]
    live = [line.split(":", 1)[0] for line in info.txt_path.read_text(encoding="utf-8").splitlines()]
    assert turns_of(live) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"], live

    # refined at Stop (on by default): the speakers told apart again with the whole recording, with the same ids
    qtbot.waitUntil(lambda: bool(refined), timeout=120000)
    assert info.txt_path.with_name(f"{info.txt_path.stem}.live.txt").is_file()
    lines = w.transcript.plain_text().splitlines()
    who = [line.split("] ", 1)[1].split(":", 1)[0] for line in lines]
    assert turns_of(who) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"], lines
    assert [line.split(":", 1)[0] for line in info.txt_path.read_text(encoding="utf-8").splitlines()] == who

    second = who.index("Speaker 2")  # the first line of the second speaker, as the transcript's context menu offers it
    rect = w.transcript.text.cursorRect(_cursor_at(w.transcript, second))
    assert w.transcript.speaker_at(rect.center()) == ("speaker-2", "Speaker 2")
    named: list = []
    c.labelsChanged.connect(named.append)
    w.name_speaker("speaker-2", "Ana")
    assert named and named[-1]["speaker-2"] == "Ana"

    named_who = ["Ana" if label == "Speaker 2" else label for label in who]
    lines = w.transcript.plain_text().splitlines()
    assert [line.split("] ", 1)[1].split(":", 1)[0] for line in lines] == named_who
    assert "Ana: " in app.overlay.shown_text and "Speaker 1: " in app.overlay.shown_text, app.overlay.shown_text
    assert [line.split(":", 1)[0] for line in info.txt_path.read_text(encoding="utf-8").splitlines()] == named_who
    assert turns_of([cue.split(":", 1)[0] for cue in srt_text(info.srt_path)])[:2] == ["Speaker 1", "Ana"]
    assert "<v Ana>" in info.srt_path.with_suffix(".vtt").read_text(encoding="utf-8")  # the refine's VTT says the name too
    exported = info.txt_path.with_name("export.vtt")
    c.export("vtt", exported)
    assert "<v Ana>" in exported.read_text(encoding="utf-8")

    w.name_speaker("speaker-1", "Ana")  # the same name for both: one person in every view
    assert {line.split("] ", 1)[1].split(":", 1)[0] for line in w.transcript.plain_text().splitlines()} == {"Ana"}
    w.name_speaker("speaker-1", "")  # no name: "Speaker 1" again
    assert w.transcript.plain_text().splitlines()[0].split("] ", 1)[1].startswith("Speaker 1: ")


def _cursor_at(view, block: int):
    from PySide6.QtGui import QTextCursor

    cursor = QTextCursor(view.text.document().findBlockByNumber(block))
    cursor.movePosition(QTextCursor.EndOfBlock)
    cursor.movePosition(QTextCursor.Left, n=3)
    return cursor


def test_without_the_voice_encoder_the_session_runs_unlabelled_and_says_why(make_app, qtbot, call_wav, transcriber, tmp_path, monkeypatch):
    monkeypatch.setenv("CAPTIONER_VOICE_ENCODER", str(tmp_path / "not-there.pt"))
    app = make_app(speakers=True)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    said: list = []
    c.notices.message.connect(lambda level, text: said.append((level, text)))
    finished: list = []
    c.sessionFinished.connect(finished.append)
    assert w.start_file_session(str(call_wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(finished), timeout=120000)
    assert any(level == "warning" and "not labelled by speaker" in text and "not-there.pt" in text for level, text in said), said
    assert len(c.finals) >= 3 and not any(f.speaker for f in c.finals)


def test_a_recording_transcribed_with_speakers_is_shown_and_exported_as_its_files_hold_it(make_app, qtbot, tmp_path, transcriber):
    a, b = TWO_VOICES  # short sentences in one breath, which Whisper writes as one caption: the labeller cuts it into sentences
    turns = [(a, "Yes. I agree with that. Let us start now."), (b, "Okay. The numbers look fine. We can ship it on Monday.")]
    wav = conversation(tmp_path / "two.wav", turns)[0]
    app = make_app(speakers=True, speaker_count="2")
    w, c = app.window, app.controller
    c.model.use(transcriber)
    said: list[str] = []
    c.refiner.phase.connect(lambda _phase: said.append(w.status_line.refine_label.text()))
    assert c.refines.transcribe_recording(wav) == ""  # File → Transcribe a recording…, the file picked
    qtbot.waitUntil(lambda: bool(c.finals) and not c.refiner.busy, timeout=120000)
    assert said[-1].startswith("Transcribing two.wav: telling speakers apart…"), said  # the labelling is part of the job
    saved = c.settings.sessions_dir() / "two.txt"
    kept = saved.read_text(encoding="utf-8").splitlines()
    assert len(kept) >= 2 and {"Speaker 1", "Speaker 2"} <= {line.split(":", 1)[0] for line in kept}, kept
    shown = [line.split("] ", 1)[1] for line in w.transcript.plain_text().splitlines()]
    assert shown == kept  # the window holds what the file holds, line for line
    exported = tmp_path / "export.txt"
    c.export("txt", exported)
    assert exported.read_text(encoding="utf-8").splitlines() == kept
    c.export("srt", tmp_path / "export.srt")
    assert srt_text(tmp_path / "export.srt") == srt_text(saved.with_suffix(".srt"))
