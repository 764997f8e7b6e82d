"""The queue of offline jobs: recordings transcribed in turn (real tiny.en, and the tones' recognizer), saved without
writing over another, cancelled one or all, stopped keeping what was done."""

from __future__ import annotations

from pathlib import Path

import pytest

from captioner.app.transcribe import (
    OfflineJob,
    QueueListener,
    TranscriptionQueue,
    decode_language,
    offline_blocked,
    offline_request,
    transcribe_model,
    vocabulary_terms,
)
from captioner.engine.models.catalogue import INTERIM_NONE, default_model
from captioner.engine.offline.decode_whole import DECODING
from tests.gui.conftest import SENTENCES
from tests.speech import wer, write_wav
from tests.tones import LEXICON, ToneRecognizer, say, text_of


class Heard(QueueListener):
    """Every report, in order: (what, job name, ...)."""

    def __init__(self) -> None:
        self.said: list[tuple] = []
        self.on_progress = None  # called with the queue's job at each progress report

    def started(self, job) -> None:
        self.said.append(("started", job.name))

    def progress(self, job, done_s: float, total_s: float) -> None:
        self.said.append(("progress", job.name))
        if self.on_progress is not None:
            self.on_progress(job)

    def phase(self, job, name: str) -> None:
        self.said.append(("phase", job.name, name))

    def finished(self, job, events) -> None:
        self.said.append(("finished", job.name, " ".join(e.text for e in events)))

    def failed(self, job, error) -> None:
        self.said.append(("failed", job.name, str(error)))

    def cancelled(self, job, dropped: int) -> None:
        self.said.append(("cancelled", job.name, dropped))

    def stopped(self) -> None:
        self.said.append(("stopped",))

    def queued(self, waiting: int) -> None:
        self.said.append(("queued", waiting))

    def kinds(self, name: str) -> list[tuple]:
        return [s for s in self.said if s[0] == name]


def tones(path: Path, sentences: int = 6) -> Path:
    """A recording of `sentences` sentences of the tones' words."""
    audio, _ = say([[LEXICON[(n + k) % len(LEXICON)] for k in range(3)] for n in range(sentences)])
    return write_wav(path, audio)


def spoken(sentences: int = 6) -> str:
    return " ".join(text_of([LEXICON[(n + k) % len(LEXICON)] for k in range(3)]) for n in range(sentences))


@pytest.mark.slow
def test_recordings_are_transcribed_in_turn_and_saved_never_over_another(tmp_path, speech_wav: Path, transcriber) -> None:
    folder = tmp_path / "transcripts"
    folder.mkdir()
    (folder / "meeting.txt").write_text("an earlier transcript\n")
    heard = Heard()
    queue = TranscriptionQueue(heard)
    jobs = [OfflineJob(None, transcriber.recognizer, recording=speech_wav, save_to=folder) for _ in range(2)]
    queue.add(*jobs)
    assert not queue.busy and not queue.waiting
    assert [s[0] for s in heard.said if s[0] != "progress"] == ["started", "phase", "finished", "stopped"] * 2
    assert (folder / "meeting.txt").read_text() == "an earlier transcript\n"
    assert [p.name for p in jobs[0].saved] == ["meeting-2.srt", "meeting-2.txt", "meeting-2.vtt"]
    assert [p.name for p in jobs[1].saved] == ["meeting-3.srt", "meeting-3.txt", "meeting-3.vtt"]
    for _, _, text in heard.kinds("finished"):
        assert wer(" ".join(SENTENCES), text) <= 0.2
    assert wer(" ".join(SENTENCES), (folder / "meeting-3.txt").read_text(encoding="utf-8")) <= 0.2
    assert jobs[0].total_s == pytest.approx(9.0, abs=2.0)


def test_a_recording_that_cannot_be_read_fails_and_the_next_one_runs(tmp_path) -> None:
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio")
    good = tones(tmp_path / "talk.wav")
    heard = Heard()
    loads = []
    queue = TranscriptionQueue(heard, model=lambda: loads.append(1) or ToneRecognizer())
    queue.add(OfflineJob(None, recording=bad), OfflineJob(None, recording=good, outputs=[("txt", tmp_path / "out.txt")]))
    failed = heard.kinds("failed")
    assert len(failed) == 1 and failed[0][1] == "notes.mp3" and "is not audio in a format captioner reads" in failed[0][2]
    assert heard.kinds("finished") == [("finished", "talk.wav", spoken())]
    assert loads == [1]  # the model is asked for once a recording is read, not for one that cannot be
    assert (tmp_path / "out.txt").read_text(encoding="utf-8").split() == spoken().split()


def test_cancel_drops_the_running_one_and_the_next_starts_cancel_all_drops_every_one(tmp_path) -> None:
    files = [tones(tmp_path / f"{name}.wav") for name in ("first", "second", "third")]
    heard = Heard()
    queue = TranscriptionQueue(heard)
    heard.on_progress = lambda job: job.name == "first.wav" and queue.cancel()
    queue.add(*(OfflineJob(None, ToneRecognizer(), recording=f, save_to=tmp_path / "out") for f in files[:2]))
    assert heard.kinds("cancelled") == [("cancelled", "first.wav", 0)]
    assert [s[1] for s in heard.kinds("finished")] == ["second.wav"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["second.srt", "second.txt", "second.vtt"]

    heard = Heard()
    queue = TranscriptionQueue(heard)
    heard.on_progress = lambda job: queue.cancel_all()
    queue.add(*(OfflineJob(None, ToneRecognizer(), recording=f) for f in files))
    assert heard.kinds("cancelled") == [("cancelled", "first.wav", 2)]
    assert not heard.kinds("finished") and not queue.busy and not queue.waiting


def test_pause_keeps_the_running_one_first_in_line(tmp_path) -> None:
    files = [tones(tmp_path / f"{name}.wav") for name in ("first", "second")]
    heard = Heard()
    queue = TranscriptionQueue(heard)
    heard.on_progress = lambda job: queue.pause() if not heard.kinds("stopped") else None
    queue.add(*(OfflineJob(None, ToneRecognizer(), recording=f) for f in files))
    assert not queue.busy and [job.name for job in queue.waiting] == ["first.wav", "second.wav"]
    assert not heard.kinds("cancelled") and not heard.kinds("finished")
    heard.on_progress = None
    queue.resume()
    assert [s[1] for s in heard.kinds("finished")] == ["first.wav", "second.wav"]


def test_stop_keeps_and_writes_what_was_transcribed_and_drops_the_rest(tmp_path, monkeypatch) -> None:
    from captioner.engine.offline import speech_spans

    monkeypatch.setattr(speech_spans, "PIECE_S", 10.0)  # several pieces: the first ones are done when it stops
    files = [tones(tmp_path / "long.wav", sentences=24), tones(tmp_path / "next.wav")]
    heard = Heard()
    queue = TranscriptionQueue(heard)
    dropped = []
    heard.on_progress = lambda job: not dropped and len(heard.kinds("progress")) > 2 and dropped.extend(queue.stop())
    jobs = [OfflineJob(None, ToneRecognizer(), recording=f, outputs=[("srt", tmp_path / f"{f.stem}.srt")]) for f in files]
    queue.add(*jobs)
    assert [job.name for job in dropped] == ["next.wav"]
    long = jobs[0]
    assert long.keep_partial and long.kept_s is not None and 0 < long.kept_s < long.total_s
    (finished,) = heard.kinds("finished")
    assert finished[1] == "long.wav" and finished[2] and spoken(24).startswith(finished[2])
    assert (tmp_path / "long.srt").is_file() and not (tmp_path / "next.srt").exists()
    assert ("phase", "long.wav", DECODING) in heard.said


def test_what_an_offline_job_decodes_with() -> None:
    request = offline_request("small", "cpu", "int8", "de")
    assert (request.spec, request.compute_device, request.compute_type, request.language) == ("small", "cpu", "int8", "de")
    assert request.beam_size == 1 and request.interim == INTERIM_NONE
    assert transcribe_model(None) == default_model() and transcribe_model("base") == "base"
    assert decode_language("small", "auto") is None and decode_language("small", "de") == "de"
    assert decode_language("tiny.en", "auto") == "en"  # an English-only model decodes English


def test_vocabulary_and_when_the_app_cannot_start_an_offline_job(tmp_path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("Ana Pereira\nKubernetes\n")
    assert vocabulary_terms(None) is None and vocabulary_terms("") == ""
    assert vocabulary_terms(str(terms)) == vocabulary_terms("Ana Pereira, Kubernetes")
    with pytest.raises(ValueError, match="no vocabulary file"):
        vocabulary_terms(str(tmp_path / "missing.txt"))
    assert offline_blocked(True, object()).startswith("Stop the current session first")
    assert offline_blocked(False, None).startswith("The model is not loaded yet")
    assert offline_blocked(False, object()) == ""
