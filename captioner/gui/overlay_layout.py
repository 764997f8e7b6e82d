"""Pure rules of the caption overlay: how caption text wraps into lines, and where the window goes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetricsF

from captioner.settings import ScreenGeometry
from captioner.subtitles.units import pieces, unspaced

GAP = 12  # pixels between the overlay's first place and the main window or the screen's edge
SCREEN_SLACK = 40  # pixels the overlay's first size is narrower and shorter than the screen, at least
MIN_BOTTOM_LIFT = 40  # pixels the overlay's first place is above the screen's foot, at least
BOTTOM_LIFT_DIVISOR = 12  # ... and at least this fraction of the screen's height
MIN_SIDE_WIDTH = 400  # the narrowest overlay put beside the main window where there is no room above or below it


@dataclass(frozen=True)
class Run:
    """Consecutive words of one style on a line: final text, or interim (`interim`)."""

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

    A newline in either text ends the line there (each speaker's turn starts a line). Lines break at spaces and, in
    text written without them (Japanese, Chinese), between its phrases (`units.pieces`); a phrase wider than the
    window breaks between its characters, a word of spaced text that is wider is elided.

    Each line is a tuple of runs (consecutive words of one style); a run that is not
    the first on its line starts with its separating space, if any, so drawing the runs one
    after another with their measured advances reproduces the measured width.
    """
    words: list[tuple[str, bool, str] | None] = []  # (piece, interim, what goes before it); None: a line break
    for text, interim in ((final_text, False), (interim_text, True)):
        fm = interim_metrics if interim else final_metrics
        for i, paragraph in enumerate(text.split("\n")):
            if i:
                words.append(None)
            for piece in pieces(paragraph):
                words += _fitted(piece, interim, fm, width)
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
        word, interim, gap = item
        if line:
            last = line[-1]
            candidate = Run(last.text + gap + word, interim) if last.interim == interim else Run(gap + word, interim)
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


def _fitted(piece: str, interim: bool, fm: QFontMetricsF, width: float) -> list[tuple[str, bool, str]]:
    """A piece of text (`units.pieces`: a leading space where one goes before it) as the layout's items: itself, or
    where it is wider than `width`, its characters when its script is written without spaces, else itself elided."""
    gap, body = " " * piece.startswith(" "), piece.lstrip()
    if fm.horizontalAdvance(body) <= width:
        return [(body, interim, gap)]
    if unspaced(body):
        chars = pieces(body, phrases=False)
        return [(c.lstrip(), interim, gap if not n else "") for n, c in enumerate(chars)]
    return [(fm.elidedText(body, Qt.ElideRight, width), interim, gap)]


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
    smaller_heights: tuple[int, ...] = (),
) -> tuple[str, QRect]:
    """Where the overlay goes: its place on the last screen it was on (if that screen is
    here), else its place on another screen present, else bottom-centre of the primary
    screen, moved off `avoid` (the main window) when it would cover it: below or above the
    window; else there at one of `smaller_heights` (fewer lines, largest first); else beside
    the window (narrower); else where it covers the least of it. The result always lies
    within the screen's available area."""
    by_screen = {g.screen: g for g in saved}
    for key in [last_screen, *by_screen]:
        if key in screens and key in by_screen:
            g = by_screen[key]
            return key, clamp_to(QRect(g.x, g.y, g.width, g.height), screens[key])
    key = primary if primary in screens else next(iter(screens))
    area = screens[key]
    w = min(default_size[0], area.width() - SCREEN_SLACK)
    h = min(default_size[1], area.height() - SCREEN_SLACK)
    x = area.x() + (area.width() - w) // 2
    full = _above_or_below(area, avoid, x, w, h)
    if avoid is None:
        return key, _free(full, area, None) or clamp_to(full[0], area)
    beside = _beside(avoid, area, w, h)
    shorter = [r for height in smaller_heights if height < h for r in _above_or_below(area, avoid, x, w, height)]
    rect = _free(full, area, avoid) or _free(shorter, area, avoid) or _free(beside, area, avoid)
    if rect is not None:
        return key, rect
    # the window leaves no free place: the place that covers the least of it (the first of equals)
    return key, min((clamp_to(r, area) for r in full + beside), key=lambda r: _overlap(r, avoid))


def _above_or_below(area: QRect, avoid: QRect | None, x: int, w: int, h: int) -> list[QRect]:
    """Places for an overlay `h` tall, best first: a little above the screen's foot, at its foot, then
    (with `avoid`) just below and just above that window."""
    bottom = area.y() + area.height()
    tries = [bottom - h - max(MIN_BOTTOM_LIFT, area.height() // BOTTOM_LIFT_DIVISOR), bottom - h - GAP]
    if avoid is not None:
        tries += [avoid.y() + avoid.height() + GAP, avoid.y() - GAP - h]
    return [QRect(x, y, w, h) for y in tries]


def _free(rects: list[QRect], area: QRect, avoid: QRect | None) -> QRect | None:
    """The first of `rects` within `area` that covers none of `avoid`."""
    return next((r for r in rects if area.contains(r) and (avoid is None or not r.intersects(avoid))), None)


def _beside(avoid: QRect, area: QRect, w: int, h: int) -> list[QRect]:
    """Places at the screen's foot to the right and to the left of `avoid`, as wide as the room
    there allows (up to `w`), where that is at least MIN_SIDE_WIDTH."""
    y = area.y() + area.height() - h - GAP
    right_start = avoid.x() + avoid.width() + GAP
    right_width = min(w, area.x() + area.width() - GAP - right_start)
    left_end = avoid.x() - GAP
    left_width = min(w, left_end - area.x() - GAP)
    rects = []
    if right_width >= MIN_SIDE_WIDTH:
        rects.append(QRect(right_start, y, right_width, h))
    if left_width >= MIN_SIDE_WIDTH:
        rects.append(QRect(left_end - left_width, y, left_width, h))
    return rects


def docked_rect(area: QRect, height: int, at_top: bool) -> QRect:
    """The overlay docked across the whole width of `area` (a screen's available area), at its top or
    bottom edge, `height` pixels tall (no taller than the area)."""
    h = max(1, min(height, area.height()))
    y = area.y() if at_top else area.y() + area.height() - h
    return QRect(area.x(), y, area.width(), h)


def _overlap(a: QRect, b: QRect) -> int:
    common = a.intersected(b)
    return 0 if common.isEmpty() else common.width() * common.height()


def clamp_to(rect: QRect, area: QRect) -> QRect:
    """`rect` moved (and shrunk, when larger) to lie within `area`."""
    w = min(rect.width(), area.width())
    h = min(rect.height(), area.height())
    x = min(max(rect.x(), area.x()), area.x() + area.width() - w)
    y = min(max(rect.y(), area.y()), area.y() + area.height() - h)
    return QRect(x, y, w, h)
