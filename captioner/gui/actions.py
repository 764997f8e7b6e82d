"""The app's commands as QActions, shared by the main window's menus, the tray menu and the overlay."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence

from captioner.subtitles.formats import FORMATS

START_SHORTCUT = "Ctrl+R"
OVERLAY_SHORTCUT = "Ctrl+Shift+O"
CLICK_THROUGH_SHORTCUT = "Ctrl+Shift+T"


def _action(parent: QObject, text: str, shortcut: str | QKeySequence.StandardKey | None = None, *, checkable: bool = False, tip: str = "") -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
        # work from every window of the app (the settings dialog, the overlay), not just the focused widget
        action.setShortcutContext(Qt.ApplicationShortcut)
    action.setCheckable(checkable)
    if tip:
        action.setStatusTip(tip)
        action.setToolTip(tip)
    return action


class AppActions(QObject):
    """The app's commands, one QAction each, with their shortcuts and tips; their handlers are connected by their users."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.start_stop = _action(self, "&Start captioning", START_SHORTCUT, tip=f"Start or stop captioning ({START_SHORTCUT})")
        self.caption_file = _action(self, "Caption an &audio file as if live…", tip="Play an audio file into the captioner as if it were live: captions as they would come in a session")
        self.refine = _action(self, "&Refine a past session's transcript…",
                               tip="Transcribe a past session again from its recorded audio, the offline way (the live transcript is kept)")
        self.transcribe = _action(self, "&Transcribe a recording (most accurate)…",
                                  tip="Transcribe an audio or video file the offline way (not as if live); File → Export saves it")
        self.export_as = {fmt.name: _action(self, f"Export as {fmt.title}…") for fmt in FORMATS}  # File → Export, by format
        self.open_autosave = _action(self, "Open the auto&save folder", tip="The folder where every session is saved as it happens")
        self.quit = _action(self, "&Quit", QKeySequence.Quit)
        self.copy_transcript = _action(self, "Copy the whole &transcript", "Ctrl+Shift+C")
        self.find = _action(self, "&Find…", QKeySequence.Find)
        self.find.setShortcutContext(Qt.WindowShortcut)
        self.larger_text = _action(self, "&Larger text", QKeySequence.ZoomIn, tip="The transcript's text larger (Ctrl+wheel too)")
        self.smaller_text = _action(self, "S&maller text", QKeySequence.ZoomOut, tip="The transcript's text smaller (Ctrl+wheel too)")
        self.normal_text = _action(self, "&Normal text size", "Ctrl+0")
        self.larger_text.setShortcuts([QKeySequence(QKeySequence.ZoomIn), QKeySequence("Ctrl+=")])  # "+" needs Shift on most keyboards
        for action in (self.larger_text, self.smaller_text, self.normal_text):
            action.setShortcutContext(Qt.WindowShortcut)
        self.clear = _action(self, "C&lear the transcript view", tip="Clears the view; exports and autosave keep the whole session")
        self.show_overlay = _action(self, "Show caption &overlay", OVERLAY_SHORTCUT, checkable=True)
        self.click_through = _action(
            self,
            "Overlay &click-through",
            CLICK_THROUGH_SHORTCUT,
            checkable=True,
            tip=f"Let mouse clicks pass through the overlay ({CLICK_THROUGH_SHORTCUT} turns it off again)",
        )
        self.overlay_settings = _action(self, "Overlay &appearance…")
        self.settings = _action(self, "&Settings…", QKeySequence.Preferences)
        if self.settings.shortcut().isEmpty():
            self.settings.setShortcut(QKeySequence("Ctrl+,"))
        self.show_window = _action(self, "Show the &main window")
        self.hide_overlay = _action(self, "&Hide overlay")
        self.hide_overlay.triggered.connect(lambda: self.show_overlay.setChecked(False))
