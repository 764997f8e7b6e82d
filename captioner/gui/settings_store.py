"""The app's current settings, saved (debounced, atomically) whenever they change."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from captioner.settings import (
    MAX_OVERLAY_PLACES,
    LoadResult,
    OverlaySettings,
    ScreenGeometry,
    Settings,
    SettingsError,
    default_settings_path,
    load_settings,
    save_settings,
)

log = logging.getLogger(__name__)


class SettingsStore(QObject):
    """The one copy of the app's settings (`captioner.settings.Settings`, whose fields `captioner.config` declares):
    changes go out as `changed` and are saved a moment later; a save that fails is said once (`saveFailed`)."""

    changed = Signal(object)  # Settings
    saveFailed = Signal(str)

    def __init__(self, path: str | Path | None = None, *, save_delay_ms: int = 500) -> None:
        super().__init__()
        self.path = Path(path) if path else default_settings_path()
        loaded: LoadResult = load_settings(self.path)
        self.settings: Settings = loaded.settings
        self.load_warning = loaded.warning
        self.set_aside = loaded.set_aside
        self.writable = loaded.writable
        self._save_error_shown = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(save_delay_ms)
        self._timer.timeout.connect(self.save_now)

    def set(self, settings: Settings) -> None:
        if settings == self.settings:
            return
        self.settings = settings
        self.changed.emit(settings)
        self._timer.start()

    def update(self, **changes) -> None:
        self.set(dataclasses.replace(self.settings, **changes))

    def update_overlay(self, **changes) -> None:
        self.set(dataclasses.replace(self.settings, overlay=dataclasses.replace(self.settings.overlay, **changes)))

    def remember_overlay_place(self, screen: str, x: int, y: int, width: int, height: int) -> None:
        o: OverlaySettings = self.settings.overlay
        others = tuple(g for g in o.geometries if g.screen != screen)
        self.update_overlay(geometries=(ScreenGeometry(screen, x, y, width, height), *others)[:MAX_OVERLAY_PLACES], last_screen=screen)

    def save_now(self) -> bool:
        self._timer.stop()
        if not self.writable:
            return False
        try:
            save_settings(self.path, self.settings)
        except SettingsError as exc:
            log.error("%s", exc)
            if not self._save_error_shown:
                self._save_error_shown = True
                self.saveFailed.emit(str(exc))
            return False
        return True
