"""Refining a session: its recorded channels decoded whole again, the offline way, and made its transcript.

Each channel is read from its recording and decoded by itself (`decode_whole`); where its live captions are at hand,
it is decoded a second time in windows cut elsewhere, and the words two of the three transcripts heard are kept
(`vote`). Its speakers are told apart again by voice when asked (`speakers_whole`); the
channels are merged in spoken order, echoes of the speakers dropped from the microphone (`merge`), and the result
written as the session's files, the live ones kept beside them (`session_files`). A refine killed at any point loses nothing: run again, it starts over and finishes.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping, Sequence

from captioner.channels import MICROPHONE
from captioner.engine.models.recognizer import Recognizer
from captioner.engine.offline.decode_whole import DECODING, TELLING_SPEAKERS, Cancelled, Reader, decode_voted
from captioner.engine.offline.merge import merge_channels
from captioner.engine.offline.session_files import SessionFiles, live_captions, save_refined
from captioner.engine.offline.speakers_whole import speakers_if_installed
from captioner.engine.offline.speech_spans import live_segments_of
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.speaker_count import SpeakerCount, count_of

__all__ = ["refine_session"]

Progress = Callable[[float, float], None]  # (audio seconds decoded, audio seconds in all)


def refine_session(session: SessionFiles, recognizer: Recognizer, *, vocabulary: str | None = None, language: str | None = "en", srt_labels: bool = False,
                   progress: Progress | None = None, cancel: threading.Event | None = None, delete_audio: bool = False,
                   kinds: Sequence[str] = (), speakers: bool | SpeakerCount = False, live: Sequence[CaptionEvent] = (),
                   labels: Mapping[str, str] | None = None, phase: Callable[[str], None] | None = None,
                   save: Callable[..., None] = save_refined) -> list[CaptionEvent]:
    """Decode the session's recorded channels, write its refined SRT/TXT/VTT (the live ones kept as `.live.*`), and return
    the refined captions, decoded by `recognizer` (the live captions', `Transcriber.recognizer`). `vocabulary` None: the one the session captioned with; `kinds`: each channel's MICROPHONE/SYSTEM
    (echoes of the speakers are dropped from the microphone); `delete_audio`: remove the recordings once the files are
    written. `live`: the session's live finals as they stand (revisions in), each on its channel; without them, a session
    of one channel reads its live SRT back (`live_captions`); a channel with live captions is decoded twice and the
    three transcripts put to the vote (`decode_voted`). `speakers`: system audio's captions (or the one channel's) carry their
    speakers, told apart again with the whole recording in hand (`speakers_offline`; a SpeakerCount: as many people as
    it says), named as in the session where `live` shows the same voice
    had a name in `labels` (the session's labels, by channel and speaker id); `phase` hears TELLING_SPEAKERS as that begins,
    DECODING as the next channel's decoding does; `save` writes the files (`save_refined`'s arguments). Raises Cancelled (nothing written) or
    OSError / SubtitleFileError when the files cannot be written (the live ones are then untouched).

    Each recording is gone through once for its speech and once for each decoding, and never held whole: memory is the
    same for an hour as for a minute (but for telling speakers apart, which reads the channel whole).
    """
    from captioner.audio.sources import decode_pcm16, pcm16_blocks

    terms = session.vocabulary if vocabulary is None else vocabulary
    said = list(live) or live_captions(session)
    done, total = 0.0, 0.0
    channels = []
    for n, track in enumerate(session.tracks):  # one channel at a time, never held whole while it is decoded
        heard, length = live_segments_of(pcm16_blocks(str(track.path)))
        seconds = length / SAMPLE_RATE
        total = done + seconds * (len(session.tracks) - n)  # a session's channels are about as long as each other
        report = None if progress is None else (lambda s, at=done, whole=total: progress(at + s, whole))
        events = decode_voted(recognizer, heard, length, lambda path=track.path: Reader(pcm16_blocks(str(path))).read,
                              channel=track.channel, vocabulary=terms, language=language, progress=report, cancel=cancel,
                              said=[w for f in said if f.channel == track.channel for w in f.words])
        kind = kinds[n] if n < len(kinds) else track.kind
        if speakers and kind != MICROPHONE and events:  # the others (or everyone, with one input), by voice; the microphone is "You"
            if phase is not None:
                phase(TELLING_SPEAKERS)
            events = speakers_if_installed(events, decode_pcm16(str(track.path)), live=[f for f in live if f.channel == track.channel],
                                           count=count_of(speakers))
            if cancel is not None and cancel.is_set():
                raise Cancelled
            if phase is not None and n + 1 < len(session.tracks):
                phase(DECODING)
        done += seconds
        channels.append((kind, events))
    events = merge_channels(channels)
    save(session, events, srt_labels=srt_labels, labels={**session.labels, **(labels or {})})
    if delete_audio:
        for track in session.tracks:
            with contextlib.suppress(FileNotFoundError):
                track.path.unlink()
        session.tracks = []
    return events
