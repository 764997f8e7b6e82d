"""Small widgets: the input level meter, a colour button, a label that shortens its text to fit."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QColorDialog, QComboBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QWidget

FLOOR_DB = -60.0
UNIT_STEP = 1000  # bytes to KB, KB to MB, MB to GB (decimal units)
DARK_TEXT_ABOVE_LIGHTNESS = 0.55  # a colour lighter than this is labelled in black, a darker one in white


def level_to_fraction(rms: float) -> float:
    """RMS (0..1) to a meter position (0..1) on a -60..0 dBFS scale."""
    if rms <= 0:
        return 0.0
    db = 20 * math.log10(max(rms, 1e-9))
    return min(1.0, max(0.0, (db - FLOOR_DB) / -FLOOR_DB))


class LevelMeter(QWidget):
    """A horizontal dBFS meter with a decaying bar and a peak-hold tick."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("levelMeter")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setMinimumWidth(90)
        self._value = 0.0  # shown bar, 0..1
        self._peak = 0.0
        self._peak_at = 0.0
        self._target = 0.0
        self._active = False
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self.setToolTip("Input level")

    def sizeHint(self) -> QSize:
        return QSize(160, 14)

    @property
    def value(self) -> float:
        return self._target

    def set_level(self, rms: float) -> None:
        self._active = True
        self._target = level_to_fraction(rms)
        if self._target >= self._value:
            self._value = self._target
        if self._target >= self._peak:
            self._peak, self._peak_at = self._target, time.monotonic()
        self.update()

    def set_inactive(self) -> None:
        self._active = False
        self._target = self._value = self._peak = 0.0
        self.update()

    def _tick(self) -> None:
        changed = False
        if self._value > self._target:
            self._value = max(self._target, self._value - 0.04)
            changed = True
        if self._peak > 0 and time.monotonic() - self._peak_at > 1.2:
            self._peak = max(self._value, self._peak - 0.02)
            changed = True
        if changed:
            self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(self.palette().mid().color(), 1))
        p.setBrush(self.palette().base())
        p.drawRoundedRect(r, 3, 3)
        inner = r.adjusted(2, 2, -2, -2)
        if self._active and self._value > 0:
            w = inner.width() * self._value
            color = QColor("#3cb371")
            if self._value > 0.9:
                color = QColor("#e0443e")
            elif self._value > 0.75:
                color = QColor("#e8a317")
            p.setPen(Qt.NoPen)
            p.setBrush(color)
            p.drawRoundedRect(QRectF(inner.left(), inner.top(), w, inner.height()), 2, 2)
        if self._active and self._peak > 0.02:
            x = inner.left() + inner.width() * self._peak
            p.setPen(QPen(QColor("#555") if self._peak < 0.9 else QColor("#e0443e"), 2))
            p.drawLine(int(x), int(inner.top()), int(x), int(inner.bottom()))


class ColorButton(QPushButton):
    """A button showing a colour; clicking it opens a colour dialog."""

    colorChanged = Signal(str)

    def __init__(self, color: str = "#ffffff", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._color = color
        self.setMinimumWidth(90)
        self.clicked.connect(self._choose)
        self._refresh()

    @property
    def color(self) -> str:
        return self._color

    def set_color(self, color: str) -> None:
        if color != self._color:
            self._color = color
            self._refresh()
            self.colorChanged.emit(color)

    def _choose(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Choose a colour")
        if chosen.isValid():
            self.set_color(chosen.name())

    def _refresh(self) -> None:
        c = QColor(self._color)
        fg = "#000000" if c.lightnessF() > DARK_TEXT_ABOVE_LIGHTNESS else "#ffffff"
        self.setText(self._color.upper())
        self.setStyleSheet(f"QPushButton {{ background: {self._color}; color: {fg}; border: 1px solid #888; padding: 4px 8px; border-radius: 3px; }}")


def format_bytes(n: float) -> str:
    """`n` bytes in B, KB, MB or GB ("1.5 MB")."""
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < UNIT_STEP or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= UNIT_STEP
    return f"{n:.1f} GB"


def control_row(owner: QWidget, title: str, combo: QComboBox, name: str) -> QHBoxLayout:
    """The layout of one of the window's control rows: "Title: [combo]…", titles of one width so
    the rows line up. The caller adds what follows the combo."""
    row = QHBoxLayout(owner)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(8)
    label = QLabel(title)
    label.setObjectName("rowLabel")
    metrics = label.fontMetrics()
    label.setMinimumWidth(max(metrics.horizontalAdvance(text) for text in ("Input:", "Model:")) + 4)
    row.addWidget(label)
    combo.setObjectName(name)
    combo.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(22)
    row.addWidget(combo, 3)
    return row


class ElidedLabel(QLabel):
    """A one-line plain-text label that shows as much of its text as fits, "…" where it is cut (in the middle, where a
    file's name is likely), and the whole of it in its tooltip; it never widens its row."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *, mode: Qt.TextElideMode = Qt.ElideMiddle) -> None:
        super().__init__(parent)
        self._full, self._mode = "", mode
        self.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Preferred)
        self.setText(text)

    def full_text(self) -> str:
        return self._full

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text)
        self._fit()

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self.fontMetrics().horizontalAdvance(self._full) + 2, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return QSize(self.fontMetrics().horizontalAdvance("…") + 2, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        super().setText(self.fontMetrics().elidedText(self._full, self._mode, max(0, self.width())))


def short_name(name: str, most: int = 28) -> str:
    """A file's name of at most `most` characters, shortened in the middle ("whisper-time…_apollo11.mp3")."""
    if len(name) <= most:
        return name
    tail = (most - 1) // 2
    return f"{name[: most - 1 - tail]}…{name[-tail:]}"


class FittingLabel(QLabel):
    """A one-line rich-text label with a shorter wording for when its whole text does not fit (`set_texts`): it shows
    the longest that fits, and is cut only when even the shorter one does not."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.RichText)
        self.setMinimumWidth(1)
        self._texts: tuple[str, ...] = ("",)

    def set_texts(self, *texts: str) -> None:
        """The wordings, longest first."""
        self._texts = texts or ("",)
        self._fit()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name): one wording
        self.set_texts(text)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name): room for the whole wording
        return QSize(self._width(self._texts[0]), super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        self._fit()

    def _width(self, text: str) -> int:
        from PySide6.QtGui import QTextDocument

        document = QTextDocument()
        document.setDefaultFont(self.font())
        document.setHtml(text)
        document.setDocumentMargin(0)
        return int(document.idealWidth()) + 2

    def _fit(self) -> None:
        chosen = next((t for t in self._texts if self._width(t) <= self.width()), self._texts[-1])
        if chosen != super().text():
            super().setText(chosen)
