"""The desktop app: QApplication set-up and the wiring between its parts.

    settings (SettingsStore) ──► controller (SessionController) ──► engine threads
                                        │ captionUpdate (MergeUpdate)
                     ┌──────────────────┼───────────────────┐
               MainWindow           CaptionOverlay         Tray
"""

from __future__ import annotations

import dataclasses
import logging
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QRect, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication

from captioner.gui.actions import CLICK_THROUGH_SHORTCUT, AppActions
from captioner.gui.controller import SessionController, State
from captioner.gui.device_watcher import DeviceWatcher
from captioner.gui.hotkeys import CLICK_THROUGH, SHOW_OVERLAY, START_STOP, GlobalShortcuts
from captioner.gui.level_monitor import LevelMonitor
from captioner.gui.main_window import MainWindow
from captioner.gui.overlay import CaptionOverlay
from captioner.gui.qt_platform import apply_platform_choice
from captioner.gui.resources import app_icon, style_sheet
from captioner.gui.settings_dialog import SettingsDialog
from captioner.gui.settings_store import SettingsStore
from captioner.gui.system_picker import output_level_source
from captioner.gui.tray import Tray
from captioner.settings import Settings

log = logging.getLogger(__name__)

CLICK_THROUGH_CAUSE = "click-through"
SHORTCUTS_CAUSE = "shortcuts"


def shortcut_bindings(settings: Settings) -> dict[str, str]:
    return {START_STOP: settings.shortcut_start_stop, SHOW_OVERLAY: settings.shortcut_overlay, CLICK_THROUGH: settings.shortcut_click_through}


class CaptionerApp(QObject):
    """Builds the app's objects and connects them. `finished` is emitted once the main window has closed."""

    finished = Signal()

    def __init__(
        self,
        settings_path: str | Path | None = None,
        *,
        device_lister=None,
        monitor_levels: bool = True,
        tray: bool = True,
        device_poll_ms: int = 5000,
        preload_model: bool = True,
    ) -> None:
        super().__init__()
        self.store = SettingsStore(settings_path)
        settings = self.store.settings
        self.actions = AppActions(self)
        self.monitor = LevelMonitor(enabled=monitor_levels)
        self.output_monitor = LevelMonitor(output_level_source, enabled=monitor_levels)
        self.devices = DeviceWatcher(device_lister, interval_ms=device_poll_ms) if device_lister else DeviceWatcher(interval_ms=device_poll_ms)
        self.controller = SessionController(self.store, monitor=self.monitor)
        self.controller.model.preload_models = preload_model  # load while the user picks a device: Start waits for no model
        self.overlay = CaptionOverlay(settings.overlay, click_through_shortcut=CLICK_THROUGH_SHORTCUT)
        self.settings_dialog: SettingsDialog | None = None
        self.store.changed.connect(self._settings_changed)
        self.window = MainWindow(self.store, self.controller, self.actions, devices=self.devices, monitor=self.monitor, output_monitor=self.output_monitor)
        self.window.installEventFilter(self)  # the overlay keeps clear of it until the user places the overlay
        self.tray = Tray(self.actions, enabled=tray)
        self.shortcuts = GlobalShortcuts(self)
        self.shortcuts.triggered.connect(self._global_shortcut)
        self.shortcuts_problem: str | None = None
        self._applied_shortcuts: dict[str, str] = {}

        a = self.actions
        a.show_overlay.setChecked(settings.overlay.visible)
        a.click_through.setChecked(settings.overlay.click_through)
        a.show_overlay.toggled.connect(self._show_overlay)
        a.click_through.toggled.connect(self._set_click_through)
        a.overlay_settings.triggered.connect(lambda: self.open_settings("overlay"))
        a.settings.triggered.connect(lambda: self.open_settings("overlay"))
        self.overlay.set_context_actions([a.overlay_settings, a.click_through, None, a.start_stop, a.hide_overlay])
        self.overlay.placementChanged.connect(self._overlay_moved)
        self.overlay.hidden.connect(lambda: a.show_overlay.setChecked(False))
        self.tray.activated.connect(self.window.bring_to_front)

        c = self.controller
        c.captionUpdate.connect(self.overlay.apply)
        c.stateChanged.connect(self._on_state)
        c.sessionStarted.connect(self._session_started)
        c.labelsChanged.connect(self.overlay.set_labels)  # a speaker named mid-session
        self.store.saveFailed.connect(lambda text: self.window.show_message("warning", f"{text}. Your changes apply until you quit.", cause="settings"))
        self.window.closed.connect(self._window_closed)

    # -- life -----------------------------------------------------------------
    def show(self) -> None:
        self.window.show()
        self.overlay.restore_placement(avoid=self.window.frameGeometry())
        if self.store.settings.overlay.visible:
            self.overlay.show()
        if self.store.load_warning:
            self.window.show_message("warning", self.store.load_warning, cause="settings")
        self._apply_shortcuts(self.store.settings, announce=False)
        self.devices.start()  # the level monitor starts once the device list is known
        if self.controller.model.preload_models:
            self.controller.model.preload()

    def _window_closed(self) -> None:
        self.shortcuts.stop()
        self.overlay.hide()
        self.tray.hide()
        if self.settings_dialog is not None:
            self.settings_dialog.reject()
        self.store.save_now()
        self.finished.emit()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        # the window manager frames and places the main window after show(): its final frame is
        # known only from these events
        if obj is self.window and event.type() in (QEvent.Move, QEvent.Resize) and self.window.isVisible():
            self.overlay.keep_clear_of(self.window.frameGeometry())
        return False

    # -- reactions ------------------------------------------------------------------
    def _session_started(self, info) -> None:
        self.overlay.set_labels(info.labels)  # the session's: a rename in Settings applies from the next one
        self.overlay.clear()

    def _on_state(self, state: State) -> None:
        live = state in (State.STARTING, State.RUNNING, State.STOPPING)
        self.overlay.set_running(live)
        tooltip = {
            State.IDLE: "Captioner",
            State.PREPARING: "Captioner – preparing the model",
            State.STARTING: "Captioner – starting",
            State.RUNNING: "Captioner – captioning",
            State.STOPPING: "Captioner – finishing",
        }[state]
        self.tray.set_live(live, tooltip)

    def _settings_changed(self, settings: Settings) -> None:
        if self.settings_dialog is None:  # while the dialog is open, it drives the overlay's preview
            self.overlay.apply_settings(settings.overlay)
        wanted = shortcut_bindings(settings) if settings.global_shortcuts else {}
        if wanted != self._applied_shortcuts:
            self._apply_shortcuts(settings)

    def _apply_shortcuts(self, settings: Settings, announce: bool = True) -> None:
        """Listen for the system-wide shortcuts; a key that cannot be one is said in the banner, and
        a desktop that allows none is said in Settings (and here, once, when the user asked for it)."""
        bindings = shortcut_bindings(settings)
        self._applied_shortcuts = bindings if settings.global_shortcuts else {}
        self.shortcuts_problem = self.shortcuts.apply(settings.global_shortcuts, bindings)
        undo = settings.shortcut_click_through if self.shortcuts.bindings.get(CLICK_THROUGH) else CLICK_THROUGH_SHORTCUT
        self.overlay.set_click_through_shortcut(undo)
        self.window.status_line.set_click_through_shortcut(undo)
        if self.shortcuts_problem and (announce or self.shortcuts.active):
            self.window.show_message("warning", self.shortcuts_problem, cause=SHORTCUTS_CAUSE)
        else:
            self.window.message_bar.clear(SHORTCUTS_CAUSE)

    def _global_shortcut(self, name: str) -> None:
        action = {START_STOP: self.actions.start_stop, SHOW_OVERLAY: self.actions.show_overlay, CLICK_THROUGH: self.actions.click_through}[name]
        same_key = action.shortcut() == QKeySequence(self.shortcuts.bindings.get(name, ""))
        if same_key and not self.shortcuts.exclusive and QGuiApplication.focusWindow() is not None:
            return  # the same key inside the app, which saw it too: its own shortcut has done it
        if action.isEnabled():
            action.trigger()

    def _show_overlay(self, on: bool) -> None:
        if on:
            if not self.overlay.isVisible():
                self.overlay.show()
        else:
            self.overlay.hide()
        self.store.update_overlay(visible=on)

    def _set_click_through(self, on: bool) -> None:
        self.store.update_overlay(click_through=on)
        self.overlay.set_click_through(on)
        if on:
            anywhere = self.shortcuts.bindings.get(CLICK_THROUGH)
            how = f"{anywhere} (anywhere)" if anywhere else f"{CLICK_THROUGH_SHORTCUT} in Captioner's window"
            tray = ", or the tray menu," if self.tray.available else " or the Overlay menu"
            text = f"The overlay lets mouse clicks through now. {how}{tray} makes it movable again."
            if not self.tray.notify("Overlay click-through", text):
                self.window.show_message("info", text, cause=CLICK_THROUGH_CAUSE)
        else:
            self.window.message_bar.clear(CLICK_THROUGH_CAUSE)

    def _overlay_moved(self, screen: str, rect: QRect) -> None:
        self.store.remember_overlay_place(screen, rect.x(), rect.y(), rect.width(), rect.height())

    def open_settings(self, tab: str = "overlay") -> SettingsDialog:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return self.settings_dialog
        dialog = SettingsDialog(self.store.settings, self.window, tab=tab, shortcuts_note=self.shortcuts_problem or "",
                                click_through_shortcut=self.overlay.click_through_shortcut)
        dialog.preview.connect(self.overlay.apply_settings)
        dialog.finished.connect(lambda result, d=dialog: self._settings_done(d, result))
        self.settings_dialog = dialog
        dialog.open()
        return dialog

    def _settings_done(self, dialog: SettingsDialog, result: int) -> None:
        self.settings_dialog = None
        if result == SettingsDialog.Accepted:
            chosen = dialog.result_settings()
            now = self.store.settings
            # keep what changed meanwhile outside the dialog (the overlay's place, visibility, click-through)
            overlay = dataclasses.replace(
                chosen.overlay,
                geometries=now.overlay.geometries,
                last_screen=now.overlay.last_screen,
                visible=now.overlay.visible,
            )
            self.store.set(dataclasses.replace(now, overlay=overlay, **dialog.changes(chosen)))
            self.actions.click_through.setChecked(overlay.click_through)
        self.overlay.apply_settings(self.store.settings.overlay)
        dialog.deleteLater()


def run(argv: list[str] | None = None, *, settings_path: str | Path | None = None) -> int:
    """Open the app; returns the exit code once it quits."""
    logging.basicConfig(level=logging.WARNING, format="captioner: %(levelname)s: %(message)s")
    if QApplication.instance() is None:
        apply_platform_choice()  # through Xwayland in a Wayland session (captioner/gui/qt_platform.py)
    app = QApplication.instance() or QApplication(sys.argv if argv is None else argv)
    app.setApplicationName("captioner")
    app.setApplicationDisplayName("Captioner")
    app.setDesktopFileName("captioner")
    app.setWindowIcon(app_icon())
    app.setStyleSheet(style_sheet())
    app.setQuitOnLastWindowClosed(False)  # the overlay and tray outlive a hidden main window
    captioner = CaptionerApp(settings_path)
    captioner.finished.connect(app.quit)
    # Ctrl-C in the terminal closes the window the normal way (finishing the session)
    signal.signal(signal.SIGINT, lambda *_: QTimer.singleShot(0, captioner.window.close))
    heartbeat = QTimer()
    heartbeat.start(250)
    heartbeat.timeout.connect(lambda: None)  # lets Python run signal handlers while Qt waits
    captioner.show()
    return app.exec()
