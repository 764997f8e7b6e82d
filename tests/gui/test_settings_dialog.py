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
    dialog.speaker_count.setEditText("lots")  # no number of people: said under the field, and OK waits for one
    assert dialog.count_note.isVisibleTo(dialog) and "“lots” is not a number of people" in dialog.count_note.text()
    assert not dialog.ok_button.isEnabled() and dialog.result_settings().speaker_count == "3"
    dialog.speaker_count.setEditText("4")
    assert not dialog.count_note.isVisibleTo(dialog) and dialog.ok_button.isEnabled()
    dialog.speaker_count.setEditText("abc")
    dialog.speakers.setChecked(False)  # speakers off: the number is not used, nothing holds OK back
    assert dialog.ok_button.isEnabled()
    dialog.speakers.setChecked(True)
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


def test_high_contrast_sets_white_bold_text_on_opaque_black(qtbot) -> None:
    from captioner.gui.contrast import AAA_CONTRAST, contrast_ratio

    dialog = SettingsDialog(Settings(), tab="overlay")
    qtbot.addWidget(dialog)
    previews = []
    dialog.preview.connect(previews.append)
    before = dialog.overlay_settings()
    assert before.background_opacity < 1.0 and not before.bold
    dialog.high_contrast.click()
    look = dialog.overlay_settings()
    assert (look.text_color, look.background_color, look.background_opacity, look.bold) == ("#ffffff", "#000000", 1.0, True)
    assert contrast_ratio(look.interim_color, look.background_color) >= AAA_CONTRAST and look.interim_color != before.interim_color
    assert (look.font_size, look.lines, look.placement) == (before.font_size, before.lines, before.placement)  # only the look
    assert previews[-1] == look  # the overlay shows it at once
    assert dialog.result_settings().overlay == look
    dialog.overlay_defaults.click()
    assert dialog.overlay_settings() == before


def test_the_overlay_position_is_chosen_in_the_overlay_tab(qtbot) -> None:
    from captioner.settings import PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP, PLACEMENT_FLOATING, OverlaySettings

    dialog = SettingsDialog(replace(Settings(), overlay=OverlaySettings(placement=PLACEMENT_DOCKED_TOP)), tab="overlay")
    qtbot.addWidget(dialog)
    assert dialog.placement.currentData() == PLACEMENT_DOCKED_TOP
    assert [dialog.placement.itemData(i) for i in range(dialog.placement.count())] == [PLACEMENT_FLOATING, PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP]
    previews = []
    dialog.preview.connect(previews.append)
    dialog.placement.setCurrentIndex(dialog.placement.findData(PLACEMENT_DOCKED_BOTTOM))
    assert previews[-1].placement == PLACEMENT_DOCKED_BOTTOM == dialog.result_settings().overlay.placement
    dialog.overlay_defaults.click()
    assert dialog.result_settings().overlay.placement == PLACEMENT_FLOATING


def test_the_overlay_tab_names_the_click_through_key_the_app_has(make_app, monkeypatch) -> None:
    from captioner.gui.actions import CLICK_THROUGH_SHORTCUT
    from captioner.gui.hotkeys import CLICK_THROUGH, GlobalShortcuts

    app = make_app()  # offscreen: no system-wide shortcut, the app's own key
    dialog = app.open_settings("overlay")
    assert CLICK_THROUGH_SHORTCUT in dialog.click_through.text()
    assert f"{CLICK_THROUGH_SHORTCUT} to undo" in app.window.status_line.click_through_label.text()
    dialog.reject()
    # where the desktop lets the app listen system-wide, the banner, the status line and the tab all name that key
    anywhere = Settings().shortcut_click_through
    monkeypatch.setattr(GlobalShortcuts, "bindings", property(lambda self: {CLICK_THROUGH: anywhere}))
    app._apply_shortcuts(app.store.settings)
    assert anywhere != CLICK_THROUGH_SHORTCUT and f"{anywhere} to undo" in app.window.status_line.click_through_label.text()
    dialog = app.open_settings("overlay")
    assert f"{anywhere} turns it off" in dialog.click_through.text() and CLICK_THROUGH_SHORTCUT not in dialog.click_through.text()
    app.actions.click_through.setChecked(True)
    assert f"{anywhere} (anywhere)" in app.window.message_bar.text
    dialog.reject()


def test_the_captioning_tab_offers_the_declared_range_and_says_the_declared_help(qtbot) -> None:
    from captioner import config

    dialog = SettingsDialog(replace(Settings(), speech_detection=0, beam_size=4), tab="captions")
    qtbot.addWidget(dialog)
    assert (dialog.beam_size.minimum(), dialog.beam_size.maximum()) == config.BEAM_SIZE.range and dialog.beam_size.value() == 4
    levels = [dialog.speech_detection.itemData(i) for i in range(dialog.speech_detection.count())]
    assert levels == list(config.SPEECH_DETECTION.values()) and dialog.speech_detection.currentData() == 0
    assert dialog.speech_detection.toolTip() == config.SPEECH_DETECTION.tooltip() and "0–3" in dialog.speech_detection.toolTip()
    assert dialog.beam_size.toolTip() == config.BEAM_SIZE.tip and dialog.interim_text.toolTip() == config.INTERIM_TEXT.tip
    dialog.speech_detection.setCurrentIndex(dialog.speech_detection.findData(3))
    assert dialog.result_settings().speech_detection == 3
    dialog.language.setEditText("")  # nothing typed: the declared default
    assert dialog.result_settings().language == config.LANGUAGE.default


def test_a_setting_declared_for_a_tab_gets_a_field_made_for_its_type(qtbot, monkeypatch) -> None:
    from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit

    from captioner import config

    shown = {config.COMPUTE_DEVICE: ("captions", "Runs on:"), config.TRANSCRIPT_TEXT_SIZE: ("captions", "Text size:"),
             config.EXPORT_DIR: ("files", "Export folder:")}
    monkeypatch.setattr(config, "APP", tuple(replace(s, tab=shown[s][0], label=shown[s][1]) if s in shown else s for s in config.APP))
    dialog = SettingsDialog(replace(Settings(), compute_device="cpu", transcript_text_size=12.0, export_dir="/e"))
    qtbot.addWidget(dialog)
    device, size, folder = (dialog.declared[name] for name in ("compute_device", "transcript_text_size", "export_dir"))
    assert isinstance(device, QComboBox) and [device.itemData(i) for i in range(device.count())] == list(config.COMPUTE_DEVICE.choices)
    assert isinstance(size, QDoubleSpinBox) and (size.minimum(), size.maximum(), size.value()) == (8.0, 48.0, 12.0)
    assert isinstance(folder, QLineEdit) and folder.text() == "/e" and folder.toolTip() == config.EXPORT_DIR.help
    assert dialog.result_settings() == replace(Settings(), compute_device="cpu", transcript_text_size=12.0, export_dir="/e")
    device.setCurrentIndex(device.findData("cuda"))
    size.setValue(20)
    folder.setText(" /x ")
    chosen = dialog.result_settings()
    assert (chosen.compute_device, chosen.transcript_text_size, chosen.export_dir) == ("cuda", 20.0, "/x")
