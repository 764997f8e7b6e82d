"""A live session as the terminal and the desktop app both run it, free of Qt.

The model is loaded and what it wants said about itself is read (`load_model`, `ModelNotes`); the transcript's
files are opened (`open_outputs` for named files, `autosave.open_session_files` for the app's dated ones); the
engine's session is opened over them with the transcript document as a sink (`LiveSession`), started, stopped;
a start that fails leaves no empty file behind, nor does a session that captioned nothing; a speaker named
mid-session is named in its files too; at stop, what is left to refine is said (`LiveSession.to_refine`).
Everything that happens is reported through plain callbacks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from captioner.channels import DEFAULT_LABELS
from captioner.engine.live.open import Inputs, SessionOptions, SessionRequest, open_session
from captioner.engine.models.catalogue import ModelRequest
from captioner.events import SessionProblem, SessionStatus
from captioner.files import remove_if_empty
from captioner.subtitles.files import LiveWriter
from captioner.subtitles.formats import format_named
from captioner.transcript import Transcript

__all__ = ["LAG_WARNING_S", "LagWatch", "LiveSession", "ModelNotes", "discard_outputs", "load_model", "open_outputs"]

LAG_WARNING_S = 10.0  # final captions this far behind the live audio: the machine cannot keep up with the model


def load_model(request: ModelRequest, *, progress=None, phase=None, cancel: threading.Event | None = None,
               download_interim: bool = True):
    """The model `request` names, found (downloading it if needed) and loaded (`engine.models.fetch.load_transcriber`);
    raises a ModelError subclass for a failure a user can act on."""
    from captioner.engine.models.fetch import load_transcriber

    return load_transcriber(request, progress=progress, cancel=cancel, phase=phase, download_interim=download_interim)


@dataclass(frozen=True)
class ModelNotes:
    """What a loaded model wants said about itself: why its interim model is not there, why it does not run on the GPU
    (and whether fetching the GPU's libraries is the way out); "" where there is nothing to say."""

    interim: str = ""
    device: str = ""
    cuda_libs_missing: bool = False

    @classmethod
    def of(cls, transcriber) -> ModelNotes:
        return cls(getattr(transcriber, "interim_note", "") or "", getattr(transcriber, "device_note", "") or "",
                   bool(getattr(transcriber, "cuda_libs_missing", False)))


class LagWatch:
    """A status listener that says once (`warn(lag_s)`) when final captions trail the live audio by more than
    LAG_WARNING_S; a file read at full speed (`live` False) is never behind."""

    def __init__(self, warn: Callable[[float], None], *, live: bool = True, then: Callable[[SessionStatus], None] | None = None):
        self.warn = warn
        self.live = live
        self.then = then  # another status listener, told every status
        self._warned = threading.Event()

    def __call__(self, status: SessionStatus) -> None:
        if self.live and status.lag_s > LAG_WARNING_S and not self._warned.is_set():
            self._warned.set()
            self.warn(status.lag_s)
        if self.then is not None:
            self.then(status)


def open_outputs(paths: Mapping[str, str | Path], *, overwrite: bool = False, srt_labels: bool = False,
                 labels: Mapping[str, str] = DEFAULT_LABELS, on_notice: Callable[[str], None] | None = None) -> list[LiveWriter]:
    """Live writers of the files `paths` names by format ("srt", "txt"), created now, in that order; raises
    SubtitleFileError, having closed and removed (when still empty) those it made before."""
    writers: list[LiveWriter] = []
    try:
        for kind, path in paths.items():
            writers.append(format_named(kind).open_live(path, overwrite=overwrite, srt_labels=srt_labels, labels=labels,
                                                        on_notice=on_notice))
    except BaseException:
        discard_outputs(writers)
        raise
    return writers


def discard_outputs(outputs: Iterable, recorder=None) -> list[Path]:
    """A session that did not start, or captioned nothing: its files closed, its recording closed (no audio came: its
    files go), and the files left empty removed. Returns those removed."""
    outputs = list(outputs)
    for output in outputs:
        output.close()
    if recorder is not None:
        recorder.close()
    return remove_if_empty(*(output.path for output in outputs))


class LiveSession:
    """One live session: the engine's session over `inputs`, the transcript document its finals go into, and the
    files kept for it (`outputs`: live writers, or guarded ones, each with `path`, `saved`, `set_labels`, `close`),
    from its start to its files closed.

    `open_session` opens it not started; `start()` opens the audio (raising what the source raised, the files then
    discarded); `stop()` ends it (the segment in flight still finishes); `finish()`, once it is over, removes the
    files a session with no captions left empty. Captions also go to `sinks`; `on_status`, `on_error` and `warn` hear
    what the session says. `feed_transcript` False: the caller adds the captions to `transcript` itself, on its own
    thread (the app, in the order its window shows them).
    """

    def __init__(self, transcriber, inputs: Inputs, options: SessionOptions | None = None, *,
                 outputs: Sequence = (), sinks: Iterable = (), labels: Mapping[str, str] = DEFAULT_LABELS,
                 srt_labels: bool = False, vocabulary: str = "", record_beside: Path | None = None, model: str = "",
                 on_status: Callable[[SessionStatus], None] | None = None,
                 on_error: Callable[[SessionProblem], None] | None = None, warn: Callable[[str], None] = lambda text: None,
                 feed_transcript: bool = True):
        self.outputs = list(outputs)
        self.transcript = Transcript(labels=labels, srt_labels=srt_labels)
        request = SessionRequest(inputs, options or SessionOptions(), vocabulary=vocabulary, record_beside=record_beside, model=model)
        own = [self.transcript] if feed_transcript else []
        self.session = open_session(request, transcriber, [*self.outputs, *own, *sinks], on_status=on_status,
                                    on_error=on_error, warn=warn)
        self.finished = False

    @property
    def recorder(self):
        return self.session.recorder

    @property
    def audio_paths(self) -> list[Path]:
        """The session's recorded audio, one file per side ([] when not kept)."""
        return list(self.recorder.paths) if self.recorder is not None else []

    @property
    def paths(self) -> list[Path]:
        return [output.path for output in self.outputs]

    @property
    def errors(self) -> list[str]:
        return self.session.errors

    @property
    def saved(self) -> bool:
        """Whether its files hold every final of the session."""
        return all(output.saved for output in self.outputs)

    def start(self) -> None:
        """Open the audio and caption it; what the source raised is raised again, the files discarded first."""
        try:
            self.session.start()
        except BaseException:
            self.discard()
            raise

    def discard(self) -> list[Path]:
        """The session never ran: its files closed, and removed while empty (`discard_outputs`)."""
        self.finished = True
        return discard_outputs(self.outputs, self.recorder)

    def stop(self) -> None:
        self.session.stop()

    def wait(self, timeout: float | None = None) -> bool:
        return self.session.wait(timeout)

    def finish(self) -> list[Path]:
        """The session is over: its files that hold nothing (no captions) removed; returns those."""
        self.finished = True
        return remove_if_empty(*self.paths)

    def rename_speaker(self, speaker: str, name: str) -> dict[str, str]:
        """Call `speaker` (an id) `name` (empty: its default) in the transcript, and in its files: while it runs its
        writers write them again; once over, they are written again whole from the document. Returns the labels."""
        labels = self.transcript.rename_speaker(speaker, name)
        if not self.finished:
            for output in self.outputs:
                output.set_labels(labels)
        elif self.paths:
            self.transcript.save_again(self.paths[0])
        return labels

    def to_refine(self, *, refine: bool, drop_unrefined: bool) -> list[Path]:
        """At stop, the recorded audio to refine the transcript from: none when `refine` is off, nothing was captioned
        or its files miss captions (the window keeps them to export). `drop_unrefined`: audio kept only until its refine
        goes when there is no transcript to refine."""
        audio = [path for path in self.audio_paths if path.exists()]
        if audio and not any(path.exists() for path in self.paths) and drop_unrefined:
            for path in audio:  # nothing was captioned: nothing to refine
                path.unlink(missing_ok=True)
            return []
        return audio if refine and self.saved else []
