from captioner.engine.live.endpoint import clause_ends, ends_utterance, tell_gate, words_end
from captioner.engine.live.pacing import FINALS_ONLY, NORMAL
from captioner.engine.live.segmenter import SegmentClosed, SegmenterConfig, SpeechGate
from captioner.engine.live.segments import Segment
from captioner.engine.models.recognizer import Transcript
from captioner.events import Word
from tests.speech import FRAME


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


def _pass(text_words, start=0, problem=""):
    """A Segment opened at `start` whose latest pass heard `text_words`: (text, first frame, last frame) each, clip-relative."""
    words = tuple(Word(t, a * FRAME, b * FRAME) for t, a, b in text_words)
    end = max(b for _, _, b in text_words) * FRAME
    seg = Segment(1, start, start)
    seg.best = (start + end, Transcript(" ".join(t for t, _, _ in text_words), words, 0.1, problem=problem))
    return seg


def test_clause_ends_are_the_word_gaps_after_a_clause_or_sentence_end_mark_on_the_clock():
    seg = _pass([("表示され", 0, 10), ("ます。", 10, 14), ("次に", 16, 20), ("Kopien,", 20, 25), ("zu", 27, 30),
                 ("«gut.»", 30, 33), ("und", 34, 36), ("Ende.", 36, 40)], start=100 * FRAME)
    # the last word's full stop may be Whisper's for speech cut off mid-phrase: not taken
    assert clause_ends(seg) == [(114 * FRAME, 116 * FRAME), (125 * FRAME, 127 * FRAME), (133 * FRAME, 134 * FRAME)]
    assert clause_ends(_pass([("Kopien,", 0, 5), ("zu", 6, 9)], problem="loop")) == []  # a pass that failed its checks
    assert clause_ends(Segment(1, 0, 0)) == []  # no pass back yet


def test_the_words_heard_end_where_the_latest_checked_pass_s_last_word_ends_on_the_clock():
    assert words_end(_pass([("表示され", 0, 10), ("ます。", 10, 14)], start=100 * FRAME)) == 114 * FRAME
    assert words_end(_pass([("Kopien,", 0, 5), ("zu", 6, 9)], problem="loop")) is None  # its word times may not fit
    assert words_end(Segment(1, 0, 0)) is None  # no pass back yet


def test_the_gate_is_told_where_the_words_end_a_clause_and_the_length_cut_falls_there():
    cfg = SegmenterConfig(frame_ms=30, max_segment_s=3.0, cut_search_s=1.5, preroll_ms=0, hangover_ms=300, min_speech_ms=60)
    seg = _pass([("Wir", 0, 20), ("verkaufen,", 20, 62), ("dann", 64, 80), ("Kopien", 80, 95)])
    energies = [0.2] * 100
    energies[80], energies[63] = 0.01, 0.1  # the quietest frame is inside a word; the gap after the comma is at 63

    def cut(level):
        gate = SpeechGate(cfg)
        for energy in energies:
            tell_gate(gate, seg, level)
            closed = [e for e in gate.push(True, energy) if isinstance(e, SegmentClosed)]
            if closed:
                return closed[0].end // FRAME
        raise AssertionError("never cut")

    assert cut(NORMAL) == 63
    assert cut(FINALS_ONLY) == 80  # too far behind to go by words: the quietest frame, as without them
