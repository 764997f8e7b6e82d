# Runtime hook (runs before the app's code, so before ctranslate2 is imported): make the NVIDIA CUDA 12
# libraries that CTranslate2 loads on first CUDA use (cuBLAS 12, cuDNN 9) findable.
#
# Folders searched, first found first used (each is optional):
#   <bundle>/_internal/nvidia/*/bin|lib    pip wheels nvidia-cublas-cu12 / nvidia-cudnn-cu12 copied in
#   <folder of the executable>/nvidia/*/bin|lib   the same, dropped next to the executable by the user
#   folders named in CAPTIONER_CUDA_PATH (os.pathsep-separated)
# Without any of them, the system's libraries are used as usual (PATH on Windows, ld.so on Linux),
# and if none exist captioner runs on the CPU.
#
# Windows: CTranslate2 loads cublas64_12.dll / cudnn64_9.dll with LoadLibrary only when CUDA is
# first used. os.add_dll_directory() covers loads that ask for the user folders, and PATH covers
# a plain LoadLibrary search, so both are set.
# Linux: LD_LIBRARY_PATH cannot be changed for a running process, so the libraries are preloaded
# by full path (RTLD_GLOBAL); a later dlopen("libcublas.so.12") then finds the loaded copy.

_captioner_dll_handles = []  # keep os.add_dll_directory handles alive for the whole run


def _captioner_gpu() -> None:
    import glob
    import os
    import sys

    base = getattr(sys, "_MEIPASS", None)
    if base is None:
        return
    roots = [base, os.path.dirname(os.path.abspath(sys.executable))]
    sub = "bin" if sys.platform == "win32" else "lib"
    folders = []
    for root in dict.fromkeys(roots):
        folders += sorted(glob.glob(os.path.join(root, "nvidia", "*", sub)))
    folders += [p for p in os.environ.get("CAPTIONER_CUDA_PATH", "").split(os.pathsep) if p]
    folders = [f for f in dict.fromkeys(folders) if os.path.isdir(f)]
    if not folders:
        return

    if sys.platform == "win32":
        for folder in folders:
            try:
                _captioner_dll_handles.append(os.add_dll_directory(folder))
            except OSError:
                pass
        os.environ["PATH"] = os.pathsep.join(folders + [os.environ.get("PATH", "")])
    elif sys.platform.startswith("linux"):
        import ctypes

        # Dependencies first: cuBLASLt before cuBLAS; cuDNN's sub-libraries are loaded by cudnn itself.
        order = ("libcudart.so.12", "libcublasLt.so.12", "libcublas.so.12", "libcudnn.so.9")
        for name in order:
            for folder in folders:
                path = os.path.join(folder, name)
                if os.path.isfile(path):
                    try:
                        ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
                    except OSError as exc:
                        print(f"captioner: cannot load {path}: {exc}", file=sys.stderr)
                    break
        # cuDNN 9 dlopens its engine libraries by name from the folder of libcudnn.so.9 (found by
        # its own RUNPATH $ORIGIN), so nothing more is needed here.


_captioner_gpu()
del _captioner_gpu
