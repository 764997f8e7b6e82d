"""Exceptions: every one the package defines has one root, `CaptionerError`, and keeps its built-in base."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from captioner.errors import CaptionerError

# Imports every module of the package (but `captioner.__main__`, which runs the CLI) in a process of its own,
# so that the GUI's, the audio's and the ML stack's modules load there and not in the tests' process, and
# prints each exception class defined at a module's top level with the names of its ancestors.
_WALK = """
import importlib, inspect, json, pkgutil
import captioner
found = {}
for info in pkgutil.walk_packages(captioner.__path__, "captioner."):
    if info.name == "captioner.__main__":
        continue
    module = importlib.import_module(info.name)
    for name, value in vars(module).items():
        if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == module.__name__:
            found[f"{module.__name__}.{value.__qualname__}"] = [f"{c.__module__}.{c.__qualname__}" for c in value.__mro__]
print(json.dumps(found))
"""

ROOT = f"{CaptionerError.__module__}.{CaptionerError.__qualname__}"

@pytest.fixture(scope="module")
def exceptions() -> dict[str, list[str]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", _WALK], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_walk_finds_the_package_exceptions(exceptions) -> None:
    """The walk sees modules of every layer (a walk that found nothing would pass the test below)."""
    for name in (ROOT, "captioner.cli.CliError", "captioner.engine.models.errors.LanguageUnsupported",
                 "captioner.audio.sources.AudioSourceError", "captioner.subtitles.errors.SubtitleFileExistsError"):
        assert name in exceptions


def test_every_exception_the_package_defines_derives_from_captioner_error(exceptions) -> None:
    """A new exception class must derive from CaptionerError (beside any built-in base it needs)."""
    rootless = sorted(name for name, ancestors in exceptions.items() if ROOT not in ancestors)
    assert rootless == [], "derive these from captioner.errors.CaptionerError"


def test_the_built_in_bases_are_kept() -> None:
    """Code that catches the built-in exception goes on catching captioner's own."""
    from captioner.audio.devices import AudioDeviceError
    from captioner.audio.recorder import RecordingError
    from captioner.audio.sources import AudioSourceError
    from captioner.engine.models.errors import LanguageUnsupported, ModelError
    from captioner.engine.models.model_file import ModelFileError
    from captioner.engine.models.recognizers import NoRecognizer
    from captioner.settings import SettingsError
    from captioner.subtitles.errors import FolderNotFileError, SubtitleFileError, SubtitleFileExistsError

    for error, base in ((AudioDeviceError, RuntimeError), (AudioSourceError, RuntimeError), (RecordingError, OSError),
                        (ModelFileError, ValueError), (NoRecognizer, ValueError), (LanguageUnsupported, ValueError),
                        (LanguageUnsupported, ModelError), (SettingsError, OSError), (SubtitleFileError, OSError),
                        (SubtitleFileExistsError, FileExistsError), (FolderNotFileError, IsADirectoryError)):
        assert issubclass(error, base) and issubclass(error, CaptionerError), (error, base)


def test_an_os_error_keeps_its_fields() -> None:
    """The root beside OSError changes nothing of what OSError keeps (errno, strerror) or says."""
    import errno

    from captioner.audio.recorder import RecordingError
    from captioner.settings import SettingsError

    error = RecordingError(errno.ENOSPC, "The disk is full.")
    assert (error.errno, error.strerror, str(error)) == (errno.ENOSPC, "The disk is full.", "The disk is full.")
    assert str(SettingsError("Settings could not be saved.")) == "Settings could not be saved."
    with pytest.raises(CaptionerError):
        raise error


def test_importing_the_root_loads_nothing() -> None:
    """Every layer imports it, the lightest first."""
    code = "import sys; before = set(sys.modules); import captioner.errors; print(' '.join(sorted(set(sys.modules) - before)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert set(done.stdout.split()) == {"captioner", "captioner.errors"}
