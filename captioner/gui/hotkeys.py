"""System-wide shortcuts: Start/Stop, show/hide the overlay and click-through while another window
(the meeting) has focus.

- X11: the keys are grabbed on the root window with python-xlib (XGrabKey, pure Python): the
  shortcut goes to Captioner, not to the focused window; a key another program holds is reported.
- Windows and macOS: `pynput`'s GlobalHotKeys (a low-level keyboard hook; an event tap, which needs
  the Accessibility permission on macOS). They watch the keyboard and leave the key to the focused
  window too.
- Wayland lets no program watch or grab the keyboard: `unavailable_reason` says so and only the
  app's own shortcuts work.
"""

from __future__ import annotations

import logging
import os
import select
import sys
import threading
from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

START_STOP = "start_stop"
SHOW_OVERLAY = "show_overlay"
CLICK_THROUGH = "click_through"

_MODIFIERS = {"ctrl": "ctrl", "control": "ctrl", "alt": "alt", "shift": "shift", "meta": "meta", "win": "meta", "super": "meta"}
_NAMED = {  # Qt's key names -> X11 keysym names
    "space": "space", "tab": "Tab", "home": "Home", "end": "End", "pgup": "Prior", "pgdown": "Next",
    "ins": "Insert", "insert": "Insert", "del": "Delete", "delete": "Delete", "pause": "Pause",
    "left": "Left", "right": "Right", "up": "Up", "down": "Down",
}
_PYNPUT_NAMES = {"Prior": "page_up", "Next": "page_down"}


class Hotkey(NamedTuple):
    """A system-wide shortcut: the modifier keys held and the key pressed."""

    modifiers: frozenset[str]  # of "ctrl", "alt", "shift", "meta"
    key: str  # an X11 keysym name: "t", "F9", "space", "Prior"


def parse_hotkey(sequence: str) -> Hotkey:
    """A Qt key sequence ("Ctrl+Alt+Shift+T") as modifiers and a key.

    Raises ValueError for what cannot be a system-wide shortcut: no key, several chords, or no
    Ctrl, Alt or Meta (a plain or Shift-only key would fire while the user types)."""
    text = sequence.strip()
    if not text or "," in text:
        raise ValueError(f"“{sequence}” is not one key combination")
    *mods, key = [part.strip() for part in text.split("+")]
    modifiers = set()
    for mod in mods:
        if mod.lower() not in _MODIFIERS:
            raise ValueError(f"“{sequence}”: {mod or '+'} is not a modifier key")
        modifiers.add(_MODIFIERS[mod.lower()])
    if not modifiers & {"ctrl", "alt", "meta"}:
        raise ValueError(f"“{sequence}” needs Ctrl, Alt or Meta, or it would fire while you type")
    low = key.lower()
    if len(key) == 1 and key.isalnum():
        name = low
    elif low[:1] == "f" and low[1:].isdigit() and 1 <= int(low[1:]) <= 20:
        name = low.upper()
    elif low in _NAMED:
        name = _NAMED[low]
    else:
        raise ValueError(f"“{sequence}”: {key or 'no key'} cannot be a system-wide shortcut")
    return Hotkey(frozenset(modifiers), name)


def pynput_hotkey(hotkey: Hotkey) -> str:
    """As pynput writes it: "<ctrl>+<alt>+<shift>+t"."""
    mods = [f"<{'cmd' if m == 'meta' else m}>" for m in ("ctrl", "alt", "shift", "meta") if m in hotkey.modifiers]
    key = hotkey.key if len(hotkey.key) == 1 else f"<{_PYNPUT_NAMES.get(hotkey.key, hotkey.key.lower())}>"
    return "+".join([*mods, key])


def _on_x11() -> bool:
    return QGuiApplication.platformName() == "xcb"


def unavailable_reason() -> str | None:
    """Why system-wide shortcuts cannot work on this desktop, or None when they can."""
    platform = QGuiApplication.platformName() if QGuiApplication.instance() is not None else ""
    if platform.startswith("wayland") or (sys.platform.startswith("linux") and os.environ.get("XDG_SESSION_TYPE") == "wayland"):
        return (
            "System-wide shortcuts are not possible on Wayland: it lets no program watch the keyboard, and "
            "Captioner does not use the desktop's GlobalShortcuts portal yet. The shortcuts work while "
            "Captioner's window has focus; its menus (and the tray menu, where there is one) have the same commands."
        )
    if platform in ("offscreen", "minimal", "vnc"):
        return f"System-wide shortcuts need a desktop session (Qt runs on “{platform}” here)."
    try:
        if platform == "xcb":
            from Xlib import display  # noqa: F401
        else:
            from pynput import keyboard  # noqa: F401
    except Exception as exc:  # ImportError with the reason
        return f"System-wide shortcuts are not available here ({exc})."
    return None


class _X11Grabs:
    """Root-window key grabs on a connection of their own, read by a thread."""

    exclusive = True  # the grabbed key goes to Captioner only

    def __init__(self, keys: dict[Hotkey, str], fire: Callable[[str], None]) -> None:
        from Xlib import XK, X, error
        from Xlib.display import Display

        self._display = display = Display()
        root = display.screen().root
        masks = {"ctrl": X.ControlMask, "alt": X.Mod1Mask, "shift": X.ShiftMask, "meta": X.Mod4Mask}
        self._ignored = X.LockMask | X.Mod2Mask  # Caps Lock and Num Lock do not change a shortcut
        self._bindings: dict[tuple[int, int], str] = {}
        self.problems: list[str] = []
        for hotkey, name in keys.items():
            keycode = display.keysym_to_keycode(XK.string_to_keysym(hotkey.key))
            if not keycode:
                self.problems.append(f"this keyboard has no {hotkey.key} key")
                continue
            state = 0
            for mod in hotkey.modifiers:
                state |= masks[mod]
            failed = error.CatchError(error.BadAccess)
            for extra in (0, X.LockMask, X.Mod2Mask, X.LockMask | X.Mod2Mask):
                root.grab_key(keycode, state | extra, True, X.GrabModeAsync, X.GrabModeAsync, onerror=failed)
            display.sync()
            if failed.get_error():
                root.ungrab_key(keycode, state)
                self.problems.append(f"another program already uses {'+'.join(sorted(hotkey.modifiers))}+{hotkey.key}")
                continue
            self._bindings[(keycode, state)] = name
        self.names = set(self._bindings.values())  # the actions whose key is held
        self._fire = fire
        self._running = True
        self._thread = threading.Thread(target=self._loop, name="captioner-hotkeys", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        from Xlib import X

        display = self._display
        try:
            while self._running:
                if not display.pending_events():
                    select.select([display.fileno()], [], [], 0.2)
                    continue
                event = display.next_event()
                if event.type == X.KeyPress:
                    name = self._bindings.get((event.detail, event.state & ~self._ignored & 0xFF))
                    if name is not None:
                        self._fire(name)
        except Exception as exc:  # the X server went away: nothing more to listen to
            log.info("system-wide shortcuts stopped: %s", exc)

    def stop(self) -> None:
        self._running = False
        self._thread.join(1.0)
        try:
            self._display.close()
        except Exception:  # already gone with the X server
            pass


class _Pynput:
    exclusive = False  # the focused window gets the key too

    def __init__(self, keys: dict[Hotkey, str], fire: Callable[[str], None]) -> None:
        from pynput import keyboard

        self.problems: list[str] = []
        self.names = set(keys.values())
        self._listener = keyboard.GlobalHotKeys({pynput_hotkey(k): (lambda n=name: fire(n)) for k, name in keys.items()})
        self._listener.daemon = True
        self._listener.start()
        self._listener.wait()

    def stop(self) -> None:
        self._listener.stop()


class GlobalShortcuts(QObject):
    """Listens for the bindings given to `apply` and emits `triggered(name)` in the Qt thread when
    one is pressed, whichever window has focus."""

    triggered = Signal(str)
    _pressed = Signal(str)  # from the listening thread; queued into the Qt thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._backend: _X11Grabs | _Pynput | None = None
        self._bindings: dict[str, str] = {}
        self._pressed.connect(self.triggered)

    @property
    def active(self) -> bool:
        return self._backend is not None

    @property
    def exclusive(self) -> bool:
        """Whether a shortcut's key reaches Captioner only (an X11 grab), not the focused window too."""
        return self._backend is not None and self._backend.exclusive

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
        keys: dict[Hotkey, str] = {}
        problems = []
        for name, sequence in bindings.items():
            if not sequence.strip():
                continue
            try:
                hotkey = parse_hotkey(sequence)
            except ValueError as exc:
                problems.append(str(exc))
                continue
            if hotkey in keys:
                problems.append(f"“{sequence}” is given to two commands; only the first has it")
                continue
            keys[hotkey] = name
        if keys:
            try:
                backend = (_X11Grabs if _on_x11() else _Pynput)(keys, self._pressed.emit)
            except Exception as exc:  # the keyboard could not be watched (permission, X connection)
                log.warning("system-wide shortcuts: %s", exc)
                return f"System-wide shortcuts could not be set up: {exc}"
            self._backend = backend
            problems += backend.problems
            self._bindings = {name: seq for name, seq in bindings.items() if name in backend.names}
        return "System-wide shortcuts: " + "; ".join(problems) + "." if problems else None

    def stop(self) -> None:
        if self._backend is not None:
            self._backend.stop()
            self._backend = None
        self._bindings = {}
