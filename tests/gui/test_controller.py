"""The session controller on its own: it reads the one settings store."""

from __future__ import annotations

from pathlib import Path

from captioner.gui.controller import SessionController
from captioner.gui.settings_store import SettingsStore


def test_the_controller_reads_the_store_whatever_the_order(qtbot, tmp_path: Path, transcriber, model_dir: Path) -> None:
    store = SettingsStore(tmp_path / "settings.json")
    store.update(model=str(model_dir), compute_device="cpu")
    seen = []
    controller: SessionController | None = None
    # a listener connected before the controller exists still sees the controller in step
    store.changed.connect(lambda _s: seen.append(controller.model.request().spec))
    controller = SessionController(store)
    controller.model.use(transcriber)
    assert controller.model.loaded_for(controller.model.request())
    store.update(model="base.en")
    assert seen == ["base.en"] and controller.settings is store.settings
    assert controller.model.transcriber is None  # another model: the loaded one is let go
    store.update(model=str(model_dir))
    controller.model.use(transcriber)
    store.update(input_device="pulse:other")  # not about the model: it stays loaded
    assert controller.model.transcriber is transcriber


def test_the_model_loads_while_a_device_is_picked_so_start_waits_for_no_model(make_app, qtbot, speech_wav: Path) -> None:
    from captioner.gui.controller import State
    from tests.gui.conftest import words

    app = make_app(preload=True, compute_device="cpu")  # as the app opens
    w, c = app.window, app.controller
    assert c.state is State.IDLE and w.device_picker.isEnabled() and w.model_picker.isEnabled()  # free to pick meanwhile
    qtbot.waitUntil(lambda: c.model.loaded_for(c.model.request()), timeout=30000)
    assert c.state is State.IDLE and "loads on Start" not in w.status_line.model_status.text()
    qtbot.waitUntil(lambda: "behind speech on this computer" in w.model_picker.hint.text(), timeout=30000)
    phases: list[str] = []
    c.model.phase.connect(phases.append)
    w.start_file_session(str(speech_wav), realtime=False)
    assert c.state is State.STARTING  # straight to the audio: the model is loaded and warm
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    assert phases == [] and not c.notices.errors, c.notices.errors
    assert {"morning", "travel"} <= set(words(" ".join(e.text for e in c.finals)))


def test_start_during_the_background_load_waits_for_it_and_loads_nothing_twice(make_app, qtbot, speech_wav: Path) -> None:
    from captioner.gui.controller import State

    app = make_app(compute_device="cpu")
    w, c = app.window, app.controller
    phases: list[str] = []
    c.model.phase.connect(phases.append)
    c.model.preload_models = True
    c.model.preload()  # what the app does when its window opens
    assert c.state is State.IDLE
    w.start_file_session(str(speech_wav), realtime=False)  # pressed at once
    assert c.state is State.PREPARING and w.start_button.text() == "Cancel"
    qtbot.waitUntil(lambda: c.state is State.IDLE and bool(c.finals), timeout=60000)
    assert phases.count("loading") == 1 and phases.count("warming") == 1, phases
    assert not c.notices.errors, c.notices.errors


def test_another_device_or_model_loads_and_is_timed_in_the_background(make_app, qtbot, model_dir: Path) -> None:
    from captioner.app.pace_hint import PassTimes, pace_key
    from captioner.gui.controller import State

    app = make_app(preload=True, compute_device="cpu")
    w, c = app.window, app.controller
    qtbot.waitUntil(lambda: "behind speech" in w.model_picker.hint.text(), timeout=30000)
    picker = w.model_picker
    picker._compute_chosen(picker.compute_combo.findData("auto"))
    assert c.model.transcriber is None  # the former one is let go at once
    qtbot.waitUntil(lambda: c.model.loaded_for(c.model.request()), timeout=30000)
    qtbot.waitUntil(lambda: "behind speech" in picker.hint.text(), timeout=30000)
    times = PassTimes()
    assert times.get(pace_key(str(model_dir), "cpu")) and times.get(pace_key(str(model_dir), "auto"))
    # a model that is not on disk is not downloaded in the background, and nothing is said
    picker.choose_model("small.en")
    qtbot.waitUntil(lambda: "not downloaded" in picker.hint.text(), timeout=5000)
    qtbot.wait(500)
    assert c.state is State.IDLE and c.model.transcriber is None and not w.message_bar.isVisible()
    assert not w.download_panel.isVisible()


def test_the_interim_model_setting_reaches_the_model_request(make_app, qtbot) -> None:
    """Settings → Captioning: the small model beside a big one is on by default (`auto`); unticked, the model request
    asks for none and the loaded model is let go (the next load has no interim model); ticked again, `auto`."""
    from captioner.engine.models.catalogue import INTERIM_AUTO, INTERIM_NONE

    app = make_app()
    c = app.controller
    assert c.model.request().interim == INTERIM_AUTO
    dialog = app.open_settings("captions")
    assert dialog.quick_interims.isChecked()
    dialog.quick_interims.setChecked(False)
    dialog.accept()
    assert app.store.settings.interim_model == INTERIM_NONE and c.model.request().interim == INTERIM_NONE
    dialog = app.open_settings("captions")
    assert not dialog.quick_interims.isChecked()
    dialog.quick_interims.setChecked(True)
    dialog.accept()
    assert c.model.request().interim == INTERIM_AUTO


def test_cancel_during_the_load_forgets_the_start_it_was_for(make_app, qtbot, speech_wav: Path) -> None:
    """Start loads the model, Cancel stops the load: the model loaded later (in the background, as after a change in
    Settings) starts no session."""
    from captioner.gui.controller import State

    app = make_app(compute_device="cpu")
    w, c = app.window, app.controller
    states: list[State] = []
    started: list = []
    c.stateChanged.connect(states.append)
    c.sessionStarted.connect(started.append)
    assert w.start_file_session(str(speech_wav), realtime=False)
    assert c.state is State.PREPARING and w.start_button.text() == "Cancel"
    w.start_button.click()
    assert c.state is State.IDLE
    c.model.preload_models = True
    c.model.preload()
    qtbot.waitUntil(lambda: c.model.loaded_for(c.model.request()), timeout=30000)
    qtbot.wait(500)
    assert c.state is State.IDLE and not started and states == [State.PREPARING, State.IDLE], states
