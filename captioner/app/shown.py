"""The session the app's window shows, live or refined, free of Qt: its captions, its transcript's files written again
after a rename or a refine, Export, and whether its captions are on disk."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from captioner.app.autosave import SessionInfo
from captioner.app.merge import CaptionMerger, MergeUpdate
from captioner.app.transcribe import OfflineJob
from captioner.events import CaptionEvent
from captioner.subtitles import SubtitleFileError
from captioner.transcript import Transcript

__all__ = ["ShownSession"]


class ShownSession:
    """The session the window shows: `info` (what it is, where its files are), its captions as the window shows them
    (`merger`, interims too) and as the transcript document keeps them (`transcript`: its files and Export are drawn
    from it), and how many of its finals are on disk (`saved`: autosaved, or exported). A speaker named is named in all
    of them and in its files (`rename_speaker`); a refine's or a transcription's captions take the live ones' place
    (`show_refined`)."""

    def __init__(self) -> None:
        self.info: SessionInfo | None = None
        self.merger = CaptionMerger()
        self.transcript = Transcript()  # the last session's (or refine's) captions, as its files and Export keep them
        self.saved = 0  # how many of the finals are on disk (autosave, or an export)

    @property
    def finals(self) -> list[CaptionEvent]:
        return self.merger.finals

    @property
    def unsaved(self) -> bool:
        """Whether it has captions that are on disk nowhere: autosave was off or failed, and they were not exported."""
        return len(self.merger.finals) > self.saved

    def begin(self, info: SessionInfo) -> None:
        """A live session `info` begins: nothing shown yet, nothing saved."""
        self.info = info
        self.merger, self.transcript = CaptionMerger(info.labels), Transcript(labels=info.labels)
        self.saved = 0

    def apply(self, event: CaptionEvent) -> MergeUpdate:
        """A caption of the live session, on the thread and in the order the window shows it: into the transcript
        document and the window's merge."""
        self.transcript.add(event)
        return self.merger.apply(event)

    def all_saved(self) -> None:
        """Every final shown is on disk (the session's autosave files hold them all)."""
        self.saved = len(self.merger.finals)

    def rename_speaker(self, speaker: str, name: str, outputs: Sequence = (), *, srt_labels: bool = False) -> dict[str, str]:
        """Call the speaker `speaker` (an id, "speaker-2") `name`: in the document, the window's captions and the files,
        past captions and future ones. A session still running has its `outputs` (live writers) write their files again;
        a finished one's files are written again whole from the document. Returns the labels; raises SubtitleFileError
        when a finished session's file cannot be written again."""
        self.transcript.labels = self.info.labels
        labels = self.transcript.rename_speaker(speaker, name)
        self.info.labels = labels
        self.merger.labels = labels
        for output in outputs:
            output.set_labels(labels)
        if not outputs:
            self.write_again(srt_labels=srt_labels)
        return labels

    def write_again(self, *, srt_labels: bool = False) -> None:
        """A finished session's files (each format it was saved in: SRT, TXT, and the VTT of a refine or a transcription)
        written again from the captions shown, as `info.labels` calls everyone; raises SubtitleFileError."""
        info = self.info
        stem = info.srt_path or info.txt_path
        if stem is not None:
            self.transcript.srt_labels, self.transcript.labels = srt_labels, info.labels
            self.transcript.save_again(stem)

    def export(self, kind: str, path: str | Path, *, srt_labels: bool = False) -> Path:
        """Write the final captions in the format named `kind` ("srt", "txt", "vtt": subtitles.formats); raises
        SubtitleFileError."""
        self.transcript.srt_labels, self.transcript.labels = srt_labels, self.merger.labels
        written = self.transcript.write(path, kind)
        self.saved = max(self.saved, len(self.transcript))
        return written

    def show_refined(self, job: OfflineJob, events: list[CaptionEvent], *, srt_labels: bool = False) -> tuple[list[MergeUpdate], list[str]]:
        """A finished refine or transcription (`job.info`) is shown from now on with its captions `events`: the window's
        updates for them, and what is to be said of its files (they could not take a name given meanwhile; they could
        not be saved: the captions are then kept to export)."""
        info, refined, warnings = job.info, job.recording is None, []
        self.info = info
        self.merger = CaptionMerger(info.labels)
        updates = [self.merger.apply(event) for event in events]
        self.transcript = Transcript(self.merger.finals, labels=info.labels, refined=refined, srt_labels=srt_labels)
        if not refined and job.saved:
            info.srt_path = next((p for p in job.saved if p.suffix == ".srt"), None)
            info.txt_path = next((p for p in job.saved if p.suffix == ".txt"), None)
        self.saved = 0 if not refined and not job.saved else len(events)  # unsaved: kept for Export
        if job.labels is not None and dict(info.labels) != job.labels and refined:
            try:  # a speaker was named while the refine ran: its files say the name too
                self.write_again(srt_labels=srt_labels)
            except (SubtitleFileError, OSError) as exc:
                warnings.append(f"The refined files could not take the speakers' names: {exc}")
        if job.save_error:
            warnings.append(f"{job.save_error} The transcript is shown: File → Export saves it elsewhere.")
        info.refined = refined
        return updates, warnings
