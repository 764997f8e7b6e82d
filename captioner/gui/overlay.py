"""The caption overlay: a frameless, translucent, always-on-top window with the latest lines.

Text is laid out by real font metrics: words are wrapped to the window's width
(a word wider than the window is elided), and the last N lines are shown, the
interim text in its own colour and in italics after the final text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from PySide6.QtCore import QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QGuiApplication
from PySide6.QtWidgets import QMenu, QWidget

from captioner.app.merge import MergeUpdate, labelled_text
from captioner.channels import DEFAULT_LABELS
from captioner.events import CaptionEvent
from captioner.gui.overlay_layout import Line, choose_placement, clamp_to, docked_rect, layout_caption, screen_key
from captioner.gui.overlay_mouse import DragMoveResize
from captioner.gui.overlay_paint import PADDING_X, PADDING_Y, paint_overlay
from captioner.settings import PLACEMENT_DOCKED_TOP, PLACEMENT_FLOATING, OverlaySettings

__all__ = ["PADDING_X", "PADDING_Y", "CaptionOverlay"]

PREFERRED_WIDTH = 900  # pixels: the overlay's width where it places itself
RECENT_FINALS = 12  # finals kept for layout (more than 5 lines' worth)
IDLE_HINT = "Captions appear here · drag to move it, drag an edge to resize it"
CLICK_THROUGH_HINT = "Captions appear here · clicks go through to the window below · {shortcut} to move it"
DOCKED_HINT = "Captions appear here · docked at the {edge} of the screen (Overlay appearance… undocks it)"
# settings that change how tall the Lines setting makes the window
HEIGHT_FIELDS = ("lines", "font_size", "font_family", "bold")


class CaptionOverlay(DragMoveResize, QWidget):
    placementChanged = Signal(str, QRect)  # screen key, geometry: after the user moved or resized it
    hidden = Signal()  # closed or hidden from its own menu

    def __init__(self, settings: OverlaySettings = OverlaySettings(), click_through_shortcut: str = "") -> None:
        super().__init__(None)
        self.setObjectName("captionOverlay")
        self.setWindowTitle("Captions")
        self.setAttribute(Qt.WA_TranslucentBackground)
        self.setAttribute(Qt.WA_ShowWithoutActivating)
        self.setMouseTracking(True)
        self.setMinimumSize(160, 44)
        self._settings = settings
        self._finals: deque[str] = deque(maxlen=RECENT_FINALS)
        self._final_events: deque[CaptionEvent] = deque(maxlen=RECENT_FINALS)  # what `_finals` says, to say it again renamed
        self._last_channel: tuple[str, str] = ("", "")  # who said the newest final shown: (channel, speaker) ids
        self._labels: Mapping[str, str] = DEFAULT_LABELS  # what each channel is called, by id
        self._interim = ""
        self._lines: list[Line] = []
        self._hover = False
        self._running = False
        self._restoring = False
        self._placed_by_user = False  # moved or resized by hand (or remembered from before): stays put
        self._placed_at = QRect()  # where the overlay put itself; a move or resize to elsewhere is the user's
        self._avoid: QRect | None = None  # the main window's frame, kept clear of until the user places the overlay
        self._click_through_shortcut = click_through_shortcut
        self._context_actions: list = []
        self._clear_timer = QTimer(self)
        self._clear_timer.setSingleShot(True)
        self._clear_timer.timeout.connect(self.clear)
        self._placement_timer = QTimer(self)
        self._placement_timer.setSingleShot(True)
        self._placement_timer.setInterval(400)
        self._placement_timer.timeout.connect(self._emit_placement)
        self._apply_flags()
        self.apply_settings(settings)
        app = QGuiApplication.instance()
        app.screenAdded.connect(self._watch_screen)
        for screen in app.screens():
            self._watch_screen(screen)

    # -- settings -------------------------------------------------------------
    @property
    def settings(self) -> OverlaySettings:
        return self._settings

    def apply_settings(self, settings: OverlaySettings) -> None:
        old = self._settings
        click_through_changed = settings.click_through != old.click_through
        height_changed = any(getattr(settings, name) != getattr(old, name) for name in HEIGHT_FIELDS)
        placement_changed = settings.placement != old.placement
        self._settings = settings
        base = QFont(settings.font_family) if settings.font_family else QFontDatabase.systemFont(QFontDatabase.GeneralFont)
        base.setPointSize(settings.font_size)
        base.setBold(settings.bold)
        base.setStyleStrategy(QFont.PreferAntialias)
        self.final_font = QFont(base)
        self.interim_font = QFont(base)
        self.interim_font.setItalic(True)
        self._final_metrics = QFontMetricsF(self.final_font)
        self._interim_metrics = QFontMetricsF(self.interim_font)
        self._clear_timer.setInterval(int(settings.clear_after_s * 1000))
        if settings.clear_after_s <= 0:
            self._clear_timer.stop()
        if click_through_changed:
            self.set_click_through(settings.click_through)
        if self.docked:
            if placement_changed or height_changed:
                self._dock()
        elif placement_changed:
            self.restore_placement(self._avoid)  # undocked: back where it was put, or off the main window
        elif height_changed:
            self._fit_height_to_lines()
        self._relayout()

    def _fit_height_to_lines(self) -> None:
        """Make the window as tall as the Lines setting asks: where the overlay placed itself, in a
        new place that covers none of the main window; where the user placed it, its bottom edge
        where it was (within the screen)."""
        height = self.preferred_size()[1]
        if height == self.height():
            return
        screens = _screens()
        if screens and not self._placed_by_user and not self._placed_at.isNull():
            self._place((), screens, self._avoid)
            return
        rect = QRect(self.geometry())
        rect.setTop(rect.bottom() + 1 - height)
        screen = QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        self.setGeometry(clamp_to(rect, screen.availableGeometry()) if screen is not None else rect)

    def set_click_through_shortcut(self, shortcut: str) -> None:
        """The key that turns click-through off, named in the hint ("" = none)."""
        self._click_through_shortcut = shortcut
        self.update()

    @property
    def click_through_shortcut(self) -> str:
        """The key named as the one that turns click-through off ("" = none)."""
        return self._click_through_shortcut

    def hint_text(self) -> str:
        """What the empty overlay says before a session: how to move it, or that clicks pass through."""
        if not self.click_through:
            if self.docked:
                return DOCKED_HINT.format(edge="top" if self._settings.placement == PLACEMENT_DOCKED_TOP else "bottom")
            return IDLE_HINT
        if self._click_through_shortcut:
            return CLICK_THROUGH_HINT.format(shortcut=self._click_through_shortcut)
        return CLICK_THROUGH_HINT.replace(" · {shortcut} to move it", "")

    def set_context_actions(self, actions: list) -> None:
        """Actions for the right-click menu (None = separator)."""
        self._context_actions = actions

    def preferred_size(self) -> tuple[int, int]:
        return PREFERRED_WIDTH, self.height_for(self._settings.lines)

    def height_for(self, lines: int) -> int:
        """How tall the window is that shows `lines` lines."""
        return int(self.line_height() * lines + 2 * PADDING_Y + 2)

    def line_height(self) -> float:
        return max(self._final_metrics.lineSpacing(), self._interim_metrics.lineSpacing())

    def metrics(self, interim: bool) -> QFontMetricsF:
        return self._interim_metrics if interim else self._final_metrics

    # -- captions -------------------------------------------------------------
    def apply(self, update: MergeUpdate) -> None:
        if update.kind == "revise":
            return  # the overlay keeps what it showed: a line read a while ago does not change under the reader
        # who speaks, when it changes, starting a line of their own
        if update.kind == "final":
            self._finals.append(labelled_text([update.event], labels=self._labels, after=self._last_channel, turn_break="\n",
                                              preceded=bool(self._finals)))
            self._final_events.append(update.event)
            self._last_channel = (update.event.channel, update.event.speaker)
        self._interim = labelled_text(update.interims, labels=self._labels, after=self._last_channel, turn_break="\n",
                                      preceded=bool(self._finals))
        if self._settings.clear_after_s > 0:
            self._clear_timer.start()
        self._relayout()

    def set_labels(self, labels: Mapping[str, str]) -> None:
        """What each channel and speaker is called, by id (a session's own labels): from now on, and in the lines shown
        (a speaker named mid-session is named on screen at once)."""
        self._labels = labels
        who: tuple[str, str] = ("", "")
        self._finals.clear()
        for event in self._final_events:
            self._finals.append(labelled_text([event], labels=labels, after=who, turn_break="\n", preceded=bool(self._finals)))
            who = (event.channel, event.speaker)
        self._relayout()

    def clear(self) -> None:
        self._last_channel = ("", "")
        self._finals.clear()
        self._final_events.clear()
        self._interim = ""
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

    def visible_line_count(self) -> int:
        """As many lines as the window's height holds: the Lines setting sets that height, and a
        window made taller by hand shows more."""
        fit = int((self.height() - 2 * PADDING_Y) // self.line_height())
        return max(1, fit)

    def text_width(self) -> float:
        return max(20.0, self.width() - 2 * PADDING_X)

    def _relayout(self) -> None:
        self._lines = layout_caption(
            " ".join(self._finals),
            self._interim,
            self.text_width(),
            self._final_metrics,
            self._interim_metrics,
            self.visible_line_count(),
        )
        self.setAccessibleDescription(self.shown_text)
        self.update()

    # -- click-through ----------------------------------------------------------
    @property
    def click_through(self) -> bool:
        return bool(self.windowFlags() & Qt.WindowTransparentForInput)

    def set_click_through(self, on: bool) -> None:
        if on == self.click_through:
            return
        visible, geometry = self.isVisible(), self.geometry()
        self._restoring = True
        self._apply_flags(on)  # Qt makes a new native window for the new flags, hidden
        self.setGeometry(geometry)
        if visible:
            self.show()
            self.setGeometry(geometry)  # not where the window manager would put a newly mapped window
        self._restoring = False
        self._hover = False
        self.unsetCursor()
        self.update()

    def _apply_flags(self, click_through: bool | None = None) -> None:
        if click_through is None:
            click_through = self._settings.click_through
        flags = Qt.Tool | Qt.FramelessWindowHint | Qt.WindowStaysOnTopHint | Qt.WindowDoesNotAcceptFocus
        if click_through:
            # Qt gives the window an empty input shape; on X11 the window manager's frame around it
            # would still take the clicks (openbox does), so the window goes unmanaged, without a frame
            flags |= Qt.WindowTransparentForInput | Qt.X11BypassWindowManagerHint
        self.setWindowFlags(flags)

    # -- placement --------------------------------------------------------------
    def restore_placement(self, avoid: QRect | None = None) -> None:
        """Go where the overlay was last; the first time, off `avoid` (the main window's frame).
        Docked, it goes across the edge of the screen it is on."""
        self._avoid = QRect(avoid) if avoid is not None else None
        screens = _screens()
        if not screens:
            return
        self._placed_by_user = any(g.screen in screens for g in self._settings.geometries)
        self._place(self._settings.geometries, screens, avoid)
        if self.docked:
            self._dock()

    def keep_clear_of(self, avoid: QRect) -> None:
        """The main window moved or got its frame: until the user has placed the overlay, it goes
        where it covers none of that window (a docked overlay stays docked)."""
        self._avoid = QRect(avoid)
        screens = _screens()
        if screens and not self._placed_by_user and not self.dragging and not self.docked:
            self._place((), screens, avoid)

    @property
    def placed_by_user(self) -> bool:
        return self._placed_by_user

    @property
    def docked(self) -> bool:
        return self._settings.placement != PLACEMENT_FLOATING

    @property
    def movable(self) -> bool:
        """Whether dragging moves or resizes it: a docked overlay's place and size follow the screen and the settings."""
        return not self.docked

    def drag_finished(self) -> None:
        self._placement_timer.start()

    def _place(self, saved, screens: dict[str, QRect], avoid: QRect | None) -> None:
        primary = screen_key(QGuiApplication.primaryScreen())
        fewer_lines = tuple(self.height_for(n) for n in range(self._settings.lines - 1, 0, -1))  # where the asked-for height has no room
        _key, rect = choose_placement(saved, self._settings.last_screen, screens, primary, self.preferred_size(), avoid, fewer_lines)
        self._set_own_geometry(rect)

    def _dock(self) -> None:
        """Across the whole width of the screen the overlay is on, at its top or bottom edge, as tall as the Lines setting asks."""
        screen = QGuiApplication.screenAt(self.geometry().center()) or QGuiApplication.primaryScreen()
        if screen is not None:
            at_top = self._settings.placement == PLACEMENT_DOCKED_TOP
            self._set_own_geometry(docked_rect(screen.availableGeometry(), self.preferred_size()[1], at_top))

    def _set_own_geometry(self, rect: QRect) -> None:
        self._placed_at = QRect(rect)
        if rect == self.geometry():
            return
        self._restoring = True
        self.setGeometry(rect)
        self._restoring = False

    def _watch_screen(self, screen) -> None:
        screen.availableGeometryChanged.connect(self._screen_changed)

    def _screen_changed(self, *_args) -> None:
        if self.docked:
            self._dock()

    def current_screen_key(self) -> str:
        screen = QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        return screen_key(screen)

    def _emit_placement(self) -> None:
        if self.isVisible():
            self.placementChanged.emit(self.current_screen_key(), self.geometry())

    def _moved_by_user(self) -> bool:
        """A move or resize not of the overlay's own doing (the window system reports those later)."""
        if self._restoring or self.docked or self.geometry() == self._placed_at:
            return False
        self._placed_by_user = True
        return True

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        if self._moved_by_user():
            self._placement_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.docked:
            self._dock()
        self._relayout()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()
        if self._moved_by_user():
            self._placement_timer.start()

    def enterEvent(self, event) -> None:
        self._hover = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        self._hover = False
        self.unsetCursor()
        self.update()
        super().leaveEvent(event)

    def contextMenuEvent(self, event) -> None:
        if not self._context_actions:
            return
        menu = QMenu(self)
        for action in self._context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        menu.exec(event.globalPos())

    def closeEvent(self, event) -> None:
        super().closeEvent(event)
        self.hidden.emit()

    def paintEvent(self, event) -> None:
        paint_overlay(self, hover=self._hover, running=self._running)


def _screens() -> dict[str, QRect]:
    """Each screen's available area, by screen_key."""
    return {screen_key(s): s.availableGeometry() for s in QGuiApplication.screens()}
