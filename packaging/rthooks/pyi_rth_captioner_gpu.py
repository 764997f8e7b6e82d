# Runtime hook (runs before the app's code, so before ctranslate2 is imported): cuBLAS 12, the one CUDA library
# CTranslate2 loads (at its first pass on the GPU), loaded or put on the DLL search path by the app's own
# `cuda_libs.preload()` — the bundle's `nvidia/*/lib|bin`, the same beside the executable, CAPTIONER_CUDA_PATH,
# the folder `captioner cuda-libs` fills — before anything else of the app runs. The app calls it again before the
# first GPU pass; the second call does nothing. Without any of those folders the system's libraries are used as
# usual, and if none exist captioner runs on the CPU.
#
# Windows: CTranslate2 loads cublas64_12.dll with LoadLibrary only when CUDA is first used;
# os.add_dll_directory() covers loads that ask for the user folders, and PATH covers a plain LoadLibrary
# search (the known "cublas64_12.dll not found" failure of packaged Whisper apps), so both are set.
# Linux: LD_LIBRARY_PATH cannot be changed for a running process, so the libraries are preloaded by full
# path (RTLD_GLOBAL); a later dlopen("libcublas.so.12") then finds the loaded copy.


def _captioner_gpu() -> None:
    from captioner.engine.models import cuda_libs

    cuda_libs.preload()


_captioner_gpu()
del _captioner_gpu
