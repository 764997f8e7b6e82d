"""The transcript's context menu: the editing actions, and "Name Speaker 2…" over a speaker's line."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTextEdit

__all__ = ["show_context_menu"]


def show_context_menu(text: QTextEdit, pos, who: tuple[str, str] | None, name_speaker: Callable[[str, str], None]) -> None:
    """The menu of `text` at `pos` (viewport coordinates); `who` is the speaker (id, label) of the line there, whom
    "Name …" offers to name through `name_speaker(id, label)`."""
    menu = text.createStandardContextMenu(pos)
    if who is not None:  # "Name Speaker 2…" first, above the editing actions
        first = menu.actions()[0] if menu.actions() else None
        action = QAction(f"Name {who[1]}…", menu)
        action.triggered.connect(lambda: name_speaker(*who))
        menu.insertAction(first, action)
        menu.insertSeparator(first)
    menu.exec(text.viewport().mapToGlobal(pos))
    menu.deleteLater()
