"""System-wide shortcuts: Start/Stop, show/hide the overlay and click-through while another window
(the meeting) has focus.

On X11, Windows and macOS they are `pynput`'s GlobalHotKeys (X11: the RECORD extension; Windows: a
low-level keyboard hook; macOS: an event tap, which needs the Accessibility permission). They watch
the keyboard and do not take the key away from the focused window. Wayland lets no program watch the
keyboard: there `unavailable_reason` says so and only the app's own shortcuts work.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

START_STOP = "start_stop"
SHOW_OVERLAY = "show_overlay"
CLICK_THROUGH = "click_through"

_MODIFIERS = {"ctrl": "<ctrl>", "control": "<ctrl>", "alt": "<alt>", "shift": "<shift>", "meta": "<cmd>", "win": "<cmd>", "super": "<cmd>"}
_NAMED = {
    "space": "<space>", "tab": "<tab>", "home": "<home>", "end": "<end>", "pgup": "<page_up>", "pgdown": "<page_down>",
    "ins": "<insert>", "insert": "<insert>", "del": "<delete>", "delete": "<delete>", "pause": "<pause>",
    "left": "<left>", "right": "<right>", "up": "<up>", "down": "<down>",
}


def pynput_hotkey(sequence: str) -> str:
    """A Qt key sequence ("Ctrl+Alt+Shift+T") as pynput writes it ("<ctrl>+<alt>+<shift>+t").

    Raises ValueError for what cannot be a system-wide shortcut: no key, several chords, or no
    Ctrl, Alt or Meta (a plain or Shift-only key would fire while the user types)."""
    text = sequence.strip()
    if not text or "," in text:
        raise ValueError(f"“{sequence}” is not one key combination")
    parts = text[:-1].split("+") + [text[-1]] if text.endswith("++") else text.split("+")
    *mods, key = [p.strip() for p in parts if p.strip() != ""] or [""]
    out = []
    for mod in mods:
        if mod.lower() not in _MODIFIERS:
            raise ValueError(f"“{sequence}”: {mod} is not a modifier key")
        out.append(_MODIFIERS[mod.lower()])
    if not set(out) & {"<ctrl>", "<alt>", "<cmd>"}:
        raise ValueError(f"“{sequence}” needs Ctrl, Alt or Meta, or it would fire while you type")
    low = key.lower()
    if len(key) == 1 and key.isprintable():
        out.append(low)
    elif low[:1] == "f" and low[1:].isdigit() and 1 <= int(low[1:]) <= 20:
        out.append(f"<{low}>")
    elif low in _NAMED:
        out.append(_NAMED[low])
    else:
        raise ValueError(f"“{sequence}”: {key or 'no key'} cannot be a system-wide shortcut")
    return "+".join(out)


def unavailable_reason() -> str | None:
    """Why system-wide shortcuts cannot work on this desktop, or None when they can."""
    platform = QGuiApplication.platformName() if QGuiApplication.instance() is not None else ""
    if platform.startswith("wayland") or (sys.platform.startswith("linux") and os.environ.get("XDG_SESSION_TYPE") == "wayland"):
        return (
            "System-wide shortcuts are not possible on Wayland: it lets no program watch the keyboard, and "
            "Captioner does not use the desktop's GlobalShortcuts portal yet. The shortcuts work while "
            "Captioner's window has focus; the tray menu has the same commands."
        )
    if platform in ("offscreen", "minimal", "vnc"):
        return f"System-wide shortcuts need a desktop session (Qt runs on “{platform}” here)."
    try:
        from pynput import keyboard  # noqa: F401 (connects to the X server on Linux)
    except Exception as exc:  # ImportError with the reason (no X connection, no RECORD extension, ...)
        return f"System-wide shortcuts are not available here ({exc})."
    return None


class GlobalShortcuts(QObject):
    """Watches the keyboard for the bindings given to `apply` and emits `triggered(name)` in the Qt
    thread when one is pressed, whichever window has focus."""

    triggered = Signal(str)
    _pressed = Signal(str)  # from pynput's thread; queued into the Qt thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._listener = None
        self._bindings: dict[str, str] = {}
        self._pressed.connect(self.triggered)

    @property
    def active(self) -> bool:
        return self._listener is not None

    @property
    def bindings(self) -> dict[str, str]:
        """The Qt key sequence of each action now listened for."""
        return dict(self._bindings)

    def apply(self, enabled: bool, bindings: dict[str, str]) -> str | None:
        """Listen for `bindings` (action name -> Qt key sequence; empty ones are left out).
        Returns what went wrong, for the user, or None."""
        self.stop()
        if not enabled:
            return None
        reason = unavailable_reason()
        if reason is not None:
            return reason
        from pynput import keyboard

        keys: dict[str, str] = {}
        problems = []
        for name, sequence in bindings.items():
            if not sequence.strip():
                continue
            try:
                hotkey = pynput_hotkey(sequence)
                keyboard.HotKey.parse(hotkey)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if hotkey in keys:
                problems.append(f"“{sequence}” is given to two commands; only the first has it")
                continue
            keys[hotkey] = name
        if keys:
            try:
                listener = keyboard.GlobalHotKeys({hotkey: (lambda n=name: self._pressed.emit(n)) for hotkey, name in keys.items()})
                listener.daemon = True
                listener.start()
                listener.wait()
            except Exception as exc:  # the keyboard could not be watched (permission, X extension)
                log.warning("system-wide shortcuts: %s", exc)
                return f"System-wide shortcuts could not be set up: {exc}"
            self._listener = listener
            self._bindings = {name: seq for name, seq in bindings.items() if seq.strip() and name in keys.values()}
        return "; ".join(problems) + "." if problems else None

    def stop(self) -> None:
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        self._bindings = {}
