"""Where the voice encoder's weights are: the `pretrained.pt` that the Resemblyzer wheel ships.

The wheel is installed without its dependencies (`pip install --no-deps resemblyzer==0.1.4`: the app
reads the file as data and never imports the package, which needs torch); a bundle carries only the
encoder's weights, taken out of that file when it is built (`export_weights`: the rest of the file is its
training state); `CAPTIONER_VOICE_ENCODER` names another copy of either.
"""

from __future__ import annotations

import os
import sys
from importlib import metadata
from pathlib import Path

from captioner.errors import CaptionerError

__all__ = ["BUNDLED", "ENV", "INSTALL_HINT", "VoiceEncoderMissing", "export_weights", "find_weights", "installed_weights"]

ENV = "CAPTIONER_VOICE_ENCODER"
DISTRIBUTION = "resemblyzer"
FILE = "resemblyzer/pretrained.pt"
BUNDLED = "voices/encoder.npz"  # where a bundle keeps the weights (`export_weights`)
INSTALL_HINT = "pip install --no-deps resemblyzer==0.1.4"


class VoiceEncoderMissing(FileNotFoundError, CaptionerError):
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
    if bundle and (Path(bundle) / BUNDLED).is_file():
        return Path(bundle) / BUNDLED
    path = installed_weights()
    if path is None:
        raise VoiceEncoderMissing(f"Speaker labels need the voice encoder's weights, which are not installed: run "
                                  f"`{INSTALL_HINT}` (17 MB) in the app's environment")
    return path


def installed_weights() -> Path | None:
    """The `pretrained.pt` of the installed Resemblyzer wheel, or None."""
    try:
        path = Path(str(metadata.distribution(DISTRIBUTION).locate_file(FILE)))
    except metadata.PackageNotFoundError:
        return None
    return path if path.is_file() else None


def export_weights(source: str | Path, dest: str | Path) -> Path:
    """Write the encoder's weights of the checkpoint `source` (a `pretrained.pt`) to `dest` (.npz), without its training
    state: what a bundle carries."""
    import numpy as np

    from captioner.voices.torch_file import load

    state = load(source)
    state = state.get("model_state", state)
    np.savez(dest, **{k: v for k, v in state.items() if k.startswith(("lstm.", "linear."))})
    return Path(dest)
