"""Which Qt platform the app runs on: through Xwayland in a Wayland session.

The caption overlay needs two things Wayland does not let an ordinary window have: staying above
other windows (only the compositor stacks windows; there is no "always on top" request) and
letting clicks through while visible at a fixed place (an unmanaged, input-transparent window).
X11 allows both, and a Wayland desktop that runs X programs does so through Xwayland, where the
overlay works as on X11 (the system-wide shortcuts too: they are X11 key grabs). So when the
session is Wayland and an X display is there, the app asks Qt for its xcb platform.

`QT_QPA_PLATFORM` set by the user always wins (`QT_QPA_PLATFORM=wayland` runs natively, with an
overlay that the compositor may cover and that takes clicks).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, MutableMapping

XWAYLAND_NOTE = (
    "Wayland session: running through Xwayland (QT_QPA_PLATFORM=xcb), so that the caption overlay "
    "stays on top and can let clicks through; QT_QPA_PLATFORM=wayland runs natively without that"
)
NO_XWAYLAND_NOTE = (
    "Wayland session without Xwayland (DISPLAY is not set): the caption overlay may be covered by "
    "other windows and click-through is not possible; install/enable Xwayland for both"
)


def wayland_session(env: Mapping[str, str]) -> bool:
    return bool(env.get("WAYLAND_DISPLAY")) or env.get("XDG_SESSION_TYPE", "").lower() == "wayland"


def choose_platform(env: Mapping[str, str], platform: str = sys.platform) -> tuple[str | None, str]:
    """(the Qt platform to ask for, or None to leave Qt's choice; a note for the user, or "")."""
    if not platform.startswith("linux") or env.get("QT_QPA_PLATFORM"):
        return None, ""
    if not wayland_session(env):
        return None, ""
    if env.get("DISPLAY"):
        return "xcb", XWAYLAND_NOTE
    return None, NO_XWAYLAND_NOTE


def apply_platform_choice(env: MutableMapping[str, str] | None = None, out=None) -> str | None:
    """Set QT_QPA_PLATFORM for the QApplication about to be made (before it is made); say why on stderr."""
    env = os.environ if env is None else env
    chosen, note = choose_platform(env)
    if chosen:
        env["QT_QPA_PLATFORM"] = chosen
    if note:
        print(f"captioner: {note}", file=out or sys.stderr, flush=True)
    return chosen
