"""The status line: the model in use, the captions' lag, what the engine gave up to keep up, the
session's length, where it is saved, and whether the overlay lets clicks through."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from captioner.app.live import LAG_WARNING_S
from captioner.clock import format_clock
from captioner.events import SAMPLE_RATE, SessionStatus
from captioner.gui.actions import CLICK_THROUGH_SHORTCUT
from captioner.gui.widgets import ElidedLabel, FittingLabel, short_name
from captioner.subtitles.formats import FORMATS, live_formats

if TYPE_CHECKING:
    from captioner.app.autosave import SessionInfo

LAG_WARN_S = 3.0  # captions trail far enough to notice: the lag shown amber
LAG_BAD_S = LAG_WARNING_S  # the machine cannot keep up: the lag the terminal warns of too (app.live)
FILE_NAME_CHARS = 32  # a file's name in the status line is cut short in the middle past this (the whole path: its tooltip)


def state_text(state: str, file_name: str = "") -> str:
    """What the session is doing, for the status line; "Listening" only once audio really flows."""
    if state == "running":
        return f"Captioning {file_name}" if file_name else "Listening"
    return {"preparing": "Preparing the model…", "starting": "Starting…", "stopping": "Finishing…"}.get(state, "")


def lag_level(seconds: float) -> str:
    return "bad" if seconds > LAG_BAD_S else "warn" if seconds > LAG_WARN_S else "ok"


def lag_text(seconds: float) -> str:
    return f"Lag {seconds:.1f} s" + (" – this machine cannot keep up" if lag_level(seconds) == "bad" else "")


class StatusLine(QWidget):
    """Permanent labels for the window's status bar; `openAutosave` when the file link is clicked."""

    openAutosave = Signal()
    cancelRefine = Signal()  # Cancel: the refine or transcription under way (the next one in line starts)
    cancelAllRefines = Signal()  # Cancel all: it and every one waiting

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(12)
        self.state_label = QLabel()
        self.state_label.setObjectName("stateLabel")
        self.model_status = ElidedLabel()
        self.lag_label = QLabel()
        self.lag_label.setObjectName("lagLabel")
        self.lag_label.setToolTip(f"How far the captions trail the live audio; amber over {LAG_WARN_S:.0f} s, red over {LAG_BAD_S:.0f} s")
        self.degraded_label = QLabel()
        self.degraded_label.setObjectName("degradedLabel")
        self.degraded_label.setWordWrap(False)
        self.degraded_label.setToolTip("This computer is not keeping up with the model; no final caption is lost")
        self.length_label = QLabel()
        self.length_label.setToolTip("Length of the session")
        self.autosave_label = FittingLabel()
        self.autosave_label.linkActivated.connect(lambda _link: self.openAutosave.emit())
        self.click_through_label = QLabel()
        self.set_click_through_shortcut(CLICK_THROUGH_SHORTCUT)
        self.click_through_label.hide()
        self.refine_label = QLabel()
        self.refine_label.setObjectName("refineLabel")
        self.refine_label.setTextFormat(Qt.RichText)
        self.refine_label.setToolTip("The session's recorded audio is transcribed again the offline way; the live transcript is kept")
        self.refine_label.linkActivated.connect(lambda link: (self.cancelAllRefines if link == "cancel-all" else self.cancelRefine).emit())
        self.refine_label.hide()
        self.note_label = ElidedLabel()  # a passing word ("Exported 4 captions to …"): `flash`
        self.note_label.setObjectName("noteLabel")
        self.note_label.hide()
        self._note_timer = QTimer(self, singleShot=True, timeout=self.note_label.hide)
        for w in (self.state_label, self.model_status, self.lag_label, self.degraded_label, self.length_label, self.autosave_label,
                  self.refine_label, self.note_label, self.click_through_label):
            row.addWidget(w)
        # where the window is too narrow for all of it, a passing word and the model's name are cut short ("…") first,
        # then where the session is saved (its file's name already cut to FILE_NAME_CHARS; the whole path in its tooltip)
        # and its length: a refine's progress and its Cancel link, and what the session does now, are shown whole
        self.length_label.setMinimumWidth(1)
        for w in (self.refine_label, self.state_label, self.lag_label, self.degraded_label):
            w.setSizePolicy(QSizePolicy.Minimum, QSizePolicy.Preferred)
        for w, share in ((self.model_status, 1), (self.note_label, 2)):  # what is left over, and no more
            w.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
            row.setStretchFactor(w, share)
        self.lag_label.hide()
        self.degraded_label.hide()
        self.length_label.hide()

    def flash(self, text: str, ms: int) -> None:
        """A passing word in the line itself, for `ms`, cut short with "…" where the line is full (the whole of it in its
        tooltip): never drawn over what the line shows."""
        self.note_label.setText(text)
        self.note_label.show()
        self._note_timer.start(ms)

    def set_model(self, text: str) -> None:
        self.model_status.setText(f"Model: {text}")

    def set_state(self, state: str, file_name: str = "") -> None:
        """`state` is the controller's State value ("idle", "starting", "running", …); `file_name`
        the audio file being captioned, if it is one."""
        text = state_text(state, file_name)
        self.state_label.setText(text)
        self.state_label.setVisible(bool(text))

    def set_click_through(self, on: bool) -> None:
        self.click_through_label.setVisible(on)

    def set_click_through_shortcut(self, shortcut: str) -> None:
        """The key that turns click-through off (a system-wide one when there is one)."""
        self.click_through_label.setText(f"Overlay click-through · {shortcut} to undo")

    def session_started(self, info) -> None:
        """`info` is the SessionInfo of the session that now runs."""
        self.show_autosave(info)
        self.length_label.setText("Session 0:00:00")
        self.set_delay(0.0)
        self.lag_label.show()
        self.length_label.show()

    def session_finished(self, info) -> None:
        self.lag_label.hide()
        self.length_label.hide()  # the next thing shown (a refine, a transcription) is not that session
        self.show_degraded("")
        self.show_autosave(info, finished=True)

    def show_autosave(self, info, finished: bool = False) -> None:
        """Links the session's SRT while it exists; a finished session whose empty files were
        removed links nothing, and one whose files miss captions says to export it."""
        srt = info.srt_path if info is not None else None
        if srt is not None and info.refined:
            self.autosave_label.setText(f'Refined: <a href="open">{short_name(srt.name, FILE_NAME_CHARS)}</a>')
            live = [srt.with_name(f"{info.stem}.live{fmt.suffix}") for fmt in live_formats()]
            self.autosave_label.setToolTip("\n".join(["The transcript refined from the session's audio:",
                                                       *(str(srt.with_suffix(fmt.suffix)) for fmt in FORMATS),
                                                       "The live transcript:", *(str(p) for p in live if p.exists())]))
        elif finished and info is not None and info.autosave_failed:
            self.autosave_label.setText("Autosave failed: export the session")
            self.autosave_label.setToolTip("The autosave files do not hold every caption; File → Export saves them all")
        elif srt is not None and finished:  # said here, where nothing cuts it short (the status bar's messages are)
            also = f" and {short_name(info.txt_path.name, FILE_NAME_CHARS)}" if info.txt_path is not None else ""
            link = f'<a href="open">{short_name(srt.name, FILE_NAME_CHARS)}</a>'
            self.autosave_label.set_texts(f"Autosave: saved as {link}{also}", f"Saved: {link}", '<a href="open">Saved</a>')
            self.autosave_label.setToolTip("\n".join(str(p) for p in (info.srt_path, info.txt_path) if p is not None))
        elif srt is not None:
            self.autosave_label.setText(f'Autosave: <a href="open">{short_name(srt.name, FILE_NAME_CHARS)}</a>')
            self.autosave_label.setToolTip("\n".join(str(p) for p in (info.srt_path, info.txt_path) if p is not None))
        elif finished and info is not None and info.autosave_removed:
            self.autosave_label.setText("Nothing to save")
            self.autosave_label.setToolTip("The session had no captions, so its empty autosave files were removed")
        else:
            self.autosave_label.setText("Autosave off")
            self.autosave_label.setToolTip("")

    def show_transcribed(self, info: SessionInfo) -> None:
        """A recording transcribed offline is shown: where its transcript was saved (or that Export saves it)."""
        saved = info.srt_path or info.txt_path
        if saved is None:
            self.autosave_label.setText(f"Transcribed {short_name(info.source, FILE_NAME_CHARS)}: File → Export saves it")
            self.autosave_label.setToolTip("")
        else:
            self.autosave_label.setText(f'Transcribed: <a href="open">{short_name(saved.name, FILE_NAME_CHARS)}</a>')
            self.autosave_label.setToolTip("\n".join([f"The transcript of {info.source}:",
                                                       *(str(saved.with_suffix(fmt.suffix)) for fmt in FORMATS)]))

    def show_refine(self, text: str, waiting: int = 0) -> None:
        """A refine under way (its share done and time left) with a Cancel link, and "Cancel all" while `waiting` ones
        wait after it; "" hides it."""
        links = ' · <a href="cancel">Cancel</a>' + (' · <a href="cancel-all">Cancel all</a>' if waiting else "")
        self.refine_label.setText(f"{text}{links}" if text else "")
        self.refine_label.setVisible(bool(text))

    def set_status(self, status: SessionStatus) -> None:
        spoken = f" · spoken: {status.language}" if status.language else ""  # detected; "ja?" while not yet sure
        self.length_label.setText(f"Session {format_clock(round(status.audio_s * SAMPLE_RATE), hours='short')}{spoken}")
        if status.overflows:
            self.length_label.setToolTip(f"{status.overflows} blocks of audio were dropped: the machine is overloaded")
        self.show_degraded(status.degraded)

    def show_degraded(self, text: str) -> None:
        """The engine's sentence on what it does to catch up (amber), hidden again once it is ""."""
        if text != self.degraded_label.text():
            self.degraded_label.setText(text)
        self.degraded_label.setVisible(bool(text))

    def set_delay(self, seconds: float) -> None:
        level = lag_level(seconds)
        self.lag_label.setText(lag_text(seconds))
        self.lag_label.setProperty("level", level)  # its colours are in style.qss
        self.lag_label.style().unpolish(self.lag_label)
        self.lag_label.style().polish(self.lag_label)
