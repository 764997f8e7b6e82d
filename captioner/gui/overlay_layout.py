"""Pure rules of the caption overlay: how caption text wraps into lines, and where the window goes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetricsF

from captioner.settings import ScreenGeometry

GAP = 12  # pixels between the overlay's first place and the main window or the screen's edge


@dataclass(frozen=True)
class Run:
    text: str
    interim: bool


Line = tuple[Run, ...]


def layout_caption(
    final_text: str,
    interim_text: str,
    width: float,
    final_metrics: QFontMetricsF,
    interim_metrics: QFontMetricsF,
    max_lines: int,
) -> list[Line]:
    """Wrap final then interim words to `width` pixels; return the last `max_lines` lines.

    A newline in either text ends the line there (each speaker's turn starts a line).

    Each line is a tuple of runs (consecutive words of one style); a run that is not
    the first on its line starts with the separating space, so drawing the runs one
    after another with their measured advances reproduces the measured width.
    """
    words: list[tuple[str, bool] | None] = []  # None: a line break (a new speaker starts a line of their own)
    for text, interim in ((final_text, False), (interim_text, True)):
        for i, paragraph in enumerate(text.split("\n")):
            if i:
                words.append(None)
            words += [(w, interim) for w in paragraph.split()]
    lines: list[list[Run]] = []
    line: list[Run] = []
    line_width = 0.0

    def measure(run: Run) -> float:
        return (interim_metrics if run.interim else final_metrics).horizontalAdvance(run.text)

    for item in words:
        if item is None:
            if line:
                lines.append(line)
            line, line_width = [], 0.0
            continue
        word, interim = item
        fm = interim_metrics if interim else final_metrics
        if fm.horizontalAdvance(word) > width:
            word = fm.elidedText(word, Qt.ElideRight, width)
        if line:
            last = line[-1]
            candidate = Run(last.text + " " + word, interim) if last.interim == interim else Run(" " + word, interim)
            if last.interim == interim:
                new_width = line_width - measure(last) + measure(candidate)
            else:
                new_width = line_width + measure(candidate)
            if new_width <= width:
                if last.interim == interim:
                    line[-1] = candidate
                else:
                    line.append(candidate)
                line_width = new_width
                continue
            lines.append(line)
        line = [Run(word, interim)]
        line_width = measure(line[0])
    if line:
        lines.append(line)
    return [tuple(runs) for runs in lines[-max_lines:]] if max_lines > 0 else []


def screen_key(screen) -> str:
    g = screen.geometry()
    return f"{screen.name()} {g.width()}x{g.height()}"


def choose_placement(
    saved: tuple[ScreenGeometry, ...],
    last_screen: str,
    screens: dict[str, QRect],
    primary: str,
    default_size: tuple[int, int],
    avoid: QRect | None = None,
) -> tuple[str, QRect]:
    """Where the overlay goes: its place on the last screen it was on (if that screen is
    here), else its place on another screen present, else bottom-centre of the primary
    screen, moved off `avoid` (the main window) when it would cover it. The result always
    lies within the screen's available area."""
    by_screen = {g.screen: g for g in saved}
    for key in [last_screen, *by_screen]:
        if key in screens and key in by_screen:
            g = by_screen[key]
            return key, _clamp(QRect(g.x, g.y, g.width, g.height), screens[key])
    key = primary if primary in screens else next(iter(screens))
    area = screens[key]
    w = min(default_size[0], area.width() - 40)
    h = min(default_size[1], area.height() - 40)
    x = area.x() + (area.width() - w) // 2
    bottom = area.y() + area.height()
    tries = [bottom - h - max(40, area.height() // 12), bottom - h - GAP]
    if avoid is not None:
        tries += [avoid.y() + avoid.height() + GAP, avoid.y() - GAP - h]
    for y in tries:
        rect = QRect(x, y, w, h)
        if area.contains(rect) and (avoid is None or not rect.intersects(avoid)):
            return key, rect
    return key, _clamp(QRect(x, tries[0], w, h), area)  # the window fills the screen: no place is free


def _clamp(rect: QRect, area: QRect) -> QRect:
    w = min(rect.width(), area.width())
    h = min(rect.height(), area.height())
    x = min(max(rect.x(), area.x()), area.x() + area.width() - w)
    y = min(max(rect.y(), area.y()), area.y() + area.height() - h)
    return QRect(x, y, w, h)
