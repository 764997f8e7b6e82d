import numpy as np

from captioner.audio.sources import decode_file
from captioner.engine.transcriber import FULL_WINDOW_FRAMES, DecodeOptions, Transcriber, token_budget, window_frames
from tests.conftest import SENTENCE
from tests.engine.test_pipeline import wer


def test_window_is_the_clip_plus_margin_in_whole_seconds():
    assert window_frames(16000 * 4, 6.0) == 1000
    assert window_frames(16000 * 4 + 1, 6.0) == 1100
    assert window_frames(16000 * 29, 6.0) == FULL_WINDOW_FRAMES
    assert window_frames(16000 * 2, 0) == FULL_WINDOW_FRAMES


def test_token_budget_grows_with_the_clip_and_is_capped():
    assert token_budget(16000) < token_budget(16000 * 5) < token_budget(16000 * 20)
    assert token_budget(16000 * 60) == 440


def test_short_window_matches_the_full_window(tiny_model, sentence_wav):
    audio = decode_file(str(sentence_wav))
    short = Transcriber.load(str(tiny_model), device="cpu")
    full = Transcriber.load(str(tiny_model), DecodeOptions(window_margin_s=0), device="cpu")
    a, b = short.transcribe(audio), full.transcribe(audio)
    assert wer(SENTENCE, a.text) <= 0.2 and wer(SENTENCE, b.text) <= 0.2
    assert short.model.window_frames < full.model.window_frames == FULL_WINDOW_FRAMES
    # words carry times inside the clip, in samples
    assert all(0 <= w.start <= w.end <= len(audio) for w in a.words)


def test_silence_gives_no_text(tiny_transcriber):
    assert tiny_transcriber.transcribe(np.zeros(16000 * 3, dtype=np.float32)).text == ""


def test_english_only_model_refuses_another_language(tiny_model):
    import pytest

    from captioner.engine.model_errors import LanguageUnsupported

    with pytest.raises(LanguageUnsupported, match="English-only") as raised:
        Transcriber.load(str(tiny_model), DecodeOptions(language="de"), device="cpu", name="tiny.en")
    assert (raised.value.model, raised.value.language) == ("tiny.en", "de")


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
