"""Whether a transcription pass looks wrong.

Big Whisper models are known to loop or stop early when the encoder window
shrinks, and any model can loop on short, quiet or disfluent speech. A pass
that may become a final is judged here; one that fails is run again on the
full 30 s window (see `Transcriber.transcribe`), and a final that still fails
falls back to the segment's last good interim (see `CaptionEngine`).
"""

from __future__ import annotations

from captioner.engine.filters import QUIET_RMS

REPEATED_RUN = "repeated a run of its words"
UNSURE = "unsure of its words"
MISSED = "heard no words where an earlier pass heard some"
GAP_S = 2.5  # text ending this long before the clip does has lost words (a clip ends < 0.6 s after speech)


def pass_problem(*, cut: bool, looped: bool, text_end_s: float, clip_s: float, rms: float, repeated: bool = False) -> str:
    """Why a pass looks wrong, in a few words; "" when it passes.

    - `cut`: the decoder stopped at its token budget, in the middle of a segment (a loop, or
      speech cut short: faster-whisper then takes the rest of the window as said);
    - an output segment failed the compression-ratio test (a loop, dropped);
    - its text ends `GAP_S` or more before a clip that is not quiet ends; `text_end_s` is the
      decoder's own last timestamp (word alignment stretches the last word of a cut decode to
      the end of the window, so word times do not tell);
    - `repeated`: its words hold a run of `filters.MIN_REPEATED_RUN` or more words twice (a decoder
      that wrote a sentence again, most likely; the re-run tells, see `Transcriber.transcribe`).
    """
    if cut:
        return "hit its token budget"
    if looped:
        return "repeated itself"
    if repeated:
        return REPEATED_RUN
    if clip_s - text_end_s >= GAP_S and rms >= QUIET_RMS:
        return "ended before the audio"
    return ""


def unsure(words, below: float) -> bool:
    """Whether the model was unsure of a pass's words: their mean probability is under `below`.

    On clear speech Whisper's words come with probabilities near 0.9; where the short encoder window
    loses words (disfluent, fast or far-off talk) they fall, and the full window is worth its cost.
    """
    if below <= 0 or not words:
        return False
    return sum(w.probability for w in words) / len(words) < below
