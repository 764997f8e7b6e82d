"""The terminal's side of the models: a model found, downloaded with a bar and loaded through the app layer
(`app.model.load_noted`), what it is doing said on stderr with what it wants said about itself; a model downloaded
alone (`captioner download`); the voice encoder checked before any model loads."""

from __future__ import annotations

import sys
import threading

from captioner.cli.errors import CliError, model_error_message
from captioner.cli.progress import DownloadBar
from captioner.engine.models.catalogue import ModelRequest, model_label
from captioner.engine.models.errors import ModelError

__all__ = ["download", "load", "load_offline", "need_voice_encoder"]


def load(request: ModelRequest, *, quiet: bool = False):
    """The model `request` names, downloaded with a bar where it is not on disk and loaded, with its notes
    (`ModelNotes`); a GPU it cannot run on is said as a warning. `quiet`: the load itself is not said."""
    from captioner.app.model import load_noted

    bar = DownloadBar(request.spec)

    def on_phase(phase: str) -> None:  # said once the model is found: a large one takes seconds to load
        if phase == "preparing-gpu":
            print("captioner: preparing the GPU (first time only)…", file=sys.stderr, flush=True)
        elif phase == "loading" and not quiet:
            print(f"captioner: loading the model {model_label(request.spec)}…", file=sys.stderr, flush=True)

    try:
        transcriber, notes = load_noted(request, progress=bar, phase=on_phase)
    except ModelError as exc:
        raise CliError(model_error_message(exc)) from exc
    finally:
        bar.close()
    if notes.device:  # a GPU that cannot run the model: the CPU instead, and why
        print(f"captioner: warning: {notes.device}", file=sys.stderr, flush=True)
    return transcriber, notes


def load_offline(spec: str, compute_device: str, compute_type: str, language: str, *, translate: bool = False,
                 chinese_script: str = ModelRequest.chinese_script):
    """The model an offline job decodes with (`app.transcribe.offline_request`; with `translate`, into English; Chinese
    in `chinese_script`), loaded as `load` does."""
    from captioner.app.transcribe import offline_request

    transcriber, _ = load(offline_request(spec, compute_device, compute_type, language, translate=translate,
                                          chinese_script=chinese_script))
    return transcriber


def download(spec: str, cancel: threading.Event | None = None):
    """Resolve a model name or folder, downloading with a progress bar; return its folder."""
    from captioner.engine.models.fetch import resolve_model

    bar = DownloadBar(spec)
    try:
        return resolve_model(spec, progress=bar, cancel=cancel)
    except ModelError as exc:
        raise CliError(model_error_message(exc)) from exc
    finally:
        bar.close()


def need_voice_encoder() -> None:
    """--speakers: the voice encoder's weights are installed, else the user is told how to get them (before any model
    loads)."""
    from captioner.app.model import voice_encoder_missing

    problem = voice_encoder_missing()
    if problem:
        raise CliError(problem)
