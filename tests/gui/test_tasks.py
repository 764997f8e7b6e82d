"""The GUI's one worker idiom: jobs on the pool, answers on the GUI thread, one staleness rule."""

from __future__ import annotations

import threading

from captioner.gui.tasks import Latest, run_in_thread


def test_answers_arrive_on_the_gui_thread(qtbot) -> None:
    gui = threading.current_thread()
    seen = []

    def job(x):
        seen.append(threading.current_thread().name)
        return x * 2

    done, where = [], []
    run_in_thread(job, 21, on_done=lambda r: (done.append(r), where.append(threading.current_thread())), name="captioner-test-job")
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    assert done == [42] and where == [gui] and seen == ["captioner-test-job"]

    failed = []
    run_in_thread(lambda: 1 / 0, on_failed=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=3000)
    assert isinstance(failed[0], ZeroDivisionError)


def test_only_the_latest_answer_counts() -> None:
    latest = Latest()
    first = latest.next()
    second = latest.next()
    assert not latest.is_current(first) and latest.is_current(second)
    latest.drop()
    assert not latest.is_current(second)


def test_an_answer_for_a_deleted_widget_is_dropped(qtbot) -> None:
    import shiboken6
    from PySide6.QtWidgets import QLabel

    release = threading.Event()
    gone, kept = QLabel(), QLabel()
    answered: list[str] = []
    run_in_thread(release.wait, 5, on_done=lambda _: answered.append(gone.text()), owner=gone)
    run_in_thread(release.wait, 5, on_done=lambda _: answered.append("kept " + kept.text()), owner=kept)
    shiboken6.delete(gone)  # the window closed while the job ran
    release.set()
    qtbot.waitUntil(lambda: bool(answered), timeout=3000)
    qtbot.wait(100)
    assert answered == ["kept "]
