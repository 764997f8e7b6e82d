"""Painting the caption overlay: its background, the hint before a session, and the caption lines."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QWidget

PADDING_X = 18
PADDING_Y = 10
CORNER_RADIUS = 10  # pixels; a docked overlay has square corners against the screen's edge
HOVER_EDGE_ALPHA = 0.45  # the dashed border shown under the pointer, in the text colour
HINT_ALPHA = 0.8
HINT_MAX_POINTS = 15.0  # the hint is never bigger than this, whatever the caption font
SHADOW_BELOW_OPACITY = 0.5  # text gets a shadow on a background more transparent than this
SHADOW_OFFSET = 1.5
SHADOW_ALPHA = 170
LIGHT_TEXT_LIGHTNESS = 0.5  # text lighter than this gets a dark shadow, darker text a light one


def paint_overlay(overlay: QWidget, *, hover: bool, running: bool) -> None:
    """Paint `overlay` (a CaptionOverlay): its background, the hover frame, and its lines or, before a session, its hint."""
    fonts = overlay.fonts
    s = overlay.settings
    p = QPainter(overlay)
    p.setRenderHint(QPainter.Antialiasing)
    p.setRenderHint(QPainter.TextAntialiasing)
    rect = QRectF(overlay.rect())
    bg = QColor(s.background_color)
    bg.setAlphaF(s.background_opacity)
    p.setCompositionMode(QPainter.CompositionMode_Source)
    p.fillRect(rect, Qt.transparent)
    p.setCompositionMode(QPainter.CompositionMode_SourceOver)
    path = QPainterPath()
    radius = 0 if overlay.docked else CORNER_RADIUS
    path.addRoundedRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), radius, radius)
    p.fillPath(path, bg)
    if hover and not overlay.click_through:
        edge = QColor(s.text_color)
        edge.setAlphaF(HOVER_EDGE_ALPHA)
        p.setPen(QPen(edge, 1.5, Qt.DashLine))
        p.drawPath(path)
        if not overlay.docked:  # a docked overlay is not resized by hand
            _paint_grip(p, overlay.rect(), edge)

    lines = overlay.lines
    if not lines:
        if not running:
            hint = QColor(s.interim_color)
            hint.setAlphaF(HINT_ALPHA)
            font = QFont(fonts.interim)
            font.setPointSizeF(min(font.pointSizeF(), HINT_MAX_POINTS))
            p.setFont(font)
            p.setPen(hint)
            text = QFontMetricsF(font).elidedText(overlay.hint_text(), Qt.ElideRight, fonts.text_width(overlay.width()))
            p.drawText(rect.adjusted(PADDING_X, PADDING_Y, -PADDING_X, -PADDING_Y), Qt.AlignCenter, text)
        return

    spacing = fonts.line_height()
    ascent = max(fonts.metrics(False).ascent(), fonts.metrics(True).ascent())
    top = rect.bottom() - PADDING_Y - spacing * len(lines)
    shadow = s.background_opacity < SHADOW_BELOW_OPACITY
    shadow_color = QColor(0, 0, 0, SHADOW_ALPHA) if QColor(s.text_color).lightnessF() > LIGHT_TEXT_LIGHTNESS else QColor(255, 255, 255, SHADOW_ALPHA)
    for i, line in enumerate(lines):
        baseline = top + i * spacing + ascent
        width = sum(fonts.metrics(run.interim).horizontalAdvance(run.text) for run in line)
        x = rect.left() + PADDING_X
        if s.align == "center":
            x = rect.left() + (rect.width() - width) / 2
        for run in line:
            p.setFont(fonts.interim if run.interim else fonts.final)
            if shadow:
                p.setPen(shadow_color)
                p.drawText(QPointF(x + SHADOW_OFFSET, baseline + SHADOW_OFFSET), run.text)
            p.setPen(QColor(s.interim_color if run.interim else s.text_color))
            p.drawText(QPointF(x, baseline), run.text)
            x += fonts.metrics(run.interim).horizontalAdvance(run.text)


def _paint_grip(p: QPainter, r, color: QColor) -> None:
    p.setPen(QPen(color, 1.5))
    for d in (6, 10, 14):
        p.drawLine(r.right() - d, r.bottom() - 3, r.right() - 3, r.bottom() - d)
