"""Sessions written to a folder as the app writes them: the live SRT and TXT, a refine's files, a transcription's."""

from __future__ import annotations

from pathlib import Path

from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.transcript import Transcript


def final(n: int, text: str, start_s: float, end_s: float, **kw) -> CaptionEvent:
    start, end = int(start_s * SAMPLE_RATE), int(end_s * SAMPLE_RATE)
    tokens = text.split()
    step = (end - start) // max(len(tokens), 1)
    words = tuple(Word(f" {t}", start + k * step, start + (k + 1) * step) for k, t in enumerate(tokens))
    return CaptionEvent(n, start, end, text, True, words=words, **kw)


LONG = ("So the plan for the quarter is simple, we ship the library first, then the search, and after that the "
        "playback from any line, which people asked for most.")


def meeting() -> list[CaptionEvent]:
    return [final(1, "Good morning everyone, shall we start?", 0.5, 3.0, channel=MICROPHONE),
            final(2, LONG, 3.5, 16.0, channel=SYSTEM, speaker="speaker-1"),
            final(3, "Yes, the budget first.", 16.5, 18.0, channel=SYSTEM, speaker="speaker-2")]


def live_session(folder: Path, stem: str = "2026-03-10_09-30", events=None, *, kinds=("srt", "txt"), srt_labels=False,
                 audio: int = 0) -> list[Path]:
    """A session's files as a live session leaves them (SRT and TXT), with `audio` recorded channels (stand-in files)."""
    doc = Transcript(meeting() if events is None else events, srt_labels=srt_labels)
    paths = doc.save(folder, stem, list(kinds))
    names = [f"{stem}.audio.opus"] if audio == 1 else [f"{stem}.audio-{n}.opus" for n in range(1, audio + 1)]
    for name in names:
        (folder / name).write_bytes(b"OggS")
        paths.append(folder / name)
    return paths
