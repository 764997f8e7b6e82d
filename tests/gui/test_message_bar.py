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
