"""The simulated-clock runner over a meeting: two channels, one transcriber (real tiny.en), spoken order, echoes."""

import numpy as np
import pytest

from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.live.meeting import Channel
from captioner.engine.live.replay import replay_meeting
from tests.conftest import SENTENCE
from tests.speech import SR, quiet, read_wav, speak

OTHER = "We will start the meeting at nine o'clock tomorrow morning."
YOU, OTHERS = Channel("You", None, MICROPHONE), Channel("Others", None, SYSTEM)


@pytest.fixture(scope="module")
def voices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("voices")
    return read_wav(speak(OTHER, folder / "you.wav")), read_wav(speak(SENTENCE, folder / "others.wav"))


def side_by_side(first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`first` on one channel, then `second` on the other, each silent while the other speaks."""
    n = len(first) + len(second)
    a, b = quiet(n / SR, seed=1)[:n], quiet(n / SR, seed=2)[:n]
    a[: len(first)] += first
    b[len(first) :] += second
    return a, b


def test_two_channels_come_out_labelled_in_spoken_order(voices, tiny_transcriber):
    you, others = voices
    mic, system = side_by_side(you, others)
    run = replay_meeting([(YOU, mic), (OTHERS, system)], tiny_transcriber.run)
    assert [e.channel for e in run.finals] == [MICROPHONE, SYSTEM], run.finals
    assert run.finals[0].end_s <= len(you) / SR + 0.5 <= run.finals[1].start_s + 0.5
    assert {p.channel for p in run.passes} == {MICROPHONE, SYSTEM} and not run.echoes
    # each final comes out after its speech ended, on the one clock
    assert all(e.at_s >= e.event.end_s for e in run.emitted if e.event.final and e.event.text)


def test_the_speakers_heard_by_the_microphone_are_captioned_once(voices, tiny_transcriber):
    _, others = voices
    delay = int(0.15 * SR)
    system = np.concatenate([others, np.zeros(delay, np.float32)])
    mic = np.concatenate([np.zeros(delay, np.float32), 0.4 * others]) + quiet(len(system) / SR, seed=3)[: len(system)]
    run = replay_meeting([(YOU, mic), (OTHERS, system)], tiny_transcriber.run)
    assert [e.channel for e in run.finals] == [SYSTEM] and [e.channel for e in run.echoes] == [MICROPHONE]
    without = replay_meeting([(YOU, mic), (OTHERS, system)], tiny_transcriber.run, echo=None)
    assert sorted(e.channel for e in without.finals) == [MICROPHONE, SYSTEM]  # the rule is what drops it


def test_channels_must_be_of_one_length(tiny_transcriber):
    with pytest.raises(ValueError, match="one length"):
        replay_meeting([(YOU, np.zeros(SR, np.float32)), (OTHERS, np.zeros(2 * SR, np.float32))], tiny_transcriber.run)


def test_an_answer_run_together_with_the_echo_keeps_only_the_answer(voices, tiny_transcriber):
    answer, others = (speech_only(x) for x in voices)
    delay, gap = int(0.15 * SR), int(0.25 * SR)  # the answer starts 0.25 s after the echo ends: one segment on the microphone
    n0 = int(0.5 * SR)
    others = np.concatenate([np.zeros(n0, np.float32), others])
    n = delay + len(others) + gap + len(answer)
    system, mic = np.zeros(n, np.float32), quiet(n / SR, seed=4)[:n]
    system[: len(others)] += others
    mic[delay : delay + len(others)] += 0.4 * others
    mic[delay + len(others) + gap :] += answer
    run = replay_meeting([(YOU, mic), (OTHERS, system)], tiny_transcriber.run)
    you = [e for e in run.finals if e.channel == MICROPHONE]
    assert [e.channel for e in run.finals] == [SYSTEM, MICROPHONE], run.finals
    assert len(you) == 1 and {"start", "meeting", "tomorrow"} <= set(words(you[0].text)), you  # the answer is kept ...
    assert not {"quarterly", "budget"} & set(words(you[0].text)), you  # ... without the echo ...
    cut = [e for e in run.echoes if e.id == you[0].id]  # ... that was cut from the same caption
    assert len(cut) == 1 and {"quarterly", "budget"} <= set(words(cut[0].text)) and cut[0].end <= you[0].start, run.echoes


def speech_only(audio: np.ndarray) -> np.ndarray:
    voiced = np.flatnonzero(np.abs(audio) > 0.01)
    return audio[voiced[0] : voiced[-1] + 1]


def words(text: str) -> list[str]:
    return [w.strip(".,?!'\"").lower() for w in text.split()]


LONG_TURN = ("So the plan for the next release is to move the settings page into the main window, add the export "
             "button beside it, and keep the old menu for a while")


def test_overlapping_speech_on_two_channels_is_saved_in_start_order(tmp_path, tiny_transcriber):
    """Others starts talking while You is in the middle of a long turn: You's final has a cue after Others'
    first one, and finals come out in the order they began. The live SRT is in start order after every
    final, and so are the SRT and VTT exports."""
    import re

    import srt

    from captioner.subtitles.cues import shape_cues
    from captioner.subtitles.srt import LiveSrtWriter, write_srt
    from captioner.subtitles.vtt import write_vtt

    folder = tmp_path / "voices"
    folder.mkdir()
    you = read_wav(speak(LONG_TURN, folder / "you.wav", lead_s=0.5, trail_s=1.0))
    others = read_wav(speak(OTHER, folder / "others.wav", lead_s=0.0, trail_s=0.0))
    n = len(you) + SR
    mic, system = quiet(n / SR, seed=5)[:n], quiet(n / SR, seed=6)[:n]
    mic[: len(you)] += you
    system[3 * SR : 3 * SR + len(others)] += others  # 2.5 s into You's turn
    run = replay_meeting([(YOU, mic), (OTHERS, system)], tiny_transcriber.run)
    assert {e.channel for e in run.finals} == {MICROPHONE, SYSTEM}, run.finals
    arrival = [cue.start for event in run.finals for cue in shape_cues(event)]
    assert arrival != sorted(arrival), "the speech did not overlap as this test needs"

    path = tmp_path / "live.srt"
    with LiveSrtWriter(path, srt_labels=True) as writer:
        for emitted in run.emitted:
            writer.on_caption(emitted.event)
            cues = list(srt.parse(path.read_text(encoding="utf-8"), ignore_errors=False))
            assert [c.start for c in cues] == sorted(c.start for c in cues)
            assert [c.index for c in cues] == list(range(1, len(cues) + 1))
    assert len(cues) == len(arrival) and {c.content.split(":")[0] for c in cues} == {"You", "Others"}
    write_srt(tmp_path / "export.srt", run.finals, srt_labels=True)
    assert (tmp_path / "export.srt").read_bytes() == path.read_bytes()
    write_vtt(tmp_path / "export.vtt", run.finals)
    vtt = (tmp_path / "export.vtt").read_text(encoding="utf-8")
    starts = re.findall(r"^(\d\d:\d\d:\d\d\.\d\d\d) -->", vtt, re.M)
    assert len(starts) == len(arrival) and starts == sorted(starts)
    assert "<v You>" in vtt and "<v Others>" in vtt
