"""A long session with the real tiny.en: minutes of looped speech through the app's session
and live SRT/TXT writers; the files hold every final and the cues keep to the audio clock.

The hour-long run with memory figures is benchmarks/hour.py.
"""

from __future__ import annotations

import pytest

from benchmarks.longsession import check_files, drift, looped_speech, run_session
from tests.speech import read_wav, speak

SENTENCES = (
    "Good morning everyone, thanks for joining the planning call.",
    "The budget rose to 16.5 million dollars in 2024, up 3.2 percent from last year.",
    "We start at 10:30 on March 16, in the small meeting room.",
    "Please send the real-time figures before Friday.",
    "Questions? Okay, let's move on to the next item.",
    "Our team finished the quarterly report and the budget looks good.",
)
MINUTES = 6


@pytest.fixture(scope="module")
def long_run(tmp_path_factory, tiny_transcriber):
    folder = tmp_path_factory.mktemp("long")
    clips = [read_wav(speak(text, folder / f"s{i}.wav", lead_s=0.0, trail_s=0.0)) for i, text in enumerate(SENTENCES)]
    looped = looped_speech(clips, MINUTES * 60, pause_s=(0.8, 2.5))
    return looped, run_session(looped.audio, tiny_transcriber, folder / "out", timeout_s=400)


@pytest.mark.slow
def test_every_sample_is_heard_and_every_sentence_captioned(long_run):
    looped, run = long_run
    assert run.errors == []
    assert looped.loops >= 8 and looped.duration_s >= MINUTES * 60
    assert run.clock == run.fed == len(looped.audio)
    assert len(run.finals) >= looped.loops * len(SENTENCES)
    assert all(a.end <= b.start for a, b in zip(run.finals, run.finals[1:]))


@pytest.mark.slow
def test_the_files_hold_every_final_in_order(long_run):
    _, run = long_run
    check = check_files(run.finals, run.srt_path, run.txt_path)
    assert check.cues >= check.finals > 0
    assert check.missing == () and check.extra == ()
    assert check.outside == () and check.disorder == ()
    assert check.txt_ok


@pytest.mark.slow
def test_cues_keep_to_the_audio_clock_to_the_end(long_run):
    looped, run = long_run
    d = drift(looped, run.finals, run.srt_path)
    assert d.last_loop == looped.loops - 1 and d.reference_loop == 1
    # the same speech gets the same cues, within 50 ms, in the last loop as in the second
    assert d.cues_matched >= 0.8 * d.cues_in_last_loop > 0
    assert abs(d.cue_median_ms) < 50
    # the engine's own clock: the VAD starts every final on the same sample, or one 30 ms frame
    # off where webrtcvad's adaptive noise estimate, which remembers earlier loops, tips a frame
    assert d.finals_matched >= len(SENTENCES)
    assert d.final_median_ms == 0 and d.final_max_ms <= 30
