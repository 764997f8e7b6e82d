"""The caption overlay: a frameless, translucent, always-on-top window with the latest lines.

Text is laid out by real font metrics: words are wrapped to the window's width
(a word wider than the window is elided), and the last N lines are shown, the
interim text in its own colour and in italics after the final text.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetricsF, QGuiApplication, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QMenu, QWidget

from captioner.channels import DEFAULT_LABELS
from captioner.events import CaptionEvent
from captioner.gui.merge import MergeUpdate, labelled_text
from captioner.gui.overlay_layout import Line, Run, choose_placement, layout_caption, screen_key
from captioner.settings import OverlaySettings

__all__ = ["PADDING_X", "PADDING_Y", "CaptionOverlay"]

PADDING_X = 18
PADDING_Y = 10
EDGE = 8  # pixels from the border that resize instead of move
RECENT_FINALS = 12  # finals kept for layout (more than 5 lines' worth)
IDLE_HINT = "Captions appear here · drag to move it, drag an edge to resize it"
CLICK_THROUGH_HINT = "Captions appear here · clicks go through to the window below · {shortcut} to move it"


class CaptionOverlay(QWidget):
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
        self._drag: tuple[str, QPoint, QRect, Qt.Edges] | None = None  # mode, press pos, start geometry, edges
        self._restoring = False
        self._placed_by_user = False  # moved or resized by hand (or remembered from before): stays put
        self._placed_at = QRect()  # where the overlay put itself; a move or resize to elsewhere is the user's
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

    # -- settings -------------------------------------------------------------
    @property
    def settings(self) -> OverlaySettings:
        return self._settings

    def apply_settings(self, settings: OverlaySettings) -> None:
        click_through_changed = settings.click_through != self._settings.click_through
        lines_changed = settings.lines != self._settings.lines or settings.font_size != self._settings.font_size
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
        if lines_changed:
            self._fit_height_to_lines()
        self._relayout()

    def _fit_height_to_lines(self) -> None:
        """Make the window as tall as the Lines setting asks, its bottom edge where it was."""
        height = self.preferred_size()[1]
        if height == self.height():
            return
        rect = QRect(self.geometry())
        rect.setTop(rect.bottom() + 1 - height)
        self.setGeometry(rect)

    def set_click_through_shortcut(self, shortcut: str) -> None:
        """The key that turns click-through off, named in the hint ("" = none)."""
        self._click_through_shortcut = shortcut
        self.update()

    def hint_text(self) -> str:
        """What the empty overlay says before a session: how to move it, or that clicks pass through."""
        if not self.click_through:
            return IDLE_HINT
        if self._click_through_shortcut:
            return CLICK_THROUGH_HINT.format(shortcut=self._click_through_shortcut)
        return CLICK_THROUGH_HINT.replace(" · {shortcut} to move it", "")

    def set_context_actions(self, actions: list) -> None:
        """Actions for the right-click menu (None = separator)."""
        self._context_actions = actions

    def preferred_size(self) -> tuple[int, int]:
        lines = self._settings.lines
        height = int(self.line_height() * lines + 2 * PADDING_Y + 2)
        return 900, height

    def line_height(self) -> float:
        return max(self._final_metrics.lineSpacing(), self._interim_metrics.lineSpacing())

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
        """Go where the overlay was last; the first time, off `avoid` (the main window's frame)."""
        screens = {screen_key(s): s.availableGeometry() for s in QGuiApplication.screens()}
        if not screens:
            return
        self._placed_by_user = any(g.screen in screens for g in self._settings.geometries)
        self._place(self._settings.geometries, screens, avoid)

    def keep_clear_of(self, avoid: QRect) -> None:
        """The main window moved or got its frame: until the user has placed the overlay, it goes
        where it covers none of that window."""
        screens = {screen_key(s): s.availableGeometry() for s in QGuiApplication.screens()}
        if screens and not self._placed_by_user and self._drag is None:
            self._place((), screens, avoid)

    @property
    def placed_by_user(self) -> bool:
        return self._placed_by_user

    def _place(self, saved, screens: dict[str, QRect], avoid: QRect | None) -> None:
        primary = screen_key(QGuiApplication.primaryScreen())
        _key, rect = choose_placement(saved, self._settings.last_screen, screens, primary, self.preferred_size(), avoid)
        self._placed_at = QRect(rect)
        if rect == self.geometry():
            return
        self._restoring = True
        self.setGeometry(rect)
        self._restoring = False

    def current_screen_key(self) -> str:
        screen = QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        return screen_key(screen)

    def _emit_placement(self) -> None:
        if self.isVisible():
            self.placementChanged.emit(self.current_screen_key(), self.geometry())

    def _moved_by_user(self) -> bool:
        """A move or resize not of the overlay's own doing (the window system reports those later)."""
        if self._restoring or self.geometry() == self._placed_at:
            return False
        self._placed_by_user = True
        return True

    def moveEvent(self, event) -> None:
        super().moveEvent(event)
        if self._moved_by_user():
            self._placement_timer.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._relayout()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._relayout()
        if self._moved_by_user():
            self._placement_timer.start()

    # -- mouse: drag anywhere to move, drag an edge to resize -------------------
    def _edges_at(self, pos: QPoint) -> Qt.Edges:
        edges = Qt.Edges()
        if pos.x() < EDGE:
            edges |= Qt.LeftEdge
        elif pos.x() >= self.width() - EDGE:
            edges |= Qt.RightEdge
        if pos.y() < EDGE:
            edges |= Qt.TopEdge
        elif pos.y() >= self.height() - EDGE:
            edges |= Qt.BottomEdge
        return edges

    @staticmethod
    def _cursor_for(edges: Qt.Edges) -> Qt.CursorShape:
        horizontal = bool(edges & (Qt.LeftEdge | Qt.RightEdge))
        vertical = bool(edges & (Qt.TopEdge | Qt.BottomEdge))
        if horizontal and vertical:
            main_diagonal = (edges & Qt.LeftEdge and edges & Qt.TopEdge) or (edges & Qt.RightEdge and edges & Qt.BottomEdge)
            return Qt.SizeFDiagCursor if main_diagonal else Qt.SizeBDiagCursor
        if horizontal:
            return Qt.SizeHorCursor
        if vertical:
            return Qt.SizeVerCursor
        return Qt.OpenHandCursor

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.LeftButton:
            return super().mousePressEvent(event)
        pos = event.position().toPoint()
        edges = self._edges_at(pos)
        handle = self.windowHandle()
        if edges:
            if handle is not None and handle.startSystemResize(edges):
                return
            self._drag = ("resize", event.globalPosition().toPoint(), self.geometry(), edges)
        else:
            if handle is not None and handle.startSystemMove():
                return
            self._drag = ("move", event.globalPosition().toPoint(), self.geometry(), edges)
            self.setCursor(Qt.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:
        if self._drag is None:
            self.setCursor(self._cursor_for(self._edges_at(event.position().toPoint())))
            return
        mode, start, geometry, edges = self._drag
        delta = event.globalPosition().toPoint() - start
        if mode == "move":
            self.move(geometry.topLeft() + delta)
            return
        rect = QRect(geometry)
        min_w, min_h = self.minimumWidth(), self.minimumHeight()
        if edges & Qt.LeftEdge:
            rect.setLeft(min(rect.left() + delta.x(), rect.right() - min_w))
        if edges & Qt.RightEdge:
            rect.setRight(max(rect.right() + delta.x(), rect.left() + min_w))
        if edges & Qt.TopEdge:
            rect.setTop(min(rect.top() + delta.y(), rect.bottom() - min_h))
        if edges & Qt.BottomEdge:
            rect.setBottom(max(rect.bottom() + delta.y(), rect.top() + min_h))
        self.setGeometry(rect)

    def mouseReleaseEvent(self, event) -> None:
        if self._drag is not None and event.button() == Qt.LeftButton:
            self._drag = None
            self.setCursor(self._cursor_for(self._edges_at(event.position().toPoint())))
            self._placement_timer.start()
        super().mouseReleaseEvent(event)

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

    # -- painting ----------------------------------------------------------------
    def paintEvent(self, event) -> None:
        s = self._settings
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.TextAntialiasing)
        rect = QRectF(self.rect())
        bg = QColor(s.background_color)
        bg.setAlphaF(s.background_opacity)
        p.setCompositionMode(QPainter.CompositionMode_Source)
        p.fillRect(rect, Qt.transparent)
        p.setCompositionMode(QPainter.CompositionMode_SourceOver)
        path = QPainterPath()
        path.addRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        p.fillPath(path, bg)
        if self._hover and not self.click_through:
            edge = QColor(s.text_color)
            edge.setAlphaF(0.45)
            p.setPen(QPen(edge, 1.5, Qt.DashLine))
            p.drawPath(path)
            self._paint_grip(p, edge)

        if not self._lines:
            if not self._running:
                hint = QColor(s.interim_color)
                hint.setAlphaF(0.8)
                font = QFont(self.interim_font)
                font.setPointSizeF(min(font.pointSizeF(), 15.0))
                p.setFont(font)
                p.setPen(hint)
                text = QFontMetricsF(font).elidedText(self.hint_text(), Qt.ElideRight, self.text_width())
                p.drawText(rect.adjusted(PADDING_X, PADDING_Y, -PADDING_X, -PADDING_Y), Qt.AlignCenter, text)
            return

        spacing = self.line_height()
        ascent = max(self._final_metrics.ascent(), self._interim_metrics.ascent())
        top = rect.bottom() - PADDING_Y - spacing * len(self._lines)
        shadow = s.background_opacity < 0.5
        shadow_color = QColor(0, 0, 0, 170) if QColor(s.text_color).lightnessF() > 0.5 else QColor(255, 255, 255, 170)
        for i, line in enumerate(self._lines):
            baseline = top + i * spacing + ascent
            width = sum(self._metrics(run).horizontalAdvance(run.text) for run in line)
            x = rect.left() + PADDING_X
            if s.align == "center":
                x = rect.left() + (rect.width() - width) / 2
            for run in line:
                p.setFont(self.interim_font if run.interim else self.final_font)
                if shadow:
                    p.setPen(shadow_color)
                    p.drawText(QPointF(x + 1.5, baseline + 1.5), run.text)
                p.setPen(QColor(s.interim_color if run.interim else s.text_color))
                p.drawText(QPointF(x, baseline), run.text)
                x += self._metrics(run).horizontalAdvance(run.text)

    def _metrics(self, run: Run) -> QFontMetricsF:
        return self._interim_metrics if run.interim else self._final_metrics

    def _paint_grip(self, p: QPainter, color: QColor) -> None:
        p.setPen(QPen(color, 1.5))
        r = self.rect()
        for d in (6, 10, 14):
            p.drawLine(r.right() - d, r.bottom() - 3, r.right() - 3, r.bottom() - d)
