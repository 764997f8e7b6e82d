import numpy as np
import pytest

from captioner.audio.buffer import AudioBuffer


def test_positions_follow_the_audio_clock_across_growth_and_discards():
    buf = AudioBuffer(capacity=10)
    signal = np.arange(1000, dtype=np.float32)
    for i in range(0, 1000, 37):
        buf.append(signal[i : i + 37])
        buf.discard_before(max(0, buf.end - 100))
    assert buf.end == 1000 and buf.first == 900
    np.testing.assert_array_equal(buf.get(950, 1000), signal[950:1000])
    with pytest.raises(IndexError):
        buf.get(899, 905)
    with pytest.raises(IndexError):
        buf.get(990, 1001)
