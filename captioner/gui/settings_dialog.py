"""The settings dialog: overlay look, captioning options, autosave folder, system-wide shortcuts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from captioner import config
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.models.catalogue import INTERIM_AUTO, INTERIM_NONE
from captioner.engine.vocabulary import parse_vocabulary, read_vocabulary
from captioner.gui import language_list
from captioner.gui.actions import CLICK_THROUGH_SHORTCUT
from captioner.gui.overlay_tab import OverlayTab
from captioner.settings import RECORD_KEEP, RECORD_NEVER, RECORD_UNTIL_REFINED, Settings, default_sessions_dir
from captioner.speaker_count import SpeakerCount

# the choices offered for "People speaking" (any other number or range can be typed): shown text, setting
SPEAKER_COUNTS = (("Any number", ""), *((str(n), str(n)) for n in range(1, 7)), ("2 to 3", "2-3"), ("2 to 4", "2-4"), ("3 to 6", "3-6"))

# the voice detector's strictness (config.SPEECH_DETECTION, webrtcvad's aggressiveness): what each level of its range is
# called, least strict first
SPEECH_DETECTION = tuple(zip(("Most sensitive (quiet voices)", "Sensitive", "Balanced", "Strictest (noisy rooms)"),
                             config.SPEECH_DETECTION.values(), strict=True))


class SettingsDialog(OverlayTab, QDialog):
    """Edits a copy of the settings; the overlay previews changes live (`preview`)."""

    preview = Signal(object)  # OverlaySettings, while the dialog is open

    def __init__(self, settings: Settings, parent: QWidget | None = None, *, tab: str = "overlay", shortcuts_note: str = "",
                 click_through_shortcut: str = CLICK_THROUGH_SHORTCUT) -> None:
        """`click_through_shortcut`: the key that turns the overlay's click-through off, as the app has it (the
        system-wide one where that is listened for), named beside the Click-through choice."""
        super().__init__(parent)
        self._click_through_shortcut = click_through_shortcut
        self.setWindowTitle("Captioner settings")
        self.setObjectName("settingsDialog")
        self._original = settings
        self.declared: dict[str, QWidget] = {}  # the fields made for declared settings, by name (`_declared_rows`)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._overlay_tab(settings.overlay), "Caption overlay")
        self.tabs.addTab(self._captions_tab(settings), "Captioning")
        self.tabs.addTab(self._files_tab(settings), "Files")
        self.tabs.addTab(self._shortcuts_tab(settings, shortcuts_note), "Shortcuts")
        self.tabs.setCurrentIndex({"overlay": 0, "captions": 1, "files": 2, "shortcuts": 3}.get(tab, 0))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.Ok)
        self.speaker_count.editTextChanged.connect(self._check_count)
        self._check_count()
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)

    # -- tabs -------------------------------------------------------------------
    def _captions_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.language = QComboBox()
        self.language.setEditable(True)
        for code, shown in language_list.choices():
            self.language.addItem(shown, code)
        index = self.language.findData(s.language)
        if index >= 0:
            self.language.setCurrentIndex(index)
        else:
            self.language.setEditText(s.language)
        form.addRow("Spoken language:", self.language)
        note = QLabel("Detect needs a multilingual model: models ending in “.en” always caption English.")
        note.setStyleSheet("color: palette(mid);")
        form.addRow("", note)
        self.beam_size = QSpinBox()
        self.beam_size.setRange(*config.BEAM_SIZE.range)
        self.beam_size.setValue(s.beam_size)
        self.beam_size.setToolTip(config.BEAM_SIZE.tooltip())
        form.addRow("Beam size:", self.beam_size)
        self.interim_text = QCheckBox("Show words as they are heard, before each sentence is final")
        self.interim_text.setToolTip(config.INTERIM_TEXT.tooltip())
        self.interim_text.setChecked(s.interim_text)
        form.addRow("", self.interim_text)
        self.quick_interims = QCheckBox("First words from a small model beside a big one (on a CPU)")
        self.quick_interims.setToolTip(config.INTERIM_MODEL.tooltip())
        self.quick_interims.setChecked(s.interim_model != INTERIM_NONE)
        form.addRow("", self.quick_interims)
        self.quick_interims.setEnabled(s.interim_text)  # without interim text there is nothing for it to write
        self.interim_text.toggled.connect(self.quick_interims.setEnabled)
        self.speech_detection = QComboBox()
        for text, value in SPEECH_DETECTION:
            self.speech_detection.addItem(text, value)
        self.speech_detection.setCurrentIndex(max(0, self.speech_detection.findData(s.speech_detection)))
        self.speech_detection.setToolTip(config.SPEECH_DETECTION.tooltip())
        form.addRow("Speech detection:", self.speech_detection)
        self.vocabulary = QLineEdit(s.vocabulary)
        self.vocabulary.setPlaceholderText("Ana Pereira, Kubernetes, Q3 roadmap")
        self.vocabulary.setToolTip(config.VOCABULARY.tooltip())
        from_file = QPushButton("From a file…")
        from_file.setToolTip("Read the names and terms from a text file: one a line, or separated by commas (as --vocabulary FILE reads it)")
        from_file.clicked.connect(self._vocabulary_from_file)
        self.vocabulary_note = QLabel("")
        self.vocabulary_note.setObjectName("hint")
        self.vocabulary_note.setWordWrap(True)
        self.vocabulary_note.hide()
        row = QHBoxLayout()
        row.addWidget(self.vocabulary, 1)
        row.addWidget(from_file)
        form.addRow("Names and terms:", row)
        form.addRow("", self.vocabulary_note)
        self.label_edits: dict[str, QLineEdit] = {}  # each channel's label, by id
        for channel, title, tip in (
            (MICROPHONE, "Microphone label:", "Shown beside what the microphone hears when the microphone and system audio are both captioned"),
            (SYSTEM, "System audio label:", "Shown beside what the computer plays (the other people on a call)"),
        ):
            edit = self.label_edits[channel] = QLineEdit(s.labels[channel])
            edit.setToolTip(tip)
            form.addRow(title, edit)
        self.srt_labels = QCheckBox("Begin each SRT subtitle with its label (“You: …”); TXT and VTT always carry it")
        self.srt_labels.setChecked(s.srt_labels)
        form.addRow("", self.srt_labels)
        self.speakers = QCheckBox("Tell speakers apart by voice (“Speaker 1”, “Speaker 2”, …)")
        self.speakers.setToolTip(config.SPEAKERS.tooltip())
        self.speakers.setChecked(s.speakers)
        form.addRow("", self.speakers)
        self.speaker_count = QComboBox()
        self.speaker_count.setEditable(True)
        for text, value in SPEAKER_COUNTS:
            self.speaker_count.addItem(text, value)
        self._show_count(s.speaker_count)
        self.speaker_count.setToolTip(config.SPEAKER_COUNT.tooltip())
        self.speaker_count.setEnabled(s.speakers)
        self.speakers.toggled.connect(self.speaker_count.setEnabled)
        self.speakers.toggled.connect(lambda _on: self._check_count())
        form.addRow("People speaking:", self.speaker_count)
        self.count_note = QLabel("")  # what is wrong with the number typed, while OK waits for one that is right
        self.count_note.setObjectName("problem")
        self.count_note.setWordWrap(True)
        self.count_note.hide()
        form.addRow("", self.count_note)
        self._declared_rows(form, s, "captions")
        return page

    def _vocabulary_from_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Names and terms from a file", str(Path.home()), "Text files (*.txt *.csv *.lst);;All files (*)")
        if path:
            self.load_vocabulary(path)

    def load_vocabulary(self, path: str) -> None:
        """The names and terms of the text file at `path` in the field (what was typed there is replaced); why not, when
        the file cannot be read, said under the field and the field left as it was."""
        try:
            terms = read_vocabulary(str(path))
        except ValueError as exc:
            self.vocabulary_note.setText(f"{str(exc)[:1].upper()}{str(exc)[1:]}.")
        else:
            self.vocabulary.setText(terms)
            count = len([t for t in terms.split(",") if t.strip()])
            self.vocabulary_note.setText(f"{count} names and terms read from {Path(path).name}." if count else
                                         f"{Path(path).name} holds no names or terms.")
        self.vocabulary_note.show()

    def _show_count(self, value: str) -> None:
        index = self.speaker_count.findData(value)
        if index >= 0:
            self.speaker_count.setCurrentIndex(index)
        else:
            self.speaker_count.setEditText(value)

    def _check_count(self, *_text) -> None:
        """A number of people that is none (“abc”, “0”) is said under the field, and OK waits until it is right."""
        text = self.speaker_count.currentText().strip()
        problem = ""
        if self.speakers.isChecked() and self.speaker_count.findText(text) < 0:
            try:
                SpeakerCount.parse(text)
            except ValueError:
                problem = f"“{text}” is not a number of people: type one (2), a range (2-4), or pick “Any number”."
        self.count_note.setText(problem)
        self.count_note.setVisible(bool(problem))
        self.ok_button.setEnabled(not problem)

    def _speaker_count(self) -> str:
        """The number of people as typed or picked, "" for any; what was there before when it is no number of people."""
        text = self.speaker_count.currentText().strip()
        index = self.speaker_count.findText(text)
        if index >= 0:
            return self.speaker_count.itemData(index)
        try:
            return str(SpeakerCount.parse(text))
        except ValueError:
            return self._original.speaker_count

    def _files_tab(self, s: Settings) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.autosave = QCheckBox("Save every session as it happens (SRT and TXT)")
        self.autosave.setChecked(s.autosave)
        form.addRow(self.autosave)
        self.autosave_dir = QLineEdit(s.autosave_dir)
        self.autosave_dir.setPlaceholderText(str(default_sessions_dir()))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_folder)
        row = QHBoxLayout()
        row.addWidget(self.autosave_dir, 1)
        row.addWidget(browse)
        form.addRow("Autosave folder:", row)
        self.recording = QComboBox()
        for value, text in ((RECORD_UNTIL_REFINED, "Keep until the transcript is refined, then delete"),
                            (RECORD_KEEP, "Keep"), (RECORD_NEVER, "Never record (no refined transcript)")):
            self.recording.addItem(text, value)
        self.recording.setCurrentIndex(max(0, self.recording.findData(s.recording)))
        self.recording.setToolTip(config.RECORDING.tooltip())
        form.addRow("Session audio:", self.recording)
        self.recording.currentIndexChanged.connect(lambda _i: self._autosave_toggled(self.autosave.isChecked()))
        self.refine_at_stop = QCheckBox("Refine the transcript when a session stops (in the background)")
        self.refine_at_stop.setChecked(s.refine_at_stop)
        self.refine_at_stop.setToolTip(config.REFINE_AT_STOP.tooltip())
        form.addRow(self.refine_at_stop)
        # the audio and the refine live beside the autosave files: without autosave neither is kept, so neither is offered
        self.autosave.toggled.connect(self._autosave_toggled)
        self._autosave_toggled(s.autosave)
        self._declared_rows(form, s, "files")
        return page

    def _declared_rows(self, form: QFormLayout, s: Settings, tab: str) -> None:
        """A row for each setting declared to show in `tab` (`config.Setting.tab`): a field made for its type, holding
        its value, with its label and tooltip."""
        for setting in config.APP:
            if setting.tab == tab:
                widget = self.declared[setting.name] = _field_for(setting, getattr(s, setting.name))
                widget.setToolTip(setting.tooltip())
                form.addRow(*(("",) if isinstance(widget, QCheckBox) else (setting.label,)), widget)

    def _autosave_toggled(self, on: bool) -> None:
        self.autosave_dir.setEnabled(on)
        self.recording.setEnabled(on)
        self.refine_at_stop.setEnabled(on and self.recording.currentData() != RECORD_NEVER)
        tip = "" if on else "Only with autosave on: the audio and the refined transcript are kept beside the session's files"
        for w in (self.recording, self.refine_at_stop):
            w.setStatusTip(tip)

    def _shortcuts_tab(self, s: Settings, note: str) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.global_shortcuts = QCheckBox("System-wide shortcuts: they work while another window (the meeting) has focus")
        self.global_shortcuts.setChecked(s.global_shortcuts)
        form.addRow(self.global_shortcuts)
        self.shortcut_edits: dict[str, QKeySequenceEdit] = {}
        for name, label, value in (
            ("shortcut_start_stop", "Start / Stop:", s.shortcut_start_stop),
            ("shortcut_overlay", "Show / hide the overlay:", s.shortcut_overlay),
            ("shortcut_click_through", "Overlay click-through:", s.shortcut_click_through),
        ):
            edit = QKeySequenceEdit(QKeySequence(value))
            edit.setMaximumSequenceLength(1)
            edit.setClearButtonEnabled(True)
            edit.setObjectName(name)
            self.shortcut_edits[name] = edit
            form.addRow(label, edit)
        self.global_shortcuts.toggled.connect(lambda on: [e.setEnabled(on) for e in self.shortcut_edits.values()])
        for edit in self.shortcut_edits.values():
            edit.setEnabled(s.global_shortcuts)
        self.shortcuts_note = QLabel(note or "Use Ctrl, Alt or Meta with a key. While captioner runs, these keys are its own: the window that has focus does not get them.")
        self.shortcuts_note.setObjectName("shortcutsNote")
        self.shortcuts_note.setWordWrap(True)
        form.addRow(self.shortcuts_note)
        return page

    # -- results ------------------------------------------------------------------
    def changes(self, chosen: Settings) -> dict:
        """What `chosen` (its `result_settings`) changes of the settings the dialog opened with, by field, but the
        overlay's (the app keeps its place, visibility and click-through as they are now): what OK takes over."""
        return {f.name: getattr(chosen, f.name) for f in dataclasses.fields(chosen)
                if f.name != "overlay" and getattr(chosen, f.name) != getattr(self._original, f.name)}

    def result_settings(self) -> Settings:
        text = self.language.currentText().strip()
        index = self.language.findText(text)
        language = self.language.itemData(index) if index >= 0 else (text or config.LANGUAGE.initial())
        declared = {name: _value_of(widget) for name, widget in self.declared.items()}
        return dataclasses.replace(
            self._original,
            **declared,
            overlay=self.overlay_settings(),
            language=language,
            beam_size=self.beam_size.value(),
            interim_model=(INTERIM_AUTO if self._original.interim_model == INTERIM_NONE else self._original.interim_model)
            if self.quick_interims.isChecked() else INTERIM_NONE,
            vocabulary=parse_vocabulary(self.vocabulary.text()),
            labels={**self._original.labels, **{channel: _label(edit.text(), self._original.labels[channel]) for channel, edit in self.label_edits.items()}},
            srt_labels=self.srt_labels.isChecked(),
            speakers=self.speakers.isChecked(),
            speaker_count=self._speaker_count(),
            interim_text=self.interim_text.isChecked(),
            speech_detection=self.speech_detection.currentData(),
            autosave=self.autosave.isChecked(),
            autosave_dir=self.autosave_dir.text().strip(),
            global_shortcuts=self.global_shortcuts.isChecked(),
            **{name: edit.keySequence().toString(QKeySequence.PortableText) for name, edit in self.shortcut_edits.items()},
            recording=self.recording.currentData(),
            refine_at_stop=self.refine_at_stop.isChecked(),
        )

    def _choose_folder(self) -> None:
        start = self.autosave_dir.text() or str(default_sessions_dir())
        folder = QFileDialog.getExistingDirectory(self, "Autosave folder", str(Path(start).expanduser()))
        if folder:
            self.autosave_dir.setText(folder)


def _field_for(setting: config.Setting, value) -> QWidget:
    """A field that shows and edits `value` of `setting`, made for its type: a check box, a list of its choices, a
    number within its range, or a line of text."""
    if setting.type is bool:
        widget = QCheckBox(setting.label)
        widget.setChecked(value)
    elif setting.choices:
        widget = QComboBox()
        for choice in setting.choices:
            widget.addItem(str(choice).capitalize(), choice)
        widget.setCurrentIndex(max(0, widget.findData(value)))
    elif setting.type in (int, float) and setting.range is not None:
        widget = QSpinBox() if setting.type is int else QDoubleSpinBox()
        widget.setRange(*setting.range)
        widget.setValue(value)
    else:
        widget = QLineEdit(str(value))
    return widget


def _value_of(widget: QWidget):
    """The value a field made by `_field_for` holds."""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    if isinstance(widget, QComboBox):
        return widget.currentData()
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.value()
    return widget.text().strip()


def _label(text: str, before: str) -> str:
    """A channel label as typed, or the one before when it was left empty."""
    return " ".join(text.split()) or before
