from captioner.engine.live.stabilizer import agreed_words, stable_chars


def test_agreed_words_compares_normalised():
    assert agreed_words([" Hello,", " world"], [" hello", " World.", " again"]) == 2
    assert agreed_words([], [" a"]) == 0
    assert agreed_words([" the", " cat"], [" a", " cat"]) == 0


def test_stable_chars_cover_the_agreed_prefix():
    current = [" The", " quick", " brown", " box"]
    assert stable_chars([" The", " quick", " brown", " fox"], current) == len("The quick brown")
    assert stable_chars([], current) == 0
