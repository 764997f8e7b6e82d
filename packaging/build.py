"""Build the one-folder bundle of captioner for this platform at <repo>/dist/captioner/.

    python packaging/build.py [--embed-model DIR] [--cuda-libs] [--clean] [--no-strip] [--no-check] [--dist DIR]

Run it with the Python environment the app is installed in (`pip install -e '.[build]'`), from any
folder. PyInstaller's work files go to <repo>/build/pyinstaller/ (kept between builds: a rebuild
is faster; --clean starts over). Both build/ and dist/ are git-ignored.

On Linux it then removes debugging information from the bundled libraries that carry it
(`strip --strip-debug`: CTranslate2's extension alone carries 64 MB of it, libpython 16 MB);
code and symbol tables stay. Then it checks the bundle: every shared library's dependencies resolve (Linux), and
`captioner --version` runs. It prints the bundle's size and the build time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SPEC = HERE / "captioner.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"


def executable(bundle: Path, cli: bool = True) -> Path:
    """The bundle's executable; on Windows and macOS the console one (`captioner-cli`) when cli is true."""
    if sys.platform == "win32":
        return bundle / ("captioner-cli.exe" if cli else "captioner.exe")
    if sys.platform == "darwin" and cli:
        return bundle / "captioner-cli"
    return bundle / "captioner"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python packaging/build.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--embed-model", metavar="DIR", help="also carry this CTranslate2 Whisper model folder (model.bin, config.json, tokenizer.json, ...) in the bundle, for offline use on first launch")
    parser.add_argument("--cuda-libs", action="store_true", help="also carry NVIDIA cuBLAS 12 + cuDNN 9 from the pip wheels nvidia-cublas-cu12 and nvidia-cudnn-cu12 installed here, for GPU use without a system CUDA (adds over 1 GB)")
    parser.add_argument("--clean", action="store_true", help="discard PyInstaller's cache in build/pyinstaller first")
    parser.add_argument("--no-strip", action="store_true", help="keep debugging information in the bundled libraries (Linux)")
    parser.add_argument("--no-check", action="store_true", help="skip the checks of the finished bundle")
    parser.add_argument("--dist", metavar="DIR", type=Path, default=DIST, help="put the bundle in DIR/captioner (default: <repo>/dist)")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    bundle = dist / "captioner"

    if importlib.util.find_spec("PyInstaller") is None:
        print(f"PyInstaller is not installed in {sys.executable}'s environment: pip install -e '.[build]'", file=sys.stderr)
        return 2
    if args.embed_model and not (Path(args.embed_model) / "model.bin").is_file():
        print(f"--embed-model: {args.embed_model} is not a CTranslate2 model folder (no model.bin)", file=sys.stderr)
        return 2

    command = [
        sys.executable, "-m", "PyInstaller", str(SPEC),
        "--noconfirm",
        "--distpath", str(dist),
        "--workpath", str(WORK),
        "--log-level", os.environ.get("CAPTIONER_PYINSTALLER_LOG", "WARN"),
    ]
    if args.clean:
        command.append("--clean")
    spec_options = []
    if args.embed_model:
        spec_options += ["--embed-model", str(Path(args.embed_model).resolve())]
    if args.cuda_libs:
        spec_options.append("--cuda-libs")
    if spec_options:
        command += ["--", *spec_options]

    env = dict(os.environ)
    env["PYTHONNOUSERSITE"] = "1"  # only the build environment's packages
    env.pop("PYTHONPATH", None)
    started = time.monotonic()
    print("+", " ".join(command), flush=True)
    result = subprocess.run(command, cwd=ROOT, env=env)
    if result.returncode != 0:
        print(f"PyInstaller failed (exit {result.returncode})", file=sys.stderr)
        return result.returncode
    if sys.platform.startswith("linux") and not args.no_strip:
        saved = strip_debug_info(bundle)
        print(f"removed {saved / 2**20:.0f} MiB of debugging information")
    elapsed = time.monotonic() - started

    problems = [] if args.no_check else check_bundle(bundle)
    size = folder_size(bundle)
    print(f"bundle: {bundle} ({size / 2**20:.0f} MiB), built in {elapsed:.0f} s")
    print(f"run it: {executable(bundle, cli=False)}   (CLI: {executable(bundle)} selftest --model DIR --input FILE)")
    for p in problems:
        print(f"check failed: {p}", file=sys.stderr)
    return 1 if problems else 0


def check_bundle(bundle: Path) -> list[str]:
    problems = []
    if sys.platform.startswith("linux") and shutil.which("ldd"):
        problems += missing_libraries(bundle)
    exe = executable(bundle)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    try:
        out = subprocess.run([str(exe), "--version"], capture_output=True, text=True, timeout=120, env=env)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return problems + [f"{exe} --version: {exc}"]
    if out.returncode != 0 or "captioner" not in out.stdout:
        problems.append(f"{exe} --version exited {out.returncode}: {(out.stdout + out.stderr).strip()[-2000:]}")
    return problems


def missing_libraries(bundle: Path) -> list[str]:
    """Shared libraries in the bundle whose dependencies resolve neither in the bundle nor on this system."""
    internal = bundle / "_internal"
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    problems = []
    # (CUDA libraries are skipped: they need the NVIDIA driver's libcuda.so.1, which a build machine may lack.)
    for path in elf_files(internal):
        out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        missing = [line.split("=>")[0].strip() for line in out.stdout.splitlines() if "not found" in line]
        if missing:
            problems.append(f"{path.relative_to(bundle)} needs {', '.join(missing)}, which is neither bundled nor installed")
    return problems


def elf_files(internal: Path):
    """The ELF files in the bundle, apart from CUDA libraries and models (left as they came)."""
    for path in sorted(internal.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        if path.relative_to(internal).parts[0] in ("nvidia", "models"):
            continue
        with open(path, "rb") as f:
            if f.read(4) == b"\x7fELF":
                yield path


def strip_debug_info(bundle: Path) -> int:
    """`strip --strip-debug` the libraries that carry .debug_* sections; return the bytes saved."""
    strip = shutil.which("strip")
    if strip is None:
        print("strip (binutils) is not installed: the bundle keeps its debugging information", file=sys.stderr)
        return 0
    saved = 0
    for path in elf_files(bundle / "_internal"):
        with open(path, "rb") as f:
            if b".debug_info" not in f.read():
                continue
        before = path.stat().st_size
        mode = path.stat().st_mode
        tmp = path.with_name(path.name + ".stripping")
        result = subprocess.run([strip, "--strip-debug", "-o", str(tmp), str(path)], capture_output=True, text=True)
        if result.returncode != 0 or not tmp.is_file():
            tmp.unlink(missing_ok=True)
            print(f"not stripped: {path.name}: {result.stderr.strip()}", file=sys.stderr)
            continue
        if not loadable_segments(tmp):
            # binutils' strip can misalign the segments of libraries that patchelf edited (auditwheel's
            # vendored *.libs/ folders), which the loader then refuses: keep those as they came
            tmp.unlink()
            continue
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        saved += before - path.stat().st_size
    return saved


def loadable_segments(path: Path) -> bool:
    """Whether every PT_LOAD segment of a 64-bit little-endian ELF file is page-aligned as the loader demands."""
    import struct

    with open(path, "rb") as f:
        header = f.read(64)
        if header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
            return False  # only 64-bit little-endian files are stripped
        phoff, = struct.unpack_from("<Q", header, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", header, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    page = os.sysconf("SC_PAGE_SIZE")
    for i in range(phnum):
        p_type, _flags, offset, vaddr, _paddr, _filesz, _memsz, align = struct.unpack_from("<IIQQQQQQ", table, i * phentsize)
        if p_type != 1:  # PT_LOAD
            continue
        if (vaddr - offset) % page or (align > 1 and (vaddr - offset) % align):
            return False
    return True


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


if __name__ == "__main__":
    sys.exit(main())
