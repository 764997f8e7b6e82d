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
