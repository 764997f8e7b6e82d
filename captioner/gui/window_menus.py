"""The main window's menu bar and the order Tab goes through its controls."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QWidget

from captioner.gui.actions import AppActions
from captioner.gui.library_action import library_action

__all__ = ["build_menus", "set_tab_order"]


def build_menus(window: QMainWindow, a: AppActions) -> None:
    """File, Edit, Overlay and Settings, from the app's shared actions."""
    file_menu = window.menuBar().addMenu("&File")
    file_menu.addAction(a.start_stop)
    file_menu.addAction(a.caption_file)
    file_menu.addAction(a.transcribe)
    file_menu.addAction(a.refine)
    file_menu.addSeparator()
    export = file_menu.addMenu("&Export")
    export.addActions(list(a.export_as.values()))
    file_menu.addAction(a.open_autosave)
    file_menu.addAction(library_action(window, lambda: window.store.settings.sessions_dir()))  # type: ignore[attr-defined]
    file_menu.addSeparator()
    file_menu.addAction(a.quit)
    edit = window.menuBar().addMenu("&Edit")
    edit.addAction(a.copy_transcript)
    edit.addAction(a.find)
    edit.addSeparator()
    for action in (a.larger_text, a.smaller_text, a.normal_text):
        edit.addAction(action)
        window.addAction(action)  # its shortcut works wherever the focus is in the window
    edit.addSeparator()
    edit.addAction(a.clear)
    view = window.menuBar().addMenu("&Overlay")
    view.addAction(a.show_overlay)
    view.addAction(a.click_through)
    view.addAction(a.overlay_settings)
    settings = window.menuBar().addMenu("&Settings")
    settings.addAction(a.settings)


def set_tab_order(chain: list[QWidget]) -> None:
    """Tab goes through `chain` in order; the first of it takes the focus."""
    for before, after in zip(chain, chain[1:]):
        QWidget.setTabOrder(before, after)
    chain[0].setFocus()
