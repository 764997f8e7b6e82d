"""A session's audio kept on disk: each channel's 16 kHz mono samples as Ogg/Opus beside its transcript.

The recorder is a sink of the engine side: the session hands it every block it feeds an engine
(`feed`, which only queues the block), and a writer thread of its own encodes and writes, so
capture never waits on the disk. Opus at 48 kbit/s in its CELT-only mode keeps the spectrum the model reads
(`BITRATE`, `APPLICATION`); an Ogg page goes to the file at least every second, so a process killed mid-session
leaves a file that decodes up to its last page (about a second before the kill). Files are
private to their owner, like the transcripts. A file deleted while it is written (its folder too) is made
again, whole, from what the writer still holds open, and recording goes on into it; `on_notice` says so.

A channel's file starts at the session clock's zero: audio that began later (a meeting's second
channel) is preceded by silence, so a time in the file is a time in the session.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from captioner import files
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE, FileRemade

log = logging.getLogger(__name__)

# Opus at 48 kbit/s, CELT only ("lowdelay"). What the refine decodes must be as good as the microphone's own samples.
# Opus's speech-model modes (SILK, hybrid), which its "audio" mode takes for 16 kHz input at such rates and "voip"
# always, weaken the bands between 5 and 7 kHz and Whisper makes more errors on such a recording; CELT keeps every
# band the model reads (benchmarks/README.md, "Refined after the session").
BITRATE = 48_000
APPLICATION = "lowdelay"
PAGE_US = 500_000  # the longest an Ogg page holds, in microseconds: about what a kill can lose
SYNC_S = 10.0  # how often the written pages are made durable (fsync)
CHECK_S = 1.0  # how often a writer looks whether its file is still where it was written (deleted, its folder too)
AUDIO_SUFFIX = ".opus"
# kept in each file's Opus tags: the channel's label, and the model and vocabulary the session captioned with
LABEL_TAG, KIND_TAG, MODEL_TAG, VOCABULARY_TAG = "CAPTIONER_LABEL", "CAPTIONER_KIND", "CAPTIONER_MODEL", "CAPTIONER_VOCABULARY"
_BINARY = getattr(os, "O_BINARY", 0)


class RecordingError(OSError, CaptionerError):
    """The session's audio cannot be recorded; str() says so in words for people."""

    def __str__(self) -> str:
        return str(self.strerror)


@dataclass(frozen=True)
class Track:
    """One recorded channel: its file, who is heard in it ("" in a session of one input) and how (MICROPHONE, SYSTEM,
    "" unknown), and what the session captioned with (a model name or folder, the user's vocabulary)."""

    path: Path
    label: str = ""
    model: str = ""
    vocabulary: str = ""
    kind: str = ""

    @property
    def channel(self) -> str:
        """The recorded channel's id: its kind, or its label in a recording that does not say its kind ("" for none)."""
        return self.kind or self.label

    @property
    def tags(self) -> dict[str, str]:
        pairs = ((LABEL_TAG, self.label), (KIND_TAG, self.kind), (MODEL_TAG, self.model), (VOCABULARY_TAG, self.vocabulary))
        return {tag: value for tag, value in pairs if value}


def track_paths(folder: Path, stem: str, labels: Sequence[str], *, kinds: Sequence[str] = (), model: str = "",
                vocabulary: str = "") -> list[Track]:
    """Where a session's channels are recorded: `<stem>.audio.opus`, or `<stem>.audio-1.opus`, … for several."""
    kinds = list(kinds) + [""] * (len(labels) - len(kinds))
    if len(labels) == 1:
        return [Track(folder / f"{stem}.audio{AUDIO_SUFFIX}", labels[0], model, vocabulary, kinds[0])]
    return [Track(folder / f"{stem}.audio-{n}{AUDIO_SUFFIX}", label, model, vocabulary, kind)
            for n, (label, kind) in enumerate(zip(labels, kinds), 1)]


def find_tracks(folder: Path, stem: str) -> list[Track]:
    """The recorded channels of the session `stem` in `folder`, with their labels, in channel order."""
    import av

    found = sorted(folder.glob(f"{stem}.audio{AUDIO_SUFFIX}")) + sorted(
        folder.glob(f"{stem}.audio-*{AUDIO_SUFFIX}"), key=lambda p: _track_number(p, stem))
    tracks = []
    for path in found:
        tags: dict[str, str] = {}
        with contextlib.suppress(av.error.FFmpegError, OSError, IndexError):
            with av.open(str(path)) as container:
                tags = dict(container.streams.audio[0].metadata)
        tracks.append(Track(path, tags.get(LABEL_TAG, ""), tags.get(MODEL_TAG, ""), tags.get(VOCABULARY_TAG, ""), tags.get(KIND_TAG, "")))
    return tracks


def _track_number(path: Path, stem: str) -> int:
    digits = path.name[len(f"{stem}.audio-"):-len(AUDIO_SUFFIX)]
    return int(digits) if digits.isdigit() else 0


class _Moveable(io.RawIOBase):
    """The file PyAV writes a track into, by descriptor: a file deleted under it can be made again and the descriptor
    swapped (`fd`) without the container knowing."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data) -> int:
        return _write_all(self.fd, data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return os.lseek(self.fd, offset, whence)

    def tell(self) -> int:
        return os.lseek(self.fd, 0, os.SEEK_CUR)

    def fileno(self) -> int:
        return self.fd

    def close(self) -> None:
        if not self.closed:
            with contextlib.suppress(OSError):
                os.close(self.fd)
        super().close()


class _TrackWriter:
    """One channel's Ogg/Opus file, written by the recorder's thread."""

    def __init__(self, track: Track) -> None:
        import av

        self.track = track
        fd = self._create(track.path)
        files.make_private(fd)
        self.file = _Moveable(fd)
        self.container = av.open(self.file, "w", format="ogg", options={"page_duration": str(PAGE_US), "flush_packets": "1"})
        self.stream = self.container.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        self.stream.codec_context.bit_rate = BITRATE
        self.stream.codec_context.options = {"application": APPLICATION}
        self.stream.metadata.update(track.tags)
        self.samples = 0  # written so far: the session clock of the file's end
        self.synced = self.checked = time.monotonic()

    @staticmethod
    def _create(path: Path) -> int:
        try:  # read and write: what it holds can be copied into a new file if this one is deleted
            return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _BINARY, files.PRIVATE_FILE)
        except OSError as exc:
            raise RecordingError(exc.errno, f"Could not record the session's audio to {path}: {exc.strerror or exc}.") from exc

    def gone(self) -> bool:
        """Whether the file was deleted (its folder too) or another took its place since it was made."""
        try:
            here = os.stat(self.track.path)
        except (FileNotFoundError, NotADirectoryError):
            return True
        except OSError:
            return False
        mine = os.fstat(self.file.fd)
        return mine.st_nlink == 0 or (mine.st_dev, mine.st_ino) != (here.st_dev, here.st_ino)

    def restore(self) -> str:
        """Make the deleted file again (its folder too, private) with everything written so far, and go on writing into
        it; what happened, in words. Raises OSError (RecordingError) when it cannot be made."""
        folder = self.track.path.parent
        made_folder = not folder.is_dir()
        if made_folder:
            files.private_folder(folder)
        fd = self._create(self.track.path)
        try:
            files.make_private(fd)
            size, at = os.fstat(self.file.fd).st_size, 0
            while at < size:
                chunk = os.pread(self.file.fd, min(1 << 20, size - at), at)
                if not chunk:
                    break
                at += _write_all(fd, chunk)
            os.lseek(fd, os.lseek(self.file.fd, 0, os.SEEK_CUR), os.SEEK_SET)
        except BaseException:
            os.close(fd)
            raise
        old, self.file.fd = self.file.fd, fd
        with contextlib.suppress(OSError):
            os.close(old)
        what = f"The folder {folder} was" if made_folder else f"The session's audio {self.track.path} was"
        return FileRemade(f"{what} deleted during the session: the recording {self.track.path.name} was made again with "
                          f"everything recorded so far ({self.samples / SAMPLE_RATE:.0f} s), and recording goes on.",
                          str(self.track.path))

    def write(self, block: np.ndarray, at: int) -> str | None:
        """`block` of audio that starts at `at` on the session clock (silence fills a gap before it); a notice when the
        file had been deleted and was made again."""
        import av

        if self.samples < at:
            self.write(np.zeros(at - self.samples, np.float32), self.samples)
        notice = None
        now = time.monotonic()
        if now - self.checked >= CHECK_S:
            self.checked = now
            if self.gone():
                notice = self.restore()
        pcm = np.clip(np.asarray(block, np.float32) * 32768.0, -32768, 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
        frame.sample_rate, frame.pts = SAMPLE_RATE, self.samples
        for packet in self.stream.encode(frame):
            self.container.mux(packet)
        self.samples += len(pcm)
        if time.monotonic() - self.synced >= SYNC_S:
            os.fsync(self.file.fd)
            self.synced = time.monotonic()
        return notice

    def close(self, *, flush: bool = True) -> str | None:
        """End the file (made again first if it was deleted since the last check); a notice when it was."""
        notice = None
        try:
            if flush:
                for packet in self.stream.encode(None):
                    self.container.mux(packet)
            self.container.close()
            if flush and self.gone():
                notice = self.restore()
            if flush:
                os.fsync(self.file.fd)
        finally:
            self.file.close()
        return notice


def _write_all(fd: int, data) -> int:
    view = memoryview(data)
    done = 0
    while done < len(view):
        done += os.write(fd, view[done:])
    return done


class SessionRecorder:
    """Records each channel of a session to its own file, off the capture thread.

    The files are created here (a folder that cannot take them raises RecordingError);
    `feed` never blocks nor raises. A write that fails later (a full disk) ends that file
    where it stands, readable, and is told once to `on_error` in words; captions go on. A file deleted
    mid-session (its folder too) is made again with everything and goes on; `on_notice` is told.
    """

    def __init__(self, tracks: Sequence[Track], on_error: Callable[[str], None] | None = None,
                 on_notice: Callable[[str], None] | None = None) -> None:
        self.tracks = list(tracks)
        self.on_error = on_error
        self.on_notice = on_notice  # told when a file deleted mid-session (its folder too) was made again
        self.errors: list[str] = []
        self.notices: list[str] = []
        self._writers: list[_TrackWriter | None] = []
        try:
            for track in self.tracks:
                self._writers.append(_TrackWriter(track))
        except BaseException:
            for writer in self._writers:
                if writer is not None:
                    writer.close(flush=False)
                    with contextlib.suppress(OSError):
                        writer.track.path.unlink()
            raise
        self._queue: queue.Queue[tuple[int, np.ndarray, int] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="captioner-recorder", daemon=True)
        self._thread.start()
        self._closed = False

    @classmethod
    def open(cls, folder: Path, stem: str, labels: Sequence[str] = ("",), on_error: Callable[[str], None] | None = None, *,
             kinds: Sequence[str] = (), model: str = "", vocabulary: str = "",
             on_notice: Callable[[str], None] | None = None) -> "SessionRecorder":
        """Record a session whose transcript is `<folder>/<stem>.srt`: one file per channel label (`kinds`: MICROPHONE…)."""
        return cls(track_paths(folder, stem, labels, kinds=kinds, model=model, vocabulary=vocabulary), on_error, on_notice)

    @property
    def paths(self) -> list[Path]:
        return [track.path for track in self.tracks]

    def feed(self, channel: int, block: np.ndarray, at: int = 0) -> None:
        """Queue a channel's next block; `at`: where the channel's first sample lies on the session clock."""
        if not self._closed and len(block):
            self._queue.put((channel, np.array(block, np.float32), at))

    def close(self) -> None:
        """Write what is queued and end every file (a channel that gave no audio leaves none); waits for the writer thread."""
        if self._closed:
            return
        self._closed = True
        self._queue.put(None)
        self._thread.join()

    def _run(self) -> None:
        offsets: dict[int, int] = {}
        while (item := self._queue.get()) is not None:
            channel, block, at = item
            writer = self._writers[channel]
            if writer is None:
                continue
            start = offsets.setdefault(channel, at)  # the channel's place on the session clock, fixed by its first block
            try:
                self._tell(writer.write(block, max(start, writer.samples)))
            except Exception as exc:
                self._fail(channel, exc)
        for channel, writer in enumerate(self._writers):
            if writer is not None:
                try:
                    self._tell(writer.close())
                except Exception as exc:
                    self._fail(channel, exc)
                if writer.samples == 0:  # a channel that never gave audio leaves no file
                    with contextlib.suppress(OSError):
                        writer.track.path.unlink()

    def _tell(self, notice: str | None) -> None:
        if notice is not None:
            log.warning(notice)
            self.notices.append(notice)
            if self.on_notice is not None:
                self.on_notice(notice)

    def _fail(self, channel: int, exc: Exception) -> None:
        writer, self._writers[channel] = self._writers[channel], None
        if writer is None:
            return
        log.error("recording to %s failed: %r", writer.track.path, exc)
        with contextlib.suppress(Exception):
            writer.close(flush=False)
        reason = os.strerror(exc.errno).lower() if isinstance(exc, OSError) and exc.errno else str(exc)
        message = (f"Recording the session's audio to {writer.track.path} stopped: {reason}. "
                   f"It keeps the first {writer.samples / SAMPLE_RATE:.0f} s; captions go on.")
        self.errors.append(message)
        if self.on_error is not None:
            self.on_error(message)
