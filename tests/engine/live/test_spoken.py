from captioner.engine.live.spoken import SURE_AFTER_S, SpokenLanguage


def test_the_language_shown_is_the_most_probable_over_all_speech_heard():
    spoken = SpokenLanguage()
    assert spoken.describe() == "" and spoken.best == ("", 0.0)
    spoken.hear([("pl", 0.29), ("fr", 0.27), ("ru", 0.1)], 1.2)  # a short greeting misleads the model
    assert spoken.describe() == "pl?"
    spoken.hear([("fr", 0.9), ("pl", 0.05)], 4.0)  # more speech outweighs it
    assert spoken.best[0] == "fr" and spoken.describe() == "fr?" and not spoken.sure


def test_sure_once_enough_speech_agrees_and_sure_after():
    spoken = SpokenLanguage()
    spoken.hear([("ja", 0.95), ("zh", 0.03)], SURE_AFTER_S / 2)
    assert not spoken.sure and spoken.describe() == "ja?"  # too little speech yet
    spoken.hear([("ja", 0.9), ("zh", 0.05)], SURE_AFTER_S / 2)
    assert spoken.sure and spoken.describe() == "ja"
    spoken.hear([("zh", 0.6), ("ja", 0.4)], SURE_AFTER_S / 2)  # an unclear stretch: still ja, and still sure
    assert spoken.describe() == "ja"


def test_speech_that_moves_to_another_language_is_shown_so_and_outweighs_the_first_once_longer():
    spoken = SpokenLanguage()
    spoken.hear([("en", 0.98)], 3 * SURE_AFTER_S)
    spoken.hear([("de", 0.97), ("en", 0.02)], SURE_AFTER_S)
    assert spoken.best[0] == "en" and spoken.describe() == "en · now de"
    spoken.hear([("de", 0.5), ("nl", 0.4)], 1.0)  # the latest clip unsure: the session's language alone
    assert spoken.describe() == "en"
    spoken.hear([("de", 0.97), ("en", 0.02)], 3 * SURE_AFTER_S)
    assert spoken.describe() == "de"  # now most of all the speech heard


def test_unsure_speech_is_never_sure_and_clips_without_detection_count_for_nothing():
    spoken = SpokenLanguage()
    for _ in range(10):
        spoken.hear([("de", 0.6), ("nl", 0.4)], SURE_AFTER_S)
    assert spoken.best[0] == "de" and not spoken.sure and spoken.describe() == "de?"
    spoken.hear([], 100.0)
    spoken.hear([("nl", 1.0)], 0.0)
    assert spoken.heard_s == 10 * SURE_AFTER_S


def test_a_clip_is_decoded_in_the_sessions_language_only_when_unsure_of_its_own_and_the_session_is_sure():
    spoken = SpokenLanguage()
    unsure_spanish = [("es", 0.46), ("ja", 0.2), ("he", 0.1)]
    assert spoken.decode_in(unsure_spanish) == ""  # nothing heard yet: the clip's own
    spoken.hear([("ja", 0.95), ("zh", 0.03)], SURE_AFTER_S)
    assert spoken.sure
    assert spoken.decode_in(unsure_spanish) == "ja"
    assert spoken.decode_in([("de", 0.9), ("ja", 0.05)]) == ""  # surely another language: a session that moves on
    assert spoken.decode_in([("ja", 0.4), ("zh", 0.3)]) == ""  # unsure, but of the session's own
    assert spoken.decode_in([]) == ""  # the language was given, nothing detected


def test_each_stretch_of_speech_counts_once_however_many_passes_heard_it():
    spoken = SpokenLanguage()
    spoken.hear([("de", 0.9), ("en", 0.1)], 5.0, at=0)
    for seconds in (1.0, 2.0, 3.0, 4.0):  # passes over a segment that grows to 4 s, where speech paused, then its final
        spoken.hear([("en", 0.9), ("de", 0.1)], seconds, at=80_000)
    assert spoken.heard_s == 9.0  # 5 s and 4 s: not 5 s and 10 s
    assert spoken.best[0] == "de"  # the 5 s outweigh the 4 s, though heard by fewer passes
    spoken.hear([("en", 0.9), ("de", 0.1)], 2.0)  # a clip of its own, heard once
    assert spoken.heard_s == 11.0 and spoken.best[0] == "en"


def test_only_the_latest_clips_are_kept_to_be_heard_again():
    spoken = SpokenLanguage()
    for n in range(100):
        spoken.hear([("fr", 0.9)], 1.0, at=n * 16_000)
    spoken.hear([("fr", 0.9)], 1.0, at=99 * 16_000)  # the latest clip heard again: in its place
    assert spoken.heard_s == 100.0
    spoken.hear([("fr", 0.9)], 1.0, at=0)  # the first one's passes were done long ago: this is other speech
    assert spoken.heard_s == 101.0
