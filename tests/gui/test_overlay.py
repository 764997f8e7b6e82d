"""The caption overlay: layout by font metrics, last N lines, interim style, silence clear,
click-through, placement per screen."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QGuiApplication

from captioner.app.merge import CaptionMerger
from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import CaptionEvent
from captioner.gui.overlay import PADDING_Y, CaptionOverlay
from captioner.gui.overlay_layout import choose_placement, layout_caption, screen_key
from captioner.settings import OverlaySettings, ScreenGeometry


def metrics(size: int = 20, italic: bool = False) -> QFontMetricsF:
    font = QFont("DejaVu Sans")
    font.setPointSize(size)
    font.setItalic(italic)
    return QFontMetricsF(font)


def line_width(line, fm: QFontMetricsF, fmi: QFontMetricsF) -> float:
    return sum((fmi if run.interim else fm).horizontalAdvance(run.text) for run in line)


TEXT = "Good morning everyone and welcome to the weekly planning meeting where we look at the travel plans for the summer"


def test_layout_wraps_to_the_width_by_font_metrics(qapp) -> None:
    fm, fmi = metrics(), metrics(italic=True)
    for width in (150, 300, 420, 777):
        lines = layout_caption(TEXT, "", width, fm, fmi, max_lines=50)
        assert all(line_width(line, fm, fmi) <= width for line in lines)
        joined = " ".join("".join(r.text for r in line) for line in lines)
        assert joined.split() == TEXT.split()  # nothing lost or reordered
        # every break is needed: the next line's first word would not have fitted
        for a, b in zip(lines, lines[1:]):
            first = "".join(r.text for r in b).split()[0]
            assert line_width(a, fm, fmi) + fm.horizontalAdvance(" " + first) > width


def test_layout_keeps_the_last_lines_and_marks_the_interim(qapp) -> None:
    fm, fmi = metrics(), metrics(italic=True)
    lines = layout_caption(TEXT, "and the new office", 300, fm, fmi, max_lines=2)
    assert len(lines) == 2
    last = lines[-1]
    assert last[-1].interim and last[-1].text.split()[-3:] == ["the", "new", "office"]
    assert not lines[0][0].interim
    all_runs = [run for line in lines for run in line]
    finals_text = " ".join(r.text.strip() for r in all_runs if not r.interim)
    assert TEXT.endswith(finals_text)


def test_a_word_wider_than_the_window_is_elided(qapp) -> None:
    fm, fmi = metrics(), metrics(italic=True)
    lines = layout_caption("Supercalifragilisticexpialidocious ok", "", 120, fm, fmi, max_lines=5)
    assert lines[0][0].text.endswith("…") and fm.horizontalAdvance(lines[0][0].text) <= 120
    assert lines[1][0].text == "ok"


def test_text_without_spaces_wraps_between_its_phrases_and_nothing_is_elided(qapp) -> None:
    from captioner.subtitles.units import break_offsets

    fm, fmi = metrics(), metrics(italic=True)
    # a live final of ja_japanese.mp3 as base writes it: 65 characters, no space
    text = ("サブディレクトリーことに分けたサイトは、それぞれパブリシャセンターに登録し、イクグルニュース上では、"
            "ツサイトとして認識され、パペコンアイコンはサイトことのものが正しく表示され。")
    for width in (fm.horizontalAdvance(text) / 3, fm.horizontalAdvance("サブディレクトリーことに") + 1):
        lines = layout_caption(text, "", width, fm, fmi, max_lines=50)
        texts = ["".join(r.text for r in line) for line in lines]
        assert "".join(texts) == text  # every character, in order, none elided, no space put in
        assert all(line_width(line, fm, fmi) <= width for line in lines)
        starts = [sum(map(len, texts[:n])) for n in range(len(texts))]
        assert set(starts) <= set(break_offsets(text)), texts  # a line begins where a phrase does
    narrow = layout_caption("アカウントマネージャー", "", fm.horizontalAdvance("アカウ") + 1, fm, fmi, max_lines=50)
    assert "".join(r.text for line in narrow for r in line) == "アカウントマネージャー"  # wider than the window: by character
    mixed = layout_caption("今日は", "いい天気", 2000, fm, fmi, max_lines=5)
    assert [(r.text, r.interim) for r in mixed[0]] == [("今日は", False), (" いい天気", True)]


def test_a_newline_in_the_finals_starts_a_line(qapp) -> None:
    fm, fmi = metrics(), metrics(italic=True)
    lines = layout_caption("You: Good morning \nOthers: Hello there", "and", 2000, fm, fmi, max_lines=5)
    assert ["".join(r.text for r in line) for line in lines] == ["You: Good morning", "Others: Hello there and"]
    assert layout_caption("\nOthers: Hi", "", 2000, fm, fmi, max_lines=5)[0][0].text == "Others: Hi"  # no empty line first


def test_each_speaker_turn_starts_a_line_with_its_label(qtbot) -> None:
    overlay = CaptionOverlay(OverlaySettings(lines=4, font_size=20, clear_after_s=0))
    qtbot.addWidget(overlay)
    overlay.resize(2000, 300)
    m = CaptionMerger()
    overlay.apply(m.apply(CaptionEvent(1, 0, 100, "Good morning.", True, channel=MICROPHONE)))
    overlay.apply(m.apply(CaptionEvent(2, 100, 200, "Welcome.", True, channel=MICROPHONE)))
    overlay.apply(m.apply(CaptionEvent(3, 200, 300, "Hello there.", True, channel=SYSTEM)))
    assert overlay.shown_text.splitlines() == ["You: Good morning. Welcome.", "Others: Hello there."]
    overlay.apply(m.apply(CaptionEvent(4, 300, 400, "Thank you", False, channel=MICROPHONE)))  # the other side answers
    assert overlay.shown_text.splitlines()[-1] == "You: Thank you" and overlay.lines[-1][-1].interim
    overlay.apply(m.apply(CaptionEvent(4, 300, 400, "Thank you.", True, channel=MICROPHONE)))
    overlay.apply(m.apply(CaptionEvent(5, 400, 500, "And then", False, channel=MICROPHONE)))
    assert overlay.shown_text.splitlines()[-1] == "You: Thank you. And then"  # the same speaker goes on on the line


def test_the_overlay_shows_the_sessions_labels(qtbot) -> None:
    overlay = CaptionOverlay(OverlaySettings(lines=4, font_size=20, clear_after_s=0))
    qtbot.addWidget(overlay)
    overlay.resize(2000, 300)
    labels = {MICROPHONE: "Ana", SYSTEM: "The team"}
    overlay.set_labels(labels)
    m = CaptionMerger(labels)
    overlay.apply(m.apply(CaptionEvent(1, 0, 100, "Good morning.", True, channel=MICROPHONE)))
    overlay.apply(m.apply(CaptionEvent(2, 100, 200, "Hello there.", True, channel=SYSTEM)))
    overlay.apply(m.apply(CaptionEvent(3, 200, 300, "Thank you", False, channel=MICROPHONE)))
    assert overlay.shown_text.splitlines() == ["Ana: Good morning.", "The team: Hello there.", "Ana: Thank you"]


def test_overlay_shows_last_lines_with_interim_and_clears_after_silence(qtbot) -> None:
    overlay = CaptionOverlay(OverlaySettings(lines=2, font_size=20, clear_after_s=0.3))
    qtbot.addWidget(overlay)
    overlay.resize(500, overlay.preferred_size()[1])  # two lines high
    overlay.show()
    m = CaptionMerger()
    overlay.apply(m.apply(CaptionEvent(1, 0, 100, TEXT, True)))
    overlay.apply(m.apply(CaptionEvent(2, 200, 300, "and the new", False)))
    assert len(overlay.lines) == 2
    assert " ".join(overlay.shown_text.split()).endswith("summer and the new")
    assert overlay.lines[-1][-1].interim
    assert all(line_width(line, overlay.fonts.final_metrics, overlay.fonts.interim_metrics) <= overlay.fonts.text_width(overlay.width()) for line in overlay.lines)
    grab = overlay.grab()  # paints without error
    assert not grab.isNull()
    qtbot.waitUntil(lambda: overlay.shown_text == "", timeout=2000)


def test_lines_follow_the_window_height_and_setting(qtbot) -> None:
    overlay = CaptionOverlay(OverlaySettings(lines=2, font_size=20, clear_after_s=0))
    qtbot.addWidget(overlay)
    overlay.show()
    overlay.setGeometry(100, 100, 300, overlay.preferred_size()[1])  # the Lines setting's height
    m = CaptionMerger()
    overlay.apply(m.apply(CaptionEvent(1, 0, 100, TEXT, True)))
    assert len(overlay.lines) == 2
    tall = int(overlay.fonts.line_height() * 6 + 2 * PADDING_Y + 2)
    overlay.resize(300, tall)  # made taller by hand: as many lines as fit (6), not still two at the bottom
    assert len(overlay.lines) == 6
    drawn_top = tall - PADDING_Y - overlay.fonts.line_height() * len(overlay.lines)
    assert drawn_top < PADDING_Y + overlay.fonts.line_height()  # the text fills the window, no band of empty space on top
    overlay.resize(300, int(overlay.fonts.line_height() * 2 + 30))
    assert len(overlay.lines) == 2  # only what fits in the window
    bottom = overlay.geometry().bottom()
    overlay.apply_settings(dataclasses.replace(overlay.settings, lines=4))  # the setting sets the height, bottom edge kept
    assert overlay.height() == overlay.preferred_size()[1] and overlay.geometry().bottom() == bottom
    assert len(overlay.lines) == 4


def test_style_settings_apply(qtbot) -> None:
    overlay = CaptionOverlay()
    qtbot.addWidget(overlay)
    overlay.apply_settings(OverlaySettings(font_family="DejaVu Serif", font_size=40, bold=True, text_color="#ffff00", background_color="#ffffff", background_opacity=0.5))
    assert overlay.fonts.final.family() == "DejaVu Serif" and overlay.fonts.final.pointSize() == 40 and overlay.fonts.final.bold()
    assert overlay.fonts.interim.italic()
    overlay.resize(400, 100)
    image = overlay.grab().toImage()
    corner = image.pixelColor(200, 4)  # background, above the hint text
    assert corner.red() > 200 and corner.green() > 200 and 100 < corner.alpha() < 160  # white at 50 %


def test_click_through_sets_transparent_for_input_and_back(qtbot) -> None:
    overlay = CaptionOverlay()
    qtbot.addWidget(overlay)
    overlay.show()
    overlay.setGeometry(100, 100, 600, 100)
    assert not overlay.click_through
    overlay.set_click_through(True)
    assert overlay.windowFlags() & Qt.WindowTransparentForInput
    assert overlay.isVisible() and overlay.geometry() == QRect(100, 100, 600, 100)
    assert overlay.windowFlags() & Qt.WindowStaysOnTopHint and overlay.windowFlags() & Qt.FramelessWindowHint
    overlay.set_click_through(False)
    assert not overlay.windowFlags() & Qt.WindowTransparentForInput and overlay.isVisible()


def test_dragging_moves_and_edges_resize(qtbot) -> None:
    overlay = CaptionOverlay()
    qtbot.addWidget(overlay)
    overlay.show()
    overlay.setGeometry(100, 100, 600, 100)
    moved = []
    overlay.placementChanged.connect(lambda key, rect: moved.append((key, QRect(rect))))
    qtbot.mousePress(overlay, Qt.LeftButton, pos=QPoint(300, 50))
    qtbot.mouseMove(overlay, QPoint(340, 70))
    qtbot.mouseRelease(overlay, Qt.LeftButton, pos=QPoint(340, 70))
    assert overlay.pos() == QPoint(140, 120)
    qtbot.waitUntil(lambda: bool(moved), timeout=2000)
    assert moved[-1][1].topLeft() == QPoint(140, 120)
    assert moved[-1][0] == screen_key(QGuiApplication.primaryScreen())

    right_edge = QPoint(overlay.width() - 3, 50)
    qtbot.mousePress(overlay, Qt.LeftButton, pos=right_edge)
    qtbot.mouseMove(overlay, right_edge + QPoint(-200, 0))
    qtbot.mouseRelease(overlay, Qt.LeftButton, pos=right_edge + QPoint(-200, 0))
    assert overlay.width() == 400 and overlay.pos() == QPoint(140, 120)


def test_placement_per_screen() -> None:
    screens = {"HDMI-1 1920x1080": QRect(0, 0, 1920, 1040), "eDP-1 1600x900": QRect(1920, 0, 1600, 900)}
    saved = (ScreenGeometry("HDMI-1 1920x1080", 300, 900, 1200, 120), ScreenGeometry("eDP-1 1600x900", 2000, 700, 900, 100))
    assert choose_placement(saved, "eDP-1 1600x900", screens, "HDMI-1 1920x1080", (900, 100)) == ("eDP-1 1600x900", QRect(2000, 700, 900, 100))
    assert choose_placement(saved, "HDMI-1 1920x1080", screens, "HDMI-1 1920x1080", (900, 100))[1] == QRect(300, 900, 1200, 120)
    # the laptop alone: its own remembered place, although the monitor was used last
    laptop = {"eDP-1 1600x900": QRect(0, 0, 1600, 900)}
    key, rect = choose_placement(saved, "HDMI-1 1920x1080", laptop, "eDP-1 1600x900", (900, 100))
    assert key == "eDP-1 1600x900" and laptop[key].contains(rect)
    # nothing remembered: bottom centre of the primary screen
    key, rect = choose_placement((), "", screens, "HDMI-1 1920x1080", (900, 100))
    assert key == "HDMI-1 1920x1080" and rect.width() == 900 and abs(rect.center().x() - 960) <= 1 and rect.bottom() > 800
    # a place off the screen is pulled back onto it
    off = (ScreenGeometry("HDMI-1 1920x1080", 5000, -300, 1200, 120),)
    assert screens["HDMI-1 1920x1080"].contains(choose_placement(off, "HDMI-1 1920x1080", screens, "HDMI-1 1920x1080", (900, 100))[1])


def test_first_place_does_not_cover_the_main_window() -> None:
    screens = {"S 1600x1000": QRect(0, 0, 1600, 1000)}
    place = lambda avoid: choose_placement((), "", screens, "S 1600x1000", (900, 100), avoid)[1]  # noqa: E731
    usual = place(None)
    high = QRect(60, 60, 980, 470)  # a window up top: the usual place is free
    assert place(high) == usual
    low = QRect(300, 500, 1000, 450)  # a window down to near the bottom edge: the overlay goes above it
    rect = place(low)
    assert not rect.intersects(low) and screens["S 1600x1000"].contains(rect) and rect.bottom() < 500
    mid = QRect(300, 700, 1000, 170)  # room below the window, at the screen's bottom edge
    rect = place(mid)
    assert not rect.intersects(mid) and rect.top() > 870 and screens["S 1600x1000"].contains(rect)
    full = QRect(0, 0, 1600, 1000)  # a maximised window: no free place, the usual one
    assert place(full) == usual
    # a remembered place stays where it was, window or not
    saved = (ScreenGeometry("S 1600x1000", 300, 600, 900, 100),)
    assert choose_placement(saved, "S 1600x1000", screens, "S 1600x1000", (900, 100), low)[1] == QRect(300, 600, 900, 100)


def test_the_overlay_places_itself_off_the_window(make_app) -> None:
    app = make_app()
    assert not app.overlay.frameGeometry().intersects(app.window.frameGeometry())
    app.window.setGeometry(0, 380, 780, 400)  # the offscreen screen is 800 x 800: the window at its foot
    app.overlay.restore_placement(avoid=app.window.frameGeometry())
    assert not app.overlay.geometry().intersects(app.window.frameGeometry())
    app.overlay.restore_placement()
    assert app.overlay.geometry().intersects(app.window.frameGeometry())  # what it did before


def test_overlay_place_is_remembered_across_launches(make_app, qtbot) -> None:
    app = make_app()
    overlay = app.overlay
    assert overlay.isVisible()
    overlay.move(23, 456)  # the offscreen screen is 800 x 800
    overlay.resize(700, 150)
    key = screen_key(QGuiApplication.primaryScreen())
    qtbot.waitUntil(lambda: bool(app.store.settings.overlay.geometries), timeout=3000)
    assert app.store.settings.overlay.last_screen == key
    assert app.store.settings.overlay.geometries[0] == ScreenGeometry(key, 23, 456, 700, 150)
    app.window.close()
    qtbot.waitUntil(lambda: not app.window.isVisible(), timeout=3000)

    again = make_app(write=False)
    assert again.overlay.geometry() == QRect(23, 456, 700, 150)


def test_the_overlay_keeps_clear_of_the_main_window_until_placed_by_hand(make_app, qtbot) -> None:
    app = make_app()
    overlay, window = app.overlay, app.window
    assert not overlay.placer.placed_by_user
    window.setGeometry(0, 380, 780, 400)  # the window manager puts the window at the screen's foot (800 x 800)
    assert not overlay.geometry().intersects(window.frameGeometry())  # it followed the window's frame
    assert not app.store.settings.overlay.geometries  # a place of its own choosing is not remembered
    overlay.move(10, 500)  # the user puts it on the window
    window.setGeometry(0, 300, 780, 400)
    assert overlay.placer.placed_by_user and overlay.pos() == QPoint(10, 500)  # it stays where the user put it
    qtbot.waitUntil(lambda: bool(app.store.settings.overlay.geometries), timeout=3000)


def test_the_hint_says_clicks_go_through_in_click_through(qtbot) -> None:
    overlay = CaptionOverlay(click_through_shortcut="Ctrl+Shift+T")
    qtbot.addWidget(overlay)
    assert "drag to move it" in overlay.hint_text()
    overlay.set_click_through(True)
    assert "drag" not in overlay.hint_text() and "clicks go through" in overlay.hint_text() and "Ctrl+Shift+T" in overlay.hint_text()


def test_a_revised_final_leaves_the_overlay_as_it_was(qtbot) -> None:
    overlay = CaptionOverlay(OverlaySettings(lines=4, font_size=20, clear_after_s=0))
    qtbot.addWidget(overlay)
    overlay.resize(2000, 300)
    m = CaptionMerger()
    overlay.apply(m.apply(CaptionEvent(1, 0, 100, "The Montreal Forest Liner.", True)))
    overlay.apply(m.apply(CaptionEvent(2, 200, 300, "and then", False)))
    shown = overlay.shown_text
    update = m.apply(CaptionEvent(1, 0, 100, "The Montreal Forced Aligner.", True, revision=1))
    assert update.kind == "revise"
    overlay.apply(update)
    assert overlay.shown_text == shown
