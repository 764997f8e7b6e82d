# CTranslate2's native library. On Linux the extension finds it through its RPATH
# ($ORIGIN/../ctranslate2.libs), which PyInstaller's binary analysis follows on its own. On Windows
# ctranslate2/__init__.py globs ctranslate2/*.dll and loads each, so its DLLs must sit in the
# ctranslate2/ folder of the bundle, as installed.
from PyInstaller.utils.hooks import collect_dynamic_libs

binaries = collect_dynamic_libs("ctranslate2")
# `converters` and `specs` are imported lazily and pull torch/transformers: inference needs neither.
excludedimports = ["torch", "transformers", "tensorflow", "onnx"]
