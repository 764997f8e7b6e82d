"""A file kept as a live session keeps it: the real recorder fed block by block, an empty live SRT beside it."""

from __future__ import annotations

from pathlib import Path

BLOCK = 480  # 30 ms: the recorder is fed as the engine is


def record_session(folder: Path, stem: str, audio, model: str) -> None:
    """Keep `audio` as a session's recording, fed block by block as a live session feeds it."""
    from captioner.audio.recorder import SessionRecorder

    recorder = SessionRecorder.open(folder, stem, ("",), model=model)
    for at in range(0, len(audio), BLOCK):
        recorder.feed(0, audio[at:at + BLOCK])
    recorder.close()
    (folder / f"{stem}.srt").write_text("", encoding="utf-8")  # the live transcript the refine sets aside
