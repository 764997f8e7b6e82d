"""Dragging a frameless window: anywhere to move it, an edge to resize it (through the window
system's own move and resize where it offers them)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt

EDGE = 8  # pixels from the border that resize instead of move


class DragMoveResize:
    """Mouse handling for a QWidget subclass (put this first among its bases). The widget says
    whether the user may move it now (`movable`) and hears when a drag it ran itself ends
    (`drag_finished`)."""

    _drag: tuple[str, QPoint, QRect, Qt.Edges] | None = None  # mode, press pos, start geometry, edges

    @property
    def movable(self) -> bool:
        return True

    def drag_finished(self) -> None:
        """A move or resize by dragging ended (not called where the window system ran it)."""

    @property
    def dragging(self) -> bool:
        return self._drag is not None

    def _edges_at(self, pos: QPoint) -> Qt.Edges:
        edges = Qt.Edges()
        if not self.movable:
            return edges
        if pos.x() < EDGE:
            edges |= Qt.LeftEdge
        elif pos.x() >= self.width() - EDGE:
            edges |= Qt.RightEdge
        if pos.y() < EDGE:
            edges |= Qt.TopEdge
        elif pos.y() >= self.height() - EDGE:
            edges |= Qt.BottomEdge
        return edges

    def _cursor_for(self, edges: Qt.Edges) -> Qt.CursorShape:
        if not self.movable:
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

    def mousePressEvent(self, event) -> None:
        if event.button() != Qt.LeftButton or not self.movable:
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
            self.drag_finished()
        super().mouseReleaseEvent(event)
