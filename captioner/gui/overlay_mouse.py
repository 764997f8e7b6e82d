"""Dragging a frameless window: anywhere to move it, an edge to resize it (through the window
system's own move and resize where it offers them); and whether the pointer is over it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtWidgets import QWidget

__all__ = ["EDGE", "DragMoveResize"]

EDGE = 8  # pixels from the border that resize instead of move


class DragMoveResize(QObject):
    """The mouse on a frameless `widget` (watched as an event filter): a drag moves or resizes it while `movable()`
    says it may be, `finished()` is called when a drag it ran itself ends, and `hover` says whether the pointer is
    over it (the widget is repainted when that changes)."""

    def __init__(self, widget: QWidget, *, movable: Callable[[], bool], finished: Callable[[], None]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._movable = movable
        self._finished = finished
        self._drag: tuple[str, QPoint, QRect, Qt.Edges] | None = None  # mode, press pos, start geometry, edges
        self.hover = False
        widget.installEventFilter(self)

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def reset(self) -> None:
        """The pointer is taken to be elsewhere (the widget got a new native window)."""
        self.hover = False
        self._widget.unsetCursor()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if obj is not self._widget:
            return False
        kind = event.type()
        if kind == QEvent.MouseButtonPress:
            return self._pressed(event)
        if kind == QEvent.MouseMove:
            self._moved(event)
            return True
        if kind == QEvent.MouseButtonRelease:
            self._released(event)
        elif kind in (QEvent.Enter, QEvent.Leave):
            self.hover = kind == QEvent.Enter
            if not self.hover:
                self._widget.unsetCursor()
            self._widget.update()
        return False

    def _edges_at(self, pos: QPoint) -> Qt.Edges:
        edges = Qt.Edges()
        if not self._movable():
            return edges
        w = self._widget
        if pos.x() < EDGE:
            edges |= Qt.LeftEdge
        elif pos.x() >= w.width() - EDGE:
            edges |= Qt.RightEdge
        if pos.y() < EDGE:
            edges |= Qt.TopEdge
        elif pos.y() >= w.height() - EDGE:
            edges |= Qt.BottomEdge
        return edges

    def _cursor_for(self, edges: Qt.Edges) -> Qt.CursorShape:
        if not self._movable():
            return Qt.ArrowCursor
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

    def _pressed(self, event) -> bool:
        """Start a drag on a left press where the widget may move; True when the press is taken."""
        if event.button() != Qt.LeftButton or not self._movable():
            return False
        w = self._widget
        pos = event.position().toPoint()
        edges = self._edges_at(pos)
        handle = w.windowHandle()
        if edges:
            if handle is not None and handle.startSystemResize(edges):
                return True
            self._drag = ("resize", event.globalPosition().toPoint(), w.geometry(), edges)
        else:
            if handle is not None and handle.startSystemMove():
                return True
            self._drag = ("move", event.globalPosition().toPoint(), w.geometry(), edges)
            w.setCursor(Qt.ClosedHandCursor)
        return True

    def _moved(self, event) -> None:
        w = self._widget
        if self._drag is None:
            w.setCursor(self._cursor_for(self._edges_at(event.position().toPoint())))
            return
        mode, start, geometry, edges = self._drag
        delta = event.globalPosition().toPoint() - start
        if mode == "move":
            w.move(geometry.topLeft() + delta)
            return
        rect = QRect(geometry)
        min_w, min_h = w.minimumWidth(), w.minimumHeight()
        if edges & Qt.LeftEdge:
            rect.setLeft(min(rect.left() + delta.x(), rect.right() - min_w))
        if edges & Qt.RightEdge:
            rect.setRight(max(rect.right() + delta.x(), rect.left() + min_w))
        if edges & Qt.TopEdge:
            rect.setTop(min(rect.top() + delta.y(), rect.bottom() - min_h))
        if edges & Qt.BottomEdge:
            rect.setBottom(max(rect.bottom() + delta.y(), rect.top() + min_h))
        w.setGeometry(rect)

    def _released(self, event) -> None:
        if self._drag is not None and event.button() == Qt.LeftButton:
            self._drag = None
            self._widget.setCursor(self._cursor_for(self._edges_at(event.position().toPoint())))
            self._finished()
