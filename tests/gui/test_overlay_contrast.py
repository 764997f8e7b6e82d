"""Colour contrast as WCAG 2 measures it, and the overlay's high-contrast look."""

from __future__ import annotations

import pytest

from captioner.gui.contrast import AAA_CONTRAST, HIGH_CONTRAST, contrast_ratio, relative_luminance
from captioner.settings import OverlaySettings


def test_contrast_ratio_as_wcag_measures_it() -> None:
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)  # either order
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # the grey that passes AA on white
    assert contrast_ratio("#3366CC", "#3366cc") == pytest.approx(1.0)
    assert relative_luminance("#000000") == 0.0 and relative_luminance("#ffffff") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        relative_luminance("red")


def test_the_high_contrast_look_is_white_bold_on_opaque_black_with_aaa_interims() -> None:
    look = OverlaySettings(**HIGH_CONTRAST)
    assert (look.text_color, look.background_color, look.background_opacity, look.bold) == ("#ffffff", "#000000", 1.0, True)
    assert contrast_ratio(look.text_color, look.background_color) >= AAA_CONTRAST
    assert contrast_ratio(look.interim_color, look.background_color) >= AAA_CONTRAST
    assert look.interim_color != look.text_color  # the words still being recognised look different
    r, g, b = (int(look.interim_color[i:i + 2], 16) for i in (1, 3, 5))
    assert r > 200 and g > 200 and b < r - 60  # a light yellow
