"""Where the overlay goes as it grows and when docked: clear of the main window until the user
places it, or across the whole width of the screen's bottom or top edge."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QGuiApplication

from captioner.gui.overlay import CaptionOverlay
from captioner.gui.overlay_layout import choose_placement, docked_rect
from captioner.settings import PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP, PLACEMENT_FLOATING, OverlaySettings


def test_docked_rect_spans_the_available_width_at_the_edge() -> None:
    area = QRect(0, 32, 1920, 1008)  # a panel across the top of a 1920 x 1080 screen
    assert docked_rect(area, 150, at_top=False) == QRect(0, 1040 - 150, 1920, 150)
    assert docked_rect(area, 150, at_top=True) == QRect(0, 32, 1920, 150)
    second = QRect(1920, 0, 1280, 1024)  # a screen to the right of it
    assert docked_rect(second, 90, at_top=False) == QRect(1920, 1024 - 90, 1280, 90)
    assert docked_rect(second, 5000, at_top=True) == second  # never taller than the screen


def test_with_no_room_above_or_below_the_window_fewer_lines_then_beside_it() -> None:
    screens = {"S 1600x1000": QRect(0, 0, 1600, 1000)}
    place = lambda avoid, smaller=(): choose_placement((), "", screens, "S 1600x1000", (900, 207), avoid, smaller)[1]  # noqa: E731
    centred = QRect(349, 177, 902, 645)  # a window in the middle: 166 pixels free under it, 165 above
    rect = place(centred, (146, 84))  # two lines fit under it, not three
    assert rect.height() == 146 and not rect.intersects(centred) and rect.top() > centred.bottom()
    tall = QRect(0, 10, 902, 960)  # a tall window on the left: no room above or below, room on its right
    rect = place(tall, (146, 84))
    assert not rect.intersects(tall) and rect.height() == 207 and rect.left() > tall.right() and screens["S 1600x1000"].contains(rect)
    wide = QRect(100, 60, 1400, 900)  # no free place at all: where it covers the least of the window (its top edge here)
    rect = place(wide, (146, 84))
    assert rect == QRect(350, 0, 900, 207) and rect.intersected(wide).height() == 207 - 60


def test_a_bigger_font_and_more_lines_keep_the_overlay_off_the_main_window(make_app) -> None:
    app = make_app()
    overlay, window = app.overlay, app.window
    window.setGeometry(0, 30, 780, 560)  # a tall window (the offscreen screen is 800 x 800), the overlay under it
    assert not overlay.geometry().intersects(window.frameGeometry())
    small = overlay.height()
    dialog = app.open_settings("overlay")
    dialog.font_size.setValue(40)  # as the user picks them: the overlay previews each
    dialog.lines.setValue(3)
    assert overlay.height() > small and overlay.fonts.lines_in(overlay.height()) >= 2
    assert not overlay.geometry().intersects(window.frameGeometry())
    dialog.accept()
    assert not overlay.geometry().intersects(window.frameGeometry()) and not overlay.placer.placed_by_user


def test_placed_by_hand_it_grows_upward_from_where_it_is_within_the_screen(make_app) -> None:
    app = make_app()
    overlay = app.overlay
    overlay.setGeometry(10, 650, 600, overlay.height())  # the user puts it near the screen's foot
    bottom = overlay.geometry().bottom()
    app.store.update_overlay(font_size=40, lines=3)
    assert overlay.placer.placed_by_user and overlay.geometry().bottom() == bottom and overlay.pos().x() == 10
    assert overlay.height() == overlay.preferred_size()[1]
    overlay.setGeometry(10, 0, 600, overlay.height())  # at the top edge: taller, it stays on the screen
    app.store.update_overlay(lines=5)
    assert QGuiApplication.primaryScreen().availableGeometry().contains(overlay.geometry())


def test_docked_it_spans_the_screen_and_follows_the_lines_until_floated_again(make_app, qtbot) -> None:
    app = make_app()
    overlay = app.overlay
    floating = overlay.geometry()
    area = QGuiApplication.primaryScreen().availableGeometry()
    dialog = app.open_settings("overlay")
    dialog.placement.setCurrentIndex(dialog.placement.findData(PLACEMENT_DOCKED_BOTTOM))
    assert overlay.docked and overlay.geometry() == docked_rect(area, overlay.preferred_size()[1], at_top=False)
    assert overlay.geometry().width() == area.width() and overlay.geometry().bottom() == area.bottom()
    assert "docked at the bottom" in overlay.hint_text()
    dialog.lines.setValue(4)  # its height follows the lines
    assert overlay.height() == overlay.preferred_size()[1] and overlay.geometry().bottom() == area.bottom()
    dialog.placement.setCurrentIndex(dialog.placement.findData(PLACEMENT_DOCKED_TOP))
    assert overlay.geometry() == QRect(area.x(), area.y(), area.width(), overlay.preferred_size()[1])
    dialog.accept()
    assert app.store.settings.overlay.placement == PLACEMENT_DOCKED_TOP

    docked = overlay.geometry()
    qtbot.mousePress(overlay, Qt.LeftButton, pos=QPoint(300, 20))  # a drag neither moves nor resizes it
    qtbot.mouseMove(overlay, QPoint(340, 90))
    qtbot.mouseRelease(overlay, Qt.LeftButton, pos=QPoint(340, 90))
    assert overlay.geometry() == docked and not overlay.pointer.dragging
    app.window.setGeometry(0, 0, 780, 500)  # the main window moves: a docked overlay stays docked
    assert overlay.geometry() == docked
    qtbot.wait(600)
    assert not app.store.settings.overlay.geometries  # a docked place is not remembered as the user's

    app.store.update_overlay(placement=PLACEMENT_FLOATING, lines=OverlaySettings().lines)
    assert not overlay.docked and overlay.width() < area.width()
    assert not overlay.geometry().intersects(app.window.frameGeometry())  # off the main window again
    assert floating.size() == overlay.geometry().size()


def test_docked_at_launch(make_app) -> None:
    app = make_app(overlay={"placement": PLACEMENT_DOCKED_BOTTOM, "lines": 3})
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert app.overlay.geometry() == docked_rect(area, app.overlay.preferred_size()[1], at_top=False)


def test_a_docked_overlay_on_its_own_docks_when_shown(qtbot) -> None:
    overlay = CaptionOverlay(OverlaySettings(placement=PLACEMENT_DOCKED_TOP, lines=2))
    qtbot.addWidget(overlay)
    overlay.show()
    area = overlay.screen().availableGeometry()
    assert overlay.geometry() == docked_rect(area, overlay.preferred_size()[1], at_top=True)
    assert not overlay.grab().isNull()
