# faster-whisper reads files from its assets/ folder at run time (the Silero VAD model, found with
# get_assets_path()); collect them so faster_whisper behaves as installed. captioner uses its own
# webrtcvad segmenter and never calls the Silero VAD, so onnxruntime itself is excluded (vad.py
# imports it lazily, only when vad_filter=True).
from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("faster_whisper")
