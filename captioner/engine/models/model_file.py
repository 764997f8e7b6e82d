"""What a CTranslate2 Whisper `model.bin` holds, read from its variable headers without loading it:
the model's shape (layers, width, vocabulary), and whether the file is whole (a download or copy cut
short is found here, at selection, instead of failing at load).

The format (ctranslate2/specs/model_spec.py, `_serialize`): a uint32 binary version, the spec's name,
a uint32 revision, a uint32 variable count, then per variable its name, rank (uint8), dimensions
(uint32 each), dtype (uint8), byte count (uint32) and data; then the aliases. Strings are a uint16
length (with the final NUL) and the bytes. The data is skipped with seeks, so a big model's file reads as quickly
as a small one's.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path

from captioner.errors import CaptionerError

ENGLISH_VOCABULARY = 51864  # the .en models' vocabulary; the multilingual ones have 51865 or more
SMALL_ENCODER_LAYERS = 6  # tiny (4) and base (6): a pass of theirs costs a fraction of a second on a CPU
TINY_ENCODER_LAYERS = 4  # tiny's encoder depth


def is_small(encoder_layers: int | None) -> bool:
    """Whether a model of this encoder depth (None: not known) is a small one, tiny or base: on a CPU it writes its
    own interim text, re-runs an unsure final on the full window and keeps the wider window margin."""
    return encoder_layers is None or encoder_layers <= SMALL_ENCODER_LAYERS


class ModelFileError(ValueError, CaptionerError):
    """The file is not a whole CTranslate2 Whisper model; str() says why, for people."""


@dataclass(frozen=True)
class WhisperShape:
    """A Whisper model's shape as its model file gives it: layers, width and vocabulary."""

    encoder_layers: int
    decoder_layers: int
    width: int  # d_model
    vocabulary: int

    @property
    def english(self) -> bool:
        """Whether the model is English-only (an .en model's vocabulary)."""
        return self.vocabulary == ENGLISH_VOCABULARY


_LAYER = re.compile(r"(encoder|decoder)/layer_(\d+)/")


READ_VERSIONS = (5, 6)  # the binary versions whose variable layout is read here (every Whisper model so far)
MAX_VERSION = 100  # a binary version above this says the file is no CTranslate2 model
MATRIX_RANK = 2  # the decoder's embeddings: (vocabulary, width)


def read_shape(path: str | Path) -> WhisperShape | None:
    """The shape of the Whisper model in `path` (a model.bin); ModelFileError if the file is cut
    short, is not a CTranslate2 model, or holds no Whisper model; None for a binary version this
    reader does not know (a newer CTranslate2's: it cannot tell, so it says nothing)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            return _read(f, size, path)
    except OSError as exc:
        raise ModelFileError(f"{path} cannot be read: {exc.strerror or exc}") from exc


def folder_shape(folder: str | Path) -> WhisperShape | None:
    """The shape of the Whisper model in the folder `folder`, or None when its model.bin cannot tell (unreadable, cut
    short, not a Whisper model, an unknown binary version)."""
    try:
        return read_shape(Path(folder) / "model.bin")
    except ModelFileError:
        return None


def _read(f, size: int, path: Path) -> WhisperShape | None:
    def take(fmt: str):
        n = struct.calcsize(fmt)
        data = f.read(n)
        if len(data) < n:
            raise ModelFileError(f"{path} is cut short ({size:,} bytes): it was not downloaded or copied whole")
        return struct.unpack("<" + fmt, data)[0]

    def string() -> str:
        n = take("H")
        data = f.read(n)
        if len(data) < n:
            raise ModelFileError(f"{path} is cut short ({size:,} bytes): it was not downloaded or copied whole")
        return data[:-1].decode("utf-8", "replace")

    version = take("I")
    if not 1 <= version <= MAX_VERSION:
        raise ModelFileError(f"{path} is not a CTranslate2 model file")
    if version not in READ_VERSIONS:
        return None
    spec = string()
    take("I")  # the spec's revision
    count = take("I")
    layers = {"encoder": set(), "decoder": set()}
    width = vocabulary = 0
    for _ in range(count):
        name = string()
        rank = take("B")
        dims = [take("I") for _ in range(rank)]
        take("B")  # dtype
        nbytes = take("I")
        if f.tell() + nbytes > size:
            raise ModelFileError(f"{path} is cut short ({size:,} bytes): it was not downloaded or copied whole")
        f.seek(nbytes, 1)
        found = _LAYER.match(name)
        if found:
            layers[found.group(1)].add(int(found.group(2)))
        elif name.startswith("decoder/embeddings") and len(dims) == MATRIX_RANK:
            vocabulary, width = dims
    if spec != "WhisperSpec" or not layers["encoder"] or not vocabulary:
        raise ModelFileError(f"{path} holds a CTranslate2 model, but not a Whisper one ({spec or 'no name'})")
    return WhisperShape(len(layers["encoder"]), len(layers["decoder"]), width, vocabulary)
