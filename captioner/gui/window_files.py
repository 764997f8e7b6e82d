"""The main window's file dialogs: a file to caption as if live, recordings to transcribe, a past session to refine,
Export, the autosave folder, and the question before unsaved captions are cleared."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from captioner.gui.controller import SessionController, SessionInfo
from captioner.gui.message_bar import MessageBar
from captioner.gui.settings_store import SettingsStore
from captioner.gui.status_line import StatusLine
from captioner.subtitles.formats import format_named

__all__ = ["MEDIA_FILTER", "FileCommands", "can_open_folders", "free_name", "local_files"]

MEDIA_FILTER = "Audio and video files (*.wav *.flac *.mp3 *.ogg *.opus *.m4a *.aac *.webm *.mp4 *.mkv *.mov);;All files (*)"
EXPORT_CAUSE = "export"  # notices about an export (the next one that succeeds clears them)
AUTOSAVE_FOLDER_CAUSE = "autosave-folder"  # notices about opening the autosave folder
EXPORTED_FLASH_MS = 8000  # how long the status line says where captions were exported
XDG_MIME_TIMEOUT_S = 3  # how long asking xdg-mime for the folder application may take


def local_files(mime) -> list[str]:
    """The local files a drag carries (a drop of text or of web links carries none)."""
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] if mime.hasUrls() else []


def can_open_folders() -> bool:
    """Whether the desktop has something to open a folder with (on Linux: xdg-open and, when
    xdg-mime can tell, a default application for folders)."""
    if not sys.platform.startswith("linux"):
        return True
    if shutil.which("xdg-open") is None:
        return False
    if shutil.which("xdg-mime") is None:
        return True
    try:
        found = subprocess.run(["xdg-mime", "query", "default", "inode/directory"], capture_output=True, text=True,
                               timeout=XDG_MIME_TIMEOUT_S)
    except (OSError, subprocess.SubprocessError):
        return True
    return bool(found.stdout.strip())


def free_name(folder: Path, stem: str, suffix: str) -> Path:
    """`folder/stem+suffix`, or the first of "stem (2)", "stem (3)", … not taken: an export never proposes a file that
    is there (the session's own autosave file, being written)."""
    path, n = folder / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = folder / f"{stem} ({n}){suffix}"
    return path


class FileCommands:
    """The window's commands that ask for a file or a folder, and what they say when they cannot go on.

    `show_message(level, text)` puts a notice in the window's banner; `session_info()` is the session shown (its
    stem names an export); `start_file(path)` captions a file as if live."""

    def __init__(
        self,
        parent: QWidget,
        store: SettingsStore,
        controller: SessionController,
        message_bar: MessageBar,
        status_line: StatusLine,
        *,
        show_message: Callable[..., None],
        session_info: Callable[[], SessionInfo | None],
        start_file: Callable[[str], bool],
    ) -> None:
        self._parent = parent
        self._store = store
        self._controller = controller
        self._message_bar = message_bar
        self._status_line = status_line
        self._show_message = show_message
        self._session_info = session_info
        self._start_file = start_file
        self._media_dir: Path | None = None  # the folder of the last audio file chosen

    def may_clear_unsaved(self, *, closing: bool = False) -> bool:
        """Ask before a new session (or closing the app: `closing`) clears captions that are saved nowhere: Save… (export
        them, then go on), Discard (go on), or Cancel (keep them: no session, the window stays)."""
        info = self._session_info()
        why = "Autosave failed for it" if info is not None and info.autosave_failed else "Autosave was off for it"
        box = QMessageBox(QMessageBox.Warning, "Unsaved captions", "The last session's captions are not saved.", parent=self._parent)
        box.setObjectName("unsavedDialog")
        effect = "Closing Captioner loses them" if closing else "Starting a new session clears them from this window"
        box.setInformativeText(f"{why}. {effect}.")
        box.setStandardButtons(QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel)
        box.button(QMessageBox.Save).setText("Save…")
        box.button(QMessageBox.Discard).setText("Discard and close" if closing else "Discard and start")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        if answer == QMessageBox.Save:
            return self.export("srt") is not None
        return answer == QMessageBox.Discard

    def caption_file(self) -> None:
        """Ask for an audio file and caption it as if live (File → Caption an audio file as if live…)."""
        if self._controller.busy:
            self._show_message("info", "Stop the current session first.")
            return
        path, _ = QFileDialog.getOpenFileName(self._parent, "Caption an audio file as if live", str(self.media_folder()), MEDIA_FILTER)
        if path:
            self._media_dir = Path(path).parent
            self._start_file(path)

    def transcribe_recording(self, path: str = "") -> None:
        """Transcribe audio or video files offline (File → Transcribe a recording (most accurate)…, several may be chosen)."""
        if path:
            self.transcribe_recordings([path])
            return
        paths, _ = QFileDialog.getOpenFileNames(self._parent, "Transcribe recordings", str(self.media_folder()), MEDIA_FILTER)
        if paths:
            self._media_dir = Path(paths[0]).parent
        self.transcribe_recordings(paths)

    def media_folder(self) -> Path:
        """Where the audio file dialogs open: the folder of the last file chosen, else the Music folder where there is
        one, else the home folder (a folder that is not there would stand in the name field)."""
        music = QStandardPaths.writableLocation(QStandardPaths.MusicLocation)
        for folder in (self._media_dir, music and Path(music)):
            if folder and Path(folder).is_dir():
                return Path(folder)
        return Path.home()

    def transcribe_recordings(self, paths) -> None:
        """Queue each file to be transcribed in turn; each transcript is saved in the sessions folder and shown when done."""
        paths = [str(p) for p in paths if p]
        if not paths or (self._controller.unsaved and not self.may_clear_unsaved()):
            return
        for path in paths:
            why = self._controller.refines.transcribe_recording(path)
            if why:
                self._show_message("warning", why)
                return

    def refine_transcript(self, path: str = "") -> None:
        """Refine a past session that still has its audio (File → Refine a past session's transcript…)."""
        if not path:
            folder = str(self._store.settings.sessions_dir())
            path, _ = QFileDialog.getOpenFileName(self._parent, "Refine a past session's transcript", folder,
                                                  "Session transcripts (*.srt *.txt);;All files (*)")
        if path:
            why = self._controller.refines.refine_past(path)
            if why:
                self._show_message("warning", why)

    def export(self, kind: str, path: str | None = None) -> Path | None:
        """Export the session's captions; asks for a file unless `path` is given."""
        from captioner.subtitles import SubtitleFileError

        if not self._controller.finals:
            self._show_message("info", "Nothing to export yet: no captions in this session.", cause=EXPORT_CAUSE)
            return None
        fmt = format_named(kind)
        if path is None:
            info = self._session_info()
            stem = info.stem if info is not None else "captions"
            proposed = free_name(self.export_folder(), stem, fmt.suffix)
            path, _ = QFileDialog.getSaveFileName(self._parent, f"Export as {fmt.plain_title}", str(proposed), fmt.file_filter)
            if not path:
                return None
        target = Path(path)
        if target.suffix.lower() != fmt.suffix:
            target = target.with_name(target.name + fmt.suffix)
        try:
            self._controller.export(kind, target)
        except (SubtitleFileError, OSError) as exc:
            self._show_message("error", f"Export failed: {exc}", cause=EXPORT_CAUSE)
            return None
        self._message_bar.clear(EXPORT_CAUSE)
        self._store.update(export_dir=str(target.parent))
        self._status_line.flash(f"Exported {len(self._controller.finals)} captions to {target}", EXPORTED_FLASH_MS)
        return target

    def export_folder(self) -> Path:
        """Where the Export dialog opens: the folder of the last export, else the sessions folder
        (else the home folder), never wherever a file dialog was last (the model folder)."""
        s = self._store.settings
        for folder in (s.export_dir, str(s.sessions_dir())):
            if folder and Path(folder).expanduser().is_dir():
                return Path(folder).expanduser()
        return Path.home()

    def open_autosave_folder(self) -> None:
        """Open the sessions folder in the desktop's file manager (made first when it is not there)."""
        folder = self._store.settings.sessions_dir()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._show_message("error", f"The autosave folder {folder} cannot be created: {exc.strerror or exc}. Choose another one in Settings.",
                               cause=AUTOSAVE_FOLDER_CAUSE)
            return
        if not (can_open_folders() and QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))):
            self._show_message("info", f"No file manager to open it with here. The autosave folder is {folder}", cause=AUTOSAVE_FOLDER_CAUSE)
