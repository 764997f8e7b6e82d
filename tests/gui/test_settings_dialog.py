"""The settings dialog: what it offers follows what has an effect."""

from __future__ import annotations

from dataclasses import replace

from captioner.gui.settings_dialog import SettingsDialog
from captioner.settings import RECORD_NEVER, Settings


def test_session_audio_and_the_refine_are_offered_only_with_autosave(qtbot) -> None:
    dialog = SettingsDialog(replace(Settings(), autosave=False), tab="files")
    qtbot.addWidget(dialog)
    assert not dialog.recording.isEnabled() and not dialog.refine_at_stop.isEnabled() and not dialog.autosave_dir.isEnabled()
    dialog.autosave.setChecked(True)
    assert dialog.recording.isEnabled() and dialog.refine_at_stop.isEnabled()
    dialog.recording.setCurrentIndex(dialog.recording.findData(RECORD_NEVER))  # no audio: nothing to refine
    assert dialog.recording.isEnabled() and not dialog.refine_at_stop.isEnabled()
    dialog.autosave.setChecked(False)
    assert not dialog.recording.isEnabled()
    chosen = dialog.result_settings()  # what was chosen is kept, for when autosave is on again
    assert not chosen.autosave and chosen.recording == RECORD_NEVER


def test_the_number_of_people_is_offered_with_speakers_and_kept_as_typed(qtbot) -> None:
    from captioner.speaker_count import SpeakerCount

    dialog = SettingsDialog(replace(Settings(), speakers=False, speaker_count="3"), tab="captions")
    qtbot.addWidget(dialog)
    assert not dialog.speaker_count.isEnabled() and dialog.speaker_count.currentText() == "3"
    dialog.speakers.setChecked(True)
    assert dialog.speaker_count.isEnabled()
    dialog.speaker_count.setCurrentIndex(dialog.speaker_count.findData("2-4"))
    chosen = dialog.result_settings()
    assert chosen.speaker_count == "2-4" and chosen.speakers_option() == SpeakerCount(2, 4)
    dialog.speaker_count.setEditText("5–7")  # typed, with a dash as a user writes it
    assert dialog.result_settings().speaker_count == "5-7"
    dialog.speaker_count.setEditText("lots")  # no number of people: what there was before
    assert dialog.result_settings().speaker_count == "3"
    dialog.speaker_count.setCurrentIndex(dialog.speaker_count.findData(""))
    assert dialog.result_settings().speakers_option() == SpeakerCount()
    assert replace(chosen, speakers=False).speakers_option() is False


def test_names_and_terms_are_read_from_a_file_as_the_cli_reads_them(qtbot, tmp_path) -> None:
    dialog = SettingsDialog(replace(Settings(), vocabulary="Old Term"), tab="captions")
    qtbot.addWidget(dialog)
    terms = tmp_path / "terms.txt"
    terms.write_text("Ana Pereira\nKubernetes, Q3 roadmap\n\nkubernetes\n", encoding="utf-8")
    dialog.load_vocabulary(str(terms))
    assert dialog.vocabulary.text() == "Ana Pereira, Kubernetes, Q3 roadmap"
    assert dialog.vocabulary_note.text() == "3 names and terms read from terms.txt."
    assert dialog.result_settings().vocabulary == "Ana Pereira, Kubernetes, Q3 roadmap"
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    dialog.load_vocabulary(str(binary))  # cannot be read: said, and the field keeps what it had
    assert dialog.vocabulary.text() == "Ana Pereira, Kubernetes, Q3 roadmap"
    assert dialog.vocabulary_note.text().startswith("Cannot read the vocabulary file")
    dialog.load_vocabulary(str(tmp_path / "gone.txt"))
    assert dialog.vocabulary_note.text().startswith("No vocabulary file")
