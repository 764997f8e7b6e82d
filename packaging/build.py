"""Build the one-folder bundle of captioner for this platform at <repo>/dist/captioner/.

    python packaging/build.py [--deb] [--embed-model DIR] [--cuda-libs] [--clean] [--no-strip] [--no-check] [--dist DIR]

Run it with the Python environment the app is installed in (`pip install -e '.[build]'`), from any
folder. PyInstaller's work files go to <repo>/build/pyinstaller/ (kept between builds: a rebuild
is faster; --clean starts over). Both build/ and dist/ are git-ignored.

On Linux it then removes debugging information from the bundled libraries that carry it
(`strip --strip-debug`: CTranslate2's extension alone carries 64 MB of it, libpython 16 MB);
code and symbol tables stay. With --deb it also writes dist/captioner_<version>_<arch>.deb from the
bundle (packaging/deb.py, with dpkg-deb). Then it checks the bundle: every shared library's dependencies resolve (Linux), and
`captioner --version` runs. It prints the bundle's size and the build time.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
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
    parser.add_argument("--embed-model", metavar="DIR", help="also carry this CTranslate2 Whisper model folder (model.bin, "
                        "config.json, tokenizer.json, ...) in the bundle, for offline use on first launch")
    parser.add_argument("--cuda-libs", action="store_true", help="also carry NVIDIA cuBLAS 12 from the pip wheel "
                        "nvidia-cublas-cu12 installed here, for GPU use without a system CUDA (about 0.6 GB)")
    parser.add_argument("--deb", action="store_true", help="also write DIST/captioner_<version>_<arch>.deb (Debian/Ubuntu; needs dpkg-deb)")
    parser.add_argument("--clean", action="store_true", help="discard PyInstaller's cache in build/pyinstaller first")
    parser.add_argument("--no-strip", action="store_true", help="keep debugging information in the bundled libraries (Linux)")
    parser.add_argument("--no-check", action="store_true", help="skip the checks of the finished bundle")
    parser.add_argument("--dist", metavar="DIR", type=Path, default=DIST, help="put the bundle in DIR/captioner (default: <repo>/dist)")
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    bundle = dist / "captioner"

    if args.deb and (not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None):
        print("--deb: the .deb is made on Debian or Ubuntu, with dpkg-deb (package dpkg); it is not installed here", file=sys.stderr)
        return 2
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
    if sys.platform.startswith("linux"):
        saved = replace_with_stand_ins(bundle)
        print(f"saved {saved / 2**20:.0f} MiB with stand-ins for libraries the app never calls")
    elapsed = time.monotonic() - started

    problems = [] if args.no_check else check_bundle(bundle)
    size = folder_size(bundle)
    print(f"bundle: {bundle} ({size / 2**20:.0f} MiB), built in {elapsed:.0f} s")
    print(f"run it: {executable(bundle, cli=False)}   (CLI: {executable(bundle)} selftest --model DIR --input FILE)")
    for p in problems:
        print(f"check failed: {p}", file=sys.stderr)
    if problems:
        return 1
    if args.deb:
        spec = importlib.util.spec_from_file_location("captioner_deb", HERE / "deb.py")
        deb = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(deb)
        started = time.monotonic()
        path = deb.make_deb(bundle, dist)
        print(f"package: {path} ({path.stat().st_size / 2**20:.0f} MiB), made in {time.monotonic() - started:.0f} s")
        print(f"install it: sudo apt-get install {path}")
    return 0


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


def _filter():
    spec = importlib.util.spec_from_file_location("captioner_bundle_filter", HERE / "bundle_filter.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dynamic_symbols(path: Path) -> tuple[set[str], set[str]]:
    """(defined, undefined) dynamic FUNC/OBJECT symbols of an ELF file, names without versions."""
    out = subprocess.run(["readelf", "--dyn-syms", "-W", str(path)], capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 8 or not f[0].endswith(":") or f[3] not in ("FUNC", "OBJECT", "IFUNC", "NOTYPE"):
            continue
        name = f[7].split("@", 1)[0]
        (undefined if f[6] == "UND" else defined).add(name)
    return defined, undefined


def _soname(path: Path) -> str:
    out = subprocess.run(["readelf", "-d", "-W", str(path)], capture_output=True, text=True).stdout
    for line in out.splitlines():
        if "(SONAME)" in line:
            return line.split("[", 1)[1].rstrip("]")
    return path.name


def _stand_in_source(library: Path, needed: set[str], defined: set[str]) -> str:
    """C source of a stand-in library: each symbol that a bundled library takes from `library` is
    a function returning 0 (e.g. x265_api_get: "no such encoder") or zeroed data; ICU's data
    library becomes an empty ICU data package (what ICU's own "stubdata" library is)."""
    lines = ["/* stand-in made by packaging/build.py: see bundle_filter.STAND_INS */"]
    for i, name in enumerate(sorted(needed & defined)):
        if name.startswith("icudt") and name.endswith("_dat"):
            # ICU_Data_Header: headerSize 32, magic 0xda 0x27, UDataInfo (20 bytes: size, reserved,
            # little-endian, ASCII, sizeof(UChar) 2, format "ToCP" 1.0.0.0), 8 bytes padding, then an
            # empty table of contents (count 0)
            data = [32, 0, 0xDA, 0x27, 20, 0, 0, 0, 0, 0, 2, 0, 0x54, 0x6F, 0x43, 0x50, 1, 0, 0, 0, 0, 0, 0, 0] + [0] * 8 + [0] * 16
            lines.append(f'__attribute__((visibility("default"), aligned(16))) const unsigned char s{i}[] __asm__("{name}") = {{{", ".join(map(str, data))}}};')
        else:
            lines.append(f'__attribute__((visibility("default"))) long s{i}(void) __asm__("{name}");')
            lines.append(f"long s{i}(void) {{ return 0; }}")
    return "\n".join(lines) + "\n"


def replace_with_stand_ins(bundle: Path) -> int:
    """Replace the libraries of bundle_filter.STAND_INS with small stand-ins that define only what the
    other bundled libraries link against; return the bytes saved."""
    internal = bundle / "_internal"
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None or shutil.which("readelf") is None:
        print("gcc or readelf (binutils) is not installed: the bundle keeps the libraries it could replace with stand-ins", file=sys.stderr)
        return 0
    targets = [p for p in elf_files(internal) if any(p.name.startswith(prefix) for prefix in _filter().STAND_INS)]
    if not targets:
        return 0
    others = [p for p in elf_files(internal) if p not in targets]
    wanted: set[str] = set()
    for path in others:
        wanted |= _dynamic_symbols(path)[1]
    saved = 0
    for target in targets:
        defined, _ = _dynamic_symbols(target)
        if not defined:
            continue  # already a stand-in (a rebuild that reused the folder) or not a library
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "stand_in.c"
            source.write_text(_stand_in_source(target, wanted, defined))
            built = Path(tmp) / target.name
            result = subprocess.run([cc, "-shared", "-fPIC", "-O1", "-s", "-o", str(built), f"-Wl,-soname,{_soname(target)}", str(source)], capture_output=True, text=True)
            if result.returncode != 0:
                print(f"no stand-in for {target.name}: {result.stderr.strip()[-500:]}", file=sys.stderr)
                continue
            before = target.stat().st_size
            mode = target.stat().st_mode
            shutil.copyfile(built, target)
            os.chmod(target, mode)
            saved += before - target.stat().st_size
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
