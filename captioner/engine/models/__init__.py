"""The models: which there are, where they come from, how they are loaded and what one must do.

`catalogue` names them (no ML stack: the settings read it); `fetch` finds and loads one (`load_transcriber`), and
`download` fetches one from the hub; `recognizer` is what a speech recognizer must do, `recognizers` which one reads
a model folder, `whisper` faster-whisper's (with `features`, its features a block at a time, and `upstream`, the
private parts of faster-whisper and huggingface_hub relied on); `model_file` reads a model.bin's shape from its
headers; `hardware` chooses the device; `cuda_libs` and `cuda_fetch` find or fetch cuBLAS for the GPU; `errors` says
why a model cannot be used.
"""

__all__ = [
    "catalogue",
    "cuda_fetch",
    "cuda_libs",
    "download",
    "errors",
    "features",
    "fetch",
    "hardware",
    "languages",
    "model_file",
    "recognizer",
    "recognizers",
    "upstream",
    "whisper",
]
