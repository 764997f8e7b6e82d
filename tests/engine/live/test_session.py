"""Session errors say whether the session ends: an output failing is not fatal, the source failing is."""

from __future__ import annotations

from captioner.audio.sources import FileSource
from captioner.engine.live.session import CaptionSession, SessionOptions
from captioner.events import SessionProblem


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
    errors: list[SessionProblem] = []
    kept = Collect()
    session = CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber, sinks=[FullDisk(), kept], on_error=errors.append)
    session.start()
    assert session.wait(60)
    assert len(errors) == 1 and not errors[0].fatal
    assert "still go to the other outputs" in errors[0].message
    assert kept.finals and "team" in kept.finals[0].text.lower()


def test_a_fault_in_the_speaker_labels_is_reported_as_not_fatal_and_captions_go_on(sentence_wav, tiny_transcriber,
                                                                                   monkeypatch) -> None:
    errors: list[SessionProblem] = []
    kept = Collect()
    session = CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber, sinks=[kept], on_error=errors.append,
                             options=SessionOptions(speakers=True))

    def broken(*args, **kwargs):
        raise ValueError("speaker-3 is not in list")

    monkeypatch.setattr(session.engine.speakers.speakers, "assign", broken)
    session.start()
    assert session.wait(60)
    assert [e.fatal for e in errors] == [False] and errors[0].message.startswith("Speaker labels stopped")
    assert kept.finals and "team" in kept.finals[0].text.lower() and not kept.finals[0].speaker


def test_a_failing_transcriber_is_fatal(sentence_wav, tiny_transcriber, monkeypatch) -> None:
    def broken(audio, prompt=None):
        raise RuntimeError("CUDA failed with error out of memory")

    monkeypatch.setattr(tiny_transcriber, "transcribe", broken)
    errors: list[SessionProblem] = []
    session = CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber, on_error=errors.append)
    session.start()
    assert session.wait(60)
    assert [e.fatal for e in errors] == [True] and errors[0].message.startswith("Transcription failed")


def test_an_interim_comes_out_while_a_long_final_pass_runs(sentence_wav, tiny_model, tmp_path) -> None:
    """With an interim model, interim passes run on a worker of their own: the next segment's first
    words come out while the final model is still busy with the previous segment, finals stay in
    order and none is lost. Both models are tiny.en here; the final model's first pass on the first
    segment is held until the second segment's first interim is out (30 s at most: one worker for
    every pass would never get there)."""
    import threading
    import time

    import numpy as np

    from captioner.audio.sources import decode_file
    from captioner.engine.live.transcriber import Transcriber
    from tests.conftest import SENTENCE
    from tests.speech import wer, write_wav

    held: dict[str, int] = {}  # the segment whose first final-model pass is held
    released = threading.Event()
    passes: list[tuple[int, float, float]] = []  # (segment, started, done) of the final model's passes

    class SlowFinals(Transcriber):
        def run(self, job):
            began = time.monotonic()
            result = super().run(job)
            if job.final or job.pause:
                if held.setdefault("segment", job.segment_id) == job.segment_id:
                    released.wait(30)
                passes.append((job.segment_id, began, time.monotonic()))
            return result

    class Timed:
        def __init__(self) -> None:
            self.events = []

        def on_caption(self, event) -> None:
            self.events.append((time.monotonic(), event))
            if not event.final and event.text and event.id > held.get("segment", event.id):
                released.set()

        def close(self) -> None:
            pass

    one = decode_file(str(sentence_wav))
    path = write_wav(tmp_path / "twice.wav", np.concatenate([one, one]))
    interim = Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", threads=1, name="tiny.en")
    big = SlowFinals.load(str(tiny_model), device="cpu", compute_type="int8", threads=1, name="tiny.en", interim=interim)
    sink = Timed()
    session = CaptionSession(FileSource(str(path), realtime=True), big, [sink])
    assert session.engine.config.interim_worker
    session.start()
    assert session.wait(120) and not session.errors

    finals = [e for _, e in sink.events if e.final and e.text and not e.revision]  # as first shown
    assert len(finals) == 2 and finals[0].id < finals[1].id
    assert [f.id for f in session.finals] == [f.id for f in finals]  # revisions took their places
    assert all(wer(SENTENCE, f.text) <= 0.2 for f in finals)
    first = held["segment"]
    later = [t for t, e in sink.events if not e.final and e.text and e.id > first]
    # the second segment's first interim came out while the held pass on the first segment ran
    began, done = next((b, d) for seg, b, d in passes if seg == first)
    assert later and began < later[0] < done, (passes, later)
    assert released.is_set() and done - began < 30


def test_a_session_captions_a_file_into_its_srt_with_any_recognizer(tmp_path) -> None:
    """A live session on tests/tones.py's recognizer (no model): the same thread, source and files as with Whisper."""
    from captioner.engine.live.transcriber import Transcriber
    from captioner.subtitles import LiveSrtWriter
    from tests.speech import write_wav
    from tests.tones import ToneRecognizer, say, text_of

    sentences = [["alpha", "bravo", "charlie"], ["hotel", "golf", "echo", "delta"]]
    audio, _spans = say(sentences)
    write_wav(tmp_path / "tones.wav", audio)
    errors: list[SessionProblem] = []
    kept = Collect()
    session = CaptionSession(FileSource(str(tmp_path / "tones.wav")), Transcriber(ToneRecognizer()),
                             sinks=[kept, LiveSrtWriter(tmp_path / "tones.srt")], on_error=errors.append)
    session.start()
    assert session.wait(60) and not errors
    assert [f.text.rstrip(".") for f in kept.finals] == [text_of(s).rstrip(".") for s in sentences]
    srt = (tmp_path / "tones.srt").read_text(encoding="utf-8")
    assert all(text_of(s).rstrip(".") in srt for s in sentences)


def test_the_options_a_user_chooses_are_the_engines() -> None:
    """`SessionOptions.chosen`: what `captioner caption`'s options and the app's settings both make."""
    from captioner.engine.live.session import SessionOptions

    assert SessionOptions.chosen() == SessionOptions()  # the defaults are the engine's
    options = SessionOptions.chosen(vad_aggressiveness=0, interims=False, keep_echo=True, status_interval_s=0.1)
    assert options.config.segmenter.aggressiveness == 0 and not options.config.interims
    assert options.echo is None and options.status_interval_s == 0.1 and options.speakers is False


def test_a_file_read_fast_ends_a_turn_at_a_sentences_pause_as_live_audio_does(tmp_path, tiny_transcriber) -> None:
    """Three turns 0.7 s apart: live, the pass over each pause says the turn ends a sentence and the segment ends after
    the short hang-over (0.6 s). A file read as fast as possible waits for that pass: without it the pause was judged by
    silence alone (1 s for an open phrase) and a short reply and the next turn came out as one caption."""
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation

    a, b = TWO_VOICES
    turns = [(a, "Hello there."), (b, "Hi, how are you?"), (a, VOICE_SENTENCES[0])]
    path, _ = conversation(tmp_path / "quick.wav", turns, gap_s=0.7)
    kept = Collect()
    session = CaptionSession(FileSource(str(path)), tiny_transcriber, sinks=[kept])
    session.start()
    assert session.wait(120)
    latest = {e.id: e.text.lower() for e in kept.finals if e.text}
    said = [latest[k] for k in sorted(latest)]
    assert len(said) == 3, said
    assert "how are you" in said[1] and "team" not in said[1] and "team" in said[2], said
