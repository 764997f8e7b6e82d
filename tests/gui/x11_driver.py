"""Programs the X11 desktop tests run as processes of their own on a real X server (Xvfb + openbox).

    python -m tests.gui.x11_driver app SETTINGS_JSON   # the real app; answers "state" on stdin with a JSON line
    python -m tests.gui.x11_driver target X Y W H      # a plain window that prints each mouse press it gets

X11_DRIVER_PLATFORM=app lets the program choose its Qt platform as the app does (Xwayland in a
Wayland session); X11_DRIVER_PLATFORM=wayland runs it as a native Wayland client; default xcb.

Each prints "ready" once its windows are on screen. The app also prints "overlay-press" when the
overlay itself gets a mouse press, so a test can tell which window a click reached; the target
prints "target-press" and "target-key" for the presses it gets.
"""

from __future__ import annotations

import json
import os
import sys

from PySide6.QtCore import QEvent, QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QLabel


def say(*parts: object) -> None:
    print(*parts, flush=True)


class PressLog(QObject):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.MouseButtonPress:
            point = event.globalPosition().toPoint()
            say(f"{self.name}-press", point.x(), point.y())
        elif event.type() == QEvent.KeyPress:
            say(f"{self.name}-key", event.key(), int(event.modifiers().value))
        return False


def run_app(settings_path: str) -> int:
    from captioner.gui.app import CaptionerApp
    from captioner.gui.resources import style_sheet

    qt = QApplication(sys.argv[:1])
    qt.setStyleSheet(style_sheet())
    qt.setQuitOnLastWindowClosed(False)
    app = CaptionerApp(settings_path, device_lister=lambda: [], monitor_levels=False, tray=False, device_poll_ms=0, preload_model=False)
    presses = PressLog("overlay")
    app.overlay.installEventFilter(presses)
    app.finished.connect(qt.quit)

    def state() -> dict:
        o, w = app.overlay, app.window
        return {
            "overlay": list(o.geometry().getRect()),
            "overlay_visible": o.isVisible(),
            "click_through": o.click_through,
            "hint": o.hint_text(),
            "window": list(w.frameGeometry().getRect()),
            "status_bar": list(w.statusBar().geometry().translated(w.geometry().topLeft()).getRect()),
            "session": app.controller.state.value,
            "shown_text": o.shown_text,
            "lines": len(o.lines),
            "banner": app.window.message_bar.text,
            "shortcuts": app.shortcuts.bindings,
            "shortcuts_problem": app.shortcuts_problem,
            "platform": QApplication.platformName(),
        }

    def command() -> None:
        line = sys.stdin.readline()
        if not line:
            qt.quit()
            return
        words = line.split()
        if words[:1] == ["state"]:
            say("state", json.dumps(state()))
        elif words[:1] == ["caption"]:  # show caption text in the overlay, as a session would
            from captioner.app.merge import CaptionMerger
            from captioner.events import CaptionEvent

            merger = CaptionMerger()
            app.overlay.apply(merger.apply(CaptionEvent(1, 0, 16000, " ".join(words[1:]), True)))
            say("captioned")
        elif words[:1] == ["set"]:  # a setting changed, as Settings → OK changes it
            app.store.update(**{words[1]: " ".join(words[2:])})
            say("set")
        elif words[:1] == ["overlay"]:  # overlay settings changed, as the settings dialog changes them: overlay {"lines": 3}
            app.store.update_overlay(**json.loads(" ".join(words[1:])))
            say("set")
        elif words[:1] == ["window"]:  # the main window moved and resized: window X Y W H
            app.window.setGeometry(*map(int, words[1:5]))
            say("moved")
        elif words[:1] == ["quit"]:
            app.window.close()

    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Read)
    notifier.activated.connect(command)
    app.show()
    QTimer.singleShot(1500, lambda: say("ready"))  # the window manager has framed and placed the windows
    return qt.exec()


def run_target(x: int, y: int, w: int, h: int) -> int:
    qt = QApplication(sys.argv[:1])
    window = QLabel("click target")
    window.setWindowTitle("click-target")
    window.setStyleSheet("background: #d8e4f0; font-size: 30px;")
    window.setGeometry(x, y, w, h)
    presses = PressLog("target")
    window.installEventFilter(presses)
    window.show()
    QTimer.singleShot(1000, lambda: say("ready"))
    return qt.exec()


if __name__ == "__main__":
    if os.environ.get("X11_DRIVER_PLATFORM") == "app":  # the app's own choice (captioner/gui/qt_platform.py)
        from captioner.gui.qt_platform import apply_platform_choice

        apply_platform_choice()
    else:
        os.environ["QT_QPA_PLATFORM"] = os.environ.get("X11_DRIVER_PLATFORM") or "xcb"
    kind, *args = sys.argv[1:]
    sys.exit(run_app(*args) if kind == "app" else run_target(*map(int, args)))
