"""The caption overlay's type: the fonts of final and interim text, their metrics, and how the lines fit the window."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF

from captioner.gui.overlay_paint import PADDING_X, PADDING_Y
from captioner.settings import OverlaySettings

__all__ = ["MIN_TEXT_WIDTH", "OverlayFonts"]

MIN_TEXT_WIDTH = 20.0  # pixels: the narrowest column the text is wrapped to, however narrow the window
HEIGHT_SLACK = 2  # pixels a window is taller than its lines and padding


class OverlayFonts:
    """The fonts an OverlaySettings asks for: `final` (upright) and `interim` (italic), with their metrics."""

    def __init__(self, settings: OverlaySettings) -> None:
        base = QFont(settings.font_family) if settings.font_family else QFontDatabase.systemFont(QFontDatabase.GeneralFont)
        base.setPointSize(settings.font_size)
        base.setBold(settings.bold)
        base.setStyleStrategy(QFont.PreferAntialias)
        self.final = QFont(base)
        self.interim = QFont(base)
        self.interim.setItalic(True)
        self.final_metrics = QFontMetricsF(self.final)
        self.interim_metrics = QFontMetricsF(self.interim)

    def metrics(self, interim: bool) -> QFontMetricsF:
        return self.interim_metrics if interim else self.final_metrics

    def line_height(self) -> float:
        return max(self.final_metrics.lineSpacing(), self.interim_metrics.lineSpacing())

    def height_for(self, lines: int) -> int:
        """How tall the window is that shows `lines` lines."""
        return int(self.line_height() * lines + 2 * PADDING_Y + HEIGHT_SLACK)

    def lines_in(self, height: int) -> int:
        """As many lines as a window `height` pixels tall holds (one at least): the Lines setting sets that height, and
        a window made taller by hand shows more."""
        fit = int((height - 2 * PADDING_Y) // self.line_height())
        return max(1, fit)

    def text_width(self, width: int) -> float:
        """The width the text wraps to in a window `width` pixels wide."""
        return max(MIN_TEXT_WIDTH, width - 2 * PADDING_X)
