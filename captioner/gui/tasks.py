"""Running blocking work off the GUI thread and getting the result back as a signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal


log = logging.getLogger(__name__)


class Task(QObject):
    """Runs `fn(*args)` in a daemon thread; `done(result)` or `failed(exception)` arrives on the GUI thread.

    The task keeps itself alive until its thread ends, so callers need not hold it.
    """

    done = Signal(object)
    failed = Signal(object)

    _running: set["Task"] = set()

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "captioner-task") -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> "Task":
        Task._running.add(self)
        # Joining the (ending) thread before letting go makes sure the object is
        # destroyed on the GUI thread, never on the worker.
        self.done.connect(self._release)
        self.failed.connect(self._release)
        self.thread.start()
        return self

    def _release(self, _result: object = None) -> None:
        self.thread.join()
        self._fn, self._args = None, ()  # no cycles through the callable's owner
        Task._running.discard(self)

    def _run(self) -> None:
        try:
            result = self._fn(*self._args)
        except BaseException as exc:  # reported to the GUI, which decides what to say
            log.debug("task %s failed", self.thread.name, exc_info=True)
            self.failed.emit(exc)
        else:
            self.done.emit(result)


def run_in_thread(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    name: str = "captioner-task",
) -> Task:
    task = Task(fn, *args, name=name)
    if on_done is not None:
        task.done.connect(on_done)
    if on_failed is not None:
        task.failed.connect(on_failed)
    return task.start()
