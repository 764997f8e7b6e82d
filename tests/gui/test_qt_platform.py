"""The Qt platform the app asks for: Xwayland in a Wayland session (captioner/gui/qt_platform.py)."""

from __future__ import annotations

import io

import pytest

from captioner.gui.qt_platform import NO_XWAYLAND_NOTE, XWAYLAND_NOTE, apply_platform_choice, choose_platform


@pytest.mark.parametrize(
    ("env", "platform", "chosen", "note"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "linux", "xcb", XWAYLAND_NOTE),
        ({"XDG_SESSION_TYPE": "wayland", "DISPLAY": ":1"}, "linux", "xcb", XWAYLAND_NOTE),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", None, NO_XWAYLAND_NOTE),  # no Xwayland: Qt's own choice, and a warning
        ({"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}, "linux", None, ""),  # X11 session: nothing to do
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland"}, "linux", None, ""),  # the user's choice wins
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, "linux", None, ""),
        ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "win32", None, ""),
        ({"WAYLAND_DISPLAY": "", "DISPLAY": ":0"}, "linux", None, ""),
    ],
)
def test_choose_platform(env, platform, chosen, note):
    assert choose_platform(env, platform) == (chosen, note)


def test_apply_sets_the_platform_and_says_why(monkeypatch):
    monkeypatch.setattr("sys.platform", "linux")
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    out = io.StringIO()
    assert apply_platform_choice(env, out) == "xcb"
    assert env["QT_QPA_PLATFORM"] == "xcb"
    assert "running through Xwayland" in out.getvalue() and "QT_QPA_PLATFORM=wayland" in out.getvalue()
    out = io.StringIO()
    assert apply_platform_choice(env, out) is None  # now set: left alone, nothing said
    assert out.getvalue() == ""
