"""Stand-in Whisper models: the exact shape of a real one, random weights, real cost.

Built on first use (`build`, `load`), or ahead with `python -m benchmarks.standin distil-large-v3.5 [--out DIR]`.

The app's default model (distil-large-v3.5) and the other big ones cannot be downloaded here. What
a pass costs depends on the shape only (layers, width, mel bins, vocabulary, window), not on the
weights, so this writes a CTranslate2 Whisper model of that shape with random weights
(ctranslate2.specs, no torch), quantised to int8, with the tokenizer of a real Whisper of the same
language kind so that faster-whisper loads it like any other model.

Tokenizer: English shapes reuse tiny.en's tokenizer.json and vocabulary (same 51864 tokens, same
ids). Multilingual shapes reuse Whisper base's (51865 tokens); large-v3 and its distilled models
have one more (51866: `<|yue|>` was added among the language tokens), so the vocabulary gets one
more timestamp token at the end. The ids then follow base's layout, which faster-whisper reads from
tokenizer.json; one row more or less in the output layer does not change what a pass costs.

Its text is garbage; its timing is real, on two conditions. A random decoder never ends a text on
its own, and a real one writes a few tokens a second: the stand-in's output layer never picks the
end-of-text or a timestamp token (bias -1e4 on those rows), so every pass decodes exactly the
transcriber's token budget in one window, and the benchmark sets that budget to what speech needs
(`STANDIN_TOKENS_PER_S`, see `decode_options`). And a real decode ends on a timestamp token:
`StandinWhisper` makes the last token the timestamp of the clip's end (see there why).
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks import modelpaths
from captioner.engine.models.whisper import TIMESTAMP_S, ShortWindowWhisper, WhisperRecognizer
from captioner.events import SAMPLE_RATE

DEFAULT_DIR = modelpaths.DEFAULT_CACHE / "standins"
# Tokens a second of speech costs the decoder: ~2.5-3 words/s at ~1.3 tokens a word, plus timestamp
# pairs; with the budget's fixed 16 tokens on top this errs on the costly side.
STANDIN_TOKENS_PER_S = 4.0


@dataclass(frozen=True)
class Shape:
    encoder_layers: int
    decoder_layers: int
    width: int
    heads: int
    mels: int
    vocab: int
    english_only: bool

    @property
    def params_m(self) -> float:
        d, f = self.width, 4 * self.width
        enc = self.encoder_layers * (4 * d * d + 2 * d * f)
        dec = self.decoder_layers * (8 * d * d + 2 * d * f)
        return (enc + dec + self.vocab * d + self.mels * d * 3 + d * d * 3) / 1e6


# From the models' Hugging Face configs (encoder_layers, decoder_layers, d_model, attention heads,
# num_mel_bins, vocab_size).
SHAPES = {
    "distil-large-v3.5": Shape(32, 2, 1280, 20, 128, 51866, False),
    "large-v3-turbo": Shape(32, 4, 1280, 20, 128, 51866, False),
    "small.en": Shape(12, 12, 768, 12, 80, 51864, True),
}


# Token and position embeddings loud enough to steer the decoder: with small random weights every
# step sees about the same hidden state and writes the same token again and again, which the
# engine drops as a loop (an empty final is not what a real model gives).
LOUD = {"decoder/embeddings/weight": 1.0, "decoder/position_encodings/encodings": 1.0, "decoder/projection/weight": 0.1}


def _tokenizer_source(english_only: bool) -> Path:
    """A real Whisper folder with the right tokenizer: tiny.en (English) or base (multilingual)."""
    return modelpaths.resolve("tiny.en" if english_only else "base")[1]


def _spec(shape: Shape, rng: np.random.Generator):
    from ctranslate2.specs import model_spec, whisper_spec

    spec = whisper_spec.WhisperSpec(shape.encoder_layers, shape.heads, shape.decoder_layers, shape.heads)
    d, f = shape.width, 4 * shape.width

    def rand(*dims, std=0.02):
        return rng.standard_normal(dims, dtype=np.float32) * std

    shapes = {
        "encoder/conv1/weight": (d, shape.mels, 3), "encoder/conv2/weight": (d, d, 3),
        "encoder/conv1/bias": (d,), "encoder/conv2/bias": (d,),
        "encoder/position_encodings/encodings": (1500, d), "decoder/position_encodings/encodings": (448, d),
        "decoder/embeddings/weight": (shape.vocab, d), "decoder/projection/weight": (shape.vocab, d),
    }

    def fill(layer, name, value):
        if not (value is None or value == model_spec.OPTIONAL):
            return
        leaf = name.rsplit("/", 1)[-1]
        owner = name.rsplit("/", 2)[-2] if name.count("/") >= 2 else ""
        if name in shapes:
            setattr(layer, leaf, rand(*shapes[name], std=LOUD.get(name, 0.02)))
        elif leaf in ("gamma", "beta"):
            setattr(layer, leaf, (np.ones if leaf == "gamma" else np.zeros)(d, dtype=np.float32))
        elif leaf in ("weight", "bias") and owner.startswith("linear_"):
            out_in = _linear_shape(name, d, f)
            setattr(layer, leaf, rand(*out_in) if leaf == "weight" else np.zeros(out_in[0], dtype=np.float32))

    model_spec.visit_spec(spec, fill)
    # never end the text, never write a timestamp: every pass decodes exactly its token budget
    bias = np.zeros(shape.vocab, dtype=np.float32)
    eot = 50256 if shape.english_only else 50257
    timestamps = 50363 if shape.english_only else 50364
    bias[eot] = bias[timestamps:] = -1e4
    spec.decoder.projection.bias = bias
    return spec


def _linear_shape(name: str, d: int, f: int) -> tuple[int, int]:
    part, linear = name.split("/")[-3], name.split("/")[-2]
    if part == "ffn":
        return (f, d) if linear == "linear_0" else (d, f)
    if part == "self_attention":
        return (3 * d, d) if linear == "linear_0" else (d, d)
    if part == "attention":  # cross-attention: query, fused key+value, output
        return {"linear_0": (d, d), "linear_1": (2 * d, d), "linear_2": (d, d)}[linear]
    raise ValueError(f"unexpected variable {name}")


def build(name: str, out_dir: Path = DEFAULT_DIR, *, seed: int = 0) -> Path:
    """Write the stand-in for `name` (a key of SHAPES) into out_dir/<name>-standin; reuse a finished one."""
    shape = SHAPES[name]
    dest = Path(out_dir) / f"{name}-standin"
    marker = dest / "standin.json"
    meta = {"name": name, "shape": dataclasses.asdict(shape), "seed": seed, "version": 3}
    if marker.is_file() and json.loads(marker.read_text()) == meta and (dest / "model.bin").is_file():
        return dest
    src = _tokenizer_source(shape.english_only)
    real_config = json.loads((src / "config.json").read_text())
    spec = _spec(shape, np.random.default_rng(seed))
    vocab = _vocabulary(src, shape.vocab)
    spec.register_vocabulary(vocab)
    spec.config.suppress_ids = real_config.get("suppress_ids", [])
    spec.config.suppress_ids_begin = real_config.get("suppress_ids_begin", [])
    spec.config.lang_ids = real_config.get("lang_ids", [])
    spec.config.alignment_heads = list(itertools.product(range(shape.decoder_layers // 2, shape.decoder_layers), range(shape.heads)))
    spec.validate()
    spec.optimize(quantization="int8")
    tmp = dest.with_name(dest.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    spec.save(str(tmp))
    shutil.copyfile(src / "tokenizer.json", tmp / "tokenizer.json")
    (tmp / "preprocessor_config.json").write_text(json.dumps({"feature_size": shape.mels, "sampling_rate": SAMPLE_RATE,
                                                               "hop_length": 160, "chunk_length": 30, "n_fft": 400}))
    marker_tmp = tmp / "standin.json"
    marker_tmp.write_text(json.dumps(meta))
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


def _vocabulary(src: Path, size: int) -> list[str]:
    """The real model's vocabulary, with timestamp tokens added up to `size`."""
    if (src / "vocabulary.json").is_file():
        tokens = json.loads((src / "vocabulary.json").read_text())
    else:
        tokens = (src / "vocabulary.txt").read_text(encoding="utf-8").split("\n")
        tokens = tokens[:-1] if tokens and tokens[-1] == "" else tokens
    tokens = list(tokens[:size])
    first_ts = next(i for i, t in enumerate(tokens) if t == "<|0.00|>") if "<|0.00|>" in tokens else len(tokens)
    while len(tokens) < size:
        tokens.append("<|%.2f|>" % ((len(tokens) - first_ts) * 0.02))
    return tokens


class _Ended:
    """A generation result whose tokens end on a timestamp (the rest as CTranslate2 gave it)."""

    def __init__(self, result, tokens: list[int]) -> None:
        self._result = result
        self.sequences_ids = [tokens]

    def __getattr__(self, name):
        return getattr(self._result, name)


class StandinWhisper(ShortWindowWhisper):
    """The engine's model class for a stand-in: the last token of every decode becomes the timestamp
    of the clip's end, as a real decode that finishes its text has it. Without it faster-whisper
    takes every pass for one cut short and, with word timestamps, decodes the rest of the window
    again from the last word's end: a second decode a real model does not make.

    Its text also ends with a full stop, as a real model's does when the speaker has finished a
    sentence: the engine ends a segment after a short pause only when the words so far end a sentence
    (`captioner.engine.live.endpoint`), which random text never would; the stand-in's segments would run on
    to the 15 s limit where a real model's end at each sentence of read speech."""

    _clip_s = 0.0

    def transcribe(self, audio, *args, **kwargs):  # type: ignore[override]
        self._clip_s = len(audio) / SAMPLE_RATE
        return super().transcribe(audio, *args, **kwargs)

    def generate_with_fallback(self, encoder_output, prompt, tokenizer, options):  # type: ignore[override]
        result, avg_logprob, temperature, compression_ratio = super().generate_with_fallback(encoder_output, prompt, tokenizer, options)
        tokens = list(result.sequences_ids[0])
        if tokens:
            end = tokenizer.timestamp_begin + min(1500, round(self._clip_s / TIMESTAMP_S))
            tokens = tokens[:-1] + tokenizer.encode(".") + [end] if len(tokens) > 1 else [end]
        return _Ended(result, tokens), avg_logprob, temperature, compression_ratio


def load(name: str, options=None, *, threads: int | None = None):
    """A Transcriber on the stand-in for `name` (built on first use), with `decode_options(options)`."""
    from captioner.engine.live.transcriber import Transcriber
    from captioner.engine.models.hardware import cpu_threads

    model = StandinWhisper(str(build(name)), device="cpu", compute_type="int8", cpu_threads=threads or cpu_threads())
    # its depth, as Transcriber.load reads it from a real model.bin: a big model on a CPU neither revises its finals nor
    # re-runs unsure ones on the full window
    return Transcriber(WhisperRecognizer(model, name=f"{name} (stand-in)", encoder_layers=SHAPES[name].encoder_layers),
                       decode_options(options))


def decode_options(base=None):
    """DecodeOptions for a stand-in: the realistic token budget; no pass checks (its text always
    looks wrong, a re-run would time a failure that real weights rarely have)."""
    from captioner.engine.live.transcriber import DecodeOptions

    return dataclasses.replace(base or DecodeOptions(), tokens_per_s=STANDIN_TOKENS_PER_S, checks=False)
