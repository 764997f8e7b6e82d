"""Where the caption overlay goes: its first place off the main window, the place it was left in, docked at an edge of
the screen, as tall as the Lines setting asks, and the user's own moves told apart from its own."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from captioner.gui.overlay_fonts import OverlayFonts
from captioner.gui.overlay_layout import choose_placement, clamp_to, docked_rect, screen_key
from captioner.settings import PLACEMENT_DOCKED_TOP, PLACEMENT_FLOATING, OverlaySettings

__all__ = ["PLACEMENT_SETTLE_MS", "PREFERRED_WIDTH", "OverlayPlacer", "screens"]

PREFERRED_WIDTH = 900  # pixels: the overlay's width where it places itself
PLACEMENT_SETTLE_MS = 400  # a move or resize by the user is reported once it has rested this long


def screens() -> dict[str, QRect]:
    """Each screen's available area, by screen_key."""
    return {screen_key(s): s.availableGeometry() for s in QGuiApplication.screens()}


class OverlayPlacer:
    """Puts `window` (the overlay) where it belongs, and reports where the user put it: `moved(screen key, geometry)`
    once a move or resize by hand has settled. `settings()` and `fonts()` are the overlay's current ones; `dragging()`
    says whether a drag of the overlay's own is under way."""

    def __init__(
        self,
        window: QWidget,
        *,
        settings: Callable[[], OverlaySettings],
        fonts: Callable[[], OverlayFonts],
        dragging: Callable[[], bool],
        moved: Callable[[str, QRect], None],
    ) -> None:
        self._window = window
        self._settings = settings
        self._fonts = fonts
        self._dragging = dragging
        self._moved = moved
        self._restoring = False  # the overlay sets its own geometry: not a move by the user
        self.placed_by_user = False  # moved or resized by hand (or remembered from before): stays put
        self._placed_at = QRect()  # where the overlay put itself; a move or resize to elsewhere is the user's
        self._avoid: QRect | None = None  # the main window's frame, kept clear of until the user places the overlay
        self._timer = QTimer(window)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PLACEMENT_SETTLE_MS)
        self._timer.timeout.connect(self._report)
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._watch_screen)
        for screen in app.screens():
            self._watch_screen(screen)

    @property
    def docked(self) -> bool:
        return self._settings().placement != PLACEMENT_FLOATING

    def preferred_size(self) -> tuple[int, int]:
        """The size the overlay places itself at: PREFERRED_WIDTH wide, as tall as the Lines setting asks."""
        return PREFERRED_WIDTH, self._fonts().height_for(self._settings().lines)

    def restore(self, avoid: QRect | None = None) -> None:
        """Go where the overlay was last; the first time, off `avoid` (the main window's frame).
        Docked, it goes across the edge of the screen it is on."""
        self._avoid = QRect(avoid) if avoid is not None else None
        found = screens()
        if not found:
            return
        self.placed_by_user = any(g.screen in found for g in self._settings().geometries)
        self._place(self._settings().geometries, found, avoid)
        if self.docked:
            self.dock()

    def keep_clear_of(self, avoid: QRect) -> None:
        """The main window moved or got its frame: until the user has placed the overlay, it goes
        where it covers none of that window (a docked overlay stays docked)."""
        self._avoid = QRect(avoid)
        found = screens()
        if found and not self.placed_by_user and not self._dragging() and not self.docked:
            self._place((), found, avoid)

    def settings_changed(self, placement_changed: bool, height_changed: bool) -> None:
        """The settings changed where the overlay goes (`placement_changed`) or how tall it is (`height_changed`)."""
        if self.docked:
            if placement_changed or height_changed:
                self.dock()
        elif placement_changed:
            self.restore(self._avoid)  # undocked: back where it was put, or off the main window
        elif height_changed:
            self._fit_height_to_lines()

    def dock(self) -> None:
        """Across the whole width of the screen the overlay is on, at its top or bottom edge, as tall as the Lines setting asks."""
        w = self._window
        screen = QGuiApplication.screenAt(w.geometry().center()) or QGuiApplication.primaryScreen()
        if screen is not None:
            at_top = self._settings().placement == PLACEMENT_DOCKED_TOP
            self._set_geometry(docked_rect(screen.availableGeometry(), self.preferred_size()[1], at_top))

    def quietly(self, on: bool) -> None:
        """While `on`, the overlay's moves and resizes are its own doing."""
        self._restoring = on

    def changed(self) -> None:
        """The overlay moved or was resized: a move of the user's is reported once it settles."""
        if self._moved_by_user():
            self._timer.start()

    def drag_finished(self) -> None:
        self._timer.start()

    def _fit_height_to_lines(self) -> None:
        """Make the window as tall as the Lines setting asks: where the overlay placed itself, in a
        new place that covers none of the main window; where the user placed it, its bottom edge
        where it was (within the screen)."""
        w = self._window
        height = self.preferred_size()[1]
        if height == w.height():
            return
        found = screens()
        if found and not self.placed_by_user and not self._placed_at.isNull():
            self._place((), found, self._avoid)
            return
        rect = QRect(w.geometry())
        rect.setTop(rect.bottom() + 1 - height)
        screen = QGuiApplication.screenAt(w.geometry().center()) or w.screen()
        w.setGeometry(clamp_to(rect, screen.availableGeometry()) if screen is not None else rect)

    def _place(self, saved, found: dict[str, QRect], avoid: QRect | None) -> None:
        s = self._settings()
        primary = screen_key(QGuiApplication.primaryScreen())
        fewer_lines = tuple(self._fonts().height_for(n) for n in range(s.lines - 1, 0, -1))  # where the asked-for height has no room
        _key, rect = choose_placement(saved, s.last_screen, found, primary, self.preferred_size(), avoid, fewer_lines)
        self._set_geometry(rect)

    def _set_geometry(self, rect: QRect) -> None:
        self._placed_at = QRect(rect)
        if rect == self._window.geometry():
            return
        self._restoring = True
        self._window.setGeometry(rect)
        self._restoring = False

    def _watch_screen(self, screen) -> None:
        screen.availableGeometryChanged.connect(self._screen_changed)

    def _screen_changed(self, *_args) -> None:
        if self.docked:
            self.dock()

    def _report(self) -> None:
        w = self._window
        if w.isVisible():
            screen = QGuiApplication.screenAt(w.geometry().center()) or w.screen()
            self._moved(screen_key(screen), w.geometry())

    def _moved_by_user(self) -> bool:
        """A move or resize not of the overlay's own doing (the window system reports those later)."""
        if self._restoring or self.docked or self._window.geometry() == self._placed_at:
            return False
        self.placed_by_user = True
        return True
