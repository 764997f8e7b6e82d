from captioner.engine.live.spoken import SURE_AFTER_S, SpokenLanguage


def test_the_language_shown_is_the_most_probable_over_all_speech_heard():
    spoken = SpokenLanguage()
    assert spoken.describe() == "" and spoken.best == ("", 0.0)
    spoken.hear([("pl", 0.29), ("fr", 0.27), ("ru", 0.1)], 1.2)  # a short greeting misleads the model
    assert spoken.describe() == "pl?"
    spoken.hear([("fr", 0.9), ("pl", 0.05)], 4.0)  # more speech outweighs it
    assert spoken.best[0] == "fr" and spoken.describe() == "fr?" and not spoken.fixed


def test_fixed_once_sure_and_never_changed_after():
    spoken = SpokenLanguage()
    spoken.hear([("ja", 0.95), ("zh", 0.03)], SURE_AFTER_S / 2)
    assert not spoken.fixed  # too little speech yet
    spoken.hear([("ja", 0.9), ("zh", 0.05)], SURE_AFTER_S / 2)
    assert spoken.fixed == "ja" and spoken.describe() == "ja"
    spoken.hear([("en", 1.0)], 10 * SURE_AFTER_S)
    assert spoken.describe() == "ja" and spoken.best == ("ja", 1.0)


def test_unsure_speech_is_never_fixed_and_clips_without_detection_count_for_nothing():
    spoken = SpokenLanguage()
    for _ in range(10):
        spoken.hear([("de", 0.6), ("nl", 0.4)], SURE_AFTER_S)
    assert spoken.best[0] == "de" and not spoken.fixed
    spoken.hear([], 100.0)
    spoken.hear([("nl", 1.0)], 0.0)
    assert spoken.heard_s == 10 * SURE_AFTER_S
