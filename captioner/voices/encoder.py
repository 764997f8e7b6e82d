"""A voice as 256 numbers: the GE2E speaker encoder (Resemblyzer's weights) run with numpy.

The encoder is a 3-layer LSTM over 40-band mel spectra of 1.6 s windows; a segment's embedding is the
normalised mean of its windows' embeddings (Resemblyzer's `embed_utterance`), so two stretches of
the same voice point the same way (cosine similarity about 0.8 and up) and different voices apart.
The preprocessing follows Resemblyzer's, but for loudness: every clip is brought to -30 dBFS (Resemblyzer
only raises quiet ones), so one voice played louder or softer embeds the same (its input is not
logarithmic), and same and different voices lie further apart (benchmarks/README.md, "Speakers"). Long silences left out
(webrtcvad, its most aggressive mode), mel power spectra (25 ms windows, 10 ms steps, no log).

Why numpy and not torch or ONNX Runtime: the app ships no torch, the weights are a torch pickle
(`torch_file` reads them), and speaker labels cost a small share of what transcribing costs (benchmarks/README.md,
"What speaker labels cost"). The LSTM's products keep the cores busy (a window costs the less the more windows run
together), so what an embedding costs is how many windows it takes; several clips' windows go through in one run
(`VoiceEncoder.embed_batch`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import webrtcvad

from captioner.events import SAMPLE_RATE
from captioner.voices import torch_file

__all__ = ["EMBEDDING_SIZE", "MIN_SPEECH_S", "Embedded", "VoiceEncoder", "mel_filters", "mel_spectrogram"]

N_FFT = 400  # 25 ms
HOP = 160  # 10 ms
N_MELS = 40
PARTIAL_FRAMES = 160  # 1.6 s per window
PARTIAL_RATE = 1.3  # windows per second of speech
MIN_COVERAGE = 0.75  # a last window this full counts (zero-padded)
TARGET_DBFS = -30.0
LAYERS = 3
HIDDEN = 256
EMBEDDING_SIZE = 256
MIN_SPEECH_S = 1.0  # less speech than this tells too little about a voice: no embedding
MAX_BATCH = 32  # windows in one run of the LSTM at most: bounds the memory its gates take


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney's mel scale (librosa's default): linear below 1 kHz, logarithmic above."""
    f = np.asarray(f, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(f >= min_log_hz, min_log_mel + np.log(np.maximum(f, 1e-10) / min_log_hz) / logstep, f / f_sp)


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(m >= min_log_mel, min_log_hz * np.exp(logstep * (m - min_log_mel)), f_sp * m)


def mel_filters(sr: int = SAMPLE_RATE, n_fft: int = N_FFT, n_mels: int = N_MELS) -> np.ndarray:
    """Slaney-normalised triangular mel filters, (n_mels, 1 + n_fft // 2), as `librosa.filters.mel` makes them."""
    fft_freqs = np.fft.rfftfreq(n_fft, 1.0 / sr)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2.0), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = mel_f[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0.0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2:] - mel_f[:-2]))[:, None]
    return weights.astype(np.float32)


_FILTERS = mel_filters()
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)).astype(np.float32)  # periodic Hann


def mel_spectrogram(audio: np.ndarray) -> np.ndarray:
    """Mel power spectra, (frames, 40): centred 25 ms frames every 10 ms, zero-padded at the ends (no log)."""
    padded = np.pad(np.asarray(audio, dtype=np.float32), N_FFT // 2)
    n = 1 + (len(padded) - N_FFT) // HOP
    frames = np.lib.stride_tricks.as_strided(padded, shape=(n, N_FFT), strides=(HOP * 4, 4))
    power = np.abs(np.fft.rfft(frames * _WINDOW, axis=1)) ** 2
    return (power.astype(np.float32) @ _FILTERS.T).astype(np.float32)


def _level(audio: np.ndarray) -> np.ndarray:
    if not len(audio):
        return audio  # nothing to level (the mean of nothing is no level)
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    if rms <= 0:
        return audio
    gain = 10 ** ((TARGET_DBFS - 20 * np.log10(rms)) / 20)
    return audio * np.float32(gain)


def _voiced(audio: np.ndarray) -> np.ndarray:
    """`audio` without its long silences: webrtcvad (mode 3) per 30 ms, smoothed over 8 windows and widened by
    6 on each side, as Resemblyzer trims them."""
    window = SAMPLE_RATE * 30 // 1000
    audio = audio[: len(audio) - len(audio) % window]
    if len(audio) == 0:
        return audio
    pcm = (np.clip(audio, -1, 1) * 32767).round().astype("<i2")
    vad = webrtcvad.Vad(3)
    flags = np.array([vad.is_speech(pcm[i:i + window].tobytes(), SAMPLE_RATE) for i in range(0, len(pcm), window)], dtype=float)
    width = 8
    padded = np.concatenate((np.zeros((width - 1) // 2), flags, np.zeros(width // 2)))
    sums = np.cumsum(padded)
    sums[width:] = sums[width:] - sums[:-width]
    mask = np.round(sums[width - 1:] / width).astype(bool)
    grow = 6  # windows of silence kept on each side of speech
    kernel = 2 * (grow // 2) + 1
    # "same" as the convolution's centred part, whatever the length: numpy's mode="same" returns the longer of the two
    # inputs, and a clip shorter than the kernel (one word) would get a mask longer than itself
    mask = np.convolve(mask.astype(float), np.ones(kernel))[kernel // 2: kernel // 2 + len(mask)] > 0
    return audio[np.repeat(mask, window)]


def _partials(n_samples: int) -> list[slice]:
    """The mel-frame windows an utterance of `n_samples` is embedded from (Resemblyzer's partial slices)."""
    n_frames = int(np.ceil((n_samples + 1) / HOP))
    step = int(np.round((SAMPLE_RATE / PARTIAL_RATE) / HOP))
    steps = max(1, n_frames - PARTIAL_FRAMES + step + 1)
    out = [slice(i, i + PARTIAL_FRAMES) for i in range(0, steps, step)]
    coverage = (n_samples - out[-1].start * HOP) / (PARTIAL_FRAMES * HOP)
    if coverage < MIN_COVERAGE and len(out) > 1:
        out.pop()
    return out


def _gates(w: np.ndarray) -> np.ndarray:
    """An LSTM layer's weights or bias, whose last axis holds PyTorch's four gates (input, forget, cell, output), as
    `_forward` takes them: the gates ordered input, forget, output, cell, and the three sigmoid gates' halved, so that
    one tanh over all four gives the cell's candidate and, as (tanh + 1) / 2, the three sigmoids (exact: halving is)."""
    i, f, cell, o = np.split(np.asarray(w, dtype=np.float32), 4, axis=-1)
    return np.ascontiguousarray(np.concatenate([0.5 * i, 0.5 * f, 0.5 * o, cell], axis=-1))


@dataclass(frozen=True)
class _Layer:
    w_ih: np.ndarray  # (in, 4H), transposed for x @ w; gates as `_gates` orders them
    w_hh: np.ndarray  # (H, 4H)
    bias: np.ndarray  # (4H,)


class VoiceEncoder:
    """The speaker encoder, loaded from a Resemblyzer `pretrained.pt` (or the weights alone, .npz); `embed` and `windows`
    are thread-safe (no state)."""

    def __init__(self, weights: str | Path) -> None:
        if Path(weights).suffix == ".npz":  # the weights alone (`weights.export_weights`)
            try:
                with np.load(weights) as data:
                    state = {k: data[k] for k in data.files}
            except (OSError, ValueError) as exc:
                raise torch_file.TorchFileError(f"{weights} is not a readable weights file: {exc}") from exc
        else:
            state = torch_file.load(weights)
            state = state.get("model_state", state) if isinstance(state, dict) else state
        try:
            self.layers = [
                _Layer(_gates(state[f"lstm.weight_ih_l{k}"].T), _gates(state[f"lstm.weight_hh_l{k}"].T),
                       _gates(state[f"lstm.bias_ih_l{k}"] + state[f"lstm.bias_hh_l{k}"]))
                for k in range(LAYERS)
            ]
            self.linear_w = np.ascontiguousarray(state["linear.weight"].T, dtype=np.float32)
            self.linear_b = state["linear.bias"].astype(np.float32)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise torch_file.TorchFileError(f"{weights} does not hold the voice encoder's weights ({exc})") from exc
        self.path = Path(weights)

    def _forward(self, mels: np.ndarray) -> np.ndarray:
        """Embeddings of a batch of windows, (batch, frames, 40) → (batch, 256), each of unit length.

        The LSTM's 160 steps a layer are its cost, most of it the product of the hidden state with its weights; each step
        works in place on one array of gates (`_gates`: one tanh gives all four), cheaper than a sigmoid per gate
        (benchmarks/README.md, "Speakers")."""
        x = mels
        batch, steps, _ = x.shape
        for layer in self.layers:
            gates_x = x @ layer.w_ih + layer.bias  # (B, T, 4H)
            h = np.zeros((batch, HIDDEN), dtype=np.float32)
            c = np.zeros((batch, HIDDEN), dtype=np.float32)
            g = np.empty((batch, 4 * HIDDEN), dtype=np.float32)
            out = np.empty((batch, steps, HIDDEN), dtype=np.float32)
            for t in range(steps):
                np.matmul(h, layer.w_hh, out=g)
                g += gates_x[:, t]
                np.tanh(g, out=g)
                sig = g[:, :3 * HIDDEN]  # input, forget and output gates: sigmoid(x) = (tanh(x / 2) + 1) / 2
                sig *= 0.5
                sig += 0.5
                c *= sig[:, HIDDEN:2 * HIDDEN]
                c += sig[:, :HIDDEN] * g[:, 3 * HIDDEN:]
                h = np.tanh(c)
                h *= sig[:, 2 * HIDDEN:]
                out[:, t] = h
            x = out
        raw = np.maximum(h @ self.linear_w + self.linear_b, 0.0)
        norms = np.linalg.norm(raw, axis=1, keepdims=True)
        return raw / np.maximum(norms, 1e-9)

    def windows(self, audio: np.ndarray, step_s: float = 0.4) -> tuple[np.ndarray, np.ndarray]:
        """The voice in each 1.6 s window of `audio` every `step_s` (nothing trimmed, so times stay put): embeddings
        (n, 256) and each window's (start, end) in samples of `audio`; none when `audio` is shorter than a window."""
        got = self.embed_batch(windows_of=audio, step_s=step_s)
        return got.windows, got.spans

    def embed(self, audio: np.ndarray, *, trim: bool = True, least_s: float = MIN_SPEECH_S) -> np.ndarray | None:
        """The voice in `audio` (16 kHz mono float32) as a unit vector; None when it holds less than `least_s` of
        speech (`MIN_SPEECH_S`: enough for a voice to found or join a speaker; a caller may take less as a glimpse)."""
        return self.embed_batch([audio], trim=trim, least_s=least_s).clips[0]

    def embed_batch(self, clips: Sequence[np.ndarray] = (), *, trim: bool = True, least_s: float = MIN_SPEECH_S,
                    windows_of: np.ndarray | None = None, step_s: float = 0.4) -> Embedded:
        """`embed` of each of `clips` and, with `windows_of`, its `windows` every `step_s`, the encoder run once over all
        their windows: the same embeddings as one call each, for less (`_forward`'s products run better on more rows)."""
        batches, wanted = [], []
        for clip in clips:
            mels = _clip_mels(clip, trim=trim, least_s=least_s)
            wanted.append(mels is not None)
            if mels is not None:
                batches.append(mels)
        spans = np.zeros((0, 2), np.int64)
        if windows_of is not None:
            mels, spans = _window_mels(windows_of, step_s)
            batches.append(mels)
        mels = np.concatenate(batches) if batches else np.zeros((0, PARTIAL_FRAMES, N_MELS), np.float32)
        out = np.concatenate([self._forward(mels[i:i + MAX_BATCH]) for i in range(0, len(mels), MAX_BATCH)]) if len(mels) \
            else np.zeros((0, EMBEDDING_SIZE), np.float32)
        parts = np.split(out, np.cumsum([len(b) for b in batches])[:-1]) if batches else []
        voices, k = [], 0
        for ok in wanted:
            if ok:
                mean = parts[k].mean(axis=0)
                voices.append((mean / np.linalg.norm(mean)).astype(np.float32))
                k += 1
            else:
                voices.append(None)
        return Embedded(voices, parts[-1] if windows_of is not None else np.zeros((0, EMBEDDING_SIZE), np.float32), spans)


@dataclass(frozen=True)
class Embedded:
    """What `VoiceEncoder.embed_batch` gives: each clip's voice (None: too little speech), and each window's voice with
    its (start, end) in samples of the audio windowed."""

    clips: list[np.ndarray | None]
    windows: np.ndarray  # (n, 256)
    spans: np.ndarray  # (n, 2)


def _clip_mels(audio: np.ndarray, *, trim: bool, least_s: float) -> np.ndarray | None:
    """The encoder's input for a clip's voice (Resemblyzer's `embed_utterance`): its windows' mel spectra, (k, 160, 40),
    after leveling and the silences trimmed; None with less than `least_s` of speech."""
    wav = _level(np.asarray(audio, dtype=np.float32))
    if trim:
        wav = _voiced(wav)
    if len(wav) < least_s * SAMPLE_RATE:
        return None
    slices = _partials(len(wav))
    need = slices[-1].stop * HOP
    if need > len(wav):
        wav = np.pad(wav, (0, need - len(wav)))
    mel = mel_spectrogram(wav)
    return np.stack([mel[s] for s in slices])


def _window_mels(audio: np.ndarray, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """The encoder's input for `VoiceEncoder.windows`: a window every `step_s`, nothing trimmed, (n, 160, 40), and each
    window's (start, end) in samples of `audio`."""
    width = PARTIAL_FRAMES * HOP
    wav = _level(np.asarray(audio, dtype=np.float32))
    if len(wav) < width:
        return np.zeros((0, PARTIAL_FRAMES, N_MELS), np.float32), np.zeros((0, 2), np.int64)
    starts = np.arange(0, len(wav) - width + 1, max(HOP, int(step_s * SAMPLE_RATE)) // HOP * HOP)
    mel = mel_spectrogram(wav)
    return np.stack([mel[s // HOP: s // HOP + PARTIAL_FRAMES] for s in starts]), np.stack([starts, starts + width], axis=1)
