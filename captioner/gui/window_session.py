"""The main window's session: Start/Stop, the input it listens to, and the session's state and progress shown in the
button, the menus, the pickers, the transcript and the status line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QPushButton

from captioner.channels import MODE_SYSTEM, SYSTEM
from captioner.gui.actions import START_SHORTCUT, AppActions
from captioner.gui.controller import SessionController, SessionInfo, State
from captioner.gui.device_picker import DEVICE_CAUSE, DevicePicker
from captioner.gui.message_bar import MessageBar, Notice
from captioner.gui.model_picker import ModelPicker
from captioner.gui.status_line import StatusLine
from captioner.gui.system_picker import SystemAudioPicker
from captioner.gui.transcript_view import TranscriptView

__all__ = ["BUTTON", "SESSION_CAUSE", "SessionControls"]

SESSION_CAUSE = "session"  # notices about the session; the next session's start clears them

BUTTON = {  # state: (text, tooltip, style property)
    State.IDLE: ("Start", f"Start captioning ({START_SHORTCUT})", "idle"),
    State.PREPARING: ("Cancel", "Stop preparing the model", "preparing"),
    State.STARTING: ("Stop", f"Stop captioning ({START_SHORTCUT})", "running"),
    State.RUNNING: ("Stop", f"Stop captioning ({START_SHORTCUT})", "running"),
    State.STOPPING: ("Finishing…", "Finishing the last caption and closing the files", "running"),
}
LIVE_STATES = (State.STARTING, State.RUNNING, State.STOPPING)  # a session holds the input
STOPPABLE_STATES = (State.PREPARING, State.STARTING, State.RUNNING)  # Start/Stop stops these


class SessionControls:
    """Starts and stops sessions from the window's input pickers (or from a file), and shows each state of the session.

    `may_clear_unsaved()` asks before a new session clears captions saved nowhere; `show_model_status()` names the
    model in the status line. `info` is the session shown: the one started last, or the transcript refined or
    transcribed since."""

    def __init__(
        self,
        controller: SessionController,
        actions: AppActions,
        start_button: QPushButton,
        pickers: tuple[SystemAudioPicker, DevicePicker, ModelPicker],
        transcript: TranscriptView,
        message_bar: MessageBar,
        status_line: StatusLine,
        *,
        monitor=None,
        may_clear_unsaved: Callable[[], bool],
        show_model_status: Callable[[], None],
    ) -> None:
        self._controller = controller
        self._actions = actions
        self._button = start_button
        self._system_picker, self._device_picker, self._model_picker = pickers
        self._transcript = transcript
        self._message_bar = message_bar
        self._status_line = status_line
        self._monitor = monitor
        self._may_clear_unsaved = may_clear_unsaved
        self._show_model_status = show_model_status
        self._file_name = ""  # the audio file of a file session, "" for the microphone
        self.info: SessionInfo | None = None

    def toggle(self) -> None:
        """Start a session when none runs; else stop the one preparing or running."""
        state = self._controller.state
        if state is State.IDLE:
            self.start()
        elif state in STOPPABLE_STATES:
            self._controller.stop()

    def start(self, source_factory=None, *, file_name: str = "") -> bool:
        """Start a session on the input chosen, or on what `source_factory` makes; False when none starts."""
        if self._controller.state is State.IDLE:
            if self._controller.unsaved and not self._may_clear_unsaved():
                return False
            self._file_name = file_name
        if source_factory is None:
            device = self._device_picker.selected()
            if device is None and self._device_picker.known_empty and self._system_picker.mode != MODE_SYSTEM:
                self._device_picker.report_missing()
                return False
        self._message_bar.clear_all()  # a new session: what was said about the last one no longer holds
        if source_factory is None:
            return self._controller.start_listening(device)
        return self._controller.start(source_factory)

    def start_file(self, path: str, realtime: bool = True) -> bool:
        """Caption the audio file at `path` as if live (at its own pace unless `realtime` is False)."""
        def factory(_settings):
            from captioner.audio.sources import FileSource

            return FileSource(path, realtime=realtime)

        return self.start(factory, file_name=Path(path).name)

    def mode_chosen(self, mode: str) -> None:
        """What is listened to changed (the microphone, system audio, or both)."""
        self._device_picker.setVisible(mode != MODE_SYSTEM)  # system audio alone needs no microphone ...
        if self._monitor is not None:
            self._monitor.hold(mode == MODE_SYSTEM)  # ... and does not open it
        if mode == MODE_SYSTEM:
            self._message_bar.clear(DEVICE_CAUSE)  # ... nor hears what becomes of it
        elif self._device_picker.devices is not None and self._device_picker.devices.devices is not None:
            self._device_picker.refresh()  # what is to be said about the input, said again

    def device_notice(self, notice: Notice) -> None:
        """A notice about the input device, unless the microphone is not listened to."""
        if self._system_picker.mode != MODE_SYSTEM:
            self._message_bar.show_notice(notice)

    def on_state(self, state: State) -> None:
        """Show the session's state: the button, the Start/Stop action, the pickers, the status line, the transcript."""
        idle = state is State.IDLE
        live = state in LIVE_STATES
        text, tip, prop = BUTTON[state]
        self._button.setText(text)
        self._button.setToolTip(tip)
        self._button.setProperty("state", prop)
        self._button.style().unpolish(self._button)
        self._button.style().polish(self._button)
        self._button.setEnabled(state is not State.STOPPING)
        self._actions.start_stop.setText("&Start captioning" if idle else "Cancel preparing" if state is State.PREPARING else "&Stop captioning")
        self._actions.start_stop.setEnabled(state is not State.STOPPING)
        self._actions.caption_file.setEnabled(idle)
        self._device_picker.setEnabled(idle)
        self._model_picker.setEnabled(idle)
        self._device_picker.set_session_active(live)
        self._system_picker.set_session_active(live)
        self._status_line.set_state(state.value, self._file_name)
        captioning_file = self._file_name if live else ""
        self._system_picker.mode_combo.show_instead("An audio file, as if live" if captioning_file else "")
        self._device_picker.combo.show_instead(captioning_file)  # not the microphone: the file being captioned
        self._transcript.set_state(state.value)

    def on_started(self, info: SessionInfo) -> None:
        """A session started: an empty transcript with its labels, and where it is saved."""
        self.info = info
        self._transcript.clear()
        self._transcript.set_labels(info.labels)
        self._show_model_status()
        self._status_line.session_started(info)

    def on_finished(self, info: SessionInfo | None) -> None:
        """A session ended: the status line says where it was saved."""
        self._status_line.session_finished(info)
        self._message_bar.retire(SESSION_CAUSE)  # what was said during it is not shown again once out of sight

    def on_status(self, status) -> None:
        """The session's progress: the level meter of the channel it is about, and the status line."""
        if status.channel == SYSTEM:
            self._system_picker.show_level(status.level)
        else:
            self._device_picker.show_level(status.level)
        self._status_line.set_status(status)
