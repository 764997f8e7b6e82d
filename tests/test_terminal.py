"""The terminal printer: finals once, the interim line redrawn in place within the terminal's width."""

from __future__ import annotations

import io

from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.terminal import TerminalPrinter, columns, fitted

JAPANESE = "サブディレクトリーことに分けたサイトは、それぞれパブリシャセンターに登録し、イクグルニュース上では"


def test_columns_count_full_width_characters_twice_and_marks_not_at_all():
    assert columns("abc") == 3
    assert columns("日本語") == 6
    assert columns("e\u0301") == 1  # e and a combining acute accent
    assert columns("กี่") == 1  # a Thai consonant with a vowel and a tone mark above it


def test_a_line_that_fits_is_kept_whole():
    assert fitted("hello", 10) == "hello"
    assert fitted("日本語です", 11) == "日本語です"  # 10 columns and one to spare


def test_a_longer_line_keeps_its_end_within_the_width():
    for width in (20, 21, 40, 80, 100):
        line = f"[0:01.0 → 0:09.0] {JAPANESE}"
        shown = fitted(line, width)
        assert shown.startswith("… ") and line.endswith(shown[2:])
        assert columns(shown) <= width - 1  # never wraps the cursor onto a second row
        assert columns(shown) >= width - 3  # and fills the row, a full-width character aside
    english = "x" * 50 + "the end"
    assert fitted(english, 20) == "… " + english[-17:]


def test_the_interim_line_of_japanese_is_redrawn_on_one_row(monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    out = io.StringIO()
    printer = TerminalPrinter(out, interim=True)
    printer.on_caption(CaptionEvent(1, 0, 9 * SAMPLE_RATE, JAPANESE, final=False))
    shown = out.getvalue()
    assert columns(shown) <= 39 and shown.endswith("ニュース上では")
    printer.on_caption(CaptionEvent(1, 0, 9 * SAMPLE_RATE, JAPANESE + "。", final=True))
    assert out.getvalue().endswith("\r\x1b[K[00:00.0 → 00:09.0] " + JAPANESE + "。\n")  # the final whole, on a line of its own
