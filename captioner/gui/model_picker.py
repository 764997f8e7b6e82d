"""The model picker: which speech model (a name or a local folder), where it runs, whether it is
on disk; and the panel that shows a model being found, downloaded and loaded."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QLabel, QMessageBox, QWidget

from captioner.app.pace_hint import (
    PassTimes,
    delay_words,
    estimate_pass,
    instead_text,
    keeps_up,
    model_figure,
    pace_key,
    pace_text,
    pace_tooltip,
    recommend_faster,
)
from captioner.engine.models.catalogue import DEFAULT_MODEL, MODEL_CHOICES, is_folder_spec, model_label
from captioner.gui.device_picker import ElidingComboBox
from captioner.gui.message_bar import Notice
from captioner.gui.settings_store import SettingsStore
from captioner.gui.tasks import Latest, run_in_thread
from captioner.gui.widgets import control_row
from captioner.settings import remember_folder

__all__ = ["CHOOSE_FOLDER", "FORGET_FOLDER", "MODEL_CAUSE", "ModelCombo", "ModelPicker", "folder_problem"]

CHOOSE_FOLDER = "\0choose-folder"
FORGET_FOLDER = "\0forget-folder"
MODEL_CAUSE = "model"  # notices about the chosen model; they go when another model is chosen
COMPUTE_CHOICES = (("Auto", "auto"), ("GPU (CUDA)", "cuda"), ("CPU", "cpu"))


def _is_cached(spec: str) -> bool:
    from captioner.engine.models.catalogue import is_cached

    return is_cached(spec)


def fallback_model(folders: tuple[str, ...]) -> str:
    """The model to use once the one in use is taken off the list: another listed folder that holds a model, else a
    catalogue model already downloaded (the default first), else the default (a bundle's own model, or one to download)."""
    from captioner.engine.models.catalogue import is_model_folder

    for folder in folders:
        if is_model_folder(Path(folder)) and folder_problem(folder) is None:
            return folder
    from captioner.engine.models.catalogue import default_model

    return next((name for name in (DEFAULT_MODEL, *(n for n, _size in MODEL_CHOICES)) if _is_cached(name)), default_model())


def folder_problem(folder: str) -> str | None:
    """Why the model folder cannot be used, for people, or None: files missing, or a model.bin
    that is not whole (read from its headers, without loading it)."""
    from captioner.engine.models.model_file import ModelFileError, read_shape

    if not _is_cached(folder):
        return (
            f"{folder} is not a faster-whisper (CTranslate2) model folder: it needs model.bin, config.json and "
            "tokenizer.json (or vocabulary.*)."
        )
    try:
        read_shape(Path(folder).expanduser() / "model.bin")
    except ModelFileError as exc:
        return f"{exc}. This folder cannot be used; copy or download the model again."
    return None


def _check(spec: str) -> tuple[bool, str | None]:
    """Whether `spec` is on disk, and for a folder what is wrong with it (a worker's job)."""
    if is_folder_spec(spec):
        problem = folder_problem(spec)
        return _is_cached(spec), problem
    return _is_cached(spec), None


def _time_and_keep(transcriber, key: str, times_path: Path) -> float:
    """One timed pass (on a worker thread), written to the pass-times file."""
    from captioner.engine.live.pacing import time_one_pass

    seconds = time_one_pass(transcriber)
    PassTimes(times_path).put(key, seconds)
    return seconds


FIGURE_SEPARATOR = " · "  # between a model's name and its delay here, in the list


class ModelCombo(ElidingComboBox):
    """The model list: each entry says its delay here; the closed box shows only the chosen name
    (the hint beside it says the rest)."""

    def label_text(self) -> str:
        return super().label_text().split(FIGURE_SEPARATOR)[0]


class ModelPicker(QWidget):
    """"Model: [combo] [compute] hint". Writes the choice to the store; says what it needs by signals.

    The hint says whether the model is on disk and, once one pass of it has been timed on this
    computer (`measure`, after it loads), how far captions will trail speech, with a faster
    model to switch to when it falls behind.
    """

    message = Signal(object)  # Notice
    resolved = Signal(str)  # a cause whose notices no longer hold
    downloadRequested = Signal()  # "download now" in the hint

    def __init__(self, store: SettingsStore, parent: QWidget | None = None, *, pass_times: PassTimes | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._last_index = 0
        self._checks = Latest()  # only the latest "is it on disk?" answer is shown
        self._timings = Latest()  # only the latest timing of a pass is shown
        self._timing_key = ""  # the pace_key being timed now
        self._cached: bool | None = None  # whether the chosen model is on disk; None: not known yet
        self._problem: str | None = None  # what is wrong with the chosen model folder
        self.pass_times = pass_times or PassTimes()
        self.combo = ModelCombo()
        row = control_row(self, "Model:", self.combo, "modelCombo")
        self.combo.activated.connect(self._chosen)
        self.compute_combo = QComboBox()
        self.compute_combo.setObjectName("computeCombo")
        for text, value in COMPUTE_CHOICES:
            self.compute_combo.addItem(text, value)
        self.compute_combo.setToolTip("Where the model runs: Auto uses a CUDA GPU when there is one")
        self.compute_combo.activated.connect(self._compute_chosen)
        row.addWidget(self.compute_combo, 1)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setTextFormat(Qt.RichText)
        self.hint.setWordWrap(True)  # a long hint (size, estimate, link) takes two lines, not a wider window
        self.hint.linkActivated.connect(self._hint_link)
        row.addWidget(self.hint, 4)
        self.fill()
        self.compute_combo.setCurrentIndex(max(0, self.compute_combo.findData(store.settings.compute_device)))
        store.changed.connect(self._settings_changed)
        self.update_hint()

    def _settings_changed(self, _settings) -> None:
        self._show_pace()  # the beam size (Settings) is part of what a pass time belongs to
        self.show_figures()

    @property
    def spec(self) -> str:
        return self.store.settings.model

    @property
    def pace_key(self) -> str:
        s = self.store.settings
        return pace_key(s.model, s.compute_device, s.beam_size)

    def measure(self, transcriber) -> None:
        """Time one pass of `transcriber` (loaded for the current choice) in the background, unless
        this model, device and beam were timed before; the hint then shows the expected delay."""
        key = self.pace_key
        if self.pass_times.get(key) is not None or key == self._timing_key:
            return
        ticket = self._timings.next()
        self._timing_key = key
        self._show_pace()
        run_in_thread(
            _time_and_keep, transcriber, key, self.pass_times.path,
            on_done=lambda seconds: self._timed(ticket, key, seconds),
            on_failed=lambda exc: self._timed(ticket, key, None),
            owner=self, name="captioner-pace",
        )  # fmt: skip

    def _timed(self, ticket: int, key: str, seconds: float | None) -> None:
        if seconds is not None:
            self.pass_times.seconds[key] = seconds  # the worker wrote the file
            self.show_figures()
        if self._timings.is_current(ticket):
            self._timing_key = ""
            self._show_pace()

    def fill(self) -> None:
        s = self.store.settings
        combo = self.combo
        combo.clear()
        for name, _size in MODEL_CHOICES:
            combo.addItem(name, name)
        folders = list(s.model_folders)
        if is_folder_spec(s.model) and s.model not in folders:
            folders.insert(0, s.model)
        if folders:
            combo.insertSeparator(combo.count())
            for folder in folders:
                combo.addItem(f"{model_label(folder)} (folder)", folder)
                combo.setItemData(combo.count() - 1, folder, Qt.ToolTipRole)
        combo.insertSeparator(combo.count())
        combo.addItem("Choose a folder…", CHOOSE_FOLDER)
        combo.setItemData(combo.count() - 1, "Use a faster-whisper (CTranslate2) model folder on this computer", Qt.ToolTipRole)
        if folders:
            combo.addItem("Remove a folder from this list…" if not is_folder_spec(s.model) else f"Remove the folder {model_label(s.model)} from this list", FORGET_FOLDER)
            combo.setItemData(combo.count() - 1, "The folder itself stays on disk", Qt.ToolTipRole)
        index = combo.findData(s.model)
        if index < 0:  # a name not in the list (a hub id from the command line, say)
            combo.insertItem(0, s.model, s.model)
            index = 0
        combo.setCurrentIndex(index)
        self._last_index = index
        self.show_figures()

    def measured(self) -> dict[str, float]:
        """Pass times measured here for the catalogue's models, on the chosen device and beam."""
        s = self.store.settings
        return self.pass_times.by_model(s.compute_device, s.beam_size)

    def show_figures(self) -> None:
        """Each catalogue entry says how far it would trail speech here: measured, or estimated (so
        marked) from a model measured here, downloaded or not."""
        measured, timed_with = self.measured(), self.timed_with()
        combo = self.combo
        for name, size in MODEL_CHOICES:
            index = combo.findData(name)
            if index < 0:
                continue
            figure, tip = model_figure(name, measured, timed_with)
            default = "  (default)" if name == DEFAULT_MODEL else ""
            combo.setItemText(index, f"{name}{default}{FIGURE_SEPARATOR}{figure}" if figure else f"{name}{default}")
            about = f"faster-whisper {name}, about {size} to download once"
            combo.setItemData(index, f"{about}. {tip}" if tip else about, Qt.ToolTipRole)
        s = self.store.settings
        for index in range(combo.count()):
            folder = combo.itemData(index)
            if isinstance(folder, str) and folder != CHOOSE_FOLDER and is_folder_spec(folder):
                pass_s = self.pass_times.get(pace_key(folder, s.compute_device, s.beam_size))
                label = f"{model_label(folder)} (folder)"
                combo.setItemText(index, f"{label}{FIGURE_SEPARATOR}{delay_words(pass_s)}" if pass_s is not None else label)
        view = combo.view()  # the list is as wide as its longest entry; the box itself stays narrow
        view.setMinimumWidth(view.sizeHintForColumn(0) + 24)

    def timed_with(self) -> dict[str, str]:
        """The model folder each of `measured`'s times was taken with, where not the catalogue model itself."""
        s = self.store.settings
        return {name: folder for name, (_s, folder) in self.pass_times.timings(s.compute_device, s.beam_size).items() if folder}

    def figure(self, name: str) -> str:
        """The delay the list shows for catalogue model `name` ("" when none)."""
        return model_figure(name, self.measured(), self.timed_with())[0]

    def _chosen(self, index: int) -> None:
        spec = self.combo.itemData(index)
        if spec == CHOOSE_FOLDER:
            self.combo.setCurrentIndex(self._last_index)
            self.choose_folder()
            return
        if spec == FORGET_FOLDER:
            self.combo.setCurrentIndex(self._last_index)
            self.forget_folder(asked=True)
            return
        self._last_index = index
        if spec != self.store.settings.model:
            self.store.update(model=spec)
            self.resolved.emit(MODEL_CAUSE)
        self.update_hint()

    def choose_folder(self) -> None:
        start = self.spec if is_folder_spec(self.spec) else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Choose a faster-whisper model folder", start)
        if not folder:
            return
        problem = folder_problem(folder)
        if problem is not None:
            self.message.emit(Notice("error", problem, MODEL_CAUSE, ("Choose another folder…", "choose-folder")))
            return
        self.use_folder(folder)

    def forget_folder(self, folder: str | None = None, *, asked: bool = False) -> None:
        """Take a model folder off the list (the chosen one, else the oldest); the files stay. `asked`: only once the
        person says yes (picked in the list, where a key press picks it too). When it was the model in use, a model on
        disk takes its place (`fallback_model`)."""
        s = self.store.settings
        folder = folder or (s.model if is_folder_spec(s.model) else (s.model_folders[-1] if s.model_folders else None))
        if folder is None:
            return
        if asked and QMessageBox.question(
                self, "Remove the model folder from the list?",
                f"Remove {folder} from the list of models? Its files stay on disk; \"choose a folder…\" lists it again.",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        changes = {"model_folders": tuple(f for f in s.model_folders if f != folder)}
        if s.model == folder:
            changes["model"] = fallback_model(changes["model_folders"])
        self.store.update(**changes)
        self.fill()
        self.resolved.emit(MODEL_CAUSE)
        self.update_hint()

    def use_folder(self, folder: str) -> None:
        s = self.store.settings
        self.store.update(model=folder, model_folders=remember_folder(s.model_folders, folder))
        self.fill()
        self.resolved.emit(MODEL_CAUSE)
        self.update_hint()

    def _compute_chosen(self, index: int) -> None:
        device = self.compute_combo.itemData(index)
        if device != self.store.settings.compute_device:
            self.store.update(compute_device=device)
            self.resolved.emit(MODEL_CAUSE)  # what was said of the model on the other device no longer holds
        self.update_hint()

    def update_hint(self) -> None:
        """Look (off the GUI thread) whether the chosen model is on disk, and say so."""
        spec = self.spec
        self.hint.setText("")
        self._cached = None
        ticket = self._checks.next()
        run_in_thread(_check, spec, on_done=lambda found: self._show_hint(ticket, spec, *found), owner=self, name="captioner-model-check")

    def _show_hint(self, ticket: int, spec: str, cached: bool, problem: str | None = None) -> None:
        if not self._checks.is_current(ticket):
            return  # a later choice asked again
        self._cached = cached
        self._problem = problem
        self._show_pace()

    def _show_pace(self) -> None:
        """The hint: the expected delay once known (or that a pass is being timed), else whether the
        model is on disk."""
        spec, cached = self.spec, self._cached
        if cached is None:
            return  # the answer is on its way
        if is_folder_spec(spec) and cached and self._problem:
            self.hint.setText("<span style='color:#d1242f'>model.bin is not whole</span> · <a href='forget'>remove it from the list</a>")
            self.hint.setToolTip(self._problem)
            return
        if is_folder_spec(spec):
            disk = "local folder" if cached else "<span style='color:#d1242f'>folder missing</span> · <a href='forget'>remove it from the list</a>"
        elif cached:
            disk = "downloaded"
        else:
            size = dict(MODEL_CHOICES).get(spec, "")
            figure, tip = model_figure(spec, self.measured(), self.timed_with())
            instead = self._instead(spec)
            self.hint.setText(f"not downloaded{f' ({size})' if size else ''}{f' · {figure}' if figure else ''} · "
                              f"{instead[0] + ' · ' if instead else ''}<a href='download'>download now</a>")
            self.hint.setToolTip(instead[1] if instead else tip)
            return
        s = self.store.settings
        pass_s = self.pass_times.get(self.pace_key)
        if pass_s is not None:
            faster = recommend_faster(spec, pass_s, self.pass_times.by_model(s.compute_device, s.beam_size), s.language == "en" or spec.endswith(".en"))
            self.hint.setText(pace_text(pass_s, faster))  # it loaded and ran: on disk goes without saying
            self.hint.setToolTip(pace_tooltip(pass_s))
        else:
            timing = self._timing_key == self.pace_key
            self.hint.setText("timing one pass on this computer…" if timing else disk)
            self.hint.setToolTip("")

    def _instead(self, spec: str) -> tuple[str, str] | None:
        """A link to the best model that keeps up here, and why, where `spec` is estimated not to (None otherwise)."""
        s = self.store.settings
        measured = self.measured()
        found = estimate_pass(spec, measured)
        if found is None or keeps_up(found[0]):
            return None
        faster = recommend_faster(spec, found[0], measured, s.language == "en" or spec.endswith(".en"))
        if faster is None:
            return None
        faster_s = measured.get(faster) or (estimate_pass(faster, measured) or (None,))[0]
        return instead_text(spec, found[0], faster, faster_s)

    def _hint_link(self, link: str) -> None:
        if link == "download":
            self.downloadRequested.emit()
        elif link == "forget":
            self.forget_folder()
        elif link.startswith("use:"):
            self.choose_model(link[4:])

    def choose_model(self, spec: str) -> None:
        """Switch to `spec`, a name in the list (as if picked there)."""
        index = self.combo.findData(spec)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._chosen(index)

    def set_phase(self, phase: str) -> None:
        """The model loader's phase ("" when done): the hint hides meanwhile, then looks again."""
        if phase:
            self._checks.drop()
            self._cached = None
            self.hint.setText("")
        else:
            self.update_hint()
