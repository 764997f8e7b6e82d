from captioner.engine.live.endpoint import ends_utterance


def test_a_finished_sentence_ends_the_utterance():
    assert ends_utterance("The meeting will start tomorrow.")
    assert ends_utterance("Is it ready?")
    assert ends_utterance("Where are you from?")
    assert ends_utterance("Yes!")
    assert ends_utterance('He said "go."')


def test_no_words_end_it_too():
    assert ends_utterance("")
    assert ends_utterance("   ")


def test_an_open_phrase_does_not():
    assert not ends_utterance("Our new product is called")
    assert not ends_utterance("I think that...")
    assert not ends_utterance("and then…")
    assert not ends_utterance("Let me think,")


def test_a_full_stop_after_a_word_that_cannot_end_a_statement_does_not():
    assert not ends_utterance("The meeting will start at.")
    assert not ends_utterance("I went to the store and.")
    assert not ends_utterance("Put it on the.")
    assert not ends_utterance("It is in our.")
