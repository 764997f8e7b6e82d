"""The Library's player: a session's audio played from the line chosen, the line being heard followed."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from captioner.library.playback import SPEEDS, Playback

__all__ = ["PlayerControls"]

FOLLOW_MS = 100  # how often the line being heard is looked for


class PlayerControls(QWidget):
    """Play (from a line), Stop and the speed, for the session opened; `heard` says the line being heard (its row),
    `failed` why playing stopped short (no output device, a recording that cannot be read)."""

    heard = Signal(int)
    failed = Signal(str)
    _ended = Signal(object)  # from the playback's thread: the error that ended it, or None

    def __init__(self, parent: QWidget | None = None, *, output=None) -> None:
        super().__init__(parent)
        self.output = output  # the output stream's maker (sounddevice's by default)
        self.play_button = QPushButton("▶ Play from line")
        self.play_button.setToolTip("Hear the session from the line chosen (double-click a line's time too)")
        self.stop_button = QPushButton("■ Stop")
        self.speed = QComboBox()
        self.speed.addItems([f"{speed:g}×" for speed in SPEEDS])
        self.speed.setToolTip("How fast it plays")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.play_button, self.stop_button, self.speed):
            row.addWidget(widget)
        self.paths: list[Path] = []
        self.starts: list[float] = []
        self.playback: Playback | None = None
        self._row = -1
        self._timer = QTimer(self, interval=FOLLOW_MS)
        self._timer.timeout.connect(self._follow)
        self._ended.connect(self._on_ended)
        self.stop_button.clicked.connect(self.stop)
        self.set_session([], [])

    def set_session(self, paths: Sequence[Path], starts: Sequence[float]) -> None:
        """The session opened: its recordings and each line's start (s); playing stops."""
        self.stop()
        self.paths, self.starts = list(paths), list(starts)
        self.play_button.setEnabled(bool(self.paths) and bool(self.starts))
        self.play_button.setToolTip("Hear the session from the line chosen (double-click a line's time too)" if self.paths
                                    else "This session's audio was not kept")

    def play_from(self, row: int) -> None:
        if not self.paths or not 0 <= row < len(self.starts):
            return
        self.stop()
        speed = SPEEDS[self.speed.currentIndex()]
        self.playback = Playback(self.paths, self.starts[row], speed=speed, on_end=self._ended.emit, output=self.output).start()
        self._row = -1
        self._timer.start()
        self.stop_button.setEnabled(True)

    def stop(self) -> None:
        if self.playback is not None:
            self.playback.stop()
        self._timer.stop()
        self.stop_button.setEnabled(False)

    @property
    def playing(self) -> bool:
        return self.playback is not None and self.playback.playing

    def _follow(self) -> None:
        if self.playback is None:
            return
        row = max(0, bisect.bisect_right(self.starts, self.playback.position_s) - 1)
        if row != self._row:
            self._row = row
            self.heard.emit(row)

    def _on_ended(self, error: object) -> None:
        self._follow()
        self._timer.stop()
        self.stop_button.setEnabled(False)
        if error is not None:
            self.failed.emit(f"The session's audio cannot be played: {error}")
