"""A growable buffer of samples addressed by their place on the audio clock."""

from __future__ import annotations

import numpy as np

from captioner.events import SAMPLE_RATE


class AudioBuffer:
    """Holds the samples from `first` to `end` (audio clock); old ones can be let go."""

    def __init__(self, capacity: int = SAMPLE_RATE * 60) -> None:
        self._data = np.zeros(capacity, dtype=np.float32)
        self._len = 0
        self.first = 0  # clock position of self._data[0]

    @property
    def end(self) -> int:
        return self.first + self._len

    def append(self, samples: np.ndarray) -> None:
        n = len(samples)
        if self._len + n > len(self._data):
            grown = np.zeros(max(2 * len(self._data), self._len + n), dtype=np.float32)
            grown[: self._len] = self._data[: self._len]
            self._data = grown
        self._data[self._len : self._len + n] = samples
        self._len += n

    def get(self, start: int, end: int) -> np.ndarray:
        """A copy of [start, end); positions before `first` are an error."""
        if start < self.first or end > self.end or start > end:
            raise IndexError(f"[{start}, {end}) is not within [{self.first}, {self.end})")
        return self._data[start - self.first : end - self.first].copy()

    def discard_before(self, position: int) -> None:
        drop = min(max(0, position - self.first), self._len)
        if drop == 0:
            return
        self._data[: self._len - drop] = self._data[drop : self._len]
        self._len -= drop
        self.first += drop
