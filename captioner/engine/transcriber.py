"""Speech segments to text with faster-whisper.

Whisper pads every input to a 30 s window, so a 4 s segment costs a full
30 s encoder pass. `ShortWindowWhisper` encodes only the part of the window
that holds the segment plus a margin of padding, which keeps accuracy (the
decoder still sees trailing silence, so it ends cleanly) at a fraction of the
cost (the figures: benchmarks/README.md, "The short encoder window").
Margins under ~3 s make the decoder loop; tiny.en
needs ~6 s to stay clear of loops on very short clips. Short windows are
proven on tiny.en and base only, so every pass that may become a final checks
itself (`captioner.engine.checks`) and is run again on the full window when
it looks wrong. On CUDA the encoder is cheap and the full window is the
default.

Interim passes decode greedily (beam 1); passes that may become a final search
with a beam of `final_beam_size` (5), as offline decoding does. Greedy finals
were where the live text lost most words that an offline decode of the same
segment kept (a name misheard, a short noise made into a sentence). With the
short window the encoder dominates a pass, so the beam adds little to the
final pass's compute (benchmarks/README.md, `benchmarks/final_beam_cost.py`).

A second, smaller model can write the interim text (`interim=`): the big one
then runs only the passes that may become finals. It is a Transcriber of its
own, with its own model and lock, so a live session runs its passes beside the
big model's on a second thread (`EngineConfig.interim_worker`).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from captioner.engine import cuda_libs
from captioner.engine.checks import MISSED, REPEATED_RUN, UNSURE, pass_problem, unsure
from captioner.engine.filters import (
    FILLER_PHRASES,
    SegmentScore,
    collapse_repeats,
    drop_repeated_runs,
    is_invented,
    is_loop,
    loop_head,
    normalise,
    repeated_runs,
)
from captioner.engine.hardware import choose_device, cpu_threads
from captioner.engine.model_errors import CudaLibraryMissing, GpuFailed, LanguageUnsupported, ModelError
from captioner.engine.model_file import folder_shape, is_small
from captioner.engine.recognizer import Transcript, join_words
from captioner.events import SAMPLE_RATE, Word

__all__ = ["DecodeOptions", "ShortWindowWhisper", "Transcriber", "Transcript", "fallback_note", "gpu_error", "join_words", "segment_words"]

FRAMES_PER_SECOND = 100  # Whisper's mel frames
FULL_WINDOW_FRAMES = 3000
TIMESTAMP_S = 0.02  # one timestamp token step
MAX_WORDS_PER_S = 4.5  # faster than anyone speaks for a whole clip (fast talkers: about 3.5 a second)


# Decodes a model runs at once on a CPU. A live session runs one at a time; a refine decodes a recording's pieces side
# by side: on 2 cores two decodes of 2 threads each got through long recordings 1.4x (base) to 1.5x (tiny.en) faster
# than one at a time (benchmarks/README.md, "Refined after the session"). The workers share the model's weights.
CPU_WORKERS = 2


class ShortWindowWhisper(WhisperModel):
    """A WhisperModel whose encoder sees only `window_frames` of the padded window. Its workers encode one at a time:
    the encoder's self-attention is a decode's largest buffer (base, a 30 s window: 8 heads x 1500 x 1500 floats,
    72 MB), and one encoding keeps the cores busy."""

    window_frames: int = FULL_WINDOW_FRAMES

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._encoding = threading.Lock()

    def encode(self, features: np.ndarray):  # type: ignore[override]
        if features.shape[-1] > self.window_frames:
            features = np.ascontiguousarray(features[..., : self.window_frames])
        with self._encoding:
            return super().encode(features)


@dataclass(frozen=True)
class DecodeOptions:
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

    The encoder's cost is about linear in the frames it sees. On 2 cores two seconds less margin save a small
    model less than a tenth of a second a pass (base over 5 s of speech: 0.37 s with 6 s of margin, 0.29 s with
    4 s), and a shorter margin once cost base words (2 s: 7.9 % WER against 5.9 % on the round-robin file); a
    big model's pass over the same speech costs seconds (the default model: 1.84 s with 6 s, 1.53 s with 4 s,
    1.29 s with 2 s), and that is what makes its finals trail. Its margin is the shortest that cost the real
    models no words on the tune half and the round-robin file when they, like a big model on a CPU, re-ran
    only the passes that failed their checks (benchmarks/README.md, "The encoder margin by model size").
    """
    return SMALL_MODEL_MARGIN_S if is_small(encoder_layers) else BIG_MODEL_MARGIN_S


def window_frames(n_samples: int, margin_s: float) -> int:
    """Encoder frames for a clip: its length plus the margin, whole seconds, ≤ 30 s."""
    if margin_s <= 0:
        return FULL_WINDOW_FRAMES
    seconds = math.ceil(n_samples / SAMPLE_RATE + margin_s)
    return min(FULL_WINDOW_FRAMES, seconds * FRAMES_PER_SECOND)


MAX_TOKENS = 448  # Whisper's decoder positions: prompt + generated tokens
PROMPT_TOKENS = 224  # most prompt tokens faster-whisper sends (its prompt text is cut to 223)


def token_budget(n_samples: int, per_second: float = 10.0) -> int:
    """Most tokens a clip can need: fast speech is ~7 tokens/s, plus timestamps.

    A decoder caught in a loop stops here instead of filling the 448-token window.
    """
    return min(MAX_TOKENS // 2, 16 + math.ceil(per_second * n_samples / SAMPLE_RATE))


def max_new_tokens(budget: int, prompt_tokens: int) -> int:
    """The `max_new_tokens` that lets the decoder write `budget` tokens.

    faster-whisper asks CTranslate2 for max_length = prompt + max_new_tokens, and CTranslate2's
    Whisper decodes at most max_length / 2 tokens: twice the budget, within the 448 positions.
    """
    return max(1, min(2 * budget - prompt_tokens, MAX_TOKENS - prompt_tokens))


class Transcriber:
    """Runs one faster-whisper model (and an optional smaller one for interims). Passes on one model
    never overlap: a pass started from a second thread (timing the model in the background while a
    session starts) waits for the one running. The interim model's passes may run beside the big
    model's, each under its own lock."""

    def __init__(self, model: ShortWindowWhisper, options: DecodeOptions = DecodeOptions(), *, name: str = "", device: str = "cpu",
                 compute_type: str = "int8", interim: "Transcriber | None" = None, encoder_layers: int | None = None,
                 path: str = "") -> None:
        self.model = model
        self.path = path  # the model folder it was loaded from ("" when not known): where a move to the CPU reloads it
        self.device_note = ""  # why it runs on the CPU though a GPU was meant (load or mid-session), "" otherwise
        self.moves = 0  # times it moved to the CPU during passes (a GPU failing mid-session)
        self.encoder_layers = encoder_layers  # the model's size, when known (None: taken as small)
        self.options = options
        self.name = name
        self.device = device
        self.compute_type = compute_type
        self.interim = interim
        self.threads = 0  # the CPU threads it was loaded with (Transcriber.load), 0 when not known
        self.interim_wanted = ""  # the interim model meant to run beside this one (engine.models), "" for none
        self.interim_note = ""  # why that model is not there ("" when it is, or none is wanted)
        self._pass_lock = threading.Lock()
        if not model.model.is_multilingual and options.language not in (None, "en"):
            raise LanguageUnsupported(name, options.language)

    @classmethod
    def load(cls, model_path: str, options: DecodeOptions = DecodeOptions(), *, device: str = "auto", compute_type: str = "auto",
             threads: int | None = None, name: str = "", interim: "Transcriber | None" = None) -> "Transcriber":
        """On a CPU the model has `CPU_WORKERS` workers, each on all the threads: a refine decodes pieces of a
        recording side by side (`decode_whole.side_by_side`).

        On a GPU a first pass, over a second of features, says whether the GPU works (CTranslate2 loads cuBLAS only
        then): where it fails, `device="auto"` loads the model on the CPU instead and says why in `device_note`,
        `device="cuda"` raises CudaLibraryMissing or GpuFailed (`engine.model_errors`)."""
        if device != "cpu":
            cuda_libs.preload()  # before CTranslate2's first use of cuBLAS
        requested = device
        device, compute_type = choose_device(device, compute_type)
        threads = threads or cpu_threads()
        loaded = cls._on(device, compute_type, model_path, options, threads, name, interim)
        if device != "cuda":
            return loaded
        problem = loaded._gpu_problem()
        if not problem:
            return loaded
        label = name or str(model_path)
        if requested == "cuda":
            raise gpu_error(label, problem)
        del loaded
        cpu_device, cpu_type = choose_device("cpu")
        on_cpu = cls._on(cpu_device, cpu_type, model_path, options, threads, name, interim)
        on_cpu.device_note = fallback_note(problem, at_load=True)  # the CLI prints it, the app shows it in a banner
        return on_cpu

    @classmethod
    def _on(cls, device: str, compute_type: str, model_path: str, options: DecodeOptions, threads: int, name: str,
            interim: "Transcriber | None") -> "Transcriber":
        model = ShortWindowWhisper(
            str(model_path),
            device=device,
            compute_type=compute_type,
            cpu_threads=threads,
            num_workers=CPU_WORKERS if device == "cpu" else 1,
        )
        loaded = cls(model, options, name=name or str(model_path), device=device, compute_type=compute_type, interim=interim,
                     encoder_layers=_encoder_layers(model_path), path=str(model_path))
        loaded.threads = threads
        return loaded

    def _gpu_problem(self) -> str:
        """CTranslate2's reason when a first encoder pass over a second of silence fails on this model's device, else
        "". The pass also pays the GPU's first-use costs (CUDA building the kernels for this GPU, the first time)."""
        features = np.zeros((1, self.model.model.n_mels, FRAMES_PER_SECOND), dtype=np.float32)
        try:
            self.model.encode(features)
        except RuntimeError as error:
            return str(error)
        return ""

    def _move_to_cpu(self, detail: str) -> None:
        """The GPU failed a pass: load the same model on the CPU (int8) and run there from now on."""
        device, compute_type = choose_device("cpu")
        threads = self.threads or cpu_threads()
        model = ShortWindowWhisper(self.path, device=device, compute_type=compute_type, cpu_threads=threads, num_workers=CPU_WORKERS)
        self.model, self.device, self.compute_type, self.threads = model, device, compute_type, threads
        self.moves += 1
        self.device_note = fallback_note(detail, at_load=False)  # a session reports it (`SessionBase._report_moves`)

    def _on_gpu_failure(self, error: RuntimeError) -> bool:
        """Whether a pass that raised `error` should run again on the CPU: it ran on the GPU, and the model can be
        loaded again from its folder (then it is: `_move_to_cpu`)."""
        if self.device != "cuda" or not self.path:
            return False
        self._move_to_cpu(str(error))
        return True

    @property
    def vocabulary(self) -> str:
        return self.options.vocabulary

    @vocabulary.setter
    def vocabulary(self, terms: str) -> None:
        """Names and terms the next passes that may become finals are told to expect."""
        self.options = replace(self.options, vocabulary=terms)

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

    def run(self, job) -> Transcript:
        """Run one engine job (`captioner.engine.pipeline.Job`).

        Passes that may become a final (the final pass, the pass made when speech pauses) run on
        this model with a beam and their checks; interim passes greedily, on the interim model
        when there is one.
        """
        if job.revises:
            return self.revise(job.audio)
        if job.final or job.pause:
            return self._locked(self._transcribe, job.audio, job.prompt, True, widen_unsure=not job.revised_later, heard=job.heard)
        return self.transcribe_interim(job.audio, job.prompt)

    def _locked(self, run, *args, **kwargs) -> Transcript:
        """`run(*args, **kwargs)` under the pass lock; when the GPU fails it, the model moves to the CPU (no pass, and
        so no audio, is lost: the same pass runs there)."""
        with self._pass_lock:
            try:
                return run(*args, **kwargs)
            except RuntimeError as error:
                if not self._on_gpu_failure(error):
                    raise
            return run(*args, **kwargs)

    def revise(self, audio: np.ndarray) -> Transcript:
        """A revising pass (`captioner.engine.revision`): several finals' audio decoded as one clip on the full 30 s
        window, with the finals' beam and the vocabulary; its checks are reported, never re-run (the finals stand)."""
        return self._locked(self._revise, audio)

    def _revise(self, audio: np.ndarray) -> Transcript:
        began = time.perf_counter()
        opts = self.options
        beam = max(opts.beam_size, opts.final_beam_size)
        frames = window_frames(len(audio), 0.0 if self._full_window_free else opts.revision_margin_s)
        words, dropped, problem, searched = self._decode(audio, None, frames, beam, opts.vocabulary.strip() or None)
        return Transcript(join_words(words), tuple(words), time.perf_counter() - began, tuple(dropped), problem,
                          beam_size=searched)

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
        from captioner.engine.pacing import quiet_noise

        spent = self.transcribe(quiet_noise(1.0)).compute_s
        if self.interim is not None:
            spent += self.interim.warm_up()
        return spent

    def transcribe(self, audio: np.ndarray, prompt: str | None = None, *, checked: bool = False) -> Transcript:
        """Transcribe one clip of 16 kHz mono float32 audio.

        `checked`: a pass that may become a final: it decodes with `final_beam_size`, and when it
        fails its checks on a short window it runs again on the full window.
        """
        return self._locked(self._transcribe, audio, prompt, checked)

    def _transcribe(self, audio: np.ndarray, prompt: str | None, checked: bool, widen_unsure: bool = True,
                    heard: bool = False) -> Transcript:
        """A pass; `widen_unsure` False: one the model is merely unsure of is not run again on the full window (a
        revising pass will hear it again). `heard`: an earlier pass over the same speech heard words, so a checked
        pass on the short window that hears none is run again on the full one (the short window can make a small
        model take a short phrase for silence; a segment whose final has no words is lost, no revision hears it)."""
        began = time.perf_counter()
        opts = self.options
        frames = window_frames(len(audio), self.final_margin_s if checked else self.margin_s)
        beam = max(opts.beam_size, opts.final_beam_size) if checked else opts.beam_size
        hotwords = opts.vocabulary.strip() or None if checked else None
        words, dropped, problem, searched = self._decode(audio, prompt, frames, beam, hotwords, salvage=not checked)
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
            words, dropped2, problem, searched = self._decode(audio, prompt, frames, beam, hotwords)
            dropped = dropped + dropped2
        if problem == REPEATED_RUN and len(words) > MAX_WORDS_PER_S * len(audio) / SAMPLE_RATE:
            # both searches wrote a run twice, and more words than the clip can hold: shown once.
            # A run said twice at a speaking pace is the speaker's, and kept.
            words = drop_repeated_runs(words, key=lambda w: w.text)
        return Transcript(join_words(words), tuple(words), time.perf_counter() - began, tuple(dropped), problem, reruns,
                          beam_size=searched)

    def _decode(self, audio: np.ndarray, prompt: str | None, frames: int, beam: int,
                hotwords: str | None = None, salvage: bool = False) -> tuple[list[Word], list[str], str, int]:
        """One decode on `frames` of encoder window with beam `beam`: (kept words, dropped texts, problem or "",
        the beam faster-whisper searched with).

        `salvage` (interim passes, which no final is made of without a checked pass): an output segment that loops
        keeps its words before the loop (`loop_head`) when they are few enough for the clip and not a filler. On
        the first second of speech the short window often makes the decoder repeat what it heard ("this one, this
        one, …"); dropping the lot left the segment without text until the next pass. The pass still reports that
        it looped, so its words never stand in for a final."""
        opts = self.options
        self.model.window_frames = frames
        language = opts.language if self.model.model.is_multilingual else "en"
        budget = token_budget(len(audio), opts.tokens_per_s)
        segments, info = self.model.transcribe(
            audio,
            language=language,
            beam_size=beam,
            temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if opts.temperature_fallback else 0.0,
            condition_on_previous_text=False,
            initial_prompt=prompt or None,
            hotwords=hotwords,
            word_timestamps=opts.word_timestamps,
            vad_filter=False,
            max_new_tokens=max_new_tokens(budget, self._prompt_tokens(prompt, hotwords)),
        )
        rms = float(np.sqrt(np.mean(audio * audio))) if len(audio) else 0.0
        words: list[Word] = []
        dropped: list[str] = []
        ts0 = self._timestamp_begin
        cut, text_end = False, 0.0
        looped = False
        for seg in segments:
            if seg.tokens:  # a clean decode ends on a timestamp token: where the decoder says the text ends
                cut = seg.tokens[-1] < ts0
                if not cut:
                    text_end = seg.seek / FRAMES_PER_SECOND + (seg.tokens[-1] - ts0) * TIMESTAMP_S
            score = SegmentScore(seg.text, seg.no_speech_prob, seg.avg_logprob, seg.compression_ratio)
            if is_invented(score, rms):
                dropped.append(seg.text.strip())
                loop = is_loop(score)
                looped |= loop
                if salvage and loop:
                    words.extend(_before_loop(segment_words(seg), len(audio) / SAMPLE_RATE))
                continue
            words.extend(segment_words(seg))
        words = collapse_repeats(words, key=lambda w: w.text)
        problem = pass_problem(cut=cut, looped=looped, text_end_s=text_end,
                               clip_s=len(audio) / SAMPLE_RATE, rms=rms,
                               repeated=bool(repeated_runs([normalise(w.text) for w in words])))
        return words, dropped, problem, info.transcription_options.beam_size

    @property
    def _timestamp_begin(self) -> int:
        """Id of the first timestamp token (as faster-whisper's Tokenizer has it): a decode that ends
        cleanly ends on a timestamp token."""
        return self.model.hf_tokenizer.token_to_id("<|notimestamps|>") + 1

    def _prompt_tokens(self, prompt: str | None, hotwords: str | None = None) -> int:
        """Tokens faster-whisper puts before the output: start-of-transcript sequence (≤ 4), and the
        previous-text marker with the vocabulary and the prompt."""
        if not prompt and not hotwords:
            return 4
        n = 5
        if hotwords:
            n += min(len(self._tokens(hotwords)), MAX_TOKENS // 2 - 1)
        if prompt:
            n += min(len(self._tokens(prompt)), PROMPT_TOKENS - 1)
        return n

    def _tokens(self, text: str) -> list[int]:
        return self.model.hf_tokenizer.encode(" " + text.strip(), add_special_tokens=False).ids


def load(folder: Path, request) -> Transcriber:
    """The model in `folder` as `request` (a `catalogue.ModelRequest`) asks for it: the recognizer registry's entry
    point (`engine.recognizers`)."""
    options = DecodeOptions(language=request.decode_language, beam_size=request.beam_size)
    return Transcriber.load(str(folder), options, device=request.compute_device, compute_type=request.compute_type,
                            name=request.label, threads=getattr(request, "threads", 0) or None)


def _encoder_layers(model_path: str) -> int | None:
    """The encoder depth of the model in `model_path` (a folder), read from its model.bin's headers."""
    shape = folder_shape(model_path)
    return shape.encoder_layers if shape is not None else None


def _before_loop(words: list[Word], clip_s: float) -> list[Word]:
    """A looping segment's words before the loop, or none when they are more than the clip can hold or a filler."""
    head = loop_head(words, key=lambda w: w.text)
    if len(head) > MAX_WORDS_PER_S * clip_s + 1 or normalise(join_words(head)) in FILLER_PHRASES:
        return []
    return head


def segment_words(seg) -> list[Word]:
    """Words of a faster-whisper segment, or the segment as one word without timestamps."""
    if seg.words:
        return [
            Word(w.word, round(w.start * SAMPLE_RATE), round(w.end * SAMPLE_RATE), w.probability)
            for w in seg.words
        ]
    start, end = round(seg.start * SAMPLE_RATE), round(seg.end * SAMPLE_RATE)
    tokens = seg.text.split()
    step = (end - start) / max(1, len(tokens))
    return [Word(" " + t, round(start + i * step), round(start + (i + 1) * step)) for i, t in enumerate(tokens)]


def fallback_note(detail: str, *, at_load: bool) -> str:
    """One line for people on why captions run on the CPU though there is a GPU: at load (`at_load`) or when a pass
    failed on it mid-session; names the missing library and the command that installs it, where that is the cause."""
    library = cuda_libs.missing_library(detail)
    if library:
        return (f"The GPU cannot be used: CUDA's {library} cannot be loaded, so captions run on the CPU; "
                f"for the GPU, run: {cuda_libs.fix_command()}, and start again.")
    detail = detail.strip().rstrip(".")
    if at_load:
        return f"The GPU failed its first pass ({detail}), so captions run on the CPU."
    return f"The GPU failed ({detail}): captioning goes on on the CPU, nothing was lost."


def gpu_error(model: str, detail: str) -> ModelError:
    """The model error for a GPU asked for by name that cannot run a pass."""
    if cuda_libs.missing_library(detail):
        return CudaLibraryMissing(model, detail, cuda_libs.fix_command())
    return GpuFailed(model, detail)
