"""The command line's errors and exit statuses: a problem the user can fix (`CliError`, one line, exit 1), Ctrl-C
(`INTERRUPTED`), and a model error's message with this command line's flags for its way out."""

from __future__ import annotations

from captioner.engine.models.errors import (
    ComputeTypeUnsupported,
    CudaLibraryMissing,
    DeviceUnavailable,
    FolderMissing,
    GpuDriverProblem,
    LanguageUnsupported,
    ModelError,
    TranslateUnsupported,
    UnknownDevice,
)
from captioner.errors import CaptionerError

__all__ = ["FAILED", "INTERRUPTED", "CliError", "model_error_message"]

FAILED = 1  # the exit status of a command that met a problem the user can fix (`CliError`)
INTERRUPTED = 130  # the exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells give it

# the command line's own way out for the advice of a model error
_HINTS: dict[type[ModelError], str] = {
    DeviceUnavailable: "--compute-device cpu or --compute-device auto",
    CudaLibraryMissing: "--compute-device cpu",
    GpuDriverProblem: "--compute-device cpu",
    UnknownDevice: "--compute-device",
    ComputeTypeUnsupported: "--compute-type auto",
    LanguageUnsupported: "--language en",
    TranslateUnsupported: "leave out --translate",
    FolderMissing: "--model",
}


class CliError(CaptionerError):
    """A problem the user can fix; printed as one line, exit code 1."""

    __module__ = "captioner.cli"  # the package's public name for it, where it is imported from


def model_error_message(error: ModelError) -> str:
    """The error's message with this command line's flags for its way out."""
    hint = next((text for kind, text in _HINTS.items() if isinstance(error, kind)), "")
    return error.message(hint or ("--model /path/to/folder" if error.offers_folder else ""))
