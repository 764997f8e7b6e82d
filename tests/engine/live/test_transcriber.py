import numpy as np
import pytest

from captioner.audio.sources import decode_file
from captioner.engine.live.transcriber import (
    BIG_MODEL_MARGIN_S,
    SMALL_MODEL_MARGIN_S,
    DecodeOptions,
    Transcriber,
    margin_for,
    token_budget,
    window_frames,
)
from captioner.engine.models.recognizer import FULL_WINDOW_FRAMES
from captioner.engine.models.whisper import WhisperRecognizer, max_new_tokens
from captioner.events import SAMPLE_RATE
from tests.conftest import SENTENCE
from tests.speech import quiet, read_wav, speak, wer
from tests.tones import ToneRecognizer, say


def test_window_is_the_clip_plus_margin_in_whole_seconds():
    assert window_frames(SAMPLE_RATE * 4, 6.0) == 1000
    assert window_frames(SAMPLE_RATE * 4 + 1, 6.0) == 1100
    assert window_frames(SAMPLE_RATE * 29, 6.0) == FULL_WINDOW_FRAMES
    assert window_frames(SAMPLE_RATE * 2, 0) == FULL_WINDOW_FRAMES


def test_the_window_margin_follows_the_model_size():
    assert margin_for(4) == margin_for(6) == margin_for(None) == SMALL_MODEL_MARGIN_S  # tiny, base, not known
    assert margin_for(12) == margin_for(32) == BIG_MODEL_MARGIN_S < SMALL_MODEL_MARGIN_S  # small, distil-large, large


def test_a_big_model_sees_the_shorter_margin_unless_the_options_name_one(tiny_transcriber):
    model = tiny_transcriber.recognizer.model
    assert tiny_transcriber.margin_s == tiny_transcriber.final_margin_s == SMALL_MODEL_MARGIN_S
    big = Transcriber(WhisperRecognizer(model, name="32 encoder layers", encoder_layers=32))
    assert big.margin_s == big.final_margin_s == BIG_MODEL_MARGIN_S
    big.transcribe(np.zeros(5 * SAMPLE_RATE, dtype=np.float32), checked=True)
    assert model.window_frames in (window_frames(5 * SAMPLE_RATE, BIG_MODEL_MARGIN_S), FULL_WINDOW_FRAMES)
    named = Transcriber(WhisperRecognizer(model, encoder_layers=32), DecodeOptions(window_margin_s=6.0, final_window_margin_s=0.0))
    assert named.margin_s == 6.0 and named.final_margin_s == 0.0
    on_gpu = Transcriber(WhisperRecognizer(model, encoder_layers=32, device="cuda"))
    assert on_gpu.margin_s == on_gpu.final_margin_s == 0.0


def test_token_budget_grows_with_the_clip_and_is_capped():
    assert token_budget(SAMPLE_RATE) < token_budget(SAMPLE_RATE * 5) < token_budget(SAMPLE_RATE * 20)
    assert token_budget(SAMPLE_RATE * 60) == 224
    assert token_budget(SAMPLE_RATE * 5, per_second=4) == 36


def test_max_new_tokens_asks_for_twice_the_budget_within_the_decoder_positions():
    # CTranslate2 decodes at most (prompt + max_new_tokens) / 2 tokens
    assert max_new_tokens(66, 4) == 128 and (4 + 128) // 2 == 66
    assert max_new_tokens(224, 4) == 444
    assert max_new_tokens(224, 228) == 220  # a long prompt: the 448 positions are the limit


def test_short_window_matches_the_full_window(tiny_model, sentence_wav):
    audio = decode_file(str(sentence_wav))
    short = Transcriber.load(str(tiny_model), device="cpu")
    full = Transcriber.load(str(tiny_model), DecodeOptions(window_margin_s=0), device="cpu")
    a, b = short.transcribe(audio), full.transcribe(audio)
    assert wer(SENTENCE, a.text) <= 0.2 and wer(SENTENCE, b.text) <= 0.2
    assert short.recognizer.model.window_frames < full.recognizer.model.window_frames == FULL_WINDOW_FRAMES
    # words carry times inside the clip, in samples
    assert all(0 <= w.start <= w.end <= len(audio) for w in a.words)


def test_silence_gives_no_text(tiny_transcriber):
    assert tiny_transcriber.transcribe(np.zeros(SAMPLE_RATE * 3, dtype=np.float32)).text == ""


def test_english_only_model_refuses_another_language(tiny_model):
    import pytest

    from captioner.engine.models.errors import LanguageUnsupported

    with pytest.raises(LanguageUnsupported, match="English-only") as raised:
        Transcriber.load(str(tiny_model), DecodeOptions(language="de"), device="cpu", name="tiny.en")
    assert (raised.value.model, raised.value.language) == ("tiny.en", "de")


FAST = ("The quarterly report shows that revenue grew by twelve percent while costs fell slightly, "
        "and the team expects the new product line to launch in the spring after the final review "
        "with the board, the partners and the suppliers who have all agreed to the revised schedule. "
        "Next month we will hire four engineers and open a small office in Denver.")


@pytest.fixture(scope="module")
def fast_speech(tmp_path_factory):
    """A fast talker (230 words a minute) in one long, unbroken segment of about 14 s."""
    from tests.speech import read_wav, speak

    return read_wav(speak(FAST, tmp_path_factory.mktemp("fast") / "fast.wav", lead_s=0.3, trail_s=0.4, words_per_minute=230))


def test_ctranslate2_decodes_at_most_half_of_max_length(tiny_transcriber, fast_speech):
    """The premise of `max_new_tokens`: CTranslate2's Whisper writes at most max_length / 2 tokens."""
    model = tiny_transcriber.recognizer.model
    features = model.feature_extractor(fast_speech)[:, :3000]
    encoded = model.encode(np.pad(features, ((0, 0), (0, 3000 - features.shape[1]))))
    sot = [model.hf_tokenizer.token_to_id("<|startoftranscript|>")]
    for budget in (10, 30):
        out = model.model.generate(encoded, [sot], max_length=len(sot) + max_new_tokens(budget, len(sot)), beam_size=1)[0]
        assert len(out.sequences_ids[0]) == budget
    half = model.model.generate(encoded, [sot], max_length=60, beam_size=1)[0]
    assert len(half.sequences_ids[0]) == 30


def test_a_fast_long_utterance_comes_through_whole(tiny_transcriber, fast_speech):
    assert len(fast_speech) / SAMPLE_RATE > 13
    result = tiny_transcriber.transcribe(fast_speech, checked=True)
    assert result.problem == "" and result.reruns == 0
    assert wer(FAST, result.text) <= 0.15
    assert result.text.rstrip(".").endswith("Denver")


@pytest.fixture(scope="module")
def cut_speech(tmp_path_factory):
    """The fast talker's first three sentences (about 12 s), and a budget of 1 token a second: the
    decoder stops after a few words and faster-whisper takes the rest of the window as said."""
    from tests.speech import read_wav, speak

    text = FAST.rsplit(" Next month", 1)[0]
    audio = read_wav(speak(text, tmp_path_factory.mktemp("cut") / "cut.wav", lead_s=0, trail_s=0, words_per_minute=240))
    return text, audio


def test_a_pass_cut_short_runs_again_on_the_full_window(tiny_transcriber, cut_speech):
    text, audio = cut_speech
    # finals on a short window too (the full window is the default for them)
    tight = Transcriber(tiny_transcriber.recognizer, DecodeOptions(tokens_per_s=1.0, final_window_margin_s=6.0))
    unchecked = tight.transcribe(audio)
    assert unchecked.reruns == 0 and unchecked.problem == "ended before the audio"
    assert len(unchecked.words) < 0.5 * len(text.split())
    assert tight.recognizer.model.window_frames < FULL_WINDOW_FRAMES
    checked = tight.transcribe(audio, checked=True)
    assert checked.reruns == 1 and tight.recognizer.model.window_frames == FULL_WINDOW_FRAMES
    assert len(checked.words) > 2 * len(unchecked.words)  # the words it had lost are back


MISHEARD = "Please send the quarterly figures to Margaret before Thursday afternoon."


@pytest.fixture(scope="module")
def misheard_speech(tmp_path_factory):
    """A fast talker (230 words a minute) saying a name: the clip where greedy decoding and a beam are likeliest to differ."""
    from tests.speech import read_wav, speak

    return read_wav(speak(MISHEARD, tmp_path_factory.mktemp("name") / "name.wav", words_per_minute=230))


def decoded_by_faster_whisper(transcriber: Transcriber, audio: np.ndarray, beam: int, *, margin_s: float) -> str:
    """The words faster-whisper itself gives for `audio` with beam `beam`, on the window of `margin_s` (0: full)."""
    transcriber.recognizer.model.window_frames = window_frames(len(audio), margin_s)
    segments, _ = transcriber.recognizer.model.transcribe(
        audio, language="en", beam_size=beam, temperature=0.0, condition_on_previous_text=False, word_timestamps=True,
        vad_filter=False, max_new_tokens=max_new_tokens(token_budget(len(audio)), 4),
    )
    return "".join(w.word for seg in segments for w in seg.words).strip()


def test_passes_that_may_become_finals_decode_with_a_beam(tiny_transcriber, misheard_speech):
    """Interims stay greedy (cheap); a pass that may become a final (made at a pause, or the final pass) searches
    with the final beam, as offline decoding does: faster-whisper records that beam for the pass, and its text
    is what faster-whisper's own beam search gives for the clip."""
    from captioner.engine.live.pipeline import Job

    options = tiny_transcriber.options
    assert options.final_beam_size > options.beam_size == 1
    audio = misheard_speech
    job = lambda **kw: Job(1, 1, start=0, end=len(audio), audio=audio, **kw)  # noqa: E731
    interim = tiny_transcriber.run(job(final=False))
    finals = [tiny_transcriber.run(job(final=False, pause=True)), tiny_transcriber.run(job(final=True))]
    assert interim.beam_size == 1
    assert [f.beam_size for f in finals] == [options.final_beam_size] * 2
    assert interim.text == decoded_by_faster_whisper(tiny_transcriber, audio, 1, margin_s=tiny_transcriber.margin_s)
    for final in finals:
        margin = 0.0 if final.reruns else tiny_transcriber.final_margin_s
        assert final.text == decoded_by_faster_whisper(tiny_transcriber, audio, options.final_beam_size, margin_s=margin)
        assert wer(MISHEARD, final.text) <= 0.5  # a fast talker: how well the model hears it is not the point here


def test_a_pass_that_may_be_final_hearing_nothing_after_words_were_heard_is_run_on_the_full_window(tiny_transcriber):
    """The short window can make a small model take a short phrase for silence; a segment whose final has no words
    is lost. So a pass that may become a final and hears no words, where an earlier pass over the segment heard
    some, is run again on the full window; the full window still finds no words in a quiet room."""
    from captioner.engine.live.pipeline import Job

    audio = quiet(1.3)
    job = lambda **kw: Job(1, 1, start=0, end=len(audio), audio=audio, **kw)  # noqa: E731
    for kind in ({"final": True}, {"final": False, "pause": True}):
        assert tiny_transcriber.run(job(**kind)).reruns == 0  # nothing heard before: silence is believed
        rerun = tiny_transcriber.run(job(**kind, heard=True))
        assert rerun.reruns == 1 and rerun.text == ""
    assert tiny_transcriber.run(job(final=False, heard=True)).reruns == 0  # interims are never re-run


def test_an_interim_model_writes_drafts_and_the_big_model_the_passes_that_may_be_final(tiny_model, base_model, sentence_wav):
    from captioner.engine.live.pipeline import Job

    interim = Transcriber.load(str(tiny_model), device="cpu", name="tiny.en")
    big = Transcriber.load(str(base_model), device="cpu", name="base", interim=interim)
    audio = decode_file(str(sentence_wav))
    job = lambda **kw: Job(1, 1, start=0, end=len(audio), audio=audio, **kw)  # noqa: E731
    draft = big.run(job(final=False))
    assert draft.draft and wer(SENTENCE, draft.text) <= 0.2
    for final in (big.run(job(final=False, pause=True)), big.run(job(final=True))):
        assert not final.draft and wer(SENTENCE, final.text) <= 0.2
    assert big.warm_up() > 0


def test_warm_up_runs_one_pass_and_passes_from_two_threads_never_overlap(tiny_transcriber, sentence_wav):
    import threading
    import time

    assert tiny_transcriber.warm_up() > 0
    audio = decode_file(str(sentence_wav))
    spans: list[tuple[float, float]] = []

    def one_pass() -> None:
        result = tiny_transcriber.transcribe(audio)
        end = time.perf_counter()
        spans.append((end - result.compute_s, end))  # when this pass really computed

    threads = [threading.Thread(target=one_pass) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    (a0, a1), (b0, b1) = sorted(spans)
    assert a1 <= b0 + 0.005, f"passes overlapped: {spans}"  # the second waited for the first


def test_a_vocabulary_spells_a_name_the_model_cannot_know(tiny_model, tmp_path):
    """A made-up name: without the vocabulary no model can spell it; with it, the final pass does."""
    transcriber = Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", name="tiny.en")
    audio = read_wav(speak("Please send the notes to Zyxtrell Quorvane before Monday.", tmp_path / "name.wav"))
    assert "zyxtrell" not in transcriber.transcribe(audio, checked=True).text.lower()
    transcriber.vocabulary = "Zyxtrell Quorvane"
    assert "zyxtrell" in transcriber.transcribe(audio, checked=True).text.lower()
    # interim passes are not told: the list only ever shapes the passes that may become finals
    assert "zyxtrell" not in transcriber.transcribe(audio).text.lower()


def test_a_final_pass_the_model_is_unsure_of_runs_again_on_the_full_window(tiny_model, sentence_wav):
    audio = decode_file(str(sentence_wav))
    for below, reruns, frames in ((0.0, 0, window_frames(len(audio), 6.0)), (1.01, 1, FULL_WINDOW_FRAMES)):
        transcriber = Transcriber.load(str(tiny_model), DecodeOptions(unsure_below=below), device="cpu", name="tiny.en")
        final = transcriber.transcribe(audio, checked=True)
        assert final.reruns == reruns and transcriber.recognizer.model.window_frames == frames
        assert not final.problem and wer(SENTENCE, final.text) <= 0.2
        assert transcriber.transcribe(audio).reruns == 0  # interim passes never run again


# The pass policy on a recognizer that needs no model (tests/tones.py): what it asks for and when it asks again.

TONES = [["alpha", "bravo", "charlie", "delta"]]


def test_a_final_pass_that_loops_on_the_short_window_runs_again_on_the_full_one() -> None:
    audio, _ = say(TONES)
    tones = ToneRecognizer(loop_below_frames=FULL_WINDOW_FRAMES)
    transcriber = Transcriber(tones)
    final = transcriber.transcribe(audio, checked=True)
    assert (final.text, final.reruns, final.problem) == ("Alpha bravo charlie delta.", 1, "")
    assert [r.window_frames for r in tones.requests] == [window_frames(len(audio), transcriber.final_margin_s), FULL_WINDOW_FRAMES]
    interim = transcriber.transcribe(audio)
    assert interim.reruns == 0 and interim.problem  # an interim is shown as heard, never decoded again
    assert len(tones.requests) == 3 and "alpha alpha alpha" not in interim.text.lower()  # the loop itself is never shown


def test_an_unsure_final_runs_again_on_the_full_window_on_a_small_model_only() -> None:
    audio, _ = say(TONES)
    for layers, reruns in ((None, 1), (4, 1), (32, 0)):
        final = Transcriber(ToneRecognizer(probability=0.5, encoder_layers=layers)).transcribe(audio, checked=True)
        assert (final.reruns, final.text) == (reruns, "Alpha bravo charlie delta."), layers
    assert Transcriber(ToneRecognizer(probability=0.95)).transcribe(audio, checked=True).reruns == 0


def test_finals_search_with_the_beam_and_the_vocabulary_and_interims_greedily_without() -> None:
    audio, _ = say(TONES)
    tones = ToneRecognizer()
    transcriber = Transcriber(tones)
    transcriber.vocabulary = "Zyxtrell Quorvane"
    transcriber.transcribe(audio)
    transcriber.transcribe(audio, checked=True)
    transcriber.revise(audio)
    interim, final, revising = tones.requests
    assert (interim.beam_size, interim.hotwords) == (1, None)
    assert (final.beam_size, final.hotwords) == (revising.beam_size, revising.hotwords) == (5, "Zyxtrell Quorvane")
    assert revising.window_frames == FULL_WINDOW_FRAMES > interim.window_frames == window_frames(len(audio), SMALL_MODEL_MARGIN_S)
    assert all(r.max_tokens == token_budget(len(audio)) and r.temperatures == (0.0,) for r in tones.requests)


def test_on_a_gpu_every_pass_sees_the_full_window_and_finals_are_revised() -> None:
    audio, _ = say(TONES)
    tones = ToneRecognizer(device="cuda", encoder_layers=32)
    transcriber = Transcriber(tones)
    transcriber.transcribe(audio)
    transcriber.transcribe(audio, checked=True)
    assert [r.window_frames for r in tones.requests] == [FULL_WINDOW_FRAMES] * 2 and transcriber.revises
    assert not Transcriber(ToneRecognizer(encoder_layers=32)).revises  # a big model on a CPU: a full window costs seconds


def test_a_pass_cut_at_its_token_budget_runs_again_once_and_says_so() -> None:
    words = ("delta golf bravo hotel echo delta foxtrot hotel bravo alpha echo bravo echo charlie golf hotel delta bravo foxtrot"
             " bravo").split()  # no two words said twice in a row: nothing the policy takes for a repeat
    audio, _ = say([words])
    tones = ToneRecognizer()
    final = Transcriber(tones, DecodeOptions(tokens_per_s=0.0)).transcribe(audio, checked=True)  # 16 tokens, 20 words
    assert (final.reruns, final.problem, len(final.words)) == (1, "hit its token budget", 16)
    assert [r.window_frames < FULL_WINDOW_FRAMES for r in tones.requests] == [True, False]  # widened, then left as it is


class DetectingRecognizer(ToneRecognizer):
    """A multilingual recognizer that detects each clip's language as `detected` says and writes every word in the
    language it decodes in ("ja:alpha")."""

    def __init__(self, detected: list[tuple[str, float]]) -> None:
        super().__init__()
        self.multilingual = True
        self.detected = tuple(detected)

    def decode(self, audio, request):
        from dataclasses import replace

        from captioner.events import Word

        language = request.language or self.detected[0][0]
        languages = () if request.language else self.detected
        return [replace(h, text=f" {language}:{h.text.strip()}", languages=languages,
                        words=tuple(Word(f" {language}:{w.text.strip()}", w.start, w.end, w.probability) for w in h.words))
                for h in super().decode(audio, request)]


def test_a_clip_whose_language_the_model_is_unsure_of_is_decoded_in_the_sessions():
    from captioner.engine.live.spoken import SURE_AFTER_S

    audio, _ = say([["alpha", "bravo"]])
    unsure = DetectingRecognizer([("es", 0.46), ("ja", 0.2)])
    transcriber = Transcriber(unsure, DecodeOptions(language=None))
    assert transcriber.transcribe(audio, checked=True).text.startswith("es:")  # the session is not sure of any yet
    transcriber.spoken.hear([("ja", 0.95)], SURE_AFTER_S)
    heard_s = transcriber.spoken.heard_s
    asked = len(unsure.requests)
    assert transcriber.transcribe(audio).text.startswith("ja:")
    assert [r.language for r in unsure.requests[asked:]] == [None, "ja"]
    assert transcriber.transcribe(audio, checked=True).text.startswith("ja:")
    assert transcriber.spoken.heard_s > heard_s and transcriber.spoken.best[0] == "ja"  # heard as the clip sounded
    sure = Transcriber(DetectingRecognizer([("de", 0.9), ("ja", 0.05)]), DecodeOptions(language=None))
    sure.spoken.hear([("ja", 0.95)], SURE_AFTER_S)
    assert sure.transcribe(audio).text.startswith("de:")  # surely another language: its own
    given = Transcriber(DetectingRecognizer([("es", 0.46)]), DecodeOptions(language="ja"))
    given.spoken.hear([("es", 0.95)], SURE_AFTER_S)
    assert given.transcribe(audio).text.startswith("ja:")  # a language given is never changed
