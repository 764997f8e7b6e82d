"""The recognizer seam: the faster-whisper transcriber offers everything the engine asks of a recognizer, and an
engine job is what a recognizer reads."""

from __future__ import annotations

import inspect

import numpy as np

from captioner.engine.pipeline import Job
from captioner.engine.recognizer import PassJob, Recognizer


def _members(protocol: type) -> set[str]:
    return {name for name in vars(protocol) if not name.startswith("_")} | set(getattr(protocol, "__annotations__", {}))


def test_the_transcriber_is_a_recognizer(tiny_transcriber) -> None:
    for name in _members(Recognizer):
        assert hasattr(tiny_transcriber, name), name
        wanted = getattr(Recognizer, name, None)
        if inspect.isfunction(wanted):
            assert list(inspect.signature(getattr(type(tiny_transcriber), name)).parameters) == list(inspect.signature(wanted).parameters)
    assert isinstance(tiny_transcriber.name, str) and tiny_transcriber.device == "cpu" and tiny_transcriber.compute_type == "int8"


def test_an_engine_job_is_what_a_recognizer_reads() -> None:
    job = Job(1, 1, True, 0, 160, np.zeros(160, np.float32), prompt="hi", pause=False)
    for name in _members(PassJob):
        assert hasattr(job, name), name

