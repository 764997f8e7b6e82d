"""A finished live session's figures (`captioner.app.stats`), read from stand-in sessions."""

from __future__ import annotations

from types import SimpleNamespace

from captioner.app.stats import Delays, LaneFigures, SessionFigures, session_figures
from captioner.events import SAMPLE_RATE


def test_one_input_gives_its_delays_and_overflows():
    session = SimpleNamespace(engine=SimpleNamespace(clock=20 * SAMPLE_RATE), finals=[1, 2, 3], compute_s=5.0,
                              final_delays_s=[0.5, 1.5, 0.75], source=SimpleNamespace(overflows=2))
    figures = session_figures(SimpleNamespace(session=session))
    assert figures == SessionFigures(20.0, 3, 5.0, Delays(0.75, 1.5), 2)
    assert figures.compute_per_audio_s == 0.25 and figures.echoes is None and figures.lanes == ()


def test_a_meeting_gives_each_side_and_its_echoes():
    lanes = [SimpleNamespace(label="Me", delays_s=[1.0, 3.0], channel=SimpleNamespace(source=SimpleNamespace(overflows=0))),
             SimpleNamespace(label="Others", delays_s=[], channel=SimpleNamespace(source=SimpleNamespace(overflows=4)))]
    session = SimpleNamespace(clock=10 * SAMPLE_RATE, finals=[1], echoes=[1, 2], compute_s=2.0, lanes=lanes)
    figures = session_figures(SimpleNamespace(session=session))
    assert (figures.audio_s, figures.finals, figures.echoes) == (10.0, 1, 2)
    assert figures.lanes == (LaneFigures("Me", Delays(2.0, 3.0), 0), LaneFigures("Others", None, 4))


def test_no_audio_is_no_division_by_zero():
    assert SessionFigures(0.0, 0, 1.0).compute_per_audio_s > 0 and Delays.of([]) is None
