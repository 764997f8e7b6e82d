"""Speakers told apart by voice with a whole recording in hand, for a transcript decoded offline.

Live, each final gets its speaker as it is made (`speakers.SpeakerTagger`); here a recording's captions are cut
into sentences and each is given its speaker with all the voices heard at once (`speakers.speakers_offline`). The
transcript matters more than its labels: `speakers_if_installed` keeps it unlabelled when the voice encoder is not
installed or the labelling fails.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from captioner.engine.offline.cleanup import sentences
from captioner.engine.offline.speech_spans import as_float
from captioner.events import CaptionEvent
from captioner.speaker_count import ANY_COUNT, SpeakerCount

__all__ = ["speakers_if_installed", "tell_speakers"]

log = logging.getLogger(__name__)


def tell_speakers(events: Sequence[CaptionEvent], audio: np.ndarray, *, live: Sequence[CaptionEvent] = (),
                  count: SpeakerCount = ANY_COUNT) -> list[CaptionEvent]:
    """A recording's captions (one channel, on the clock of `audio`) cut into sentences, each with its speaker told apart
    by voice with the whole recording in hand (`speakers_offline`; ids as in `live`, the finals shown live, where the
    voices match; `count`: how many people speak, when the user said), numbered from 1 in order. Raises VoiceEncoderMissing when the voice encoder's weights are not installed."""
    from captioner.engine.live.speakers import speakers_offline
    from captioner.voices import load_encoder

    told = speakers_offline([s for e in events for s in sentences(e)], lambda a, b: as_float(audio[a:b]), load_encoder(), live=live,
                            count=count)
    return [replace(e, id=n) for n, e in enumerate(told, 1)]  # each sentence a caption of its own: an id of its own


def speakers_if_installed(events: list[CaptionEvent], audio: np.ndarray, *, live: Sequence[CaptionEvent] = (),
                          count: SpeakerCount = ANY_COUNT, warn=None) -> list[CaptionEvent]:
    """`tell_speakers`, or the captions as they are when the voice encoder is not installed or labelling fails (the
    transcript matters more than its labels: a labeller never costs it). `warn` hears why, in one line."""
    try:
        return tell_speakers(events, audio, live=live, count=count)
    except Exception as exc:  # noqa: BLE001 (any failure of the labeller leaves the transcript unlabelled, never lost)
        log.warning("speakers not told apart: %s", exc)
        if warn is not None:
            warn(f"speakers were not told apart ({exc}); the transcript is kept without their labels")
        return events
