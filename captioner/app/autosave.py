"""Autosave files for a session: a dated SRT and TXT that never overwrite an earlier session."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from captioner.channels import DEFAULT_LABELS
from captioner.events import CaptionEvent
from captioner.files import numbered_stems, private_folder
from captioner.settings import default_sessions_dir
from captioner.subtitles import SubtitleFileError
from captioner.subtitles.errors import SubtitleFileExistsError
from captioner.subtitles.files import LiveWriter
from captioner.subtitles.formats import format_named

log = logging.getLogger(__name__)

AUTOSAVED = ("srt", "txt")  # the formats (subtitles.formats) every session is saved in as it happens


def session_stem(when: datetime) -> str:
    return when.strftime("%Y-%m-%d_%H-%M")


@dataclass
class SessionInfo:
    """A session: what it captions with, and its autosave files."""

    model: str = ""
    device: str = ""  # compute device, e.g. "cpu (int8)"
    source: str = ""  # what is being captioned
    started: datetime = field(default_factory=datetime.now)
    srt_path: Path | None = None
    txt_path: Path | None = None
    autosave_removed: bool = False  # the session had no captions: its empty autosave files were removed
    autosave_failed: bool = False  # the autosave files do not hold every caption of the session
    channels: tuple[str, ...] = ()  # a meeting's channels by id, in order: (MICROPHONE, SYSTEM); () with one input
    labels: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))  # what each channel is called, by id
    audio_paths: list[Path] = field(default_factory=list)  # the session's recorded audio, one file per side
    refined: bool = False  # its transcript was refined from the audio (the live one kept as .live.*)

    @property
    def stem(self) -> str:
        path = self.srt_path or self.txt_path
        return path.stem if path else session_stem(self.started)


def open_autosave(folder: Path, stem: str, *, own_folder: bool = False, labels: Mapping[str, str] = DEFAULT_LABELS) -> tuple[LiveWriter, ...]:
    """Create `<stem>.srt` and `<stem>.txt` (the AUTOSAVED formats' live writers, in that order) in `folder`
    (or `<stem>-2`, `-3`, … if taken); `labels`: what each channel is called, by id.

    Files are created exclusively, so two sessions can never share a name; they and a
    folder made here are private to their owner (`own_folder`: the app's own folder,
    made private even if it was there before). Raises SubtitleFileError when the folder
    cannot be made or written to.
    """
    try:
        private_folder(folder, tighten=own_folder)
    except OSError as exc:
        raise SubtitleFileError(
            f"Could not create the autosave folder {folder}: {exc.strerror or exc}. Choose another folder in Settings.",
            folder,
            exc.errno,
        ) from exc
    formats = [format_named(name) for name in AUTOSAVED]
    for name in numbered_stems(stem):
        paths = [folder / f"{name}{fmt.suffix}" for fmt in formats]
        if any(path.exists() for path in paths):
            continue
        writers: list[LiveWriter] = []
        try:
            for fmt, path in zip(formats, paths):
                writers.append(fmt.open_live(path, labels=labels))
        except BaseException as exc:
            for writer, path in zip(writers, paths):  # those made before the one that failed
                writer.close()
                with contextlib.suppress(OSError):
                    path.unlink()
            if isinstance(exc, SubtitleFileExistsError):
                continue
            raise
        return tuple(writers)
    raise AssertionError("unreachable")


def open_session_files(folder: Path, info: SessionInfo, report: Callable[["AutosaveReport"], None], *,
                       srt_labels: bool = False) -> tuple[list["GuardedWriter"], str]:
    """The session's autosave writers (their paths noted in `info`), or none and a warning for people.

    `report` hears what happens to the files during the session (called on the engine thread);
    `srt_labels`: SRT cues start with who spoke ("You: …", as `info.labels` calls them).
    """
    try:
        srt, txt = open_autosave(folder, session_stem(info.started), own_folder=folder == default_sessions_dir(), labels=info.labels)
    except (SubtitleFileError, OSError) as exc:
        return [], f"Autosave is off for this session: {exc} The captions still show here and can be exported."
    info.srt_path, info.txt_path = srt.path, txt.path
    srt.srt_labels = srt_labels  # type: ignore[attr-defined]
    return [GuardedWriter(w, report) for w in (srt, txt)], ""


@dataclass(frozen=True)
class AutosaveReport:
    """Something that happened to an autosave file during the session."""

    path: Path
    what: str  # REMADE: it (or its folder) was deleted and is back with everything; FAILED; RESUMED: saved again after failing
    error: Exception | None = None


REMADE, FAILED, RESUMED = "remade", "failed", "resumed"


class GuardedWriter:
    """A live writer sink that never raises; what happens to its file goes to `report`.

    A file (or its folder) deleted mid-session is made again by the writer with every caption
    so far (REMADE). A write that fails is reported once (FAILED); the writer keeps every final
    and tries again, writing the file whole, with each next one and when it closes; when that
    works, RESUMED. The session keeps running: captions still reach the screen and the
    in-memory transcript, which can be exported elsewhere.
    """

    def __init__(self, writer: LiveWriter, report: Callable[[AutosaveReport], None]) -> None:
        self.writer = writer
        self.report = report
        self.failed = False
        writer.on_notice = lambda text: report(AutosaveReport(writer.path, REMADE))

    @property
    def path(self) -> Path:
        return self.writer.path

    @property
    def saved(self) -> bool:
        """Whether the file holds every final of the session."""
        return not self.failed and self.writer.saved

    def on_caption(self, event: CaptionEvent) -> None:
        self._guarded(self.writer.on_caption, event)

    def close(self) -> None:
        self._guarded(self.writer.close)

    def set_labels(self, labels: Mapping[str, str]) -> None:
        self._guarded(self.writer.set_labels, labels)

    def _guarded(self, write: Callable[..., None], *args: object) -> None:
        try:
            write(*args)
        except (SubtitleFileError, OSError, ValueError) as exc:
            log.error("autosave to %s failed: %s", self.writer.path, exc)
            if not self.failed:
                self.failed = True
                self.report(AutosaveReport(self.writer.path, FAILED, exc))
            return
        if self.failed and self.writer.saved:
            self.failed = False
            self.report(AutosaveReport(self.writer.path, RESUMED))
