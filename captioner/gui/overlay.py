"""The caption overlay: a frameless, translucent, always-on-top window with the latest lines.

Text is laid out by real font metrics: words are wrapped to the window's width
(a word wider than the window is elided), and the last N lines are shown, the
interim text in its own colour and in italics after the final text. Its parts:
the text (overlay_text), the fonts (overlay_fonts), where it goes (overlay_placement),
the mouse (overlay_mouse), the painting (overlay_paint).
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtWidgets import QMenu, QWidget

from captioner.app.merge import MergeUpdate
from captioner.gui.overlay_fonts import OverlayFonts
from captioner.gui.overlay_layout import Line, layout_caption
from captioner.gui.overlay_mouse import DragMoveResize
from captioner.gui.overlay_paint import PADDING_X, PADDING_Y, paint_overlay
from captioner.gui.overlay_placement import OverlayPlacer
from captioner.gui.overlay_text import CaptionText
from captioner.settings import PLACEMENT_DOCKED_TOP, OverlaySettings

__all__ = ["PADDING_X", "PADDING_Y", "CaptionOverlay", "window_flags"]

MIN_SIZE = (160, 44)  # pixels: the smallest the overlay is resized to by hand
IDLE_HINT = "Captions appear here · drag to move it, drag an edge to resize it"
CLICK_THROUGH_HINT = "Captions appear here · clicks go through to the window below · {shortcut} to move it"
DOCKED_HINT = "Captions appear here · docked at the {edge} of the screen (Overlay appearance… undocks it)"
# settings that change how tall the Lines setting makes the window
HEIGHT_FIELDS = ("lines", "font_size", "font_family", "bold")


def window_flags(click_through: bool) -> Qt.WindowFlags:
    """The overlay's window flags: a frameless tool window on top that takes no focus; click-through, no input either."""
    flags = Qt.Tool | Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint | Qt.WindowDoesNotAcceptFocus
    if click_through:
        # Qt gives the window an empty input shape; on X11 the window manager's frame around it
        # would still take the clicks (openbox does), so the window goes unmanaged, without a frame
        flags |= Qt.WindowTransparentForInput | Qt.X11BypassWindowManagerHint
    return flags


class CaptionOverlay(QWidget):
    """The window of live captions over other windows: it shows the latest lines in the look its OverlaySettings ask
    for, goes where it was put (`placer`), and is moved and resized by dragging (`pointer`) unless docked."""

    placementChanged = Signal(str, QRect)  # screen key, geometry: after the user moved or resized it
    hidden = Signal()  # closed or hidden from its own menu

    def __init__(self, settings: OverlaySettings = OverlaySettings(), click_through_shortcut: str = "") -> None:
        super().__init__(None)
        self.setObjectName("captionOverlay")
        self.setWindowTitle("Captions")
        self.setAttribute(Qt.WA_TranslucentBackground)
        self.setAttribute(Qt.WA_ShowWithoutActivating)
        self.setMouseTracking(True)
        self.setMinimumSize(*MIN_SIZE)
        self._settings = settings
        self.fonts = OverlayFonts(settings)
        self.text = CaptionText()
        self._lines: list[Line] = []
        self._running = False
        self.click_through_shortcut = click_through_shortcut  # the key that turns click-through off, named in the hint ("" = none)
        self._context_actions: list = []
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.timeout.connect(self.clear)
        self.pointer = DragMoveResize(self, movable=lambda: not self.docked, finished=lambda: self.placer.drag_finished())
        self.placer = OverlayPlacer(self, settings=lambda: self._settings, fonts=lambda: self.fonts,
                                    dragging=lambda: self.pointer.dragging, moved=self.placementChanged.emit)
        self.setWindowFlags(window_flags(settings.click_through))
        self.apply_settings(settings)

    # -- settings -------------------------------------------------------------
    @property
    def settings(self) -> OverlaySettings:
        return self._settings

    def apply_settings(self, settings: OverlaySettings) -> None:
        """Look, behave and sit as `settings` say, from now on."""
        old = self._settings
        click_through_changed = settings.click_through != old.click_through
        height_changed = any(getattr(settings, name) != getattr(old, name) for name in HEIGHT_FIELDS)
        placement_changed = settings.placement != old.placement
        self._settings = settings
        self.fonts = OverlayFonts(settings)
        self._clear_timer.setInterval(int(settings.clear_after_s * 1000))
        if settings.clear_after_s <= 0:
            self._clear_timer.stop()
        if click_through_changed:
            self.set_click_through(settings.click_through)
        self.placer.settings_changed(placement_changed, height_changed)
        self._relayout()

    def set_click_through_shortcut(self, shortcut: str) -> None:
        """The key that turns click-through off, named in the hint ("" = none)."""
        self.click_through_shortcut = shortcut
        self.update()

    def hint_text(self) -> str:
        """What the empty overlay says before a session: how to move it, or that clicks pass through."""
        if not self.click_through:
            if self.docked:
                return DOCKED_HINT.format(edge="top" if self._settings.placement == PLACEMENT_DOCKED_TOP else "bottom")
            return IDLE_HINT
        if self.click_through_shortcut:
            return CLICK_THROUGH_HINT.format(shortcut=self.click_through_shortcut)
        return CLICK_THROUGH_HINT.replace(" · {shortcut} to move it", "")

    def set_context_actions(self, actions: list) -> None:
        """Actions for the right-click menu (None = separator)."""
        self._context_actions = actions

    # -- captions -------------------------------------------------------------
    def apply(self, update: MergeUpdate) -> None:
        """Show what `update` changes (a revise changes nothing shown)."""
        if not self.text.apply(update):
            return
        if self._settings.clear_after_s > 0:
            self._clear_timer.start()
        self._relayout()

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """What each channel and speaker is called, by id (a session's own labels): from now on, and in the lines shown
        (a speaker named mid-session is named on screen at once)."""
        self.text.set_labels(labels)
        self._relayout()

    def clear(self) -> None:
        self.text.clear()
        self._relayout()

    def set_running(self, running: bool) -> None:
        self._running = running
        self.update()

    @property
    def lines(self) -> list[Line]:
        return list(self._lines)

    @property
    def shown_text(self) -> str:
        """The text on screen now, lines joined with newlines (for tests and accessibility)."""
        return "\n".join("".join(run.text for run in line) for line in self._lines)

    def _relayout(self) -> None:
        f = self.fonts
        self._lines = layout_caption(self.text.final_text, self.text.interim, f.text_width(self.width()),
                                     f.final_metrics, f.interim_metrics, f.lines_in(self.height()))
        self.setAccessibleDescription(self.shown_text)
        self.update()

    # -- click-through and placement ----------------------------------------------
    @property
    def click_through(self) -> bool:
        return bool(self.windowFlags() & Qt.WindowTransparentForInput)

    def set_click_through(self, on: bool) -> None:
        if on == self.click_through:
            return
        visible, geometry = self.isVisible(), self.geometry()
        self.placer.quietly(True)
        self.setWindowFlags(window_flags(on))  # Qt makes a new native window for the new flags, hidden
        self.setGeometry(geometry)
        if visible:
            self.show()
            self.setGeometry(geometry)  # not where the window manager would put a newly mapped window
        self.placer.quietly(False)
        self.pointer.reset()
        self.update()

    def restore_placement(self, avoid: QRect | None = None) -> None:
        """Go where the overlay was last; the first time, off `avoid` (the main window's frame)."""
        self.placer.restore(avoid)

    def keep_clear_of(self, avoid: QRect) -> None:
        """The main window moved or got its frame: until the user has placed the overlay, it covers none of it."""
        self.placer.keep_clear_of(avoid)

    @property
    def docked(self) -> bool:
        return self.placer.docked

    def preferred_size(self) -> tuple[int, int]:
        """The size the overlay places itself at: as wide as it likes, as tall as the Lines setting asks."""
        return self.placer.preferred_size()

    # -- Qt events ------------------------------------------------------------------
    def moveEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().moveEvent(event)
        self.placer.changed()

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self.docked:
            self.placer.dock()
        self._relayout()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._relayout()
        self.placer.changed()

    def contextMenuEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        if not self._context_actions:
            return
        menu = QMenu(self)
        for action in self._context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(event.globalPos())

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().closeEvent(event)
        self.hidden.emit()

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        paint_overlay(self, hover=self.pointer.hover, running=self._running)
