"""The tray icon: Start/Stop, overlay show/hide and click-through, quit; a way back to a click-through overlay."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from captioner.gui.actions import AppActions
from captioner.gui.resources import app_icon

log = logging.getLogger(__name__)


class Tray(QObject):
    """Wraps QSystemTrayIcon; where the desktop has no tray, `available` is False and every call is a no-op."""

    activated = Signal()  # the icon was clicked

    def __init__(self, actions: AppActions, *, enabled: bool = True) -> None:
        super().__init__()
        self.available = enabled and QSystemTrayIcon.isSystemTrayAvailable()
        self.icon: QSystemTrayIcon | None = None
        self.menu: QMenu | None = None
        if not self.available:
            log.info("no system tray here: the main window's menus and shortcuts do the tray's work")
            return
        self.menu = QMenu()
        for action in (
            actions.start_stop,
            None,
            actions.show_overlay,
            actions.click_through,
            actions.overlay_settings,
            None,
            actions.show_window,
            actions.quit,
        ):
            if action is None:
                self.menu.addSeparator()
            else:
                self.menu.addAction(action)
        self.icon = QSystemTrayIcon(app_icon(), self)
        self.icon.setToolTip("Captioner")
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.icon.show()

    def _on_activated(self, reason) -> None:
        if reason in (QSystemTrayIcon.Trigger, QSystemTrayIcon.DoubleClick):
            self.activated.emit()

    def set_live(self, live: bool, tooltip: str) -> None:
        if self.icon is not None:
            self.icon.setIcon(app_icon(live))
            self.icon.setToolTip(tooltip)

    def notify(self, title: str, text: str) -> bool:
        if self.icon is None or not self.icon.supportsMessages():
            return False
        self.icon.showMessage(title, text, QSystemTrayIcon.Information, 5000)
        return True

    def hide(self) -> None:
        if self.icon is not None:
            self.icon.hide()
