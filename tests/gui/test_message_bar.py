"""The banner: one notice per cause, shown newest first, gone when its cause clears."""

from __future__ import annotations

from captioner.gui.message_bar import MessageBar, Notice, standing


def test_standing_replaces_a_cause_and_keeps_order() -> None:
    a, b = Notice("error", "model missing", "model"), Notice("warning", "autosave stopped", "autosave")
    a2 = Notice("error", "folder missing", "model")
    assert standing([], a) == [a]
    assert standing([a, b], a2) == [b, a2]


def test_a_notice_goes_when_its_cause_clears(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_notice(Notice("warning", "Autosave stopped: disk full", "autosave"))
    bar.show_notice(Notice("error", "The model cannot be loaded", "model", ("Choose a model folder…", "choose-folder")))
    assert bar.isVisible() and bar.level == "error" and bar._action.isVisible()
    keys = []
    bar.actionTriggered.connect(keys.append)
    bar._action.click()
    assert keys == ["choose-folder"]
    bar.clear("model")
    assert bar.isVisible() and bar.text == "Autosave stopped: disk full" and not bar._action.isVisible()
    bar.clear("device")  # nothing of that cause: nothing changes
    assert bar.cause == "autosave"
    bar.clear("autosave")
    assert not bar.isVisible() and bar.level == "" and bar.text == ""


def test_dismiss_and_clear_all(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_message("info", "one", cause="a")
    bar.show_message("warning", "two", cause="b")
    bar.dismiss()
    assert bar.text == "one" and bar.isVisible()
    bar.show_message("warning", "three", cause="c")
    bar.clear_all()
    assert not bar.isVisible() and bar.notices == []


def test_a_finished_sessions_notice_is_not_shown_again_once_out_of_sight(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_message("warning", "You: the sound server stopped", cause="session")
    bar.show_message("warning", "The input device is gone", cause="device")
    bar.retire("session")  # the session finished
    bar.dismiss()  # the device notice closed: the finished session's does not come back
    assert not bar.isVisible() and bar.notices == []
    bar.show_message("error", "The session ended: no input", cause="session")
    bar.retire("session")
    assert bar.text == "The session ended: no input"  # shown until dismissed or covered
    bar.show_message("info", "Refining was cancelled", cause="refine")
    bar.dismiss()
    assert not bar.isVisible()
    bar.show_message("warning", "a new session's notice", cause="session")  # a new session: its notices hold again
    bar.show_message("info", "other", cause="x")
    bar.dismiss()
    assert bar.text == "a new session's notice"


def test_news_that_a_problem_is_over_goes_by_itself_unless_replaced(qtbot) -> None:
    bar = MessageBar()
    qtbot.addWidget(bar)
    bar.show_notice(Notice("warning", "Autosave stopped: disk full", "autosave"))
    bar.show_message("warning", "The sound server stopped; captions resume when it is back.", cause="session")
    bar.show_passing("info", "The sound server is back; Mic is captioned again.", "session", lasts_ms=300)
    assert bar.text == "The sound server is back; Mic is captioned again." and bar.level == "info"
    qtbot.waitUntil(lambda: bar.text == "Autosave stopped: disk full", timeout=3000)  # gone; what still holds shows again
    bar.show_passing("info", "The sound server is back; Mic is captioned again.", "session", lasts_ms=300)
    bar.show_message("warning", "The sound server stopped; captions resume when it is back.", cause="session")
    qtbot.wait(600)
    assert bar.text == "The sound server stopped; captions resume when it is back."  # a newer notice is not withdrawn
