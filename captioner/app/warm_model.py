"""The app's model, made ready before a session needs it: found (downloading it if needed), loaded
(`live.load_model`) and warmed up, so the session's first pass pays no first-use costs. A load in the background takes
only a model already on disk, its interim model too, and downloads nothing."""

from __future__ import annotations

import threading
from collections.abc import Callable

from captioner.app.live import load_model
from captioner.engine.models.catalogue import ModelRequest

__all__ = ["WARMING", "load_warm_model"]

WARMING = "warming"  # the phase said while the loaded model runs its first pass


def load_warm_model(request: ModelRequest, *, on_disk_only: bool = False, progress: Callable | None = None,
                    phase: Callable[[str], None] | None = None, cancel: threading.Event | None = None):
    """The model `request` names, loaded and warmed up; raises what `load_model` raises. `on_disk_only` (a load in the
    background): None at once, having downloaded nothing, when the model or the interim model it wants is not on
    disk. A load cancelled meanwhile is not warmed up."""
    from captioner.engine.models.catalogue import is_cached

    if on_disk_only and not is_cached(request.spec):
        return None
    transcriber = load_model(request, progress=progress, phase=phase, cancel=cancel, download_interim=not on_disk_only)
    if on_disk_only and getattr(transcriber, "interim_wanted", "") and transcriber.interim is None and not transcriber.interim_note:
        return None  # its interim model is not on disk: Start loads both, downloading it
    if cancel is None or not cancel.is_set():
        if phase is not None:
            phase(WARMING)
        transcriber.warm_up()  # the first pass pays first-use costs here, not in the session
    return transcriber
