"""Finals said close together decoded again as one clip once the speaker pauses (real tiny.en, real speech)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from captioner.audio.sources import FileSource
from captioner.engine.checks import REPEATED_RUN
from captioner.engine.filters import normalise
from captioner.engine.live import pacing
from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
from captioner.engine.live.replay import replay
from captioner.engine.live.revision import RevisionRule, mean_probability
from captioner.engine.live.session import CaptionSession
from captioner.engine.live.spoken_order import lane_engine
from captioner.engine.live.transcriber import Transcriber
from captioner.engine.models.whisper import WhisperRecognizer
from captioner.subtitles.srt import LiveSrtWriter, format_srt
from captioner.subtitles.txt import LiveTxtWriter, format_txt
from tests.speech import SR, quiet, read_wav, speak, write_wav

PHRASES = ["The quick brown fox jumps over the lazy dog.", "She sells sea shells by the sea shore.",
           "Turn left at the second traffic light."]


@pytest.fixture(scope="module")
def three_sentences(tmp_path_factory) -> np.ndarray:
    """Three sentences 0.9 s apart (each its own segment), then 3 s of room noise."""
    folder = tmp_path_factory.mktemp("revising")
    parts = [quiet(0.5)]
    for n, phrase in enumerate(PHRASES):
        parts.append(read_wav(speak(phrase, folder / f"{n}.wav", lead_s=0.0, trail_s=0.0)))
        parts.append(quiet(0.9 if n < len(PHRASES) - 1 else 3.0, seed=n + 1))
    return np.concatenate(parts)


def first_finals(run):
    return [e for e in run.emitted if e.event.final and e.event.text and not e.event.revision]


def test_finals_said_close_together_are_revised_in_one_pass_once_the_speaker_pauses(three_sentences, tiny_transcriber):
    run = replay(three_sentences, CaptionEngine(EngineConfig()), tiny_transcriber.run)
    finals = first_finals(run)
    assert len(finals) == 3
    revising = [p for p in run.passes if p.job.revises]
    assert len(revising) == 1
    (revision,) = revising
    assert revision.job.revises == tuple(e.event.id for e in finals)
    # every final was out first, and the pass waited for the pause after the last one
    assert revision.started_s >= max(e.at_s for e in finals)
    assert revision.started_s >= finals[-1].event.end / SR + EngineConfig().revision.pause_s  # silent since the last speech
    # one final per segment, in place: each as that pass heard it (its run of the pass's words, heard at least as
    # surely), or as first shown; every word in its own segment's time
    assert [e.id for e in run.finals] == [e.event.id for e in finals]
    heard = [normalise(w.text) for w in revision.result.words]
    shown = {e.event.id: e.event for e in finals}
    for event in run.finals:
        assert all(event.start <= w.start <= w.end <= event.end for w in event.words)
        if event.revision:
            assert event.final and event.revision == 1
            words = [normalise(w.text) for w in event.words]
            assert any(heard[k:k + len(words)] == words for k in range(len(heard)))
            assert mean_probability(event.words) >= mean_probability(shown[event.id].words)
        else:
            assert event == shown[event.id]


def test_a_revising_pass_that_fails_its_checks_changes_no_final(three_sentences, tiny_transcriber):
    def failing(job):
        result = tiny_transcriber.run(job)
        return replace(result, problem=REPEATED_RUN, text="nothing like it", words=result.words[:2]) if job.revises else result

    run = replay(three_sentences, CaptionEngine(EngineConfig()), failing)
    assert [p.job.revises for p in run.passes if p.job.revises]  # it ran
    assert not [e for e in run.emitted if e.event.revision]
    assert [e.text for e in run.finals] == [e.event.text for e in first_finals(run)]


def test_without_revising_no_revising_pass_runs(three_sentences, tiny_transcriber):
    run = replay(three_sentences, CaptionEngine(EngineConfig(revise=False)), tiny_transcriber.run)
    assert len(run.finals) == 3
    assert not [p for p in run.passes if p.job.revises]


def test_a_big_model_on_a_cpu_and_a_meeting_do_not_revise(tiny_transcriber, sentence_wav):
    big = Transcriber(WhisperRecognizer(tiny_transcriber.recognizer.model, name="as big as large-v3", encoder_layers=32))
    assert tiny_transcriber.revises and not big.revises
    session = CaptionSession(FileSource(str(sentence_wav)), big)
    assert session.engine.config.revise is False
    assert CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber).engine.config.revise is True
    assert lane_engine(EngineConfig()).config.revise is False


def test_the_session_files_hold_the_transcript_as_revised(three_sentences, tiny_transcriber, tmp_path):
    wav = write_wav(tmp_path / "three.wav", three_sentences)
    srt_writer, txt_writer = LiveSrtWriter(tmp_path / "s.srt"), LiveTxtWriter(tmp_path / "s.txt")
    session = CaptionSession(FileSource(str(wav)), tiny_transcriber, sinks=[srt_writer, txt_writer])
    session.start()
    assert session.wait(120)
    assert len(session.finals) == 3 and len({e.id for e in session.finals}) == 3
    assert session.engine.reviser.revisions == 1
    assert (tmp_path / "s.srt").read_text(encoding="utf-8") == format_srt(session.finals)
    assert (tmp_path / "s.txt").read_text(encoding="utf-8") == format_txt(session.finals)


def test_behind_revisions_wait_and_finals_that_no_longer_fit_are_given_up(three_sentences, tiny_transcriber):
    engine = CaptionEngine(EngineConfig(adapt=False, revision=RevisionRule(span_s=6.0)))
    engine.pace.level = pacing.SPARSE  # held there: behind, interims thinned out
    run = replay(three_sentences, engine, tiny_transcriber.run)
    finals = first_finals(run)
    assert len(finals) == 3 and len(run.finals) == 3
    revising = [p for p in run.passes if p.job.revises]
    # each final waited while the engine was behind; the two that no longer fit one 6 s pass with the next were
    # given up, and the last went once the audio had ended
    assert [p.job.revises for p in revising] == [(finals[-1].event.id,)]
    assert revising[0].started_s >= len(three_sentences) / SR


@pytest.fixture(scope="module")
def one_long_final(tmp_path_factory) -> tuple[np.ndarray, int]:
    """One long utterance without a pause (one segment, one final), then 3 s of room noise; and a point 60 % into its
    speech (samples), after which a pass that passed over the rest heard nothing: more than half of the words before it,
    and over 2.5 s of speech after it."""
    folder = tmp_path_factory.mktemp("passed-over")
    speech = read_wav(speak("the quick brown fox jumps over the lazy dog near the river bank every single morning while "
                            "the farmer walks his two old horses along the road to the market in town", folder / "a.wav",
                            lead_s=0.0, trail_s=0.0))
    assert 0.4 * len(speech) > 3 * SR
    return np.concatenate([quiet(0.5), speech, quiet(3.0, seed=2)]), int(0.5 * SR) + int(0.6 * len(speech))


@pytest.mark.parametrize("passes_over", [True, False])
def test_a_revision_that_passes_over_speech_never_takes_its_words_away(one_long_final, tiny_transcriber, passes_over):
    """Whisper sometimes passes over a sentence in a long window: the revising pass here hears only the first 60 % of
    the speech (the real pass's words after that dropped), surer of every word than the final was. The final keeps
    its words; the same pass with every word kept replaces it."""
    audio, first_end = one_long_final

    def revising(job):
        result = tiny_transcriber.run(job)
        if not job.revises:
            return result
        words = [replace(w, probability=1.0) for w in result.words]
        if passes_over:
            words = [w for w in words if job.start + w.end <= first_end + SR // 5]
        words[0] = replace(words[0], text=" Well," + words[0].text)  # said otherwise: a revision if nothing is lost
        return replace(result, text="".join(w.text for w in words).strip(), words=tuple(words))

    run = replay(audio, CaptionEngine(EngineConfig()), revising)
    (final,) = first_finals(run)
    assert [p.job.revises for p in run.passes if p.job.revises] == [(final.event.id,)]  # it ran, over that final
    (shown,) = run.finals
    if passes_over:
        assert shown == final.event
    else:
        assert shown.revision == 1 and normalise(shown.text).startswith("well")


@pytest.mark.parametrize("heard_twice", [False, True])
def test_a_word_a_revising_pass_dates_into_the_next_line_is_not_written_twice(three_sentences, tiny_transcriber, heard_twice):
    """Whisper sometimes passes over a line's words in a long window and dates its last word late, into the next line's
    time: the first line, given no words, keeps its own; the next, surer of the words it was given with that one among
    them (of its own words alone it is not), takes them. The word the two share at the seam is written once (the next
    line drops it and takes the rest); where the pass heard it on both sides of the seam, it was said twice and stays
    twice."""
    shown = first_finals(replay(three_sentences, CaptionEngine(EngineConfig()), tiny_transcriber.run))
    seam = (shown[0].event.end + shown[1].event.start) // 2
    second_start = shown[1].event.start
    kept = shown[0].event.words[-1].text  # the first line's last word, as shown: the pass hears it so too
    less_sure = mean_probability(shown[1].event.words) - 0.005  # the next line's other words: not surer than shown

    def revising(job):
        result = tiny_transcriber.run(job)
        if not job.revises:
            return result
        words = [replace(w, probability=1.0) for w in result.words]
        before = [w for w in words if job.start + (w.start + w.end) // 2 < seam]
        after = [replace(w, probability=less_sure) for w in words if job.start + (w.start + w.end) // 2 >= seam]
        after[0] = replace(after[0], text=" Well," + after[0].text)  # heard otherwise: a revision
        there = replace(before[-1], text=kept)
        late = replace(there, start=second_start - job.start, end=second_start - job.start + SR // 10)
        words = ([there] if heard_twice else []) + [late] + after
        return replace(result, text="".join(w.text for w in words).strip(), words=tuple(words))

    run = replay(three_sentences, CaptionEngine(EngineConfig()), revising)
    finals = first_finals(run)
    assert len(finals) == 3 and [p for p in run.passes if p.job.revises]
    last_word = normalise(kept)
    first, second = run.finals[0], run.finals[1]
    assert first == finals[0].event  # given one word, or none: keeps its own
    written = normalise(" ".join(e.text for e in run.finals)).split()
    if heard_twice:
        assert second.revision == 1 and normalise(second.text).split()[0] == last_word
        assert written.count(last_word) == 2
    else:
        assert second.revision == 1 and normalise(second.text).split()[0] == "well"
        assert written.count(last_word) == 1
