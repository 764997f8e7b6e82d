"""faster-whisper (CTranslate2) as the engine's recognizer (`captioner.engine.models.recognizer.Recognizer`).

Whisper pads every input to a 30 s window, so a 4 s segment costs a full 30 s encoder pass. `ShortWindowWhisper`
encodes only the part of the window a request names (`DecodeRequest.window_frames`), which keeps accuracy (the
decoder still sees trailing silence, so it ends cleanly) at a fraction of the cost (the figures:
benchmarks/README.md, "The short encoder window"). Which window a live pass gets, and when it runs again on the
full one, is the pass policy's (`captioner.engine.live.transcriber`).

On a GPU a first pass at load says whether the GPU works (CTranslate2 loads cuBLAS only then); a decode that fails on
it later moves the model to the CPU and runs again there, so no pass, and no audio, is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from faster_whisper import WhisperModel

from captioner.engine.models import cuda_libs
from captioner.engine.models.errors import CudaLibraryMissing, GpuDriverProblem, GpuFailed, ModelError, is_cuda_library_error
from captioner.engine.models.features import bounded_features
from captioner.engine.models.hardware import choose_device, cpu_threads
from captioner.engine.models.model_file import folder_shape
from captioner.engine.models.recognizer import FRAMES_PER_SECOND, FULL_WINDOW_FRAMES, TRANSCRIBE, TRANSLATE, DecodeRequest, Heard
from captioner.events import SAMPLE_RATE, Word
from captioner.subtitles.chinese import AUTO, CHINESE, text_and_words_in
from captioner.subtitles.units import pieces

__all__ = [
    "CPU_WORKERS",
    "MAX_TOKENS",
    "ShortWindowWhisper",
    "WhisperRecognizer",
    "fallback_note",
    "gpu_error",
    "load",
    "max_new_tokens",
    "segment_words",
]

TIMESTAMP_S = 0.02  # one timestamp token step
MAX_TOKENS = 448  # Whisper's decoder positions: prompt + generated tokens
PROMPT_TOKENS = 224  # most prompt tokens faster-whisper sends (its prompt text is cut to 223)

# Decodes a model runs at once on a CPU. A live session runs one at a time; a refine decodes a recording's pieces side
# by side, faster than one at a time (benchmarks/README.md, "Refined after the session"). The workers share the
# model's weights.
CPU_WORKERS = 2


class ShortWindowWhisper(WhisperModel):
    """A WhisperModel whose encoder sees only `window_frames` of the padded window. Its workers encode one at a time:
    the encoder's self-attention is a decode's largest buffer (heads x frames x frames floats), and one encoding keeps
    the cores busy."""

    window_frames: int = FULL_WINDOW_FRAMES

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._encoding = threading.Lock()

    def encode(self, features: np.ndarray):  # type: ignore[override]
        if features.shape[-1] > self.window_frames:
            features = np.ascontiguousarray(features[..., : self.window_frames])
        with self._encoding:
            return super().encode(features)


def max_new_tokens(budget: int, prompt_tokens: int) -> int:
    """The `max_new_tokens` that lets the decoder write `budget` tokens.

    faster-whisper asks CTranslate2 for max_length = prompt + max_new_tokens, and CTranslate2's
    Whisper decodes at most max_length / 2 tokens: twice the budget, within the 448 positions.
    """
    return max(1, min(2 * budget - prompt_tokens, MAX_TOKENS - prompt_tokens))


class WhisperRecognizer:
    """One faster-whisper model as a recognizer."""

    def __init__(self, model: ShortWindowWhisper, *, name: str = "", device: str = "cpu", compute_type: str = "int8",
                 encoder_layers: int | None = None, path: str = "", threads: int = 0) -> None:
        self.model = model
        self.name = name
        self.device = device
        self.compute_type = compute_type
        self.encoder_layers = encoder_layers  # the model's size, when known (None: taken as small)
        self.path = path  # the model folder it was loaded from ("" when not known): where a move to the CPU reloads it
        self.threads = threads  # the CPU threads it was loaded with, 0 when not known
        self.device_note = ""  # why it runs on the CPU though a GPU was meant (load or mid-session), "" otherwise
        self.cuda_libs_missing = False  # whether that is a CUDA library that cannot be loaded (`cuda_fetch` fetches it)
        self.moves = 0  # times it moved to the CPU during decodes (a GPU failing mid-session)
        self.task = TRANSCRIBE  # or TRANSLATE: English whatever the language spoken (`recognizer.translating`)
        self.chinese_script = AUTO  # the script Chinese is written in (`subtitles.chinese`; AUTO: as the request says;
        # "": as the model writes it, which benchmarks compare with)

    @property
    def multilingual(self) -> bool:
        return bool(self.model.model.is_multilingual)

    @property
    def workers(self) -> int:
        return int(getattr(self.model.model, "num_workers", 1))

    @classmethod
    def load(cls, model_path: str, *, device: str = "auto", compute_type: str = "auto", threads: int | None = None,
             name: str = "") -> WhisperRecognizer:
        """On a CPU the model has `CPU_WORKERS` workers, each on all the threads: a refine decodes pieces of a
        recording side by side (`decode_whole.side_by_side`).

        On a GPU the model's creation (CUDA starts then: a driver too old or missing fails here) and a first pass, over
        a second of features (CTranslate2 loads cuBLAS only then), say whether the GPU works: where either fails,
        `device="auto"` loads the model on the CPU instead and says why in `device_note`, `device="cuda"` raises
        `gpu_error`'s CudaLibraryMissing, GpuDriverProblem or GpuFailed (`engine.models.errors`)."""
        if device != "cpu":
            cuda_libs.preload()  # before CTranslate2's first use of cuBLAS
        requested = device
        device, compute_type = choose_device(device, compute_type)
        threads = threads or cpu_threads()
        if device != "cuda":
            return cls._on(device, compute_type, model_path, threads, name)
        loaded, problem = cls._on_gpu(compute_type, model_path, threads, name)
        if not problem:
            return loaded
        label = name or str(model_path)
        if requested == "cuda":
            raise gpu_error(label, problem)
        del loaded
        cpu_device, cpu_type = choose_device("cpu")
        on_cpu = cls._on(cpu_device, cpu_type, model_path, threads, name)
        on_cpu.device_note = fallback_note(problem, at_load=True)  # the CLI prints it, the app shows it in a banner
        on_cpu.cuda_libs_missing = bool(cuda_libs.missing_library(problem))
        return on_cpu

    @classmethod
    def _on(cls, device: str, compute_type: str, model_path: str, threads: int, name: str) -> WhisperRecognizer:
        model = ShortWindowWhisper(
            str(model_path),
            device=device,
            compute_type=compute_type,
            cpu_threads=threads,
            num_workers=CPU_WORKERS if device == "cpu" else 1,
        )
        return cls(model, name=name or str(model_path), device=device, compute_type=compute_type,
                   encoder_layers=_encoder_layers(model_path), path=str(model_path), threads=threads)

    @classmethod
    def _on_gpu(cls, compute_type: str, model_path: str, threads: int, name: str) -> tuple[WhisperRecognizer | None, str]:
        """The model created on the GPU and CTranslate2's reason it cannot run there ("" when it can): CUDA failing to
        start at the model's creation, or the first pass failing (`_gpu_problem`)."""
        try:
            loaded = cls._on("cuda", compute_type, model_path, threads, name)
        except RuntimeError as error:
            if not is_cuda_library_error(str(error), model_path):
                raise  # the model's files, not the GPU: the loader says so
            return None, str(error)
        return loaded, loaded._gpu_problem()

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
        """The GPU failed a decode: load the same model on the CPU (int8) and run there from now on."""
        device, compute_type = choose_device("cpu")
        threads = self.threads or cpu_threads()
        model = ShortWindowWhisper(self.path, device=device, compute_type=compute_type, cpu_threads=threads, num_workers=CPU_WORKERS)
        self.model, self.device, self.compute_type, self.threads = model, device, compute_type, threads
        self.moves += 1
        self.device_note = fallback_note(detail, at_load=False)  # a session reports it (`SessionBase._report_moves`)
        self.cuda_libs_missing = bool(cuda_libs.missing_library(detail))

    def decode(self, audio: np.ndarray, request: DecodeRequest) -> Iterator[Heard] | list[Heard]:
        """A clip decoded whole, or, for long audio (`request.clips`), as faster-whisper writes it. A clip that fails
        on the GPU is decoded again on the CPU, the model moved there for good (`_move_to_cpu`)."""
        if request.clips:
            bounded_features(self.model)  # long audio: its features a block at a time (`features`)
            return self._heard(audio, request)
        try:
            return list(self._heard(audio, request))
        except RuntimeError as error:
            if self.device != "cuda" or not self.path:
                raise
            self._move_to_cpu(str(error))
        return list(self._heard(audio, request))

    def _heard(self, audio: np.ndarray, request: DecodeRequest) -> Iterator[Heard]:
        self.model.window_frames = request.window_frames
        hotwords = request.hotwords or None
        options = {}
        if request.max_tokens:
            options["max_new_tokens"] = max_new_tokens(request.max_tokens, self._prompt_tokens(request.prompt, hotwords))
        if request.clips:
            options["clip_timestamps"] = list(request.clips)
        temperatures = request.temperatures
        segments, info = self.model.transcribe(
            audio,
            language=self._language(request.language),
            task=self.task if self.multilingual else TRANSCRIBE,
            beam_size=request.beam_size,
            temperature=list(temperatures) if len(temperatures) > 1 else temperatures[0],
            condition_on_previous_text=request.follow_on,
            initial_prompt=request.prompt or None,
            hotwords=hotwords,
            word_timestamps=request.word_timestamps,
            vad_filter=False,
            **options,
        )
        ts0 = self._timestamp_begin
        detected = self._language(request.language) is None
        languages = tuple(info.all_language_probs or ()) if detected else ()
        chinese = bool(self.chinese_script) and self.task == TRANSCRIBE and (self._language(request.language) or info.language) in CHINESE
        script = (request.chinese_script or AUTO) if self.chinese_script == AUTO else self.chinese_script
        for seg in segments:
            cut, text_end = False, None
            if seg.tokens:  # a clean decode ends on a timestamp token: where the decoder says the text ends
                cut = seg.tokens[-1] < ts0
                if not cut:
                    text_end = seg.seek / FRAMES_PER_SECOND + (seg.tokens[-1] - ts0) * TIMESTAMP_S
            text, words = seg.text, tuple(segment_words(seg))
            if chinese:
                text, words = text_and_words_in(text, words, script)
            yield Heard(text, seg.start, seg.end, words, seg.no_speech_prob, seg.avg_logprob,
                        seg.compression_ratio, cut, text_end, languages)

    def _language(self, asked: str | None) -> str | None:
        """The language to decode in: English for an English-only model; detected when translating and English was
        asked (the default: there is nothing to translate from English)."""
        if not self.multilingual:
            return "en"
        return None if self.task == TRANSLATE and asked == "en" else asked

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


def load(folder: Path, *, device: str = "auto", compute_type: str = "auto", threads: int | None = None,
         name: str = "") -> WhisperRecognizer:
    """The model in `folder`: the recognizer registry's entry point (`engine.models.recognizers`)."""
    return WhisperRecognizer.load(str(folder), device=device, compute_type=compute_type, threads=threads, name=name)


def _encoder_layers(model_path: str) -> int | None:
    """The encoder depth of the model in `model_path` (a folder), read from its model.bin's headers."""
    shape = folder_shape(model_path)
    return shape.encoder_layers if shape is not None else None


def segment_words(seg) -> list[Word]:
    """Words of a faster-whisper segment, or the segment as one word a token without timestamps."""
    if seg.words:
        return [
            Word(w.word, round(w.start * SAMPLE_RATE), round(w.end * SAMPLE_RATE), w.probability)
            for w in seg.words
        ]
    start, end = round(seg.start * SAMPLE_RATE), round(seg.end * SAMPLE_RATE)
    tokens = pieces(seg.text, phrases=False)
    step = (end - start) / max(1, len(tokens))
    return [Word(t, round(start + i * step), round(start + (i + 1) * step)) for i, t in enumerate(tokens)]


def fallback_note(detail: str, *, at_load: bool) -> str:
    """One line for people on why captions run on the CPU though there is a GPU: at load (`at_load`) or when a pass
    failed on it mid-session; names the missing library and the command that installs it, where that is the cause."""
    library = cuda_libs.missing_library(detail)
    if library:
        return (f"The GPU cannot be used: CUDA's {library} cannot be loaded, so captions run on the CPU; "
                f"for the GPU, run: {cuda_libs.fix_command()}, and start again.")
    detail = detail.strip().rstrip(".")
    if cuda_libs.driver_problem(detail):
        return (f"The GPU cannot be used: the NVIDIA driver is missing or too old ({detail}), so captions run on the "
                f"CPU; for the GPU, {cuda_libs.DRIVER_ADVICE}.")
    if at_load:
        return f"The GPU failed its first pass ({detail}), so captions run on the CPU."
    return f"The GPU failed ({detail}): captioning goes on on the CPU, nothing was lost."


def gpu_error(model: str, detail: str) -> ModelError:
    """The model error for a GPU asked for by name that cannot run a pass."""
    if cuda_libs.missing_library(detail):
        return CudaLibraryMissing(model, detail, cuda_libs.fix_command())
    if cuda_libs.driver_problem(detail):
        return GpuDriverProblem(model, detail, cuda_libs.DRIVER_ADVICE)
    return GpuFailed(model, detail)

