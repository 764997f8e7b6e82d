"""Why a model cannot be used, as types a user interface can act on.

Each error carries the fields a UI needs (the model, the folder, the hub…) and a
message in plain words that names no command-line flag and no button:
`message(hint)` puts a UI's own way out (a flag, a menu) after the advice.
`offers_folder` says whether choosing a local model folder is a way out.
Nothing here imports the ML stack, so any layer may import it.
"""

from __future__ import annotations

from pathlib import Path

from captioner.errors import CaptionerError


class ModelError(CaptionerError):
    """The model cannot be used; str() is one line saying what is wrong and what to do."""

    offers_folder = False

    def __init__(self, problem: str, advice: str = "", *, model: str = "") -> None:
        self.problem = problem
        self.advice = advice
        self.model = model
        super().__init__(self.message())

    def message(self, hint: str = "") -> str:
        """The message, with `hint` (e.g. a UI's flag or menu for the advice) in brackets after the advice."""
        advice = f"{self.advice} ({hint})" if hint and self.advice else self.advice
        return f"{self.problem}; {advice}." if advice else f"{self.problem}."


class HubUnreachable(ModelError):
    """The model is not cached and the model hub cannot be reached."""

    offers_folder = True

    def __init__(self, model: str, repo_id: str, endpoint: str) -> None:
        self.repo_id, self.endpoint = repo_id, endpoint
        super().__init__(
            f"The model {_named(model, repo_id)} is not downloaded yet and the model hub ({endpoint}) cannot be reached",
            "connect to the internet once to download it, or choose a local model folder",
            model=model,
        )


class LoginNeeded(ModelError):
    """The hub repo is gated: it needs a Hugging Face login."""

    offers_folder = True

    def __init__(self, model: str, repo_id: str) -> None:
        self.repo_id = repo_id
        super().__init__(
            f"The model {_named(model, repo_id)} needs a Hugging Face login",
            "log in with `hf auth login`, or choose a local model folder",
            model=model,
        )


class ModelNotFound(ModelError):
    """No such model: an unknown name (`known` lists the names there are) or a repo the hub does not have."""

    offers_folder = True

    def __init__(self, model: str, *, known: tuple[str, ...] = (), repo_id: str = "", endpoint: str = "") -> None:
        self.known, self.repo_id, self.endpoint = known, repo_id, endpoint
        if repo_id:
            problem = f"The model {_named(model, repo_id)} does not exist on the model hub ({endpoint})"
            advice = "check the name, or choose a local model folder"
        else:
            problem = f"Unknown model '{model}'"
            advice = f"use one of: {', '.join(known)}, or choose a local model folder"
        super().__init__(problem, advice, model=model)


class NotAModel(ModelError):
    """A hub repo that holds no CTranslate2 model (no model.bin)."""

    def __init__(self, model: str, repo_id: str) -> None:
        self.repo_id = repo_id
        super().__init__(
            f"'{model}' is not a faster-whisper (CTranslate2) model: the hub repo {repo_id} has no model.bin",
            "use a model name such as 'small' or a repo converted with ct2-transformers-converter",
            model=model,
        )


class FolderMissing(ModelError):
    """The model folder does not exist."""

    offers_folder = True

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        super().__init__(
            f"Model folder '{folder}' does not exist",
            "check the path, or use a model name such as 'small'",
            model=str(folder),
        )


class CorruptModel(ModelError):
    """A model folder that cannot be loaded: files missing (`detail` says which) or damaged."""

    offers_folder = True

    def __init__(self, folder: Path, detail: str = "") -> None:
        self.folder, self.detail = folder, detail
        if detail:
            problem = f"Cannot load the model in '{folder}': {detail}; the folder may be incomplete or corrupt"
        else:
            problem = (
                f"'{folder}' is not a faster-whisper (CTranslate2) model folder: it needs model.bin, config.json "
                "and tokenizer.json (or vocabulary.*)"
            )
        super().__init__(problem, "download it again or choose another model folder", model=str(folder))


class LanguageUnsupported(ModelError, ValueError):
    """An English-only model was asked for another language."""

    def __init__(self, model: str, language: str) -> None:
        self.language = language
        super().__init__(
            f"{model or 'This model'} is English-only; it cannot caption language {language!r}",
            "pick a multilingual model, or set the language to English",
            model=model,
        )


class TranslateUnsupported(ModelError, ValueError):
    """An English-only model was asked to translate into English."""

    def __init__(self, model: str) -> None:
        super().__init__(
            f"{model or 'This model'} is English-only; it cannot translate other languages into English",
            "pick a multilingual model, or turn translation off",
            model=model,
        )


class DownloadFailed(ModelError):
    """The hub answered with an error (`status`), or the files could not be stored (`reason`)."""

    def __init__(self, model: str, repo_id: str, *, endpoint: str = "", status: int | str | None = None, reason: str = "") -> None:
        self.repo_id, self.endpoint, self.status, self.reason = repo_id, endpoint, status, reason
        if status is not None:
            problem = f"The model hub ({endpoint}) failed to send {_named(model, repo_id)} (HTTP {status})"
            advice = "try again later, or choose a local model folder"
            self.offers_folder = True
        else:
            problem = f"Could not download the model {_named(model, repo_id)} ({reason})"
            advice = "check free disk space and try again"
        super().__init__(problem, advice, model=model)


class DownloadCancelled(ModelError):
    """The download was cancelled; finished files stay cached, the partial one is discarded."""

    def __init__(self, model: str = "") -> None:
        super().__init__("The model download was cancelled", "start it again to finish it", model=model)


class DeviceUnavailable(ModelError):
    """The compute device asked for (`device`) is not there."""

    def __init__(self, device: str) -> None:
        self.device = device
        super().__init__(
            "No CUDA GPU is available (check the NVIDIA driver)",
            "run on the CPU, or choose the device automatically",
        )


class CudaLibraryMissing(ModelError):
    """A CUDA library the model needs on the GPU (cuBLAS 12) is missing or cannot be loaded; `detail` is
    CTranslate2's reason, `fix` the command that installs the library. Not a damaged model: the same folder loads on
    the CPU."""

    def __init__(self, model: str, detail: str, fix: str = "pip install 'captioner[cuda]'") -> None:
        self.detail, self.fix = detail, fix
        super().__init__(
            f"Cannot run {model} on the GPU: a CUDA library is missing or cannot be loaded ({detail.rstrip('.')})",
            f"install it with: {fix}, or run on the CPU",
            model=model,
        )


class GpuDriverProblem(ModelError):
    """The NVIDIA driver is missing or too old for the CUDA runtime CTranslate2 runs on: `detail` is CTranslate2's
    reason, `advice` the driver to install (`cuda_libs.DRIVER_ADVICE`). No library to fetch: the driver is the fix."""

    def __init__(self, model: str, detail: str, advice: str) -> None:
        self.detail = detail
        super().__init__(
            f"Cannot run {model} on the GPU: the NVIDIA driver is missing or too old ({detail.rstrip('.')})",
            f"{advice}, or run on the CPU",
            model=model,
        )


class GpuFailed(ModelError):
    """The GPU failed a pass (out of its memory, the driver reset, a CUDA error): `detail` is CTranslate2's reason."""

    def __init__(self, model: str, detail: str) -> None:
        self.detail = detail
        super().__init__(f"{model} failed on the GPU ({detail.rstrip('.')})", "run on the CPU", model=model)


def is_cuda_library_error(detail: str, folder: Path | str = "") -> bool:
    """Whether a load failure's message is about CUDA or its libraries, not the model (`folder`, whose
    path may hold such a word itself, is left out of the test)."""
    if folder:
        detail = detail.replace(str(folder), "")
    return any(word in detail for word in _CUDA_WORDS)


_CUDA_WORDS = ("libcublas", "libcudnn", "CUDA", "cuda")


class UnknownDevice(ModelError):
    """A compute device name that is not auto, cpu or cuda."""

    def __init__(self, device: str) -> None:
        self.device = device
        super().__init__(f"Unknown device '{device}'", "use auto, cpu or cuda")


class ComputeTypeUnsupported(ModelError):
    """The compute type asked for (`compute_type`) cannot run here; `detail` is CTranslate2's reason."""

    def __init__(self, model: str, compute_type: str, detail: str) -> None:
        self.compute_type, self.detail = compute_type, detail
        super().__init__(
            f"Cannot run {model} with the compute type '{compute_type}' here ({detail.rstrip('.')})",
            "use the compute type chosen automatically",
            model=model,
        )


class OutOfMemory(ModelError):
    """Not enough memory to load the model."""

    def __init__(self, model: str) -> None:
        super().__init__(f"Not enough memory to load {model}", "choose a smaller model", model=model)


def _named(model: str, repo_id: str) -> str:
    return f"'{model}'" if model == repo_id or not repo_id else f"'{model}' ({repo_id})"
