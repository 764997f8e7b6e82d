"""The main window's refines and transcriptions: their progress in the status line, what they say when they fail or
are cancelled, and the transcript they leave shown."""

from __future__ import annotations

from collections.abc import Callable

from captioner.gui.controller import SessionController, SessionInfo
from captioner.gui.message_bar import MessageBar
from captioner.gui.refiner import refine_text
from captioner.gui.status_line import StatusLine
from captioner.gui.transcript_view import TranscriptView

__all__ = ["HEARD_NOTHING_CAUSE", "REFINE_CAUSE", "RefineStatus"]

REFINE_CAUSE = "refine"  # a refine's or a transcription's failure or cancel (the next one that succeeds clears it)
HEARD_NOTHING_CAUSE = "heard-nothing"  # a recording transcribed had no speech (the next transcription or refine clears it)
REFINED_FLASH_MS = 8000  # how long the status line says the transcript was refined


class RefineStatus:
    """Follows the controller's refiner: the status line's words for the one under way and those waiting, a notice
    when one fails or is cancelled, and the refined (or transcribed) transcript in the view when one is done.

    `show_message(level, text, cause=…)` puts a notice in the window's banner; `shown(info)` is told which session
    the transcript view shows from then on."""

    def __init__(
        self,
        controller: SessionController,
        transcript: TranscriptView,
        message_bar: MessageBar,
        status_line: StatusLine,
        *,
        show_message: Callable[..., None],
        shown: Callable[[SessionInfo], None],
    ) -> None:
        self._controller = controller
        self._transcript = transcript
        self._message_bar = message_bar
        self._status_line = status_line
        self._show_message = show_message
        self._shown = shown
        self._progress = (0.0, 0.0, -1.0)  # the refine under way: seconds done, in all, left (-1: not known)
        self._phase = ""  # ... and what it does (decode_whole.DECODING, TELLING_SPEAKERS)

    def on_progress(self, done_s: float, total_s: float, left_s: float) -> None:
        self._message_bar.clear(HEARD_NOTHING_CAUSE)  # another one under way: what was said of the last is past
        self._progress = (done_s, total_s, left_s)
        self.show()

    def on_phase(self, phase: str) -> None:
        self._phase = phase
        self.show()

    def show(self, *_waiting) -> None:
        """The status line's words for the refine under way, as far as it got and with the ones waiting after it."""
        refiner = self._controller.refiner
        if refiner.running is not None:
            text = refine_text(*self._progress, refiner.running, len(refiner.queue), self._phase)
            self._status_line.show_refine(text, len(refiner.queue))

    def on_stopped(self) -> None:
        self._status_line.show_refine("")

    def on_cancelled(self, job, dropped: int) -> None:
        from captioner.gui.refiner import cancelled_text

        self._show_message("info", cancelled_text(job, dropped), cause=REFINE_CAUSE)

    def on_failed(self, _job, text: str) -> None:
        self._show_message("warning", text, cause=REFINE_CAUSE)

    def on_refined(self, info: SessionInfo, updates) -> None:
        """The transcript shown is now the refined one (or a transcribed recording's)."""
        self._shown(info)
        self._transcript.clear()
        self._transcript.set_labels(info.labels)
        for update in updates:
            self._transcript.apply(update)
        if info.refined:
            self._status_line.show_autosave(info, finished=True)
            self._status_line.flash("Transcript refined", REFINED_FLASH_MS)
        else:
            self._status_line.show_transcribed(info)
            if not updates:  # an empty transcript view must not look like a failure
                self._show_message("info", f"No speech was heard in {info.source}.", cause=HEARD_NOTHING_CAUSE)
