# pynput picks its back-end at run time (importlib.import_module of "._xorg", "._win32" or
# "._darwin" by platform), which PyInstaller cannot see: carry this platform's back-end modules. On
# Linux the X11 back-end is python-xlib, which loads its protocol extensions (RECORD, XTEST, ...)
# by name at run time too, so all of Xlib comes along.
import sys

from PyInstaller.utils.hooks import collect_submodules

_name = {"win32": "win32", "darwin": "darwin"}.get(sys.platform, "xorg")
hiddenimports = [f"pynput.keyboard._{_name}", f"pynput.mouse._{_name}", f"pynput._util.{_name}"]
if _name == "xorg":
    hiddenimports += ["pynput._util.xorg_keysyms", *collect_submodules("Xlib")]
else:
    hiddenimports += [f"pynput._util.{_name}_vks"]
