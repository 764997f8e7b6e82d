"""Tensors from a PyTorch checkpoint in its legacy (non-zip) format, read without torch.

The voice encoder's weights come as such a file (`torch.save` before PyTorch 1.6). Its layout: four
pickles (magic number, protocol version, system info, the object) whose tensors name their storage
by key, then the list of storage keys, then each storage's bytes (a little-endian int64 element
count, then the elements). Only what a state dict needs is accepted (dicts, tensors of float or int
types): any other class named in the pickle is refused, so reading a file runs none of its code.
"""

from __future__ import annotations

import io
import pickle
import struct
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from captioner.errors import CaptionerError

__all__ = ["TorchFileError", "load"]

MAGIC = 0x1950A86A20F9469CFC6C
_COUNT_BYTES = 8  # a storage's element count before its data: a little-endian int64
_STORAGES = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class TorchFileError(ValueError, CaptionerError):
    """The file is not a legacy PyTorch checkpoint this reader understands."""


@dataclass
class _Storage:
    dtype: Any
    numel: int
    data: np.ndarray | None = None


@dataclass
class _Tensor:
    storage: _Storage
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]
    users: list = field(default_factory=list)

    def array(self) -> np.ndarray:
        data = self.storage.data
        assert data is not None
        if not self.size:
            return data[self.offset].copy()
        item = data.itemsize
        view = np.lib.stride_tricks.as_strided(data[self.offset:], shape=self.size, strides=[s * item for s in self.stride])
        return np.array(view)


def _rebuild_tensor(storage, offset, size, stride, *_rest):
    return _Tensor(storage, offset, tuple(size), tuple(stride))


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: BinaryIO, storages: dict[str, _Storage]) -> None:
        super().__init__(file)
        self.storages = storages

    def find_class(self, module: str, name: str):
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor
        if module == "torch" and name in _STORAGES:
            return name
        raise TorchFileError(f"the checkpoint names {module}.{name}, which a weights file does not need")

    def persistent_load(self, saved_id):
        kind, *data = saved_id
        if kind != "storage":
            raise TorchFileError(f"unknown persistent id {kind!r}")
        storage_type, key, _location, numel, view = data
        if view is not None:
            raise TorchFileError("storage views are not supported")
        if key not in self.storages:
            self.storages[key] = _Storage(_STORAGES[storage_type], int(numel))
        return self.storages[key]


def load(path: str | Path) -> Any:
    """The object saved in the checkpoint at `path`, its tensors as numpy arrays."""
    with open(path, "rb") as f:
        raw = f.read()
    f = io.BytesIO(raw)
    try:
        if pickle.load(f) != MAGIC:
            raise TorchFileError(f"{path} is not a PyTorch checkpoint in the legacy format")
        pickle.load(f)  # protocol version
        pickle.load(f)  # system info
        storages: dict[str, _Storage] = {}
        obj = _Unpickler(f, storages).load()
        keys = pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, TorchFileError):
            raise
        raise TorchFileError(f"{path} is not a readable PyTorch checkpoint: {exc}") from exc
    for key in keys:
        storage = storages[key]
        header = f.read(_COUNT_BYTES)
        if len(header) < _COUNT_BYTES:
            raise TorchFileError(f"{path} ends before its tensors' data")
        (count,) = struct.unpack("<q", header)
        nbytes = count * np.dtype(storage.dtype).itemsize
        chunk = f.read(nbytes)
        if len(chunk) < nbytes:
            raise TorchFileError(f"{path} ends inside its tensors' data")
        storage.data = np.frombuffer(chunk, dtype=storage.dtype)
    return _materialise(obj)


def _materialise(obj: Any) -> Any:
    if isinstance(obj, _Tensor):
        return obj.array()
    if isinstance(obj, dict):
        return type(obj)((k, _materialise(v)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return type(obj)(_materialise(v) for v in obj)
    return obj
