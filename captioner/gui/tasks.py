"""The GUI's one way to run blocking work: a job on the app's thread pool, its answer as a signal.

    run_in_thread(fn, *args, on_done=..., on_failed=...)

`fn(*args)` runs on a pool thread (QThreadPool); its result or exception comes
back on the GUI thread. Jobs that run long (the idle level meter's stream, a
model download) use the same pool; it has room for them.

One staleness rule: whoever may ask again before an answer arrives takes a
ticket from a `Latest` for each request and acts on an answer only while its
ticket is still the latest (`latest.is_current(ticket)`); `latest.drop()` makes
every answer still on its way stale (a cancel, a stop).
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)

POOL_THREADS = 12  # long jobs (level stream, download, opening a device) plus short ones (device list, checks)


class Latest:
    """Tickets for one kind of request; only the answer to the newest one counts."""

    def __init__(self) -> None:
        self._ticket = 0

    def next(self) -> int:
        self._ticket += 1
        return self._ticket

    def is_current(self, ticket: int) -> bool:
        return ticket == self._ticket

    def drop(self) -> None:
        """Every ticket handed out so far is stale."""
        self._ticket += 1


class Task(QObject):
    """One job; `done(result)` or `failed(exception)` arrives on the GUI thread."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[..., Any], *args: Any, name: str = "captioner-task") -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.name = name

    def start(self) -> "Task":
        _runner().submit(self)
        return self


class CancellableTask(QObject):
    """A long job the user can stop: `_work()` (a subclass's) runs on the pool and looks at `cancelled` (set by
    `cancel()`) where it can stop; `done(result)` or `failed(exception)` arrives on the GUI thread. Subclasses add the
    signals they report progress by."""

    done = Signal(object)
    failed = Signal(object)

    def __init__(self, name: str) -> None:
        super().__init__()
        self.cancelled = threading.Event()
        self._task = Task(self._work, name=name)
        self._task.done.connect(self.done)
        self._task.failed.connect(self.failed)

    def start(self) -> None:
        self._task.start()

    def cancel(self) -> None:
        self.cancelled.set()

    def _work(self) -> Any:
        raise NotImplementedError


class _Runner(QObject):
    """Lives on the GUI thread for the app's life. Jobs reach their Task only through it, by number,
    so a Task (and what its callable holds) is always let go on the GUI thread, never on a pool thread."""

    _done = Signal(int, object)
    _failed = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(POOL_THREADS)
        self._tasks: dict[int, Task] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._done.connect(self._deliver_done)
        self._failed.connect(self._deliver_failed)

    def submit(self, task: Task) -> None:
        job = next(self._ids)
        with self._lock:
            self._tasks[job] = task
        self.pool.start(lambda: self._run(job))

    def _run(self, job: int) -> None:
        with self._lock:
            task = self._tasks[job]
            fn, args, name = task.fn, task.args, task.name
        del task
        thread = threading.current_thread()
        pool_name, thread.name = thread.name, name
        error: BaseException | None = None
        result = None
        try:
            result = fn(*args)
        except BaseException as exc:  # reported to the GUI, which decides what to say
            log.debug("task %s failed", name, exc_info=True)
            error = exc.with_traceback(None)  # its frames hold the job's objects
        del fn, args  # let go of the job's objects here, before the GUI thread can drop its own
        thread.name = pool_name
        try:
            if error is not None:
                self._failed.emit(job, error)
            else:
                self._done.emit(job, result)
        except RuntimeError:  # the app quit while the job ran: its runner is gone, and nobody waits for the result
            log.debug("task %s finished after the app quit", name)

    def _take(self, job: int) -> Task | None:
        with self._lock:
            return self._tasks.pop(job, None)

    def _deliver_done(self, job: int, result: object) -> None:
        task = self._take(job)
        if task is not None:
            task.done.emit(result)

    def _deliver_failed(self, job: int, exc: object) -> None:
        task = self._take(job)
        if task is not None:
            task.failed.emit(exc)


_RUNNER: _Runner | None = None


def _runner() -> _Runner:
    global _RUNNER
    if _RUNNER is None:
        _RUNNER = _Runner()  # first use is on the GUI thread
    return _RUNNER


def run_in_thread(
    fn: Callable[..., Any],
    *args: Any,
    on_done: Callable[[Any], None] | None = None,
    on_failed: Callable[[BaseException], None] | None = None,
    owner: QObject | None = None,
    name: str = "captioner-task",
) -> Task:
    """Run `fn(*args)` on the pool; an answer whose `owner` widget Qt has since deleted is dropped."""
    task = Task(fn, *args, name=name)
    for signal, slot in ((task.done, on_done), (task.failed, on_failed)):
        if slot is not None:
            signal.connect(slot if owner is None else _while_alive(owner, slot))
    return task.start()


def _while_alive(owner: QObject, slot: Callable[[Any], None]) -> Callable[[Any], None]:
    def call(value: Any) -> None:
        if shiboken6.isValid(owner):
            slot(value)

    return call
