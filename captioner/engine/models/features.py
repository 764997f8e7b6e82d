"""Whisper's log-Mel features of a long stretch of audio, computed a block of frames at a time.

faster-whisper's `FeatureExtractor` takes the short-time Fourier transform of all the audio it is handed at
once: for the minutes of audio the refine hands it (`speech_spans.PIECE_S`) its temporaries peak at several times
the audio, although the features it returns are a fraction of that (benchmarks/README.md, "Refined after the
session"). `BlockFeatureExtractor` gives exactly the same features (frames are independent; the one rule over all of
them, the 8-unit floor under the loudest, is applied once at the end) while holding one block's temporaries at a time.
"""

from __future__ import annotations

import itertools

import numpy as np
from faster_whisper.feature_extractor import FeatureExtractor

__all__ = ["BLOCK_FRAMES", "BlockFeatureExtractor", "bounded_features"]

BLOCK_FRAMES = 1500  # 15 s of frames at a time


class BlockFeatureExtractor(FeatureExtractor):
    """faster-whisper's FeatureExtractor, computing the spectrogram `block_frames` frames at a time."""

    block_frames: int = BLOCK_FRAMES

    def __call__(self, waveform: np.ndarray, padding: int = 160, chunk_length: int | None = None) -> np.ndarray:
        if chunk_length is not None:
            self.n_samples = chunk_length * self.sampling_rate
            self.nb_max_frames = self.n_samples // self.hop_length
        waveform = np.asarray(waveform, np.float32)
        half, length = self.n_fft // 2, len(waveform) + padding
        if length <= half:  # too short to reflect: faster-whisper's own error
            return super().__call__(waveform, padding=padding)
        padded = np.zeros(length + 2 * half, np.float32)  # zeros after the audio, then all reflected at both ends
        padded[half:half + len(waveform)] = waveform
        padded[:half] = padded[half + 1:2 * half + 1][::-1]
        padded[half + length:] = padded[length - 1:half + length - 1][::-1]
        frames = 1 + (len(padded) - self.n_fft) // self.hop_length - 1  # the last frame is dropped, as faster-whisper does
        window = np.hanning(self.n_fft + 1)[:-1].astype(np.float32)
        mel = np.empty((self.mel_filters.shape[0], frames), np.float32)
        blocks = -(-frames // self.block_frames)  # of even sizes: a block of a frame or two would be multiplied otherwise (BLAS)
        for first, last in itertools.pairwise(round(frames * k / blocks) for k in range(blocks + 1)):
            count = last - first
            block = np.lib.stride_tricks.as_strided(padded[first * self.hop_length:], (count, self.n_fft),
                                                    (self.hop_length * padded.strides[0], padded.strides[0]), writeable=False)
            spectrum = np.asarray(np.fft.rfft(block * window, n=self.n_fft, axis=-1), np.complex64).T
            mel[:, first:first + count] = self.mel_filters @ (np.abs(spectrum) ** 2)
        np.clip(mel, 1e-10, None, out=mel)  # faster-whisper's steps, each in place
        np.log10(mel, out=mel)
        np.maximum(mel, mel.max() - 8.0, out=mel)
        mel += 4.0
        mel /= 4.0
        return mel


def bounded_features(model) -> None:
    """Give a faster-whisper WhisperModel a `BlockFeatureExtractor` with its own settings (once)."""
    current = model.feature_extractor
    if isinstance(current, BlockFeatureExtractor):
        return
    extractor = BlockFeatureExtractor(feature_size=current.mel_filters.shape[0], sampling_rate=current.sampling_rate,
                                      hop_length=current.hop_length, chunk_length=current.chunk_length, n_fft=current.n_fft)
    model.feature_extractor = extractor
