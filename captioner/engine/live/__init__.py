"""The live engine: audio in as it is heard, captions out within a second.

`open` opens a session (`open_session`: the one way the command line and the app take); `session` and `meeting` run
one (a source, or a meeting's channels in `spoken_order`, `echo` keeping the speakers out of the microphone) on a
worker thread; `pipeline` is the engine (`CaptionEngine`, set by `engine_config`), composed of named parts:
`segmenter` cuts speech into segments, told by `endpoint` how far the words end a sentence; `segments` keeps the
segments whose captions are not all out; `scheduling` says when a pass is due (`job`: the pass a worker runs), paced
by `pacing`; `interims` what a segment shows meanwhile (`stabilizer`: what of it is settled); `early_finals` shows a
sentence as final at its pause where passes are cheap; `revising` decodes finals again together by the rules of
`revision`. `transcriber` is the pass policy over a recognizer (`captioner.engine.models.recognizer`); `speakers`
labels each final by voice; `replay` runs the engine over recorded audio on a simulated clock.

The names below are the package's public surface; each is imported from its module on first use, so importing the
package loads none of them.
"""

from __future__ import annotations

import importlib

__all__ = [
    "CaptionEngine",
    "CaptionSession",
    "CaptionSink",
    "Channel",
    "EngineConfig",
    "Job",
    "MeetingSession",
    "RevisionRule",
    "SegmenterConfig",
    "SessionOptions",
    "SessionRequest",
    "SpeakerTagger",
    "Transcriber",
    "meeting_channels",
    "open_session",
    "replay",
    "replay_meeting",
]

_HOME = {
    "CaptionEngine": "pipeline",
    "CaptionSession": "session",
    "CaptionSink": "session",
    "Channel": "spoken_order",
    "EngineConfig": "engine_config",
    "Job": "job",
    "MeetingSession": "meeting",
    "RevisionRule": "revision",
    "SegmenterConfig": "segmenter",
    "SessionOptions": "session",
    "SessionRequest": "open",
    "SpeakerTagger": "speakers",
    "Transcriber": "transcriber",
    "meeting_channels": "meeting",
    "open_session": "open",
    "replay": "replay",
    "replay_meeting": "replay",
}


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
