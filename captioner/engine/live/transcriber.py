"""The live engine's pass policy: which search and which encoder window each pass gets, its checks, and when it runs
again — over any recognizer (`captioner.engine.models.recognizer.Recognizer`; faster-whisper's: `captioner.engine.models.whisper`).

Whisper pads every input to a 30 s window, so a 4 s segment costs a full 30 s encoder pass; a pass here asks the
recognizer for only the part of the window that holds the segment plus a margin of padding (benchmarks/README.md,
"The short encoder window"). Too short a margin makes the decoder loop, and the small models need a wider one to
stay clear of loops on very short clips (`SMALL_MODEL_MARGIN_S`). Short windows are proven on tiny.en and base
only, so every pass that may become a final checks itself (`captioner.engine.checks`) and is run again on the full
window when it looks wrong (check → widen → re-run: `Transcriber._transcribe`, the one place that does it). On CUDA
the encoder is cheap and the full window is the default.

Interim passes decode greedily (beam 1); passes that may become a final search
with a beam of `final_beam_size`, as offline decoding does: a greedy final
loses words that an offline decode of the same segment keeps (a name
misheard, a short noise made into a sentence). With the
short window the encoder dominates a pass, so the beam adds little to the
final pass's compute (benchmarks/README.md, `benchmarks/final_beam_cost.py`).

A second, smaller model can write the interim text (`interim=`): the big one
then runs only the passes that may become finals. It is a Transcriber of its
own, with its own model and lock, so a live session runs its passes beside the
big model's on a second thread (`EngineConfig.interim_worker`).
"""

from __future__ import annotations

import copy
import math
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from captioner.engine.checks import MISSED, REPEATED_RUN, UNSURE, pass_problem, unsure
from captioner.engine.filters import (
    FILLER_PHRASES,
    MIN_REPEATED_RUN,
    collapse_repeats,
    drop_repeated_runs,
    is_invented,
    is_loop,
    loop_head,
    normalise,
    repeated_runs,
)
from captioner.engine.live.spoken import SpokenLanguage
from captioner.engine.models.errors import LanguageUnsupported
from captioner.engine.models.model_file import is_small
from captioner.engine.models.recognizer import (
    FALLBACK_TEMPERATURES,
    FRAMES_PER_SECOND,
    FULL_WINDOW_FRAMES,
    DecodeRequest,
    PassJob,
    Recognizer,
    Transcript,
    join_words,
    most_probable,
)
from captioner.engine.models.recognizers import load_recognizer
from captioner.events import SAMPLE_RATE, Word
from captioner.subtitles.chinese import CHINESE, SessionScript
from captioner.subtitles.units import items_for_words, word_count

__all__ = ["DecodeOptions", "Transcriber", "Transcript", "join_words", "margin_for", "quiet_noise", "token_budget", "window_frames"]

MAX_WORDS_PER_S = 4.5  # faster than anyone speaks for a whole clip (fast talkers: about 3.5 a second); `units.word_count`
MOST_TOKENS = 224  # the most a pass writes: half of Whisper's 448 decoder positions


@dataclass(frozen=True)
class DecodeOptions:
    """How passes decode: language, beams, the encoder window's margins, checks and the vocabulary."""

    language: str | None = "en"  # None: detect per segment (multilingual models)
    beam_size: int = 1
    final_beam_size: int = 5  # passes that may become a final decode with at least this beam (interims stay greedy)
    temperature_fallback: bool = False  # re-decoding hot crashes some Windows builds
    window_margin_s: float = -1.0  # padding the encoder sees after the audio of a pass; 0 = full 30 s, -1 by the model's
    # size (`margin_for`)
    final_window_margin_s: float = -1.0  # ... of a pass that may become a final: 0 the full 30 s window Whisper was
    # trained on, -1 by the model's size on a CPU (see Transcriber.final_margin_s)
    full_window_on_gpu: bool = True  # on CUDA the encoder is cheap: always the full 30 s window
    revision_margin_s: float = 0.0  # ... of a revising pass (several finals' audio as one clip); 0 = full 30 s
    word_timestamps: bool = True
    tokens_per_s: float = 10.0  # decoding budget: 16 tokens + this many per second of audio
    checks: bool = True  # a pass that may become a final and fails its checks runs again on the full window
    unsure_below: float = 0.75  # a final pass on a short window whose words' mean probability is under this runs again on
    # the full window (small models on a CPU, `model_file.is_small`; 0: never)
    vocabulary: str = ""  # names and terms the passes that may become finals are told to expect (faster-whisper hotwords)


SMALL_MODEL_MARGIN_S = 6.0  # the window margin of the small models (tiny, base: `model_file.is_small`)
BIG_MODEL_MARGIN_S = 4.0  # ... of bigger ones on a CPU


def margin_for(encoder_layers: int | None) -> float:
    """The encoder window margin of a model with this many encoder layers (None: not known, taken as small).

    The encoder's cost is about linear in the frames it sees. A small model's pass saves little with a shorter
    margin, and a shorter one costs it words; a big model's pass over the same speech costs seconds on a CPU,
    and that is what makes its finals trail. Its margin is the shortest that cost the real models no words on
    the tune half and the round-robin file when they, like a big model on a CPU, re-ran only the passes that
    failed their checks (benchmarks/README.md, "The encoder margin by model size").
    """
    return SMALL_MODEL_MARGIN_S if is_small(encoder_layers) else BIG_MODEL_MARGIN_S


def window_frames(n_samples: int, margin_s: float) -> int:
    """Encoder frames for a clip: its length plus the margin, whole seconds, ≤ 30 s."""
    if margin_s <= 0:
        return FULL_WINDOW_FRAMES
    seconds = math.ceil(n_samples / SAMPLE_RATE + margin_s)
    return min(FULL_WINDOW_FRAMES, seconds * FRAMES_PER_SECOND)


def token_budget(n_samples: int, per_second: float = 10.0) -> int:
    """Most tokens a clip can need: fast speech is ~7 tokens/s, plus timestamps.

    A decoder caught in a loop stops here instead of filling the 448-token window.
    """
    return min(MOST_TOKENS, 16 + math.ceil(per_second * n_samples / SAMPLE_RATE))


class Transcriber:
    """Runs the live engine's passes on one recognizer (and an optional smaller one for interims). Passes on one
    recognizer never overlap: a pass started from a second thread (timing the model in the background while a
    session starts) waits for the one running. The interim model's passes may run beside the big model's, each under
    its own lock."""

    def __init__(self, recognizer: Recognizer, options: DecodeOptions = DecodeOptions(), *,
                 interim: Transcriber | None = None) -> None:
        self.recognizer = recognizer
        self.options = options
        self.interim = interim
        self.interim_wanted = ""  # the interim model meant to run beside this one (engine.models), "" for none
        self.interim_note = ""  # why that model is not there ("" when it is, or none is wanted)
        self._pass_lock = threading.Lock()
        self.spoken = SpokenLanguage()  # the language detected over the speech heard, when none is given
        self.script = SessionScript()  # the script the session's Chinese is written in (`subtitles.chinese`)
        if interim is not None:
            interim.spoken, interim.script = self.spoken, self.script  # it hears this one's language, writes its script
        self._languages: tuple[tuple[str, float], ...] = ()  # what the latest decode detected
        if not recognizer.multilingual and options.language not in (None, "en"):
            raise LanguageUnsupported(recognizer.name, options.language)

    @classmethod
    def load(cls, model_path: str | Path, options: DecodeOptions = DecodeOptions(), *, device: str = "auto",
             compute_type: str = "auto", threads: int | None = None, name: str = "",
             interim: Transcriber | None = None) -> Transcriber:
        """The model in the folder `model_path`, loaded by the recognizer that reads it (`engine.models.recognizers`)."""
        recognizer = load_recognizer(Path(model_path), device=device, compute_type=compute_type, threads=threads,
                                     name=name or str(model_path))
        return cls(recognizer, options, interim=interim)

    # what a session and the app read of the recognizer
    @property
    def name(self) -> str:
        return self.recognizer.name

    @property
    def device(self) -> str:
        return self.recognizer.device

    @property
    def compute_type(self) -> str:
        return self.recognizer.compute_type

    @property
    def encoder_layers(self) -> int | None:
        return self.recognizer.encoder_layers

    @property
    def device_note(self) -> str:
        return self.recognizer.device_note

    @property
    def cuda_libs_missing(self) -> bool:
        return self.recognizer.cuda_libs_missing

    @property
    def moves(self) -> int:
        return self.recognizer.moves

    @property
    def vocabulary(self) -> str:
        return self.options.vocabulary

    @vocabulary.setter
    def vocabulary(self, terms: str) -> None:
        """Names and terms the next passes that may become finals are told to expect."""
        self.options = replace(self.options, vocabulary=terms)

    def with_vocabulary(self, terms: str) -> Transcriber:
        """This transcriber for one session, its passes that may become finals told to expect `terms`: the same models
        and the same pass lock; this one is left as it is."""
        if terms == self.options.vocabulary:
            return self
        session = copy.copy(self)
        session.options = replace(self.options, vocabulary=terms)
        return session

    @property
    def _full_window_free(self) -> bool:
        """On CUDA the encoder is cheap: every pass gets the full 30 s window (unless the options say otherwise)."""
        return self.device == "cuda" and self.options.full_window_on_gpu

    @property
    def margin_s(self) -> float:
        """The encoder window margin of interim passes (0: the full 30 s window): the options' own, else by the
        model's size (`margin_for`)."""
        if self._full_window_free:
            return 0.0
        margin = self.options.window_margin_s
        return margin if margin >= 0 else margin_for(self.encoder_layers)

    @property
    def final_margin_s(self) -> float:
        """The encoder window margin of the passes that may become finals (0: the full 30 s window).

        Unless the options name one: the full window on CUDA, where it is cheap; on a CPU the interim
        passes' margin, and the full window only for a pass whose words the model is unsure of
        (`unsure_below`), as a full-window pass costs several short ones there (benchmarks/README.md).
        """
        if self.options.final_window_margin_s >= 0:
            return self.options.final_window_margin_s
        return self.margin_s

    @property
    def _may_widen(self) -> bool:
        """Whether an unsure pass runs again on the full window: the small models (on a big one a
        full-window pass costs many seconds on a CPU)."""
        return is_small(self.encoder_layers)

    def run(self, job: PassJob) -> Transcript:
        """Run one engine job (`captioner.engine.live.job.Job`).

        Passes that may become a final (the final pass, the pass made when speech pauses) run on
        this model with a beam and their checks; interim passes greedily, on the interim model
        when there is one.
        """
        if job.revises:
            return self.revise(job.audio)
        if job.final or job.pause:
            with self._pass_lock:
                return self._transcribe(job.audio, job.prompt, True, widen_unsure=not job.revised_later, heard=job.heard,
                                        at=job.start)
        return self.transcribe_interim(job.audio, job.prompt)

    def revise(self, audio: np.ndarray) -> Transcript:
        """A revising pass (`captioner.engine.live.revision`): several finals' audio decoded as one clip on the full 30 s
        window, with the finals' beam and the vocabulary; its checks are reported, never re-run (the finals stand)."""
        with self._pass_lock:
            began = time.perf_counter()
            opts = self.options
            beam = max(opts.beam_size, opts.final_beam_size)
            frames = window_frames(len(audio), 0.0 if self._full_window_free else opts.revision_margin_s)
            words, dropped, problem = self._decode(audio, None, frames, beam, opts.vocabulary.strip() or None)
            return Transcript(join_words(words), tuple(words), time.perf_counter() - began, tuple(dropped), problem,
                              beam_size=beam)

    @property
    def revises(self) -> bool:
        """Whether revising passes are worth their cost here: a small model (a full-window pass of a big one costs
        many seconds on a CPU), or a GPU."""
        return self.device == "cuda" or self._may_widen

    def transcribe_interim(self, audio: np.ndarray, prompt: str | None = None) -> Transcript:
        """An interim pass: on the interim model when there is one (its result is then a draft)."""
        if self.interim is None:
            return self.transcribe(audio, prompt)
        return replace(self.interim.transcribe(audio, prompt), draft=True)

    def warm_up(self) -> float:
        """One pass over a second of quiet noise on each model, so the first real pass is not slow; seconds spent."""
        spent = self.transcribe(quiet_noise(1.0)).compute_s
        if self.interim is not None:
            spent += self.interim.warm_up()
        return spent

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, *, checked: bool = False) -> Transcript:
        """Transcribe one clip of 16 kHz mono float32 audio.

        `checked`: a pass that may become a final: it decodes with `final_beam_size`, and when it
        fails its checks on a short window it runs again on the full window.
        """
        with self._pass_lock:
            return self._transcribe(audio, prompt, checked)

    def _transcribe(self, audio: np.ndarray, prompt: str | None, checked: bool, widen_unsure: bool = True,
                    heard: bool = False, at: int | None = None) -> Transcript:
        """A pass; `widen_unsure` False: one the model is merely unsure of is not run again on the full window (a
        revising pass will hear it again). `heard`: an earlier pass over the same speech heard words, so a checked
        pass on the short window that hears none is run again on the full one (the short window can make a small
        model take a short phrase for silence; a segment whose final has no words is lost, no revision hears it). `at`: where
        the clip starts on the audio clock (the spoken language counts each stretch of speech once: `SpokenLanguage.hear`)."""
        began = time.perf_counter()
        opts = self.options
        frames = window_frames(len(audio), self.final_margin_s if checked else self.margin_s)
        beam = max(opts.beam_size, opts.final_beam_size) if checked else opts.beam_size
        hotwords = opts.vocabulary.strip() or None if checked else None
        words, dropped, problem = self._decode(audio, prompt, frames, beam, hotwords, salvage=not checked)
        reruns = 0
        if checked and opts.checks and not problem and frames < FULL_WINDOW_FRAMES and self._may_widen:
            if widen_unsure and unsure(words, opts.unsure_below):
                problem = UNSURE  # heard with little confidence on the short window: the full one decides
            elif heard and not words:
                problem = MISSED  # silence where the passes before heard words: the full window decides
        if problem and checked and opts.checks:
            # a short window is the likeliest cause: the full one; already full: the other search
            reruns = 1
            if frames < FULL_WINDOW_FRAMES:
                frames = FULL_WINDOW_FRAMES
            else:
                beam = 1 if beam > 1 else max(2, opts.final_beam_size)
            words, dropped2, problem = self._decode(audio, prompt, frames, beam, hotwords)
            dropped = dropped + dropped2
        if problem == REPEATED_RUN and word_count([w.text for w in words]) > MAX_WORDS_PER_S * len(audio) / SAMPLE_RATE:
            # both searches wrote a run twice, and more words than the clip can hold: shown once.
            # A run said twice at a speaking pace is the speaker's, and kept.
            words = drop_repeated_runs(words, key=lambda w: w.text)
        if checked and words:
            self.spoken.hear(self._languages, len(audio) / SAMPLE_RATE, at)
            if (opts.language or most_probable(self._languages)) in CHINESE:
                self.script.saw(join_words(words))  # the first that tells fixes the session's script
        return Transcript(join_words(words), tuple(words), time.perf_counter() - began, tuple(dropped), problem, reruns,
                          beam_size=beam)

    def _decode(self, audio: np.ndarray, prompt: str | None, frames: int, beam: int, hotwords: str | None = None,
                salvage: bool = False, language: str | None = None) -> tuple[list[Word], list[str], str]:
        """One decode on `frames` of encoder window with beam `beam`: (kept words, dropped texts, problem or "").

        What the recognizer wrote that the live engine's filters judge invented is dropped (`filters.is_invented`).
        `salvage` (interim passes, which no final is made of without a checked pass): an output segment that loops
        keeps its words before the loop (`loop_head`) when they are few enough for the clip and not a filler. On
        the first second of speech the short window often makes the decoder repeat what it heard ("this one, this
        one, …"); dropping the lot left the segment without text until the next pass. The pass still reports that
        it looped, so its words never stand in for a final. `language`: decode in it (else the options'); a clip whose
        detected language the model is unsure of is decoded again in the session's (`SpokenLanguage.decode_in`)."""
        opts = self.options
        request = DecodeRequest(language=language or opts.language, beam_size=beam, prompt=prompt or None, hotwords=hotwords,
                                window_frames=frames, max_tokens=token_budget(len(audio), opts.tokens_per_s),
                                temperatures=FALLBACK_TEMPERATURES if opts.temperature_fallback else (0.0,),
                                word_timestamps=opts.word_timestamps, chinese_script=self.script.fixed)
        rms = float(np.sqrt(np.mean(audio * audio))) if len(audio) else 0.0
        words: list[Word] = []
        dropped: list[str] = []
        cut, text_end = False, 0.0
        looped = False
        self._languages = ()
        for seg in self.recognizer.decode(audio, request):
            self._languages = self._languages or seg.languages
            if seg.cut:
                cut = True
            elif seg.text_end is not None:
                cut, text_end = False, seg.text_end
            score = seg.score
            if is_invented(score, rms):
                dropped.append(seg.text.strip())
                loop = is_loop(score)
                looped |= loop
                if salvage and loop:
                    words.extend(_before_loop(list(seg.words), len(audio) / SAMPLE_RATE))
                continue
            words.extend(seg.words)
        instead = self.spoken.decode_in(self._languages) if language is None and opts.language is None else ""
        if instead:
            detected = self._languages
            decoded = self._decode(audio, prompt, frames, beam, hotwords, salvage, instead)
            self._languages = detected  # the session still hears what the clip alone sounded like
            return decoded
        words = collapse_repeats(words, key=lambda w: w.text)
        problem = pass_problem(cut=cut, looped=looped, text_end_s=text_end,
                               clip_s=len(audio) / SAMPLE_RATE, rms=rms,
                               repeated=_repeats(words))
        return words, dropped, problem


def quiet_noise(seconds: float, seed: int = 0) -> np.ndarray:
    """Quiet noise: what a warm-up pass transcribes."""
    rng = np.random.default_rng(seed)
    return (0.01 * rng.standard_normal(int(seconds * SAMPLE_RATE))).astype(np.float32)


def _before_loop(words: list[Word], clip_s: float) -> list[Word]:
    """A looping segment's words before the loop, or none when they are more than the clip can hold or a filler."""
    head = loop_head(words, key=lambda w: w.text)
    if word_count([w.text for w in head]) > MAX_WORDS_PER_S * clip_s + 1 or normalise(join_words(head)) in FILLER_PHRASES:
        return []
    return head


def _repeats(words: list[Word]) -> bool:
    """Whether the words hold a run of `filters.MIN_REPEATED_RUN` words or more twice (sized by `units.word_count`)."""
    texts = [w.text for w in words]
    return bool(repeated_runs([normalise(text) for text in texts], items_for_words(texts, MIN_REPEATED_RUN)))


