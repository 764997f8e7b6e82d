# pynput (system-wide shortcuts on Windows and macOS) picks its back-end at run time
# (importlib.import_module of "._win32" or "._darwin"), which PyInstaller cannot see: carry this
# platform's back-end modules.
import sys

_name = {"win32": "win32", "darwin": "darwin"}.get(sys.platform, "xorg")
hiddenimports = [f"pynput.keyboard._{_name}", f"pynput.mouse._{_name}", f"pynput._util.{_name}", f"pynput._util.{_name}_vks" if _name != "xorg" else "pynput._util.xorg_keysyms"]
