"""Rules that keep invented text out of captions.

Whisper makes up text on silence and noise ("Thank you.", "you", a sentence
repeated until the window ends). These pure functions decide what to drop.

Whoever wants to know what was dropped (the benchmark's word-loss attribution)
can `watch` with a callback; it is told the rule and the text of every drop.
Nothing is watched by default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from captioner.subtitles.units import CLOSERS, SENTENCE_END, items_for_words, word_count
from captioner.subtitles.units import normalise as normalise

T = TypeVar("T")

# What Whisper tends to say about silence, hum or breath, normalised.
FILLER_PHRASES = frozenset(
    {
        "",
        "you",
        "thank you",
        "thank you very much",
        "thanks",
        "thanks for watching",
        "thank you for watching",
        "please subscribe",
        "bye",
        "bye bye",
        "okay",
        "ok",
        "so",
        "uh",
        "um",
        "hmm",
        "mm",
        "oh",
        "ah",
        "the end",
    }
) | frozenset(
    normalise(said)  # ... and in the other languages it writes most: the same closing lines and subtitle credits
    for said in (
        "ご視聴ありがとうございました", "ありがとうございました", "おやすみなさい",
        "谢谢观看", "谢谢大家", "谢谢", "字幕由Amara.org社区提供", "请不吝点赞 订阅 转发 打赏支持明镜与点点栏目",
        "謝謝觀看", "謝謝大家", "謝謝", "字幕由Amara.org社群提供", "請不吝點贊 訂閱 轉發 打賞支持明鏡與點點欄目",
        "시청해 주셔서 감사합니다", "감사합니다",
        "Untertitel im Auftrag des ZDF", "Untertitel der Amara.org-Community", "Vielen Dank",
        "Sous-titres réalisés para la communauté d'Amara.org", "Merci", "Merci d'avoir regardé",
        "Gracias", "Subtítulos realizados por la comunidad de Amara.org",
    )
)

QUIET_RMS = 0.006  # about -44 dBFS: the level of room noise
LOOP_COMPRESSION_RATIO = 2.4  # Whisper's own loop test: text that compresses better than this repeats itself
NO_SPEECH_PROB = 0.6  # Whisper's own no-speech rule: a segment this likely silence ...
NO_SPEECH_LOGPROB = -1.0  # ... whose words are this unsure is not speech
FILLER_NO_SPEECH_PROB = 0.2  # a filler phrase this likely silence ...
FILLER_LOGPROB = -0.7  # ... or with words this unsure is not speech
ALWAYS_DROPPED_SPAN = 3  # a run of this many words or more said twice in a row is always a repeat (`units.word_count`)


@dataclass(frozen=True)
class SegmentScore:
    """What the decoder said about one of its output segments."""

    text: str
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float


Watcher = Callable[[str, str], None]  # (rule, dropped text)
_watchers: list[Watcher] = []


@contextmanager
def watch(callback: Watcher) -> Iterator[None]:
    """Within the block, `callback(rule, text)` hears of every drop these rules make."""
    _watchers.append(callback)
    try:
        yield
    finally:
        _watchers.remove(callback)


def _tell(rule: str, text: str) -> None:
    for callback in list(_watchers):
        callback(rule, text)


def is_loop(segment: SegmentScore) -> bool:
    """The same words again and again (Whisper's own compression-ratio test)."""
    return segment.compression_ratio > LOOP_COMPRESSION_RATIO


def invented_by(segment: SegmentScore, audio_rms: float) -> str | None:
    """Which rule judges an output segment not to be speech that was there, or None."""
    if is_loop(segment):
        return "loop"  # the same words again and again
    if segment.no_speech_prob > NO_SPEECH_PROB and segment.avg_logprob < NO_SPEECH_LOGPROB:
        return "no_speech"  # Whisper's own no-speech rule
    if normalise(segment.text) in FILLER_PHRASES:
        quiet = audio_rms < QUIET_RMS
        unsure = segment.no_speech_prob > FILLER_NO_SPEECH_PROB or segment.avg_logprob < FILLER_LOGPROB
        if quiet or unsure:
            return "filler"
    return None


def is_invented(segment: SegmentScore, audio_rms: float) -> bool:
    """True when an output segment is most likely not speech that was there."""
    rule = invented_by(segment, audio_rms)
    if rule is not None:
        _tell(rule, segment.text)
    return rule is not None


TITLES = frozenset({"mr.", "mrs.", "ms.", "mx.", "messrs.", "dr.", "prof.", "rev.", "capt.", "gen.", "col.", "lt.", "sgt.", "gov.", "sen."})


def ends_sentence(text: str) -> bool:
    """Whether a word ends a sentence ("16.", "Yes!", "right?\""); a title before a name ("Mr.", "Dr.") does not."""
    bare = text.strip().rstrip(CLOSERS)
    return bare.endswith(SENTENCE_END) and bare.lower() not in TITLES


def collapse_repeats(items: Sequence[T], key: Callable[[T], str] = str, max_span: int = 30) -> list[T]:
    """Drop a run of words that repeats the run just before it.

    "we are glad we are glad we are glad" -> "we are glad". A run of one or two
    words said twice is kept when it runs on ("no no", "very very"): people say
    those. It is dropped when both copies end a sentence ("16. 16.", "Thank you.
    Thank you."), which is how the decoder writes a short phrase it repeats, and
    from its third time on. Runs are sized in words as `units.word_count` counts them: in a language written
    without spaces a doubled character ("ここ") is a run of one.
    """
    out: list[T] = []
    keys: list[str] = []
    texts: list[str] = []
    for item in items:
        out.append(item)
        texts.append(key(item))
        keys.append(normalise(texts[-1]))
        for span in range(min(max_span, len(out) // 2), 0, -1):
            if keys[-2 * span : -span] != keys[-span:]:
                continue
            sentences = ends_sentence(texts[-span - 1]) and ends_sentence(texts[-1])
            if word_count(texts[-span:]) >= ALWAYS_DROPPED_SPAN or sentences or keys[-3 * span : -2 * span] == keys[-span:]:
                if _watchers:
                    _tell("repeat", " ".join(t.strip() for t in texts[-span:]))
                del out[-span:], keys[-span:], texts[-span:]
                break
    return out


def loop_head(items: Sequence[T], key: Callable[[T], str] = str) -> list[T]:
    """The words of a looping output segment before its first repeat: up to where a run of its words
    comes again at once ("will we ever forget? will we ever forget? will we" -> "will we ever forget?";
    "this one, this one, this" -> "this one,"). What the decoder heard before it got stuck."""
    keys = [normalise(key(item)) for item in items]
    for j in range(1, len(keys)):
        for span in range(1, min(j, len(keys) - j) + 1):
            if keys[j : j + span] == keys[j - span : j]:
                return list(items[:j])
    return list(items)


MIN_REPEATED_RUN = 5  # words: a pass that writes a run this long twice is suspect (a decoder repeating itself)


def repeated_runs(keys: Sequence[str], min_run: int = MIN_REPEATED_RUN) -> list[tuple[int, int]]:
    """Spans [start, end) of `keys` (normalised words) that repeat an earlier run of `min_run` or
    more words, each as long as the repeat goes on.

    "a b c d e f x a b c d e f" -> [(7, 13)].
    """
    spans: list[tuple[int, int]] = []
    seen: dict[tuple[str, ...], int] = {}  # n-gram -> where it first starts
    j = 0
    while j + min_run <= len(keys):
        gram = tuple(keys[j : j + min_run])
        i = seen.get(gram)
        if i is not None and i + min_run <= j:
            end = j + min_run
            while end < len(keys) and i + (end - j) < j and keys[i + (end - j)] == keys[end]:
                end += 1
            spans.append((j, end))
            j = end
            continue
        seen.setdefault(gram, j)
        j += 1
    return spans


def drop_repeated_runs(items: Sequence[T], key: Callable[[T], str] = str, min_run: int = MIN_REPEATED_RUN) -> list[T]:
    """`items` without the runs that repeat an earlier run of theirs word for word: a sentence the
    decoder wrote twice is shown once."""
    texts = [key(item) for item in items]
    spans = repeated_runs([normalise(text) for text in texts], items_for_words(texts, min_run))
    if not spans:
        return list(items)
    gone = {k for s, e in spans for k in range(s, e)}
    if _watchers:
        _tell("repeat", " ".join(key(items[k]).strip() for k in sorted(gone)))
    return [item for k, item in enumerate(items) if k not in gone]
