# python-xlib (system-wide shortcuts on X11) imports its protocol extensions (Xlib.ext), its
# platform connection code (Xlib.support) and its keysym tables (Xlib.keysymdef) by name at run
# time, which PyInstaller cannot see.
from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("Xlib.ext") + collect_submodules("Xlib.support") + collect_submodules("Xlib.keysymdef")
