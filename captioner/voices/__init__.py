"""Voices: who is speaking, from the sound of the voice.

`encoder` turns speech into a voice embedding (the GE2E speaker encoder, numpy); `clusters` groups the
embeddings of a stream of turns into speakers online (`band` says which thresholds the recording's band calls for); `weights` finds the encoder's weights;
`torch_file` reads them without torch.
"""

from captioner.voices.band import BandMeter
from captioner.voices.clusters import Assignment, ClusterRule, OnlineSpeakers, speaker_id
from captioner.voices.encoder import VoiceEncoder
from captioner.voices.torch_file import TorchFileError
from captioner.voices.weights import VoiceEncoderMissing, find_weights

__all__ = [
    "Assignment",
    "BandMeter",
    "ClusterRule",
    "OnlineSpeakers",
    "TorchFileError",
    "VoiceEncoder",
    "VoiceEncoderMissing",
    "find_weights",
    "load_encoder",
    "speaker_id",
]

_loaded: dict[str, VoiceEncoder] = {}


def load_encoder() -> VoiceEncoder:
    """The voice encoder, loaded once per weights file (it holds no state, threads may share it)."""
    path = find_weights()
    key = str(path.resolve())
    if key not in _loaded:
        _loaded[key] = VoiceEncoder(path)
    return _loaded[key]
