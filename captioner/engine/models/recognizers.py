"""The speech recognizers the app can run, one line each.

A model folder belongs to the first recognizer whose marker file it holds; that recognizer's module
loads it with `load(folder, *, device, compute_type, threads, name)` and returns a
`captioner.engine.models.recognizer.Recognizer`, which then serves live captions (under the pass policy,
`captioner.engine.live.transcriber`), `captioner transcribe` and the refine. Adding a recognizer is one module
with that function plus one line in `RECOGNIZERS`. Nothing here imports the
ML stack: the settings and the model catalogue ask which folders hold a model before any is loaded.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from captioner.errors import CaptionerError

if TYPE_CHECKING:
    from captioner.engine.models.recognizer import Recognizer

__all__ = ["RECOGNIZERS", "NoRecognizer", "RecognizerEntry", "load_recognizer", "recognizer_for"]


class NoRecognizer(ValueError, CaptionerError):
    """No recognizer the app has reads the model folder."""


@dataclass(frozen=True)
class RecognizerEntry:
    """A recognizer the app has: its name, the file that marks its model folders, and the module that loads them."""

    name: str  # for people
    marker: str  # a file every model folder of this recognizer holds
    module: str  # the module whose `load(folder: Path, *, device, compute_type, threads, name) -> Recognizer` loads one


RECOGNIZERS: tuple[RecognizerEntry, ...] = (
    RecognizerEntry("faster-whisper (CTranslate2)", "model.bin", "captioner.engine.models.whisper"),
)


def recognizer_for(folder: Path) -> RecognizerEntry | None:
    """The recognizer that reads the model in `folder`, or None when none does."""
    return next((entry for entry in RECOGNIZERS if (Path(folder) / entry.marker).is_file()), None)


def load_recognizer(folder: Path, *, device: str = "auto", compute_type: str = "auto", threads: int | None = None,
                    name: str = "") -> Recognizer:
    """Load the model in `folder` with its recognizer: on `device` ("auto", "cpu", "cuda"), computing as
    `compute_type` ("auto", "int8", "float16", …), on `threads` CPU threads (None: as many as suit the machine),
    called `name` for people; NoRecognizer when no recognizer reads the folder."""
    entry = recognizer_for(folder)
    if entry is None:
        raise NoRecognizer(f"no recognizer reads the model folder {folder}")
    return importlib.import_module(entry.module).load(Path(folder), device=device, compute_type=compute_type,
                                                      threads=threads, name=name)
