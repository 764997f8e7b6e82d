# soundcard ships a PyInstaller hook of its own, but PyInstaller reaches it by importing
# soundcard.__pyinstaller, which imports soundcard, which connects to the sound server at import:
# on a build machine without PulseAudio that fails, the hook is skipped and the bundle lacks the
# C declarations (*.py.h) soundcard reads beside its modules at import. This hook finds the package
# without importing it and carries the declarations of all three back-ends (libpulse, WASAPI,
# CoreAudio) and cffi's backend; the libraries themselves are the system's.
import importlib.util
from pathlib import Path

_spec = importlib.util.find_spec("soundcard")
datas = [(str(h), "soundcard") for h in sorted(Path(_spec.submodule_search_locations[0]).glob("*.py.h"))] if _spec else []
hiddenimports = ["soundcard.pulseaudio", "soundcard.mediafoundation", "soundcard.coreaudio", "_cffi_backend"]
