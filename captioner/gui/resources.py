"""Icons and the style sheet from the project's resources/ folder (drawn in code if missing)."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

# resources/ sits at the project's top; a PyInstaller bundle unpacks it beside the app's code
_TOP = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent.parent))
RESOURCES = _TOP / "resources"


def resource_path(*parts: str) -> Path | None:
    path = RESOURCES.joinpath(*parts)
    return path if path.exists() else None


def app_icon(live: bool = False) -> QIcon:
    path = resource_path("icons", "captioner-live.svg" if live else "captioner.svg")
    if path is not None:
        icon = QIcon(str(path))
        if not icon.pixmap(32, 32).isNull():  # the SVG image plugin is there
            return icon
    return _drawn_icon(live)


def _drawn_icon(live: bool) -> QIcon:
    pix = QPixmap(64, 64)
    pix.fill(Qt.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.Antialiasing)
    p.setPen(Qt.NoPen)
    p.setBrush(QColor("#1f6feb"))
    p.drawRoundedRect(QRectF(2, 2, 60, 60), 13, 13)
    p.setBrush(QColor("#ffffff"))
    p.drawRoundedRect(QRectF(10, 16, 44, 28), 4, 4)
    p.setBrush(QColor("#1f6feb"))
    p.drawRoundedRect(QRectF(15, 24, 26, 4.5), 2, 2)
    p.setBrush(QColor("#8ab4f8"))
    p.drawRoundedRect(QRectF(15, 32, 34, 4.5), 2, 2)
    if live:
        p.setBrush(QColor("#e5383b"))
        p.drawEllipse(QRectF(41, 3, 20, 20))
    p.end()
    return QIcon(pix)


AA_CONTRAST = 4.5  # WCAG 2 level AA: the least contrast of normal-size text on its background
HINT_MIX = 0.45  # a hint's colour: this far from the text's toward the background's (quieter than the text)
HINT_COLOUR = "@hint-colour"  # where style.qss takes it


def hint_colour(text: str, background: str, *, mix: float = HINT_MIX, least: float = AA_CONTRAST) -> str:
    """A "#rrggbb" between `text` and `background` colours, `mix` of the way toward the background, or nearer the
    text where that is needed to keep `least` contrast on the background."""
    from captioner.gui.contrast import contrast_ratio

    def blend(share: float) -> str:
        a, b = (int(text[i:i + 2], 16) for i in (1, 3, 5)), (int(background[i:i + 2], 16) for i in (1, 3, 5))
        return "#" + "".join(f"{round(x + (y - x) * share):02x}" for x, y in zip(a, b))

    share = mix
    while share > 0 and contrast_ratio(blend(share), background) < least:
        share = round(share - 0.01, 2)
    return blend(max(0.0, share))


def style_sheet(palette=None) -> str:
    """The app's style sheet, its hint colour worked out from `palette` (the app's; None: QApplication's)."""
    path = resource_path("style.qss")
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    if palette is None:
        from PySide6.QtWidgets import QApplication

        palette = QApplication.palette()
    from PySide6.QtGui import QPalette

    colour = hint_colour(palette.color(QPalette.WindowText).name(), palette.color(QPalette.Window).name())
    return text.replace(HINT_COLOUR, colour)
