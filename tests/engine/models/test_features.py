"""Whisper's features of long audio computed a block at a time: the same as faster-whisper's own."""

from __future__ import annotations

import numpy as np
import pytest
from faster_whisper import WhisperModel
from faster_whisper.feature_extractor import FeatureExtractor

from captioner.engine.models.features import BLOCK_FRAMES, BlockFeatureExtractor, bounded_features
from captioner.events import SAMPLE_RATE
from tests.speech import quiet, read_wav, speak


@pytest.fixture(scope="module")
def talk(tmp_path_factory) -> np.ndarray:
    """Real speech, three sentences, with room noise between them: about 20 s."""
    folder = tmp_path_factory.mktemp("features")
    parts = [read_wav(speak(text, folder / f"{n}.wav")) for n, text in enumerate(
        ("Our team finished the quarterly report.", "The new office has a large kitchen.", "Please send the notes before Friday."))]
    return np.concatenate([np.concatenate([quiet(1.3, seed=n), part]) for n, part in enumerate(parts)])


@pytest.mark.parametrize("seconds", [0.01, 1.0, 29.99, 30.0, BLOCK_FRAMES / 100 + 0.01, 2 * BLOCK_FRAMES / 100 - 0.02, 61.37, 120.0])
def test_features_are_faster_whispers_own_for_audio_of_any_length(talk, seconds) -> None:
    length = round(seconds * SAMPLE_RATE)
    audio = np.resize(talk, length)  # the speech again and again, cut anywhere: blocks of every size, a last one of a frame or two
    ours, theirs = BlockFeatureExtractor()(audio), FeatureExtractor()(audio)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-6)


def test_small_blocks_give_the_same_features(talk) -> None:
    extractor = BlockFeatureExtractor()
    extractor.block_frames = 250
    np.testing.assert_allclose(extractor(talk), FeatureExtractor()(talk), rtol=0, atol=1e-6)


def test_float64_audio_is_taken_as_faster_whisper_takes_it(talk) -> None:
    wide = talk.astype(np.float64)
    np.testing.assert_allclose(BlockFeatureExtractor()(wide), FeatureExtractor()(wide), rtol=0, atol=1e-6)


def test_a_model_is_given_block_features_with_its_own_settings_once(tiny_model) -> None:
    model = WhisperModel(str(tiny_model), device="cpu", compute_type="int8")
    before = model.feature_extractor
    bounded_features(model)
    after = model.feature_extractor
    assert isinstance(after, BlockFeatureExtractor)
    assert (after.n_fft, after.hop_length, after.sampling_rate, after.chunk_length) == (
        before.n_fft, before.hop_length, before.sampling_rate, before.chunk_length)
    np.testing.assert_array_equal(after.mel_filters, before.mel_filters)
    bounded_features(model)
    assert model.feature_extractor is after
