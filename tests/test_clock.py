"""The one clock formatter, in each shape the app writes."""

import pytest

from captioner.clock import format_clock
from captioner.events import SAMPLE_RATE


def s(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


@pytest.mark.parametrize(
    ("samples", "kw", "text"),
    [
        (0, {}, "00:00:00"),
        (s(3723.999), {}, "01:02:03"),  # whole seconds are cut, never rounded up
        (s(3723.4565), {"digits": 3, "mark": ","}, "01:02:03,457"),
        (s(3723), {"hours": "short"}, "1:02:03"),
        (s(62.44), {"digits": 1, "hours": "when-needed"}, "01:02.4"),
        (s(59.96), {"digits": 1, "hours": "when-needed"}, "01:00.0"),  # rounding carries into the minute
        (s(3662), {"digits": 1, "hours": "when-needed"}, "1:01:02.0"),
        (s(100 * 3600), {}, "100:00:00"),
    ],
)
def test_format_clock(samples: int, kw: dict, text: str) -> None:
    assert format_clock(samples, **kw) == text


def test_negative_times_are_refused() -> None:
    with pytest.raises(ValueError):
        format_clock(-1)
