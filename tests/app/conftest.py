"""App-layer test set-up: settings, sessions, pass times and model caches under tmp_path, as for the GUI's tests."""

from __future__ import annotations

from tests.gui.conftest import _isolated, model_dir, speech_wav, transcriber  # noqa: F401
