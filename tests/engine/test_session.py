"""Session errors say whether the session ends: an output failing is not fatal, the source failing is."""

from __future__ import annotations

from captioner.audio.sources import FileSource
from captioner.engine.session import CaptionSession
from captioner.events import SessionError


class FullDisk:
    """A sink whose disk is full: every final fails to be written."""

    def on_caption(self, event) -> None:
        if event.final:
            raise OSError(28, "No space left on device")

    def close(self) -> None:
        pass


class Collect:
    def __init__(self) -> None:
        self.finals = []

    def on_caption(self, event) -> None:
        if event.final:
            self.finals.append(event)

    def close(self) -> None:
        pass


def test_a_failing_output_is_reported_as_not_fatal_and_captions_go_on(sentence_wav, tiny_transcriber) -> None:
    errors: list[SessionError] = []
    kept = Collect()
    session = CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber, sinks=[FullDisk(), kept], on_error=errors.append)
    session.start()
    assert session.wait(60)
    assert len(errors) == 1 and not errors[0].fatal
    assert "still go to the other outputs" in errors[0].message
    assert kept.finals and "team" in kept.finals[0].text.lower()


def test_a_failing_transcriber_is_fatal(sentence_wav, tiny_transcriber, monkeypatch) -> None:
    def broken(audio, prompt=None):
        raise RuntimeError("CUDA failed with error out of memory")

    monkeypatch.setattr(tiny_transcriber, "transcribe", broken)
    errors: list[SessionError] = []
    session = CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber, on_error=errors.append)
    session.start()
    assert session.wait(60)
    assert [e.fatal for e in errors] == [True] and errors[0].message.startswith("Transcription failed")
