"""File → Library of sessions…: the Library window of the sessions folder the settings name, one a main window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow

from captioner.gui.library_window import LibraryWindow

__all__ = ["LIBRARY_SHORTCUT", "captioning_now", "library_action", "refiner"]

LIBRARY_SHORTCUT = "Ctrl+L"


def captioning_now(window: QMainWindow) -> str:
    """The stem of the session the main window captions now ("" when none): the Library does not change it."""
    controller = getattr(window, "controller", None)
    info = getattr(controller, "info", None)
    return info.stem if controller is not None and controller.busy and info is not None else ""


def refiner(window: QMainWindow) -> Callable[[Path], str] | None:
    """The main window's refine of a past session (`RefineJobs.refine_past`), or None for a window that refines none."""
    refines = getattr(getattr(window, "controller", None), "refines", None)
    return refines.refine_past if refines is not None else None


def library_action(window: QMainWindow, sessions_folder: Callable[[], Path]) -> QAction:
    """File → Library of sessions… (LIBRARY_SHORTCUT): the Library window of the folder `sessions_folder()` names."""
    action = QAction("&Library of sessions…", window)
    action.setShortcut(QKeySequence(LIBRARY_SHORTCUT))
    action.setStatusTip("Every kept session: search what was said, read, correct and export it")
    opened: list[LibraryWindow] = []

    def show() -> None:
        folder = Path(sessions_folder()).expanduser()
        if opened and opened[0].library.folder != folder:  # Settings chose another sessions folder since
            opened.pop().library.close()
        if not opened:
            opened.append(LibraryWindow(folder, window, recording=lambda: captioning_now(window), refine=refiner(window)))
        opened[0].show()
        opened[0].raise_()
        opened[0].activateWindow()
        opened[0].refresh()

    action.triggered.connect(show)
    return action
