"""Where the voice encoder's weights are: the `pretrained.pt` that the Resemblyzer wheel ships.

The wheel is installed without its dependencies (`pip install --no-deps resemblyzer==0.1.4`: the app
reads the file as data and never imports the package, which needs torch); a bundle carries the file;
`CAPTIONER_VOICE_ENCODER` names another copy.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["ENV", "INSTALL_HINT", "VoiceEncoderMissing", "find_weights"]

ENV = "CAPTIONER_VOICE_ENCODER"
DISTRIBUTION = "resemblyzer"
FILE = "resemblyzer/pretrained.pt"
INSTALL_HINT = "pip install --no-deps resemblyzer==0.1.4"


class VoiceEncoderMissing(FileNotFoundError):
    """The voice encoder's weights are not installed (speaker labels need them)."""


def find_weights() -> Path:
    """The weights file, from `CAPTIONER_VOICE_ENCODER`, the bundle, or the installed Resemblyzer wheel."""
    named = os.environ.get(ENV)
    if named:
        path = Path(named).expanduser()
        if not path.is_file():
            raise VoiceEncoderMissing(f"{ENV} names {path}, which is not a file")
        return path
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle and (Path(bundle) / FILE).is_file():
        return Path(bundle) / FILE
    try:
        path = Path(str(metadata.distribution(DISTRIBUTION).locate_file(FILE)))
    except metadata.PackageNotFoundError:
        path = None
    if path is None or not path.is_file():
        raise VoiceEncoderMissing(f"Speaker labels need the voice encoder's weights, which are not installed: run "
                                  f"`{INSTALL_HINT}` (17 MB) in the app's environment")
    return path
