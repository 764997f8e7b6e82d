"""Make the bundle's icon files from resources/icons/captioner.svg (or a drawn stand-in).

    python packaging/make_icon.py

writes packaging/captioner.png (256 px; Linux .desktop icon, macOS .icns source) and
packaging/captioner.ico (16-256 px; the Windows executables). Both are committed, so a build
does not need to run this; run it again after changing the SVG.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SVG = HERE.parent / "resources" / "icons" / "captioner.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int):
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.Antialiasing)
    try:
        from PySide6.QtSvg import QSvgRenderer

        renderer = QSvgRenderer(str(SVG)) if SVG.is_file() else None
    except ImportError:
        renderer = None
    if renderer is not None and renderer.isValid():
        renderer.render(p, QRectF(0, 0, size, size))
    else:  # the same picture as captioner.gui.resources draws when the SVG is missing
        s = size / 64
        p.setPen(Qt.NoPen)
        p.setBrush(QColor("#1f6feb"))
        p.drawRoundedRect(QRectF(2 * s, 2 * s, 60 * s, 60 * s), 13 * s, 13 * s)
        p.setBrush(QColor("#ffffff"))
        p.drawRoundedRect(QRectF(10 * s, 16 * s, 44 * s, 28 * s), 4 * s, 4 * s)
        p.setBrush(QColor("#1f6feb"))
        p.drawRoundedRect(QRectF(15 * s, 24 * s, 26 * s, 4.5 * s), 2 * s, 2 * s)
        p.setBrush(QColor("#8ab4f8"))
        p.drawRoundedRect(QRectF(15 * s, 32 * s, 34 * s, 4.5 * s), 2 * s, 2 * s)
    p.end()
    return image


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841 (fonts, plugins)
    png = HERE / "captioner.png"
    render(256).save(str(png), "PNG")
    ico = HERE / "captioner.ico"
    try:
        from PIL import Image

        Image.open(png).save(ico, format="ICO", sizes=[(s, s) for s in SIZES])
    except ImportError:  # Qt's ico plugin writes one size
        render(256).save(str(ico), "ICO")
    print(f"wrote {png} and {ico}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
