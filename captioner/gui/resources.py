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


def style_sheet() -> str:
    path = resource_path("style.qss")
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
