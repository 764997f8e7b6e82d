"""The session the window shows (`captioner.app.shown`): its captions, a rename, Export, a refine shown."""

from __future__ import annotations

from pathlib import Path

from captioner.app.autosave import SessionInfo
from captioner.app.shown import ShownSession
from captioner.app.transcribe import OfflineJob
from captioner.events import SAMPLE_RATE, CaptionEvent


def final(id: int, text: str, speaker: str = "") -> CaptionEvent:
    return CaptionEvent(id=id, start=id * SAMPLE_RATE, end=(id + 1) * SAMPLE_RATE, text=text, final=True, speaker=speaker)


def finished(tmp_path: Path, *events: CaptionEvent) -> ShownSession:
    """A live session that ended with `events`, its transcript saved as `talk.srt` and `talk.txt`."""
    shown = ShownSession()
    shown.begin(SessionInfo(srt_path=tmp_path / "talk.srt", txt_path=tmp_path / "talk.txt"))
    for event in events:
        shown.apply(event)
    shown.transcript.save(tmp_path, "talk", ["srt", "txt"])
    return shown


def test_captions_shown_are_unsaved_until_the_files_hold_them_or_they_are_exported(tmp_path):
    shown = ShownSession()
    shown.begin(SessionInfo())
    assert shown.apply(CaptionEvent(id=1, start=0, end=SAMPLE_RATE, text="good mor", final=False)).kind == "interim"
    assert not shown.unsaved and len(shown.transcript) == 0  # an interim is shown, and kept nowhere
    shown.apply(final(1, "Good morning."))
    assert shown.unsaved and [e.text for e in shown.finals] == ["Good morning."] == [e.text for e in shown.transcript.finals]
    shown.all_saved()
    assert not shown.unsaved
    shown.apply(final(2, "Welcome."))
    assert shown.unsaved
    assert shown.export("txt", tmp_path / "out.txt") == tmp_path / "out.txt"
    assert not shown.unsaved and (tmp_path / "out.txt").read_text(encoding="utf-8").splitlines()[-1].endswith("Welcome.")


def test_a_speaker_named_after_the_session_is_named_in_its_files(tmp_path):
    shown = finished(tmp_path, final(1, "Hello there.", "speaker-1"), final(2, "Hi.", "speaker-2"))
    labels = shown.rename_speaker("speaker-2", "Ana")
    assert labels["speaker-2"] == "Ana" and shown.info.labels == labels and shown.merger.labels == labels
    assert "Ana: Hi." in (tmp_path / "talk.txt").read_text(encoding="utf-8")


def test_while_the_session_runs_its_writers_take_the_name(tmp_path):
    class Writer:
        labels: dict = {}

        def set_labels(self, labels):
            self.labels = labels

    shown, writer = ShownSession(), Writer()
    shown.begin(SessionInfo(srt_path=tmp_path / "talk.srt"))
    shown.apply(final(1, "Hello.", "speaker-1"))
    shown.rename_speaker("speaker-1", "Bo", [writer])
    assert writer.labels["speaker-1"] == "Bo" and not (tmp_path / "talk.srt").exists()  # the writers write it, not the document


def test_a_refine_shown_takes_the_live_captions_place_and_its_files_take_a_name_given_meanwhile(tmp_path):
    shown = finished(tmp_path, final(1, "Helo there.", "speaker-1"))
    info = shown.info
    shown.rename_speaker("speaker-1", "Ana")
    job = OfflineJob(tmp_path / "talk.srt", labels={}, info=info)  # the refine began before the name was given
    updates, warnings = shown.show_refined(job, [final(1, "Hello there.", "speaker-1")])
    assert [u.kind for u in updates] == ["final"] and warnings == [] and info.refined and shown.transcript.refined
    assert not shown.unsaved and "Ana: Hello there." in (tmp_path / "talk.txt").read_text(encoding="utf-8")


def test_a_transcription_that_could_not_be_saved_is_kept_to_export(tmp_path):
    shown = ShownSession()
    job = OfflineJob(None, recording=tmp_path / "talk.wav", info=SessionInfo(source="talk.wav"),
                     save_error="The transcript could not be saved.")
    updates, warnings = shown.show_refined(job, [final(1, "Hello.")])
    assert len(updates) == 1 and shown.unsaved and not shown.info.refined and not shown.transcript.refined
    assert warnings == ["The transcript could not be saved. The transcript is shown: File → Export saves it elsewhere."]
