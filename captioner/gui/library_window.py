"""The Library window: every kept session listed, searched as you type, one opened to read, correct and export.

A shell over `captioner.library.Library`: the list and the search come from its index; a session opened shows its
lines as its files hold them now, and plays its audio from a line where it was kept (`library_player`). Editing a line's text, renaming a speaker (the Speaker column's menu), deleting a
line or a session and giving a title all go through the library, which writes every file of the session.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from captioner.clock import format_clock
from captioner.events import SAMPLE_RATE
from captioner.gui.library_player import PlayerControls
from captioner.library import EditRefused, Hit, Library, Reading, Session
from captioner.subtitles import SubtitleFileError
from captioner.subtitles.formats import FORMATS

__all__ = ["LibraryWindow"]

SEARCH_PAUSE_MS = 150  # typing: the search runs once the keys pause this long
PROGRESS_AFTER = 20  # sessions to read before the list shows its progress
TITLE, DATE, LENGTH, PEOPLE, KEPT, NOTES = range(6)
NOTE_MARK = "⚠ not all readable"  # the list's mark for a session with notes (its tooltip and the session view say them)
TIME, SPEAKER, TEXT = range(3)


def _clock(seconds: float) -> str:
    return format_clock(round(seconds * SAMPLE_RATE), hours="when-needed")


def _cell(text: str, data: object = None, *, editable: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    flags = Qt.ItemIsSelectable | Qt.ItemIsEnabled | (Qt.ItemIsEditable if editable else Qt.NoItemFlags)
    item.setFlags(flags)
    if data is not None:
        item.setData(Qt.UserRole, data)
    return item


def _table(headers: list[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectRows)
    table.setSelectionMode(QAbstractItemView.SingleSelection)
    table.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    return table


class LibraryWindow(QMainWindow):
    """The sessions of one folder: the list (or the lines a search finds) beside the session opened."""

    sessionOpened = Signal(str)  # its stem

    def __init__(self, folder: Path, parent: QWidget | None = None, *, library: Library | None = None, output=None,
                 recording: Callable[[], str] = lambda: "", refine: Callable[[Path], str] | None = None) -> None:
        super().__init__(parent)
        self.recording = recording  # the stem of the session the app is captioning now ("" for none): not changed here
        self.refine = refine  # queues the refine of a session's transcript file; "" once queued, else why it cannot be
        self.setWindowTitle("Library — captioner")
        self.library = library or Library(folder)
        self.stem = ""  # the session opened
        self.reading: Reading | None = None
        self._filling = False
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search what was said in every session")
        self.search.setClearButtonEnabled(True)
        self.sessions = _table(["Title", "Date", "Length", "People", "Kept", "Notes"], NOTES)
        self.sessions.setWordWrap(False)
        self.hits = _table(["Session", "Time", "Speaker", "Line"], 3)
        self.found = QStackedWidget()
        self.found.addWidget(self.sessions)
        self.found.addWidget(self.hits)
        self.heading = QLabel("Open a session to read it.")
        self.heading.setWordWrap(True)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #a33;")
        self.lines = _table(["Time", "Speaker", "Text"], TEXT)
        self.player = PlayerControls(output=output)
        self.export_button = QPushButton("Export…")
        self.delete_button = QPushButton("Delete session…")
        self.refine_button = QPushButton("Refine")
        self.refine_button.setToolTip("Transcribe the session's recorded audio again, the more accurate way, in the main window")
        self.refine_button.setVisible(refine is not None)
        self._build()
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._connect()
        self.resize(1100, 640)

    def _build(self) -> None:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.found, 1)
        right = QWidget()
        session = QVBoxLayout(right)
        session.setContentsMargins(0, 0, 0, 0)
        session.addWidget(self.heading)
        session.addWidget(self.notes)
        session.addWidget(self.lines, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.player)
        buttons.addStretch(1)
        buttons.addWidget(self.refine_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)
        session.addLayout(buttons)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([560, 540])
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(10, 10, 10, 10)
        outer.addWidget(split)
        self.setCentralWidget(central)
        menu = QMenu(self)
        for fmt in FORMATS:
            menu.addAction(fmt.plain_title.capitalize() + "…", lambda kind=fmt.name: self.export(kind))
        self.export_button.setMenu(menu)
        self._enable_session(False)

    def _connect(self) -> None:
        self.search.textChanged.connect(lambda _text: self._timer.start())
        self._timer.timeout.connect(self.run_search)
        self.sessions.itemSelectionChanged.connect(self._session_chosen)
        self.sessions.itemChanged.connect(self._title_edited)
        self.hits.itemActivated.connect(self._hit_chosen)
        self.hits.itemClicked.connect(self._hit_chosen)
        self.lines.itemChanged.connect(self._line_edited)
        self.lines.setContextMenuPolicy(Qt.CustomContextMenu)
        self.lines.customContextMenuRequested.connect(self._line_menu)
        self.delete_button.clicked.connect(self.delete_session)
        self.refine_button.clicked.connect(self.refine_session)
        self.player.play_button.clicked.connect(self._play)
        self.player.heard.connect(self._heard)
        self.player.failed.connect(self._warn)
        self.lines.itemDoubleClicked.connect(lambda item: self.player.play_from(item.row()) if item.column() == TIME else None)
        find = QAction(self)
        find.setShortcut(QKeySequence.Find)
        find.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(find)

    # -- the list and the search -------------------------------------------------
    def refresh(self) -> list[Session]:
        """List the sessions again (sessions whose files changed are read first, with progress for many)."""
        dialog: QProgressDialog | None = None

        def progress(done: int, total: int) -> None:
            nonlocal dialog
            if total >= PROGRESS_AFTER and dialog is None:
                dialog = QProgressDialog("Reading the sessions into the search index…", "", 0, total, self)
                dialog.setCancelButton(None)
                dialog.setWindowModality(Qt.WindowModal)
                dialog.setMinimumDuration(0)
            if dialog is not None:
                dialog.setValue(done)
                QApplication.processEvents()

        listed = self.library.sessions(progress)
        if dialog is not None:
            dialog.close()
        self._filling = True
        self.sessions.setRowCount(len(listed))
        for row, s in enumerate(listed):
            kept = ", ".join(word for word, on in (("refined", s.refined), ("audio", bool(s.audio))) if on)
            cells = [_cell(s.title, s.stem, editable=True), _cell(f"{s.started:%Y-%m-%d %H:%M}"), _cell(_clock(s.length_s)),
                     _cell(", ".join(s.people)), _cell(kept), _cell(NOTE_MARK if s.notes else "")]
            for column, cell in enumerate(cells):
                self.sessions.setItem(row, column, cell)
            if s.notes:
                cells[NOTES].setToolTip("\n".join(s.notes))
        self._filling = False
        self.sessions.resizeRowsToContents()
        return listed

    def run_search(self) -> list[Hit]:
        words = self.search.text().strip()
        self.found.setCurrentWidget(self.hits if words else self.sessions)
        found = self.library.search(words) if words else []
        self.hits.setRowCount(len(found))
        for row, hit in enumerate(found):
            for column, cell in enumerate([_cell(hit.title, (hit.stem, hit.n)), _cell(_clock(hit.start_s)), _cell(hit.speaker),
                                           _cell(hit.text)]):
                self.hits.setItem(row, column, cell)
        self.hits.resizeRowsToContents()
        return found

    def _session_chosen(self) -> None:
        rows = self.sessions.selectionModel().selectedRows()
        if rows:
            self.open_session(self.sessions.item(rows[0].row(), TITLE).data(Qt.UserRole))

    def _hit_chosen(self, item: QTableWidgetItem) -> None:
        stem, n = self.hits.item(item.row(), 0).data(Qt.UserRole)
        self.open_session(stem, line=n)

    def _title_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != TITLE:
            return
        self._act(lambda: self.library.set_title(item.data(Qt.UserRole), item.text()))
        self.refresh()

    # -- the session opened ------------------------------------------------------
    def open_session(self, stem: str, *, line: int | None = None) -> None:
        """Show the session's lines (as its files hold them now), `line` (from 0) chosen and scrolled to."""
        try:
            reading = self.library.read(stem)
        except EditRefused as exc:
            self._warn(str(exc))
            return
        self.stem, self.reading = stem, reading
        title = next((self.sessions.item(r, TITLE).text() for r in range(self.sessions.rowCount())
                      if self.sessions.item(r, TITLE).data(Qt.UserRole) == stem), stem)
        people = ", ".join(reading.people)
        count = f"{len(reading.lines)} line{'' if len(reading.lines) == 1 else 's'}"
        self.heading.setText(f"<b>{title}</b> — {count}" + (f", {people}" if people else ""))
        self.notes.setText(" ".join(reading.notes))
        self.notes.setVisible(bool(reading.notes))
        self._filling = True
        self.lines.setRowCount(len(reading.lines))
        for row, said in enumerate(reading.lines):
            at = _clock(said.start_s) if reading.timed else ""
            for column, cell in enumerate([_cell(at, said.n), _cell(said.speaker), _cell(said.text, said.text, editable=not reading.notes)]):
                self.lines.setItem(row, column, cell)
        self._filling = False
        self.lines.resizeRowsToContents()
        self._enable_session(True)
        self.player.set_session(self.library.audio(stem) if reading.timed else [], [said.start_s for said in reading.lines])
        self.refine_button.setEnabled(self.refine is not None and bool(self.library.audio(stem)) and not reading.notes)
        if line is not None and 0 <= line < len(reading.lines):
            self.lines.selectRow(line)
            self.lines.scrollToItem(self.lines.item(line, TEXT), QAbstractItemView.PositionAtCenter)
        self.sessionOpened.emit(stem)

    def _play(self) -> None:
        rows = self.lines.selectionModel().selectedRows()
        self.player.play_from(rows[0].row() if rows else 0)

    def _heard(self, row: int) -> None:
        """The line being heard: chosen, and scrolled to."""
        if 0 <= row < self.lines.rowCount():
            self.lines.selectRow(row)
            self.lines.scrollToItem(self.lines.item(row, TEXT), QAbstractItemView.PositionAtCenter)

    def refine_session(self) -> None:
        """Refine the session opened from its recorded audio (in the main window, which shows its progress)."""
        transcript = next((path for path in (self.library.folder / f"{self.stem}{suffix}" for suffix in (".srt", ".txt"))
                           if path.exists()), None)
        why = "This session has no transcript to refine." if transcript is None or self.refine is None else self.refine(transcript)
        if why:
            self._warn(why)
            return
        self.refine_button.setEnabled(False)
        self.statusBar().showMessage("Refining in the main window; the session is shown refined here once it is done.")

    def _enable_session(self, on: bool) -> None:
        self.refine_button.setEnabled(False)
        self.export_button.setEnabled(on)
        self.delete_button.setEnabled(on)
        if not on:
            self.lines.setRowCount(0)
            self.notes.hide()
            self.player.set_session([], [])

    def _line_edited(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != TEXT:
            return
        row, was = item.row(), item.data(Qt.UserRole)
        if self._may_change():
            self._act(lambda: self.library.correct(self.stem, row, item.text(), was=was))
        self.open_session(self.stem, line=min(row, self.lines.rowCount() - 1))

    def _line_menu(self, at) -> None:
        item = self.lines.itemAt(at)
        if item is None or self.reading is None or self.reading.notes:
            return
        row = item.row()
        speaker = self.lines.item(row, SPEAKER).text()
        menu = QMenu(self)
        if speaker:
            menu.addAction(f"Rename {speaker}…", lambda: self.rename_speaker(speaker))
        menu.addAction("Delete this line", lambda: self.delete_line(row))
        menu.exec(self.lines.viewport().mapToGlobal(at))

    def rename_speaker(self, speaker: str, name: str | None = None) -> None:
        """Call `speaker` `name` in the session opened (asked for when not given); another's name merges the two."""
        if not self._may_change():
            return
        if name is None:
            name, ok = QInputDialog.getText(self, "Rename a speaker", f"Call {speaker} (another speaker's name merges the two):",
                                            text=speaker)
            if not ok:
                return
        self._act(lambda: self.library.rename(self.stem, speaker, name))
        self.refresh()
        self.open_session(self.stem)

    def delete_line(self, row: int) -> None:
        was = self.lines.item(row, TEXT).data(Qt.UserRole)
        if self._may_change():
            self._act(lambda: self.library.delete_line(self.stem, row, was=was))
        self.open_session(self.stem, line=max(row - 1, 0))

    def delete_session(self, *, asked: bool = True) -> None:
        """Delete the session opened, its files and audio, after asking."""
        if not self.stem or not self._may_change():
            return
        if asked and QMessageBox.question(self, "Delete the session", f"Delete the session {self.stem}: its transcript files "
                                          "and its recorded audio? This cannot be undone.",
                                          QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        self._act(lambda: self.library.delete(self.stem))
        self.stem, self.reading = "", None
        self.heading.setText("Open a session to read it.")
        self._enable_session(False)
        self.refresh()
        self.run_search()

    def export(self, kind: str, path: str | None = None) -> None:
        """Write the session opened in the format `kind` (to a file asked for when not given)."""
        fmt = next(f for f in FORMATS if f.name == kind)
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, f"Export as {fmt.plain_title}", str(Path.home() / f"{self.stem}{fmt.suffix}"),
                                                  fmt.file_filter)
            if not path:
                return
        self._act(lambda: self.library.export(self.stem, kind, path))

    def _may_change(self) -> bool:
        """Whether the session opened may be changed: not while the app captions it (its files are being written)."""
        if self.stem and self.stem == self.recording():
            self._warn("This session is being captioned now: correct it once it has stopped.")
            return False
        return True

    def _act(self, change) -> bool:
        try:
            change()
        except (EditRefused, SubtitleFileError, OSError) as exc:
            self._warn(str(exc))
            return False
        return True

    def _warn(self, text: str) -> None:
        QMessageBox.warning(self, "Library", text)

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        self.player.stop()
        super().closeEvent(event)
