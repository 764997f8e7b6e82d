"""The engine's rules, run on real audio with the real tiny.en model."""

import numpy as np
import pytest

from captioner.audio.sources import decode_file
from captioner.engine.filters import normalise
from captioner.engine.live.pipeline import CaptionEngine, EngineConfig
from captioner.engine.live.replay import replay
from captioner.engine.live.segmenter import SegmenterConfig
from captioner.engine.live.transcriber import Transcriber
from tests.conftest import SENTENCE
from tests.speech import SR, quiet, read_wav, speak, vowel, wer
from tests.tones import FRAME, ToneRecognizer, say


def run(audio, transcriber, config=EngineConfig(), **kw):
    engine = CaptionEngine(config)
    return replay(audio, engine, lambda job: revising(transcriber, job) or transcriber.transcribe(job.audio, job.prompt), **kw)


def revising(transcriber, job):
    """The transcriber's revising pass when `job` is one (these tests decode the other passes their own way), else None."""
    return transcriber.run(job) if job.revises else None


def test_sentence_gives_interims_then_a_matching_final(sentence_wav, tiny_transcriber):
    audio = decode_file(str(sentence_wav))
    result = run(audio, tiny_transcriber, compute_advances_clock=False)
    finals = result.finals
    assert len(finals) == 1
    final = finals[0]
    assert wer(SENTENCE, final.text) <= 0.2
    interims = [e.event for e in result.emitted if not e.event.final]
    assert interims and all(i.id == final.id for i in interims)
    assert interims[0].text and interims[-1].end <= len(audio)
    # the caption sits on the speech: espeak speech starts after 0.5 s of silence
    speech = np.flatnonzero(np.abs(audio) > 0.01)
    assert abs(final.start - speech[0]) < 0.15 * SR
    assert abs(final.end - speech[-1]) < 0.25 * SR
    assert all(final.start <= w.start <= w.end <= final.end for w in final.words)


def test_a_pause_pass_becomes_the_final(sentence_wav, tiny_transcriber):
    audio = decode_file(str(sentence_wav))
    result = run(audio, tiny_transcriber, compute_advances_clock=False)
    # with an instant transcriber, the pass made when speech pauses covers the whole
    # segment, so no separate final pass is needed
    assert not [job for job, _ in result.jobs if job.final]


def test_passes_say_whether_an_earlier_pass_over_the_segment_heard_words(sentence_wav, tiny_transcriber):
    """What lets the transcriber run a pass that may become the final again when it hears nothing the interims
    heard (`Transcriber._transcribe`)."""
    audio = decode_file(str(sentence_wav))
    result = run(audio, tiny_transcriber, compute_advances_clock=False)
    jobs = [(job, r) for job, r in result.jobs if not job.revises]
    assert not jobs[0][0].heard  # the segment's first pass
    for i, (job, _r) in enumerate(jobs[1:], 1):
        assert job.heard == any(r.text for j, r in jobs[:i] if j.segment_id == job.segment_id)  # of its own segment


def test_without_interims_only_finals(sentence_wav, tiny_transcriber):
    audio = decode_file(str(sentence_wav))
    config = EngineConfig(interims=False, pause_pass_ms=10_000)
    result = run(audio, tiny_transcriber, config)
    assert all(e.event.final for e in result.emitted) and len(result.finals) == 1  # a final, and at most its revision
    assert [e.event.revision for e in result.emitted][:1] == [0]
    assert [job.final for job, _ in result.jobs if not job.revises] == [True]
    assert all(job.final or job.revises for job, _ in result.jobs)  # besides the final, at most its revising pass


def test_without_interims_a_pause_pass_shows_nothing_of_its_own(tmp_path, tiny_transcriber):
    """A pause inside a segment (0.35 s: shorter than any hang-over) gets its pause pass, which says whether the segment
    ends there; with interims off its words wait for the final (they were shown as an interim)."""
    first = read_wav(speak("Our team finished the report", tmp_path / "a.wav", lead_s=0.5, trail_s=0.0))
    second = read_wav(speak("and the budget looks good.", tmp_path / "b.wav", lead_s=0.0, trail_s=1.5))
    audio = np.concatenate([first, quiet(0.35), second])
    result = run(audio, tiny_transcriber, EngineConfig(interims=False))
    assert any(job.pause for job, _ in result.jobs)  # the pause was looked at
    assert result.finals and all(e.event.final for e in result.emitted), [e.event.text for e in result.emitted if not e.event.final]


def test_finals_never_wait_behind_interims(sentence_wav, tiny_transcriber):
    """A slow transcriber (real compute time on the clock) still yields every final, in order."""
    one = decode_file(str(sentence_wav))
    audio = np.concatenate([one, one, one])
    slow = lambda job: _slowed(revising(tiny_transcriber, job) or tiny_transcriber.transcribe(job.audio), 3.0)  # noqa: E731
    engine = CaptionEngine(EngineConfig())
    result = replay(audio, engine, slow)
    finals = result.finals
    assert len(finals) == 3
    assert [f.id for f in finals] == sorted(f.id for f in finals)
    for f in finals:
        assert wer(SENTENCE, f.text) <= 0.2
    # falling behind, the engine skipped interim passes rather than finals
    assert sum(1 for job, _ in result.jobs if not job.final) < 3 * 4


def _slowed(transcript, factor):
    from dataclasses import replace

    return replace(transcript, compute_s=transcript.compute_s * factor + 1.0)


@pytest.mark.parametrize("kind", ["silence", "noise", "hum"])
def test_silence_and_noise_give_no_text(kind, tiny_transcriber):
    seconds = 8.0
    if kind == "silence":
        audio = np.zeros(int(seconds * SR), dtype=np.float32)
    elif kind == "noise":
        audio = quiet(seconds, level=0.02)
    else:
        t = np.arange(int(seconds * SR)) / SR
        audio = (0.05 * np.sin(2 * np.pi * 50 * t) + quiet(seconds, level=0.002)).astype(np.float32)
    result = run(audio, tiny_transcriber, compute_advances_clock=False)
    assert result.finals == []


def test_a_hummed_vowel_is_not_captioned_as_words(tiny_transcriber):
    audio = np.concatenate([quiet(1.0), vowel(2.0, amplitude=0.2), quiet(2.0)])
    result = run(audio, tiny_transcriber, compute_advances_clock=False)
    assert all(len(f.text.split()) <= 2 for f in result.finals)


def test_lag_and_processed_follow_the_audio_clock(sentence_wav, tiny_transcriber):
    audio = decode_file(str(sentence_wav))
    engine = CaptionEngine(EngineConfig(segmenter=SegmenterConfig()))
    engine.feed(audio)
    engine.finish()
    assert engine.pending_finals == 1 and engine.lag == engine.clock - engine.processed > 0
    job = engine.next_job()
    assert job.final
    engine.complete(job, tiny_transcriber.transcribe(job.audio))
    assert engine.lag == 0 and engine.pending_finals == 0
    job = engine.next_job()  # the final's revising pass, the audio having ended
    assert job.revises == (1,)
    engine.complete(job, tiny_transcriber.run(job))
    assert engine.done and engine.lag == 0


FIRST, SECOND = "Our team finished the quarterly report.", "The budget looks good for next year."


@pytest.fixture(scope="module")
def two_phrases(tmp_path_factory):
    """Two spoken phrases with a 0.25 s pause between them: shorter than the hangover, so no segment ends there."""
    folder = tmp_path_factory.mktemp("phrases")
    first, second = (_trimmed(read_wav(speak(text, folder / f"{i}.wav", lead_s=0, trail_s=0))) for i, text in enumerate((FIRST, SECOND)))
    pause_at = 0.5 + len(first) / SR
    return np.concatenate([quiet(0.5, seed=1), first, quiet(0.25, seed=2), second, quiet(1.5, seed=3)]), pause_at


def _trimmed(speech):
    """Speech without espeak's own leading and trailing silence."""
    loud = np.flatnonzero(np.abs(speech) > 0.005)
    return speech[loud[0] : loud[-1] + 1]


def test_speech_cut_at_the_length_limit_gets_finals_for_both_parts(two_phrases, tiny_transcriber):
    audio, pause_at = two_phrases
    whole = run(audio, tiny_transcriber, compute_advances_clock=False)
    assert len(whole.finals) == 1, "without the length limit the pause is too short to end a segment"

    # the limit falls 0.5 s after the pause, which lies in the stretch searched for a cut
    config = EngineConfig(segmenter=SegmenterConfig(max_segment_s=pause_at + 0.25 + 0.5 - 0.2, cut_search_s=1.0))
    engine = CaptionEngine(config)
    passes = []

    def transcribe(job):
        passes.append(job)
        assert len(passes) < 40, "the engine keeps re-running passes"
        return revising(tiny_transcriber, job) or tiny_transcriber.transcribe(job.audio)

    result = replay(audio, engine, transcribe, compute_advances_clock=False)
    assert engine.done and engine.pending_finals == 0
    first, second = result.finals
    assert first.id < second.id and first.end <= second.start
    assert abs(first.end / SR - pause_at) < 0.3 and abs(second.start / SR - (pause_at + 0.25)) < 0.3
    assert wer(FIRST, first.text) <= 0.35 and wer(SECOND, second.text) <= 0.35
    speech = np.flatnonzero(np.abs(audio) > 0.01)
    assert first.start <= speech[0] and second.end >= speech[-1] - 0.25 * SR
    assert sum(1 for job in passes if job.final) <= 2


def test_interims_from_a_small_model_finals_from_the_big_one(tiny_model, base_model, sentence_wav):
    from captioner.engine.live.transcriber import Transcriber

    interim = Transcriber.load(str(tiny_model), device="cpu", name="tiny.en")
    big = Transcriber.load(str(base_model), device="cpu", name="base", interim=interim)
    audio = np.concatenate([decode_file(str(sentence_wav))] * 2)
    result = replay(audio, CaptionEngine(EngineConfig()), big.run)
    assert len(result.finals) == 2 and all(wer(SENTENCE, f.text) <= 0.2 for f in result.finals)
    drafts = [r for job, r in result.jobs if r.draft]
    assert drafts and all(not (job.final or job.pause) for job, r in result.jobs if r.draft)
    assert [e for e in result.emitted if not e.event.final and e.event.text]
    # each final is the text of a pass by the big model, never a draft
    big_texts = {r.text for job, r in result.jobs if not r.draft}
    assert all(f.text in big_texts for f in result.finals)


def test_words_shown_past_a_cut_at_the_length_limit_move_to_the_next_segment(two_phrases, tiny_transcriber):
    """Speech cut at the length limit, at its quietest point a second and a half back: the words the drafts already
    showed of the speech after the cut move at once to the new segment's first interim, and the cut segment's interim
    (its final still to come) keeps only the words before the cut. Nothing shown vanishes, nothing is shown twice."""
    import dataclasses

    from captioner.engine.filters import normalise

    audio, pause_at = two_phrases
    config = EngineConfig(segmenter=SegmenterConfig(max_segment_s=pause_at + 0.25 + 1.5, cut_search_s=2.0), interim_worker=True, revise=False)

    def transcribe(job):  # the final model's passes take 2 s of the clock, the drafts 0.2 s
        if job.final or job.pause:
            return dataclasses.replace(tiny_transcriber.transcribe(job.audio, checked=True), compute_s=2.0)
        return dataclasses.replace(tiny_transcriber.transcribe(job.audio), compute_s=0.2, draft=True)

    result = replay(audio, CaptionEngine(config), transcribe)
    first, second = result.finals
    assert abs(first.end / SR - pause_at) < 0.3 and wer(FIRST, first.text) <= 0.35 and wer(SECOND, second.text) <= 0.35
    carried = next(e for e in result.emitted if e.event.id == second.id and e.event.text)
    assert not carried.event.final and all(w.start >= first.end for w in carried.event.words)
    assert set(normalise(carried.event.text).split()) & set(normalise(SECOND).split())
    before = [e for e in result.emitted if e.event.id == first.id and e.at_s < carried.at_s]
    assert normalise(carried.event.text) in normalise(before[-1].event.text)  # shown before the cut, in the first segment
    at_cut = [e for e in result.emitted if e.event.id == first.id and e.at_s == carried.at_s]
    assert at_cut and not at_cut[0].event.final, "the cut segment's final comes later: its interim is cut back meanwhile"
    assert all(w.start < first.end for w in at_cut[0].event.words) and wer(FIRST, at_cut[0].event.text) <= 0.35
    later = [e for e in result.emitted if e.event.id == first.id and e.at_s >= carried.at_s and not e.event.final]
    assert all(w.start < first.end for e in later for w in e.event.words)


def test_a_final_that_fails_its_checks_keeps_the_last_good_interim(tiny_transcriber, tmp_path):
    """The final pass runs with a budget of about a token a second and no re-run: where the cut falls
    right after a timestamp, faster-whisper takes the rest of the window as said and the pass
    loses most words. That final falls back to the last interim, which heard almost all of it. The
    final pass is greedy here, as finals were before they searched with a beam: a beam search cut
    by the budget keeps more words than the interim, so it needs no fallback. It runs on the short
    window, as finals did before they had the full one (where the decoder ends on its own first)."""
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber

    text = ("The quarterly report shows that revenue grew by twelve percent while costs fell slightly, "
            "and the team expects the new product line to launch in the spring after the final review.")
    audio = read_wav(speak(text, tmp_path / "long.wav", lead_s=0.5, trail_s=1.5, words_per_minute=220))
    tried = []
    for rate in (1.0, 0.5, 1.5, 0.0, 2.0, 0.75, 1.25):
        cut = Transcriber(tiny_transcriber.recognizer, DecodeOptions(tokens_per_s=rate, checks=False, final_beam_size=1, final_window_margin_s=6.0),
                          interim=tiny_transcriber)
        engine = CaptionEngine(EngineConfig(pause_pass_ms=10_000))
        result = replay(audio, engine, cut.run, compute_advances_clock=False)
        failed = [r for job, r in result.jobs if job.final and r.problem]
        tried.append((rate, len(failed)))
        if failed:
            break
    else:
        pytest.fail(f"no budget made a final pass fail its checks: {tried}")
    assert engine.fallbacks == len(failed)
    said = " ".join(f.text for f in result.finals)
    assert wer(text, said) <= 0.35
    assert len(said.split()) > sum(len(r.words) for r in failed) + 5


def test_passes_that_may_be_final_are_rerun_on_the_full_window_and_counted(tiny_transcriber, tmp_path):
    """Finals on the short window here, without revising passes (with them, a pass merely unsure of its words is left
    to the revision). A budget of about half a token a second cuts long passes short. Passes that may become the
    final (the pause pass, the final pass) check themselves and run again on the full window, which
    the engine counts; interim passes are never re-run. The final holds the whole utterance."""
    from captioner.engine.live.transcriber import DecodeOptions, Transcriber

    text = ("The quarterly report shows that revenue grew by twelve percent while costs fell slightly, "
            "and the team expects the new product line to launch in the spring after the final review.")
    audio = read_wav(speak(text, tmp_path / "long.wav", lead_s=0.5, trail_s=1.5, words_per_minute=220))
    tried = []
    for rate in (0.0, 0.5, 0.25, 0.75, 1.0):  # the least budget (16 tokens a pass) first
        tight = Transcriber(tiny_transcriber.recognizer, DecodeOptions(tokens_per_s=rate, final_window_margin_s=6.0))
        engine = CaptionEngine(EngineConfig(revise=False))
        result = replay(audio, engine, tight.run, compute_advances_clock=False)
        rerun = [job for job, r in result.jobs if r.reruns]
        tried.append((rate, len(rerun)))
        if rerun:
            break
    else:
        pytest.fail(f"no budget made a pass that may be final fail its checks: {tried}")
    assert all(job.final or job.pause for job in rerun)
    assert any(r.problem for job, r in result.jobs if not (job.final or job.pause))  # cut interims stay as they are
    assert engine.reruns == sum(r.reruns for _, r in result.jobs) == len(rerun)
    assert len(result.finals) == 1 and wer(text, result.finals[0].text) <= 0.2


def test_an_engine_that_keeps_up_never_reports_falling_behind(sentence_wav, tiny_transcriber):
    """A final due at a segment's end is not lag: with passes that cost nothing on the clock, every
    pass, finals included, starts at the normal pacing level."""
    audio = np.concatenate([decode_file(str(sentence_wav))] * 3)
    engine = CaptionEngine(EngineConfig())
    result = replay(audio, engine, tiny_transcriber.run, compute_advances_clock=False)
    assert len(result.finals) == 3 and any(p.job.final or p.job.pause for p in result.passes)
    assert all(p.level == 0 for p in result.passes) and engine.degraded == ""


def test_a_final_holds_the_words_a_greedy_pass_mishears(tiny_transcriber, tmp_path):
    """The passes that may become the final decode with a beam: greedy tiny.en hears this sentence
    as "Nates tote by the brave and the wind through the cross-machial"."""
    text = "They stood by the grave and the wind blew across the hill."
    audio = read_wav(speak(text, tmp_path / "grave.wav"))
    result = replay(audio, CaptionEngine(EngineConfig()), tiny_transcriber.run, compute_advances_clock=False)
    assert len(result.finals) == 1
    assert wer(text, result.finals[0].text) <= 0.25
    assert "blew across the hill" in result.finals[0].text


def test_falling_behind_thins_out_interims_and_keeps_every_final(sentence_wav, tiny_transcriber):
    one = decode_file(str(sentence_wav))
    audio = np.concatenate([one] * 4)
    engine = CaptionEngine(EngineConfig())
    seen = []

    def slow(job):  # every pass takes 4 s of the clock, whatever this machine's speed: far behind
        from dataclasses import replace

        seen.append(engine.degraded)
        return replace(revising(tiny_transcriber, job) or tiny_transcriber.transcribe(job.audio), compute_s=4.0)

    result = replay(audio, engine, slow)
    assert len(result.finals) == 4 and all(wer(SENTENCE, f.text) <= 0.2 for f in result.finals)
    assert "Behind: final text only" in seen or any(s.startswith("Behind: interim text every") for s in seen)
    assert seen[0] == ""
    # the replay records the pacing level each pass started at: the same story
    assert result.passes[0].level == 0 and any(p.level > 0 for p in result.passes)


LONG = ("The quarterly report shows that revenue grew by twelve percent while costs fell slightly, "
        "and the team expects the new product line to launch in the spring after the final review.")


def test_a_long_utterance_closing_is_not_counted_as_lag(tmp_path, tiny_transcriber):
    """Lag is the audio that no caption covers yet: when a 12 s utterance closes while a pass is
    running, its interims already cover all but its last moments, so the lag is not the segment."""
    audio = read_wav(speak(LONG, tmp_path / "long.wav", lead_s=0.3, trail_s=1.5, words_per_minute=170))
    assert 10 < len(audio) / SR < 15  # one unbroken segment, under the length limit
    engine = CaptionEngine(EngineConfig())
    block, pass_blocks = SR // 10, 6  # every pass takes 0.6 s of the audio clock
    lags, finals, running = [], [], None
    for n, at in enumerate(range(0, len(audio), block)):
        finals += [e for e in engine.feed(audio[at : at + block]) if e.final and e.text]
        if running is not None and n >= running[1]:
            job = running[0]
            result = revising(tiny_transcriber, job) or tiny_transcriber.transcribe(job.audio, job.prompt)
            finals += [e for e in engine.complete(job, result) if e.final and e.text]
            running = None
        if running is None and (job := engine.next_job()) is not None:
            running = (job, n + pass_blocks)
        lags.append(engine.lag / SR)
    assert finals and "review" in finals[-1].text
    assert max(lags) < 3.0, lags  # a pass, the hang-over and the words after the last interim at most


def test_an_interim_that_would_be_back_only_after_the_length_limit_does_not_hold_up_the_final(tmp_path, tiny_transcriber):
    """Speech cut at the length limit: its final starts as the segment is cut, not behind an interim begun just before
    the limit, whose words would come too late to place the cut."""
    audio = read_wav(speak(LONG, tmp_path / "long.wav", lead_s=0.3, trail_s=1.5, words_per_minute=170))
    config = EngineConfig(segmenter=SegmenterConfig(max_segment_s=4.0), revise=False)

    def timed(job):  # every pass takes 0.9 s of the audio clock, whatever this machine's speed
        from dataclasses import replace

        return replace(tiny_transcriber.transcribe(job.audio, job.prompt), compute_s=0.9)

    result = replay(audio, CaptionEngine(config), timed)
    cuts = [(fed / SR, e) for fed, e in result.segments if getattr(e, "reason", "") == "max_length"]
    assert len(cuts) >= 2
    for at, cut in cuts:
        final = next(p for p in result.passes if p.job.final and p.job.segment_id == cut.id)
        assert final.started_s - at < 0.05, (at, final.started_s)
        assert any(not p.job.final and p.job.segment_id == cut.id for p in result.passes), "interims still run"
    assert wer(LONG, " ".join(f.text for f in result.finals)) <= 0.3


OPEN_HALF, REST = "Our new product is called", "the captioner and it writes subtitles for every meeting."


PAUSE_S = 0.8  # longer than the short hang-over (600 ms), shorter than the one after an open phrase (1 s)


@pytest.fixture(scope="module")
def paused_phrase(tmp_path_factory):
    """One sentence with a 0.8 s pause in the middle of a phrase; and where the pause lies (samples)."""
    folder = tmp_path_factory.mktemp("paused")
    first, second = (_trimmed(read_wav(speak(text, folder / f"{i}.wav", lead_s=0, trail_s=0))) for i, text in enumerate((OPEN_HALF, REST)))
    pause_at = int(0.5 * SR) + len(first)
    audio = np.concatenate([quiet(0.5, seed=1), first, quiet(PAUSE_S, seed=2), second, quiet(1.5, seed=3)])
    return audio, (pause_at, pause_at + int(PAUSE_S * SR))


def test_a_phrase_with_a_pause_inside_comes_out_whole(paused_phrase, tiny_transcriber):
    from captioner.engine.live.endpoint import ends_utterance

    audio, (pause_start, pause_end) = paused_phrase
    result = run_passes(audio, tiny_transcriber, compute_advances_clock=False)
    # the words that decide: the latest pass over the first half, made when speech paused (or an
    # interim that happened to reach the pause, which then stands for it)
    at_pause = [r.text for job, r in result.jobs if not job.final and pause_start <= job.end <= pause_end]
    assert at_pause, "a pass covered the first half"
    if ends_utterance(at_pause[-1]):
        pytest.skip(f"the model wrote the first half as a finished sentence here: {at_pause[-1]!r}")
    assert len(result.finals) == 1
    assert wer(f"{OPEN_HALF} {REST}", result.finals[0].text) <= 0.25

    # silence alone (the segmenter's old rule) cuts the phrase in two there
    silence_only = EngineConfig(segmenter=SegmenterConfig(phrase_hangover_ms=SegmenterConfig().hangover_ms))
    assert len(run_passes(audio, tiny_transcriber, silence_only, compute_advances_clock=False).finals) == 2


def test_a_finished_sentence_still_ends_after_the_short_hangover(tmp_path, tiny_transcriber):
    """Two sentences 0.8 s apart are two finals: the first ended a sentence, so its pause ended it."""
    first, second = (_trimmed(read_wav(speak(text, tmp_path / f"{i}.wav", lead_s=0, trail_s=0))) for i, text in enumerate((FIRST, SECOND)))
    audio = np.concatenate([quiet(0.5, seed=1), first, quiet(PAUSE_S, seed=2), second, quiet(1.5, seed=3)])
    result = run_passes(audio, tiny_transcriber, compute_advances_clock=False)
    assert len(result.finals) == 2
    assert wer(FIRST, result.finals[0].text) <= 0.25 and wer(SECOND, result.finals[1].text) <= 0.25


def test_a_sentence_known_to_end_only_after_the_speaker_went_on_still_ends_at_its_pause(tmp_path, tiny_transcriber):
    """On a machine where a pass takes longer than the pause, the pass over the first sentence comes back while the
    second is being said; its words end a sentence and the pause lasted the short hang-over, so the first sentence is
    a final of its own, out as soon as that pass is, and the second its own segment."""
    import dataclasses

    first, second = (_trimmed(read_wav(speak(text, tmp_path / f"{i}.wav", lead_s=0, trail_s=0))) for i, text in enumerate((FIRST, SECOND)))
    audio = np.concatenate([quiet(0.5, seed=1), first, quiet(PAUSE_S, seed=2), second, quiet(1.5, seed=3)])
    slow_s = 1.2  # each pass takes longer than the pause after the first sentence

    def slow(job):
        return dataclasses.replace(tiny_transcriber.run(job), compute_s=slow_s)

    from captioner.engine.live.endpoint import ends_utterance

    config = EngineConfig(interims=False, revise=False)
    result = replay(audio, CaptionEngine(config), slow)
    pause_start, speech_again = 0.5 * SR + len(first), 0.5 * SR + len(first) + PAUSE_S * SR
    in_pause = [r.text for job, r in result.jobs if job.pause and pause_start < job.end < speech_again]
    assert in_pause, "a pass over the first sentence started in the pause"
    if not ends_utterance(in_pause[0]):
        pytest.skip(f"the model did not write the first sentence as finished here: {in_pause[0]!r}")
    # it came back only after the second sentence had begun (the pause is shorter than a pass) ...
    assert speech_again < pause_start + 0.15 * SR + slow_s * SR
    # ... and still ended the first segment at the pause
    assert len(result.finals) == 2, [f.text for f in result.finals]
    assert wer(FIRST, result.finals[0].text) <= 0.25 and wer(SECOND, result.finals[1].text) <= 0.25
    assert result.finals[0].end < speech_again <= result.finals[1].start + 0.3 * SR  # the second's pre-roll


def test_with_an_interim_worker_the_draft_at_a_pause_ends_the_segment_in_time(tmp_path, tiny_transcriber):
    """The final model's passes take 3 s, longer than the pause between two sentences; the interim worker's draft over
    the first sentence, run when the speaker pauses, comes back within the pause, and its words end a sentence. So the
    first segment ends at the short hang-over, as it would with a fast model, and the second sentence is a segment of
    its own from the start: its first words come from its own drafts, before the first sentence's final is out,
    not seconds later as the tail of the first segment's interim."""
    import dataclasses

    from captioner.engine.live.endpoint import ends_utterance

    first, second = (_trimmed(read_wav(speak(text, tmp_path / f"{i}.wav", lead_s=0, trail_s=0))) for i, text in enumerate((FIRST, SECOND)))
    audio = np.concatenate([quiet(0.5, seed=1), first, quiet(PAUSE_S, seed=2), second, quiet(1.5, seed=3)])

    def transcribe(job):  # the final model's passes take 3 s of the clock, longer than the pause; the drafts 0.2 s
        if job.final or job.pause:
            return dataclasses.replace(tiny_transcriber.transcribe(job.audio, checked=True), compute_s=3.0)
        return dataclasses.replace(tiny_transcriber.transcribe(job.audio), compute_s=0.2, draft=True)

    result = replay(audio, CaptionEngine(EngineConfig(interim_worker=True, revise=False)), transcribe)
    pause_start, speech_again = 0.5 * SR + len(first), 0.5 * SR + len(first) + PAUSE_S * SR
    at_pause = [(p, p.result.text) for p in result.passes if p.job.at_pause and pause_start < p.job.end < speech_again]
    assert at_pause, "a draft over the first sentence ran in the pause"
    if not ends_utterance(at_pause[0][1]):
        pytest.skip(f"the model did not write the first sentence as finished here: {at_pause[0][1]!r}")
    assert at_pause[0][0].done_s * SR < speech_again  # back within the pause
    assert not any(p.job.pause and p.job.end > pause_start and p.done_s * SR < speech_again for p in result.passes)
    assert len(result.finals) == 2, [f.text for f in result.finals]
    assert wer(FIRST, result.finals[0].text) <= 0.25 and wer(SECOND, result.finals[1].text) <= 0.25
    assert result.finals[0].end < speech_again <= result.finals[1].start + 0.3 * SR  # the second's pre-roll
    one, two = result.finals[0].id, result.finals[1].id
    final_one = next(e for e in result.emitted if e.event.id == one and e.event.final)
    first_two = next(e for e in result.emitted if e.event.id == two and e.event.text)
    assert not first_two.event.final and first_two.at_s < final_one.at_s
    assert first_two.at_s - result.finals[1].start / SR < 1.5


def run_passes(audio, transcriber, config=EngineConfig(), **kw):
    """The engine with the transcriber as the app runs it: passes that may become finals searched and checked."""
    return replay(audio, CaptionEngine(config), transcriber.run, **kw)


def test_disfluent_speech_never_gives_a_run_of_words_twice(tmp_path, tiny_transcriber):
    from tests.speech import repeated_runs_of

    text = ("So um I I think that we we should uh maybe move the the meeting to to Thursday because "
            "uh the the report is not not ready yet and um you know we need more more time for it")
    audio = read_wav(speak(text, tmp_path / "disfluent.wav", words_per_minute=170))
    result = run_passes(audio, tiny_transcriber, compute_advances_clock=False)
    said = repeated_runs_of(text)
    for final in result.finals:
        assert repeated_runs_of(final.text) <= said, final.text
    assert wer(text, " ".join(f.text for f in result.finals)) <= 0.5


def test_ten_minutes_of_noise_with_a_vocabulary_give_no_words(tiny_model):
    """The vocabulary is what the decoder is told to expect; on noise it must never show up as captions.
    Most of the ten minutes is noise the voice detector lets go (hiss, loud hiss, mains hum); clicks,
    rumble and pink noise (40 s) open segments the model has to listen to."""
    from captioner.engine.live.transcriber import Transcriber

    transcriber = Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", name="tiny.en")
    transcriber.vocabulary = "Ana Pereira, Kubernetes, Grafana, Siobhan Nakagawa, quarterly roadmap"
    rng = np.random.default_rng(7)

    def noise(kind, seconds, seed):
        n = int(seconds * SR)
        if kind == "hiss":
            return quiet(seconds, seed=seed, level=0.003)
        if kind == "loud hiss":
            return quiet(seconds, seed=seed, level=0.03)
        if kind == "hum":
            return 0.05 * np.sin(2 * np.pi * 50 * np.arange(n) / SR) + quiet(seconds, seed=seed, level=0.002)
        if kind == "clicks":
            return quiet(seconds, seed=seed, level=0.003) + (rng.random(n) < 0.0005) * rng.standard_normal(n) * 0.5
        if kind == "rumble":
            return np.convolve(rng.standard_normal(n), np.ones(40) / 40, mode="same") * 0.1
        spectrum = np.fft.rfft(rng.standard_normal(n))  # pink
        pink = np.fft.irfft(spectrum / np.maximum(1, np.sqrt(np.arange(len(spectrum)))), n)
        return pink * 0.05 / np.std(pink)

    parts = [("hiss", 240), ("loud hiss", 150), ("hum", 170), ("clicks", 15), ("rumble", 15), ("pink", 10)]
    audio = np.concatenate([noise(kind, seconds, i).astype(np.float32) for i, (kind, seconds) in enumerate(parts)])
    assert len(audio) == 600 * SR
    result = run_passes(audio, transcriber, EngineConfig(interims=False), compute_advances_clock=False)
    assert any(job.final or job.pause for job, _ in result.jobs), "the model heard some of the noise"
    assert [w for f in result.finals for w in f.text.split()] == []


def test_after_a_first_pass_that_heard_no_words_the_next_comes_soon(sentence_wav, tiny_transcriber):
    """A segment's first interim pass, on the speech's first 0.75 s, can come back empty (the speech had barely begun);
    the next one then runs after half of that, not a whole interim interval later."""
    from dataclasses import replace

    config = EngineConfig(revise=False)
    heard = []

    def transcribe(job):
        result = tiny_transcriber.transcribe(job.audio, checked=job.final or job.pause)
        if not (job.final or job.pause) and not heard:  # the first pass hears nothing
            result = replace(result, text="", words=())
        heard.append(job)
        return result

    result = replay(decode_file(str(sentence_wav)), CaptionEngine(config), transcribe, compute_advances_clock=False)
    interims = [job for job, _ in result.jobs if not (job.final or job.pause)]
    assert len(interims) >= 3
    first, second, third = (job.end / SR for job in interims[:3])
    block_s = 480 / SR
    assert second - first <= config.first_interim_s / 2 + block_s
    assert third - second >= config.interim_interval_s  # words shown: the usual interval again


def test_a_segment_whose_passes_never_hear_words_goes_back_to_the_usual_interval(tiny_transcriber):
    """The quick retries are for speech that has barely begun: past the segment's first 1.5 s (twice the first wait),
    a segment whose passes hear nothing (noise the voice detector let through) is tried once a second, as before."""
    from dataclasses import replace

    config = EngineConfig(revise=False)
    audio = np.concatenate([quiet(0.3, seed=1), vowel(6.0), quiet(1.5, seed=2)]).astype(np.float32)

    def transcribe(job):
        return replace(tiny_transcriber.transcribe(job.audio, checked=job.final or job.pause), text="", words=())

    result = replay(audio, CaptionEngine(config), transcribe, compute_advances_clock=False)
    interims = [job for job, _ in result.jobs if not (job.final or job.pause)]
    assert len(interims) >= 4, "the voice detector heard the vowel as speech"
    from captioner.engine.live.segmenter import SegmentOpened

    onset = next(ev.speech_start for _, ev in result.segments if isinstance(ev, SegmentOpened) and ev.id == interims[0].segment_id)
    gaps = [(b.end - a.end) / SR for a, b in zip(interims, interims[1:])]
    quick = [gap for a, gap in zip(interims, gaps) if a.end - onset < 2 * config.first_interim_s * SR]
    later = [gap for a, gap in zip(interims, gaps) if a.end - onset >= 2 * config.first_interim_s * SR]
    assert quick and max(quick) <= config.first_interim_s / 2 + 480 / SR
    assert later and min(later) >= config.interim_interval_s


def test_with_an_interim_worker_drafts_run_beside_long_final_passes(sentence_wav, tiny_transcriber):
    """On the simulated clock, an engine with `interim_worker` runs drafts beside the final model's passes:
    a segment's first text waits for no final pass, every final still comes, in order, from a final-model
    pass, and a draft that comes back after a newer pass of its segment is dropped."""
    from dataclasses import replace

    one = decode_file(str(sentence_wav))
    audio = np.concatenate([one] * 3)

    def transcribe(job):  # the final model's passes take 3 s of the clock, the drafts 0.2 s
        if job.revises:
            return replace(tiny_transcriber.run(job), compute_s=3.0)
        if job.final or job.pause:
            return replace(tiny_transcriber.transcribe(job.audio, checked=True), compute_s=3.0)
        return replace(tiny_transcriber.transcribe(job.audio), compute_s=0.2, draft=True)

    serial = replay(audio, CaptionEngine(EngineConfig()), transcribe)
    parallel = replay(audio, CaptionEngine(EngineConfig(interim_worker=True)), transcribe)
    for result in (serial, parallel):
        assert len(result.finals) == 3 and [f.id for f in result.finals] == sorted(f.id for f in result.finals)
        assert all(wer(SENTENCE, f.text) <= 0.2 for f in result.finals)
        assert all(not r.draft for job, r in result.jobs if job.final or job.pause)

    def first_text(result):
        firsts = {}
        for e in result.emitted:
            if e.event.text and e.event.id not in firsts:
                firsts[e.event.id] = e.at_s - e.event.start / SR
        return sorted(firsts.values())

    # the later segments' first words: one draft after the first interim is due, not after a final pass
    assert max(first_text(parallel)) < 1.5 < max(first_text(serial))
    overlapping = [(a, b) for a in parallel.passes for b in parallel.passes
                   if (a.job.final or a.job.pause) and b.result.draft and a.started_s < b.started_s < a.done_s]
    assert overlapping
    # interims of one segment never go back to older text: shown drafts end later and later
    for seg in {e.event.id for e in parallel.emitted}:
        ends = [e.event.end for e in parallel.emitted if e.event.id == seg and not e.event.final]
        assert ends == sorted(ends)


def test_far_behind_an_interim_worker_still_shows_each_segments_first_words(sentence_wav, tiny_transcriber):
    """Final passes far slower than speech: interims are given up, but for the drafts that show each segment's first
    words, which run on the interim worker and come out long before the segment's final; no final is lost."""
    from dataclasses import replace

    one = decode_file(str(sentence_wav))
    audio = np.concatenate([one] * 4)

    def transcribe(job):  # each final-model pass takes 8 s of the clock: the engine falls far behind
        if job.revises:
            return replace(tiny_transcriber.run(job), compute_s=8.0)
        if job.final or job.pause:
            return replace(tiny_transcriber.transcribe(job.audio, checked=True), compute_s=8.0)
        return replace(tiny_transcriber.transcribe(job.audio), compute_s=0.2, draft=True)

    engine = CaptionEngine(EngineConfig(interim_worker=True))
    result = replay(audio, engine, transcribe)
    assert len(result.finals) == 4 and all(wer(SENTENCE, f.text) <= 0.2 for f in result.finals)
    assert any(p.level == 2 for p in result.passes), "the engine never fell far behind"
    for final in result.finals:
        shown = [e for e in result.emitted if e.event.id == final.id and not e.event.final and e.event.text]
        assert shown and shown[0].at_s - final.start / SR < 1.5
    # far behind, no draft runs on a segment once its first words are shown
    for seg in {p.job.segment_id for p in result.passes}:
        drafts = [p for p in result.passes if p.job.segment_id == seg and p.result.draft]
        worded = next((i for i, p in enumerate(drafts) if p.result.text), len(drafts))
        assert all(p.level < 2 for p in drafts[worded + 1 :])


def test_a_draft_back_after_its_segment_closed_is_shown_until_the_final():
    """On an interim worker: a draft that returns once its segment has closed, its final still to come, is shown;
    the final then wins, and a draft back after it is dropped."""
    from captioner.engine.live.transcriber import Transcript
    from captioner.events import Word

    def said(text, draft):
        return Transcript(text, (Word(" " + text, 0, SR // 2),), 0.1, draft=draft)

    engine = CaptionEngine(EngineConfig(interim_worker=True))
    audio = np.concatenate([quiet(0.5), vowel(2.0), quiet(1.5)])
    draft = None
    for i in range(0, len(audio), 480):
        engine.feed(audio[i : i + 480])
        draft = draft or engine.next_interim_job()
    assert draft is not None and not draft.final and engine.pending_finals == 1 and engine.drafting
    assert engine.next_interim_job() is None  # one draft at a time
    events = engine.complete(draft, said("hello", draft=True))
    assert [(e.final, e.text) for e in events] == [(False, "hello")] and not engine.drafting
    final = engine.next_job()
    assert final is not None and final.final
    assert [(e.final, e.text) for e in engine.complete(final, said("hello there", draft=False))] == [(True, "hello there")]
    assert engine.complete(draft, said("late", draft=True)) == []


def test_a_replay_records_where_its_segments_opened_and_closed(tmp_path, tiny_transcriber):
    """The segments a run's finals come from, as the segmenter cut them in that run (benchmarks attribute lost words by them)."""
    from captioner.engine.live.segmenter import SegmentClosed, SegmentOpened

    first, second = (_trimmed(read_wav(speak(text, tmp_path / f"{i}.wav", lead_s=0, trail_s=0))) for i, text in enumerate((FIRST, SECOND)))
    audio = np.concatenate([quiet(0.5, seed=1), first, quiet(1.2, seed=2), second, quiet(1.5, seed=3)])
    result = run_passes(audio, tiny_transcriber)
    closed = [ev for _, ev in result.segments if isinstance(ev, SegmentClosed)]
    opened = {ev.id for _, ev in result.segments if isinstance(ev, SegmentOpened)}
    assert {f.id for f in result.finals} <= {ev.id for ev in closed} <= opened
    for final in result.finals:
        seg = next(ev for ev in closed if ev.id == final.id)
        assert seg.start <= final.start <= final.end <= seg.end
    positions = [at for at, _ in result.segments]
    assert positions == sorted(positions) and positions[-1] <= len(audio)


def test_on_a_recognizer_without_a_model_every_sentence_is_one_final_where_it_was_said():
    """The engine on tests/tones.py's recognizer: what it hears follows from the audio alone, so the finals are known."""
    sentences = [["alpha", "bravo", "charlie"], ["hotel", "golf", "echo", "delta"], ["foxtrot"], ["delta", "alpha"]]
    audio, spans = say(sentences)
    result = replay(audio, CaptionEngine(EngineConfig()), Transcriber(ToneRecognizer()).run, compute_advances_clock=False)
    assert [normalise(f.text) for f in result.finals] == [" ".join(s) for s in sentences]
    assert [f.id for f in result.finals] == sorted(f.id for f in result.finals)
    slack = 2 * FRAME  # a word's edges are found to its 10 ms frame
    for final, (start, end) in zip(result.finals, spans, strict=True):
        assert start - slack <= final.words[0].start and final.words[-1].end <= end + slack  # on the audio clock
        assert final.start <= final.words[0].start and final.words[-1].end <= final.end
    interims = [e.event for e in result.emitted if not e.event.final]
    assert {f.id for f in result.finals[:2]} <= {i.id for i in interims}  # the longer sentences show words before their final
    for interim in interims:  # an interim shows the start of its final: words heard so far, never others
        final = next(f for f in result.finals if f.id == interim.id)
        assert normalise(final.text).startswith(normalise(interim.text))


def test_chinese_live_keeps_its_characters(base_model, chinese_wav):
    """Mandarin live, its language detected: the finals hold the characters plain faster-whisper writes on the same
    model (none are taken for fillers, repeats or noise because no spaces part them), and the session shows Chinese."""
    from captioner.engine.live.transcriber import DecodeOptions
    from captioner.subtitles.chinese import script_of
    from tests.speech import cer, plain_whisper

    transcriber = Transcriber.load(str(base_model), DecodeOptions(language=None), device="cpu", name="base")
    run = replay(decode_file(str(chinese_wav)), CaptionEngine(EngineConfig()), transcriber.run, compute_advances_clock=False)
    said = "".join(f.text for f in run.finals)
    assert cer(plain_whisper(base_model, chinese_wav), said) <= 0.15
    assert transcriber.spoken.best[0] == "zh"
    assert transcriber.script.fixed and all(script_of(f.text) in ("", transcriber.script.fixed) for f in run.finals)  # one script


def test_japanese_live_keeps_its_characters(base_model, japanese_wav):
    """Japanese live, its language detected: the finals hold as many characters as plain faster-whisper writes on the
    same model (in kana or kanji, as the model chooses), and the session shows Japanese."""
    from captioner.engine.live.transcriber import DecodeOptions
    from tests.speech import plain_whisper, unspaced_share

    transcriber = Transcriber.load(str(base_model), DecodeOptions(language=None), device="cpu", name="base")
    run = replay(decode_file(str(japanese_wav)), CaptionEngine(EngineConfig()), transcriber.run, compute_advances_clock=False)
    said = "".join(f.text for f in run.finals)
    assert 0.8 <= unspaced_share(plain_whisper(base_model, japanese_wav), said) <= 1.25  # none dropped, none doubled
    assert transcriber.spoken.best[0] == "ja"
