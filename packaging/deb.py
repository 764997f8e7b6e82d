"""Make a Debian package of the one-folder bundle with Debian's own dpkg-deb (`python packaging/build.py --deb`).

What the package installs:

    /opt/captioner/                                   the bundle (captioner + _internal/)
    /usr/bin/captioner                                -> /opt/captioner/captioner (symbolic link)
    /usr/share/applications/captioner.desktop         the desktop entry (the app sets this desktop file name)
    /usr/share/icons/hicolor/<N>x<N>/apps/captioner.png   N = 16 .. 512, and scalable/apps/captioner.svg
    /usr/share/metainfo/io.github.captioner.metainfo.xml  AppStream metainfo (software centres)
    /usr/share/doc/captioner/copyright

Depends: the runtime part of packaging/debian-packages.txt. The package owns no user files: settings
(~/.config/captioner), transcripts (~/.local/share/captioner) and downloaded models (the Hugging Face
cache) stay when it is removed or purged.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PACKAGE = "captioner"
APP_ID = "io.github.captioner"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DEFAULT_MAINTAINER = "Captioner maintainers <captioner@localhost>"
SUMMARY = "Live captions on screen while people talk, saved as subtitles"
DESCRIPTION = """\
Captioner listens to the microphone, to what the computer plays, or to both, and shows live
captions in a small window that stays above other windows, using Whisper speech recognition
(faster-whisper) on the computer itself: no audio leaves it. Each session is saved as a
transcript and as subtitles."""

DESKTOP_ENTRY = f"""\
[Desktop Entry]
Type=Application
Name=Captioner
GenericName=Live captions
Comment={SUMMARY}
Exec=captioner
Icon=captioner
Terminal=false
Categories=AudioVideo;Audio;Accessibility;
Keywords=captions;subtitles;transcription;speech;whisper;
StartupNotify=true
StartupWMClass=captioner
"""

METAINFO = f"""\
<?xml version="1.0" encoding="UTF-8"?>
<component type="desktop-application">
  <id>{APP_ID}</id>
  <metadata_license>CC0-1.0</metadata_license>
  <project_license>MIT</project_license>
  <name>Captioner</name>
  <summary>Live captions for speech, on your computer</summary>
  <description>
    <p>Captioner listens to the microphone, to what the computer plays, or to both, and shows live
    captions in a small window that stays above other windows. Speech recognition (Whisper, through
    faster-whisper) runs on the computer itself: no audio leaves it.</p>
    <p>Each session is saved as a transcript and as subtitles.</p>
  </description>
  <launchable type="desktop-id">captioner.desktop</launchable>
  <provides>
    <binary>captioner</binary>
  </provides>
  <categories>
    <category>AudioVideo</category>
    <category>Accessibility</category>
  </categories>
  <content_rating type="oars-1.1"/>
  <releases>
    <release version="{{version}}" date="{{date}}"/>
  </releases>
</component>
"""

COPYRIGHT = """\
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: captioner
Comment: The bundle in /opt/captioner also carries Python, Qt (LGPL-3), CTranslate2 (MIT),
 faster-whisper (MIT), FFmpeg through PyAV (LGPL/GPL), NumPy (BSD) and other libraries under
 their own licences.

Files: *
License: MIT
"""


def runtime_depends(packages_file: Path = HERE / "debian-packages.txt") -> list[str]:
    """The packages of the '# [runtime]' part of debian-packages.txt."""
    names, part = [], None
    for raw in packages_file.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        heading = re.match(r"#\s*\[(\w+)\]", line)
        if heading:
            part = heading.group(1)
            continue
        if line and not line.startswith("#") and part == "runtime":
            names.append(" | ".join(alternative.strip() for alternative in line.split("|")))
    if not names:
        raise ValueError(f"{packages_file} has no '# [runtime]' part listing packages")
    return names


def architecture() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def version() -> str:
    namespace: dict = {}
    exec((ROOT / "captioner" / "__init__.py").read_text(encoding="utf-8"), namespace)  # noqa: S102 (our own file)
    return namespace["__version__"]


def release_date() -> str:
    """The release date AppStream asks for: SOURCE_DATE_EPOCH's (reproducible builds), else today's (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = time.gmtime(int(epoch)) if epoch and epoch.isdigit() else time.gmtime()
    return time.strftime("%Y-%m-%d", stamp)


def render_icons(target: Path) -> None:
    """hicolor PNGs of resources/icons/captioner.svg in ICON_SIZES, rendered by Qt (offscreen) in a child process."""
    script = (
        "import sys, importlib.util\n"
        "from PySide6.QtGui import QGuiApplication\n"
        "app = QGuiApplication(sys.argv[:1])\n"
        f"spec = importlib.util.spec_from_file_location('make_icon', {str(HERE / 'make_icon.py')!r})\n"
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)\n"
        "for arg in sys.argv[1:]:\n"
        "    size, path = arg.split('=', 1)\n"
        "    assert m.render(int(size)).save(path, 'PNG'), path\n"
    )
    jobs = []
    for size in ICON_SIZES:
        folder = target / f"{size}x{size}" / "apps"
        folder.mkdir(parents=True, exist_ok=True)
        jobs.append(f"{size}={folder / 'captioner.png'}")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    subprocess.run([sys.executable, "-c", script, *jobs], check=True, env=env, timeout=120)
    scalable = target / "scalable" / "apps"
    scalable.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "resources" / "icons" / "captioner.svg", scalable / "captioner.svg")


def folder_kib(folder: Path) -> int:
    return sum((p.lstat().st_size + 1023) // 1024 for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def control(arch: str, installed_kib: int, depends: list[str]) -> str:
    maintainer = os.environ.get("CAPTIONER_DEB_MAINTAINER", DEFAULT_MAINTAINER)
    body = "\n".join(" ." if not line.strip() else f" {line}" for line in DESCRIPTION.splitlines())
    return (
        f"Package: {PACKAGE}\n"
        f"Version: {version()}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: {maintainer}\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        "Section: sound\n"
        "Priority: optional\n"
        f"Description: {SUMMARY}\n{body}\n"
    )


def make_deb(bundle: Path, out_dir: Path) -> Path:
    """Write out_dir/captioner_<version>_<arch>.deb from the bundle folder; return its path."""
    if shutil.which("dpkg-deb") is None:
        raise RuntimeError("dpkg-deb is not installed (Debian's dpkg package): the .deb is made on Debian or Ubuntu")
    if not (bundle / "captioner").is_file() or not (bundle / "_internal").is_dir():
        raise RuntimeError(f"{bundle} is not a built bundle (no captioner executable and _internal/ folder)")
    arch = architecture()
    with tempfile.TemporaryDirectory(prefix="captioner-deb-") as tmp:
        root = Path(tmp) / "root"
        shutil.copytree(bundle, root / "opt" / PACKAGE, symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        os.symlink(f"/opt/{PACKAGE}/captioner", root / "usr" / "bin" / "captioner")
        share = root / "usr" / "share"
        (share / "applications").mkdir(parents=True)
        (share / "applications" / "captioner.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
        (share / "metainfo").mkdir()
        (share / "metainfo" / f"{APP_ID}.metainfo.xml").write_text(METAINFO.replace("{version}", version()).replace("{date}", release_date()), encoding="utf-8")
        render_icons(share / "icons" / "hicolor")
        (share / "doc" / PACKAGE).mkdir(parents=True)
        (share / "doc" / PACKAGE / "copyright").write_text(COPYRIGHT, encoding="utf-8")
        for path in root.rglob("*"):  # root-owned in the package; modes as dpkg expects
            if path.is_symlink():
                continue
            if path.is_dir():
                path.chmod(0o755)
            else:
                path.chmod(0o755 if os.access(path, os.X_OK) else 0o644)
        installed = folder_kib(root)
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(control(arch, installed, runtime_depends()), encoding="utf-8")
        out_dir.mkdir(parents=True, exist_ok=True)
        deb = out_dir / f"{PACKAGE}_{version()}_{arch}.deb"
        # zstd: 3 s for the 290 MB bundle (101 MB .deb); xz: 100 s (78 MB). dpkg reads zstd since Debian 12 and
        # Ubuntu 21.10, older than any system the bundle runs on (glibc 2.36). --root-owner-group: no build user's ids.
        compression = os.environ.get("CAPTIONER_DEB_COMPRESSION", "zstd")
        subprocess.run(["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(root), str(deb)], check=True, stdout=subprocess.DEVNULL)
    return deb
