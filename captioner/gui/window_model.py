"""The main window's model: its status-line name, its download and loading, and what is said when it or the GPU
support it needs is missing."""

from __future__ import annotations

from collections.abc import Callable

from captioner.gui.controller import SessionController
from captioner.gui.download_panel import DownloadPanel
from captioner.gui.gpu_support import GPU_CAUSE, GPU_SUPPORT_ACTION
from captioner.gui.message_bar import MessageBar, Notice
from captioner.gui.model_picker import MODEL_CAUSE, ModelPicker
from captioner.gui.settings_store import SettingsStore
from captioner.gui.status_line import StatusLine

__all__ = ["CHOOSE_FOLDER_ACTION", "ModelStatus", "model_status_text"]

CHOOSE_FOLDER_ACTION = ("Choose a model folder…", "choose-folder")  # the banner's button, and the key it sends
COMPUTE_DEVICE_NAMES = {"auto": "Auto", "cuda": "CUDA", "cpu": "CPU"}


def model_status_text(controller: SessionController) -> str:
    """The model in use ("tiny.en · CPU int8"), or the one chosen and where it will run."""
    description = controller.model.description()
    request = controller.model.request()
    if description and controller.model.loaded_for(request):
        return description
    device = COMPUTE_DEVICE_NAMES[request.compute_device]
    return f"{request.label} · {device} (loads on Start)"


class ModelStatus:
    """Keeps the window's word on the model true: its name in the status line, its loading phase in the picker and the
    download panel, and a notice (with a way on) when it cannot load or its GPU support is missing.

    `show_message(level, text, action, cause=…)` puts a notice in the window's banner."""

    def __init__(
        self,
        store: SettingsStore,
        controller: SessionController,
        model_picker: ModelPicker,
        download_panel: DownloadPanel,
        message_bar: MessageBar,
        status_line: StatusLine,
        *,
        show_message: Callable[..., None],
    ) -> None:
        self._store = store
        self._controller = controller
        self._model_picker = model_picker
        self._download_panel = download_panel
        self._message_bar = message_bar
        self._status_line = status_line
        self._show_message = show_message

    def show(self) -> None:
        """Name the model in the status line (model_status_text)."""
        self._status_line.set_model(model_status_text(self._controller))

    def get_gpu_support(self) -> None:
        """Fetch the GPU's libraries (the banner's "Get GPU support"): progress and Cancel in the download panel."""
        if self._controller.model.get_gpu_support():
            self._message_bar.clear(GPU_CAUSE)
        else:
            self.gpu_notice("info", "Stop the current session first: GPU support is fetched while nothing runs.", True)

    def gpu_notice(self, level: str, text: str, offer_fetch: bool) -> None:
        self._show_message(level, text, GPU_SUPPORT_ACTION if offer_fetch else None, cause=GPU_CAUSE)

    def on_failed(self, text: str, offer_folder: bool) -> None:
        self._message_bar.show_notice(Notice("error", text, MODEL_CAUSE, CHOOSE_FOLDER_ACTION if offer_folder else None))
        self._model_picker.update_hint()

    def on_phase(self, phase: str) -> None:
        self._download_panel.set_phase(phase, self._store.settings.model)
        self._model_picker.set_phase(phase)

    def download(self) -> None:
        """Fetch and load the model chosen now (the picker's Download), unless a session or a load is under way."""
        if not self._controller.busy:
            self._controller.prepare()

    def choose_folder(self) -> None:
        """The banner's "Choose a model folder…"."""
        self._message_bar.clear(MODEL_CAUSE)
        self._model_picker.choose_folder()
