# Runtime hook (runs before the app's code): make sounddevice load the PortAudio library the bundle
# carries, and keep the bundle's library path out of the programs captioner starts (pactl).
#
# sounddevice 0.5 does `ctypes.util.find_library("portaudio")` at import time and, on Linux, raises
# if that finds nothing (its `_sounddevice_data` fallback exists only on Windows and macOS). In a
# frozen app find_library() only consults ldconfig's cache, gcc and ld, so on a machine without the
# libportaudio2 package it returns None. The build copies the system's libportaudio.so.2 into the
# bundle; here find_library() is taught to return that file for "portaudio". libasound (ALSA) is
# deliberately NOT bundled: the system's libasound loads the ALSA plugins (pulse, pipewire, jack)
# from its own compiled-in folder, which a libasound from another distribution would not find.


def _captioner_audio() -> None:
    import ctypes.util
    import os
    import sys

    base = getattr(sys, "_MEIPASS", None)
    if base is None:
        return

    if sys.platform.startswith("linux"):
        # The bootloader puts the bundle first on LD_LIBRARY_PATH. The dynamic loader of this process
        # read it at start-up, so restoring it here changes nothing for the app itself, but child
        # processes (pactl) must load their own system libraries, not the bundle's.
        if "LD_LIBRARY_PATH_ORIG" in os.environ:
            os.environ["LD_LIBRARY_PATH"] = os.environ.pop("LD_LIBRARY_PATH_ORIG")
        elif "LD_LIBRARY_PATH" in os.environ:
            kept = [p for p in os.environ["LD_LIBRARY_PATH"].split(os.pathsep) if p and os.path.realpath(p) != os.path.realpath(base)]
            if kept:
                os.environ["LD_LIBRARY_PATH"] = os.pathsep.join(kept)
            else:
                del os.environ["LD_LIBRARY_PATH"]
        names = ("libportaudio.so.2", "libportaudio.so")
    elif sys.platform == "darwin":
        names = ("libportaudio.2.dylib", "libportaudio.dylib", os.path.join("_sounddevice_data", "portaudio-binaries", "libportaudio.dylib"))
    else:
        return  # Windows: sounddevice falls back to _sounddevice_data/portaudio-binaries, which the bundle carries

    bundled = next((os.path.join(base, n) for n in names if os.path.isfile(os.path.join(base, n))), None)
    if bundled is None:
        return  # then the system's PortAudio is used, if there is one
    original = ctypes.util.find_library

    def find_library(name):
        if name == "portaudio":
            return bundled
        return original(name)

    ctypes.util.find_library = find_library


_captioner_audio()
del _captioner_audio
