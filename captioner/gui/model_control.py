"""The app's model: the one the settings ask for, loaded when asked, in the background while idle, let go when the
settings ask for another; GPU support fetched for it. Everything slow runs off the GUI thread (ModelLoader,
GpuSupportFetch); what happens comes back as signals on the GUI thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from captioner.app.live import ModelNotes
from captioner.app.model import live_request
from captioner.engine.models.catalogue import ModelRequest
from captioner.engine.models.errors import DownloadCancelled
from captioner.gui.gpu_support import GPU_SUPPORT_PHASE, GpuSupportFetch, failed_text
from captioner.gui.model_loader import ModelLoader, describe_model_error, describe_transcriber
from captioner.gui.settings_store import SettingsStore
from captioner.gui.tasks import Latest
from captioner.settings import Settings

__all__ = ["ModelControl"]

log = logging.getLogger(__name__)

DOWNLOADING = "downloading"  # the loader's phase while the model's files download


class ModelControl(QObject):
    """The model the settings ask for (`request()`), for the live session and the refines alike: loaded when asked
    (`load`), in the background while the app is idle (`preload`: only a model on disk, and nothing said of it), let go
    when the settings ask for another model, device or language (never two held at once), its load or the fetch of GPU
    support cancelled; GPU support (`get_gpu_support`) fetched, then the model loaded again.

    `began` says a load or a fetch that someone waits for has begun; it ends with `loaded(transcriber)` or `stopped`
    (failed or cancelled). A load in the background that someone starts waiting for (`wait`) ends the same way.
    `idle()` says whether the app is idle: only then is a model loaded in the background, let go or fetched for."""

    phase = Signal(str)  # "checking" | "downloading" | "loading" | "warming" | "fetching-gpu" | "" (done)
    progress = Signal(object)  # DownloadProgress
    ready = Signal(str)  # the model loaded, for people: "tiny.en · CPU int8"
    failed = Signal(str, bool)  # message, whether to offer a local model folder
    message = Signal(str, str)  # level, text: about the model (its interim model; a load cancelled)
    gpuMessage = Signal(str, str, bool)  # level, text about the GPU, whether fetching its libraries (get_gpu_support) helps
    began = Signal()  # a load or fetch someone waits for has begun
    loaded = Signal(object)  # ... it is done: the model (Transcriber)
    stopped = Signal()  # ... it ended without one: failed or cancelled

    def __init__(self, store: SettingsStore, *, idle: Callable[[], bool]) -> None:
        super().__init__()
        self.store = store  # the one copy of the settings; read it, never keep a copy
        store.changed.connect(self._settings_changed)
        self.idle = idle
        self.preload_models = False  # load the chosen model whenever idle and it is on disk (the app sets it)
        self._transcriber = None
        self._key: ModelRequest | None = None  # what the model loaded was asked for as
        self._loader: ModelLoader | None = None
        self._quiet = False  # the model loads in the background (preload) and nobody waits for it yet
        self._phase = ""  # the loader's latest phase
        self._latest = Latest()  # the loaders' tickets: a cancelled one's signals are ignored
        self._not_on_disk: ModelRequest | None = None  # a preload found this model not downloaded
        self._gpu_fetch: GpuSupportFetch | None = None  # cuBLAS 12 being fetched (get_gpu_support)
        self._gpu_fetched = False  # the model loading now is loaded again after a fetch

    @property
    def transcriber(self):
        """The model loaded (a Transcriber), or None."""
        return self._transcriber

    @property
    def loading(self) -> bool:
        return self._loader is not None

    def request(self) -> ModelRequest:
        """The model the settings ask for; no interim model beside it when interim text is not shown."""
        s = self.store.settings
        return live_request(s.model, s.compute_device, s.language, s.beam_size, interim_model=s.interim_model, interims=s.interim_text,
                            translate=s.translate, chinese_script=s.chinese_script)

    def spec(self) -> str:
        """The model in use as a refine finds it again: its folder when one was chosen, else its name (a recording's tag:
        `captioner refine SESSION` then works offline with what was used live)."""
        key = self._key
        return key.spec if key is not None and key.spec else self._transcriber.name

    def loaded_for(self, request: ModelRequest) -> bool:
        return self._transcriber is not None and self._key == request

    def description(self) -> str:
        return describe_transcriber(self._transcriber) if self._transcriber is not None else ""

    def use(self, transcriber, request: ModelRequest | None = None) -> None:
        """Use an already loaded model for `request` (default: the current settings' model)."""
        self._drop_preload()
        self._transcriber = transcriber
        self._key = request or self.request()

    def load(self, quiet: bool = False) -> None:
        """Load the chosen model, letting go of the one held; `quiet`: in the background, only from disk, nobody waits
        for it (no `began`, and no `loaded` or `stopped` at its end)."""
        self._drop_preload()
        request = self.request()
        self._transcriber, self._key = None, None  # never hold two models at once
        gen = self._latest.next()
        loader = ModelLoader(request, quiet=quiet)
        loader.phase.connect(lambda phase: self._forward(gen, self.phase, phase))
        loader.progress.connect(lambda progress: self._forward(gen, self.progress, progress))
        loader.done.connect(lambda t: self._on_ready(gen, t))
        loader.failed.connect(lambda e: self._on_failed(gen, e))
        self._loader, self._quiet = loader, quiet
        self._phase = ""
        if not quiet:
            self.began.emit()
        loader.start()

    def preload(self) -> None:
        """Load and warm up the chosen model in the background while idle, so Start does not wait for it. Only a model
        already on disk; a failure is said when Start tries again."""
        request = self.request()
        if self.idle() and self._loader is None and not self.loaded_for(request) and request != self._not_on_disk:
            self.load(quiet=True)

    def wait(self) -> None:
        """Someone waits for the load under way now (Start pressed during a load in the background): it ends with
        `loaded` or `stopped`, and a model not on disk is downloaded."""
        self._quiet = False

    def release(self) -> None:
        """Forget the loaded model while idle (its memory is freed once no session uses it)."""
        if self.idle():
            self._transcriber = None
            self._key = None

    def cancel(self) -> None:
        """Stop the model's load, or the fetch of GPU support; what was asked for is said to be cancelled."""
        if self._gpu_fetch is not None:
            fetch, self._gpu_fetch = self._gpu_fetch, None
            fetch.cancel()  # the download stops at its next read and keeps nothing; its signals are ignored from now on
            self.phase.emit("")
            self.stopped.emit()
            self.gpuMessage.emit("info", "The download of GPU support was cancelled; nothing was kept.", True)
            return
        if self._loader is None:
            return
        loader, self._loader, self._quiet, self._gpu_fetched = self._loader, None, False, False
        loader.cancel()  # its thread ends on its own; its signals are ignored from now on
        self.phase.emit("")
        if self._phase == DOWNLOADING:
            text = f"Download of {loader.request.label} cancelled. Files it finished stay on disk; Start downloads the rest."
        else:
            text = f"Stopped preparing {loader.request.label}."
        self.message.emit("info", text)
        self.stopped.emit()

    def get_gpu_support(self) -> bool:
        """Fetch NVIDIA's cuBLAS 12 on a worker thread (what `captioner cuda-libs` does), load it into this process, then
        load the model again so it runs on the GPU where it now can. Progress comes as `progress`, the phase as
        "fetching-gpu"; cancel() stops it, keeping nothing; the outcome is a `gpuMessage`. False unless idle."""
        if not self.idle():
            return False
        self._drop_preload()
        fetch = GpuSupportFetch()
        fetch.progress.connect(lambda progress: self.progress.emit(progress) if self._gpu_fetch is fetch else None)
        fetch.done.connect(lambda folder: self._on_gpu_support(fetch, folder))
        fetch.failed.connect(lambda exc: self._on_gpu_support_failed(fetch, exc))
        self._gpu_fetch = fetch
        self.began.emit()
        self.phase.emit(GPU_SUPPORT_PHASE)
        fetch.start()
        return True

    def _on_gpu_support(self, fetch: GpuSupportFetch, folder: Path) -> None:
        """The libraries are in place and loaded: the model loads again (the same request) and says where it runs."""
        if self._gpu_fetch is not fetch:
            return  # cancelled meanwhile
        self._gpu_fetch = None
        self.gpuMessage.emit("info", f"GPU support installed in {folder}; loading the model again to run it on the GPU.", False)
        self._gpu_fetched = True
        self.load()

    def _on_gpu_support_failed(self, fetch: GpuSupportFetch, exc: BaseException) -> None:
        if self._gpu_fetch is not fetch:
            return  # cancelled: said already
        self._gpu_fetch = None
        self.phase.emit("")
        self.stopped.emit()
        self.gpuMessage.emit("error", failed_text(exc), True)

    def _drop_preload(self) -> None:
        if self._quiet and self._loader is not None:
            self._loader.cancel()
            self._loader, self._quiet = None, False  # its signals are ignored from now on
            self.phase.emit("")

    def _forward(self, generation: int, signal, value) -> None:
        if self._current(generation):
            if signal is self.phase:
                self._phase = value
            signal.emit(value)

    def _current(self, generation: int) -> bool:
        return self._latest.is_current(generation) and self._loader is not None

    def _on_ready(self, generation: int, transcriber) -> None:
        if not self._current(generation):
            return  # cancelled meanwhile: let it go
        loader, self._loader, quiet = self._loader, None, self._quiet
        self._quiet = False
        if transcriber is None:  # a background load found the model not on disk
            self._not_on_disk = loader.request
            self.phase.emit("")
            if not quiet:
                self.load()  # Start was pressed meanwhile: download it now
            return
        self._transcriber, self._key, self._not_on_disk = transcriber, loader.request, None
        self.phase.emit("")
        self.ready.emit(self.description())
        notes = ModelNotes.of(transcriber)
        if notes.interim:
            self.message.emit("info", notes.interim)
        fetched, self._gpu_fetched = self._gpu_fetched, False
        if notes.device:  # a GPU that cannot run the model: captions run on the CPU
            self.gpuMessage.emit("warning", notes.device, notes.cuda_libs_missing and not fetched)
        elif fetched:
            self.gpuMessage.emit("info", f"GPU support installed; {transcriber.name} now runs on the GPU.", False)
        if not quiet:
            self.loaded.emit(transcriber)

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if not self._current(generation):
            return
        loader, self._loader, quiet = self._loader, None, self._quiet
        self._quiet, self._gpu_fetched = False, False
        self.phase.emit("")
        self.stopped.emit()
        if isinstance(exc, DownloadCancelled) or quiet:
            log.info("loading %s in the background failed: %s", loader.request.label, exc)
            return
        text, offer_folder = describe_model_error(exc, loader.request)
        self.failed.emit(text, offer_folder)

    def _settings_changed(self, _settings: Settings) -> None:
        if self._quiet and self._loader is not None and self._loader.request != self.request():
            self._drop_preload()  # the former choice loading in the background: let it go
        if self._transcriber is not None and not self.loaded_for(self.request()):
            self.release()  # another model, device or language: free the memory now
        if self.preload_models:
            self.preload()  # ... and load the new choice in the background, or on Start
