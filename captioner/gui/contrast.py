"""Colour contrast as WCAG 2 measures it, and the overlay's high-contrast look (no Qt here)."""

from __future__ import annotations

__all__ = ["AAA_CONTRAST", "HIGH_CONTRAST", "contrast_ratio", "relative_luminance"]

AAA_CONTRAST = 7.0  # WCAG 2 level AAA: the least contrast of normal-size text on its background

# sRGB to linear light (WCAG 2's definition of relative luminance)
_LINEAR_THRESHOLD = 0.04045
_LINEAR_SLOPE = 12.92
_GAMMA_OFFSET = 0.055
_GAMMA = 2.4
_WEIGHTS = (0.2126, 0.7152, 0.0722)  # red, green, blue
_FLARE = 0.05  # the viewing flare both luminances are lifted by

# the overlay settings the "High contrast" button sets: white bold text on opaque black, the words still
# being recognised in light yellow (both well over AAA_CONTRAST on the black)
HIGH_CONTRAST = {
    "text_color": "#ffffff",
    "interim_color": "#ffff8c",
    "background_color": "#000000",
    "background_opacity": 1.0,
    "bold": True,
}


def _channel(value: int) -> float:
    c = value / 255
    return c / _LINEAR_SLOPE if c <= _LINEAR_THRESHOLD else ((c + _GAMMA_OFFSET) / (1 + _GAMMA_OFFSET)) ** _GAMMA


def relative_luminance(color: str) -> float:
    """0 (black) .. 1 (white) for a "#rrggbb" colour."""
    text = color.strip().removeprefix("#")
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    rgb = [int(text[i:i + 2], 16) for i in (0, 2, 4)]
    return sum(w * _channel(v) for w, v in zip(_WEIGHTS, rgb))


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two "#rrggbb" colours: 1 (the same) .. 21 (black and white), either order."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + _FLARE) / (darker + _FLARE)
