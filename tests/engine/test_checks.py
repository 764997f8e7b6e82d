"""The rule that says a pass looks wrong."""

from captioner.engine.checks import GAP_S, pass_problem

OK = dict(cut=False, looped=False, text_end_s=4.6, clip_s=5.0, rms=0.05)


def test_a_clean_pass_passes():
    assert pass_problem(**OK) == ""


def test_a_cut_or_looping_pass_fails():
    assert pass_problem(**{**OK, "cut": True}) == "hit its token budget"
    assert pass_problem(**{**OK, "looped": True}) == "repeated itself"


def test_text_ending_long_before_the_audio_fails_unless_the_audio_is_quiet():
    early = {**OK, "text_end_s": 5.0 - GAP_S}
    assert pass_problem(**early) == "ended before the audio"
    assert pass_problem(**{**early, "rms": 0.001}) == ""
    assert pass_problem(**{**OK, "text_end_s": 0.0, "clip_s": 2.0}) == ""  # a short clip with no text


def test_a_pass_that_repeats_a_run_of_its_words_fails():
    from captioner.engine.checks import REPEATED_RUN

    assert pass_problem(cut=False, looped=False, text_end_s=4.0, clip_s=4.2, rms=0.1, repeated=True) == REPEATED_RUN


def test_a_pass_is_unsure_when_its_words_mean_probability_is_low():
    from captioner.engine.checks import unsure
    from captioner.events import Word

    sure = [Word(" yes", 0, 1, 0.95), Word(" indeed", 1, 2, 0.85)]
    shaky = [Word(" yes", 0, 1, 0.95), Word(" in deed", 1, 2, 0.35)]
    assert not unsure(sure, 0.75) and unsure(shaky, 0.75)
    assert not unsure(shaky, 0.0) and not unsure([], 0.75)  # 0: never; no words: nothing to be unsure of
