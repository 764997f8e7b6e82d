"""Two inputs at once through the real PulseAudio path: a null sink's monitor as system audio, a second null sink's remapped monitor as the microphone."""

import os
import subprocess
import time

import pytest

from captioner.audio.loopback import SystemAudioSource, meeting_microphone
from captioner.channels import MICROPHONE, SYSTEM
from captioner.engine.live.meeting import Channel, MeetingSession
from captioner.engine.live.session import SessionOptions
from captioner.subtitles.srt import format_srt
from captioner.subtitles.txt import format_txt
from tests.conftest import SENTENCE, SOUND_SERVER
from tests.speech import SR, read_wav, speak, wer, write_wav

OTHER = "We will start the meeting at nine o'clock tomorrow morning."

# The sinks these tests play into are this run's own: every test run on the machine reaches the same sound server
# (tests/conftest.py: PULSE_SOCKET), and another run beside this one plays into its `virt` (what it plays was captioned
# here as more finals of the others) and loads a microphone sink of its own (one of the name unplugged here would be
# recorded as that microphone back).
RUN = os.getpid()
MIC_SINK = f"micsink{RUN}"
OTHERS_SINK = f"others{RUN}"


def load_module(*args: str) -> str:
    return subprocess.run(["pactl", "load-module", *args], capture_output=True, text=True, check=True).stdout.strip()


def unload_module(module: str) -> None:
    subprocess.run(["pactl", "unload-module", module], capture_output=True)


@pytest.fixture
def mic_sink(pulse):
    """A second null sink, at another rate (48 kHz) than the others' (`others_sink`): what is played into it is the microphone.

    The microphone records its monitor directly: a remap-source in between adds a latency
    of its own that varies by up to a second from one run to the next.
    """
    module = load_module("module-null-sink", f"sink_name={MIC_SINK}", "rate=48000")
    yield MIC_SINK
    unload_module(module)


@pytest.fixture
def others_sink(pulse):
    """The output the others are heard from: a null sink of this run's own, made as `virt` is (.ci/pulse.sh)."""
    module = load_module("module-null-sink", f"sink_name={OTHERS_SINK}")
    yield OTHERS_SINK
    unload_module(module)


@pytest.fixture(scope="module")
def other_wav(tmp_path_factory):
    return speak(OTHER, tmp_path_factory.mktemp("other") / "other.wav")


def play(sink: str, wav) -> subprocess.Popen:
    return subprocess.Popen(["paplay", "-d", sink, str(wav)])


def meeting(transcriber, *, mic=True, system=OTHERS_SINK, **kw) -> MeetingSession:
    channels = [Channel("You", meeting_microphone(f"pulse:{MIC_SINK}.monitor"), MICROPHONE)] if mic else []
    channels.append(Channel("Others", SystemAudioSource(system), SYSTEM))
    return MeetingSession(channels, transcriber, **kw)


def run_until_quiet(session: MeetingSession, players, after_s: float = 2.0) -> None:
    for player in players:
        assert player.wait(timeout=60) == 0, player.args  # all of it was played
    time.sleep(after_s)
    session.stop()
    assert session.wait(60)


def voiced_span(wav) -> tuple[float, float]:
    import numpy as np

    audio = read_wav(wav)
    voiced = np.flatnonzero(np.abs(audio) > 0.01)
    return voiced[0] / SR, voiced[-1] / SR


def test_system_audio_alone_is_captioned_and_labelled(others_sink, sentence_wav, tiny_transcriber):
    session = meeting(tiny_transcriber, mic=False)
    session.start()
    time.sleep(0.3)
    run_until_quiet(session, [play(others_sink, sentence_wav)])
    assert not session.errors
    assert [e.channel for e in session.finals] == [SYSTEM]
    assert wer(SENTENCE, session.finals[0].text) <= 0.2


def test_a_fault_in_the_others_speaker_labels_is_a_notice_and_their_captions_go_on(others_sink, sentence_wav, tiny_transcriber,
                                                                                  monkeypatch):
    session = meeting(tiny_transcriber, mic=False, options=SessionOptions(speakers=True))

    def broken(*args, **kwargs):
        raise ValueError("speaker-3 is not in list")

    monkeypatch.setattr(session.lanes[0].engine.speakers.speakers, "assign", broken)
    session.start()
    time.sleep(0.3)
    run_until_quiet(session, [play(others_sink, sentence_wav)])
    assert not session.errors and [n.startswith("Others: Speaker labels stopped") for n in session.notices] == [True]
    assert [e.channel for e in session.finals] == [SYSTEM] and not session.finals[0].speaker
    assert wer(SENTENCE, session.finals[0].text) <= 0.2


def test_microphone_and_system_audio_in_spoken_order(mic_sink, others_sink, sentence_wav, other_wav, tiny_transcriber):
    session = meeting(tiny_transcriber)
    session.start()
    time.sleep(0.3)
    began = time.monotonic() - session._t0
    play(mic_sink, other_wav).wait(timeout=60)  # "You" speak first ...
    second = time.monotonic() - session._t0
    run_until_quiet(session, [play(others_sink, sentence_wav)])  # ... then the others answer
    assert not session.errors
    finals = session.finals
    assert [e.channel for e in finals] == [MICROPHONE, SYSTEM], finals
    assert wer(OTHER, finals[0].text) <= 0.2 and wer(SENTENCE, finals[1].text) <= 0.2
    # on one clock: each caption lies within the time its speech was played (session seconds; the
    # playback itself starts a little after paplay is launched, more on a sink just created)
    for event, played_at, wav in ((finals[0], began, other_wav), (finals[1], second, sentence_wav)):
        lo, hi = voiced_span(wav)
        assert played_at + lo - 0.3 <= event.start_s < event.end_s <= played_at + hi + 2.0, (event, played_at)
        assert event.end_s - event.start_s >= 0.6 * (hi - lo), event
    srt = format_srt(finals, srt_labels=True)
    assert srt.index("You: ") < srt.index("Others: ")
    assert format_txt(finals).splitlines()[0].startswith("You: ")


def test_echo_of_the_speakers_in_the_microphone_is_captioned_once(mic_sink, others_sink, sentence_wav, tmp_path, tiny_transcriber):
    import numpy as np

    speech = read_wav(sentence_wav)
    echo = write_wav(tmp_path / "echo.wav", np.concatenate([np.zeros(int(0.15 * SR), np.float32), 0.4 * speech]))
    session = meeting(tiny_transcriber)
    session.start()
    time.sleep(0.3)
    run_until_quiet(session, [play(mic_sink, echo), play(others_sink, sentence_wav)])
    assert not session.errors
    assert [e.channel for e in session.finals] == [SYSTEM]
    assert len(session.echoes) == 1 and session.echoes[0].channel == MICROPHONE


def test_silence_from_an_output_gives_no_text_and_no_error(others_sink, tiny_transcriber):
    session = meeting(tiny_transcriber, mic=False)
    session.start()
    time.sleep(4)  # nothing plays
    session.stop()
    assert session.wait(60)
    assert session.finals == [] and session.errors == []
    assert session.clock > 3 * SR  # the monitor delivered (silent) audio all along


def test_unplugging_the_microphone_keeps_system_audio_captioned(others_sink, sentence_wav, other_wav, tiny_transcriber):
    module = load_module("module-null-sink", f"sink_name={MIC_SINK}", "rate=48000")
    errors = []
    session = meeting(tiny_transcriber, on_error=errors.append)
    try:
        session.start()
        time.sleep(0.3)
        assert play(MIC_SINK, other_wav).wait(timeout=60) == 0
        time.sleep(1.0)
    finally:
        unload_module(module)  # the microphone is unplugged
    deadline = time.monotonic() + 10
    while not errors and time.monotonic() < deadline:
        time.sleep(0.1)
    run_until_quiet(session, [play(others_sink, sentence_wav)])  # the others go on talking
    assert [(e.fatal, e.message.split(":")[0]) for e in errors] == [(False, "You")], errors
    assert "is gone" in errors[0].message and "resume when it returns" in errors[0].message
    assert not session.errors and session.notices == [errors[0].message]
    assert [e.channel for e in session.finals] == [MICROPHONE, SYSTEM]
    assert wer(SENTENCE, session.finals[1].text) <= 0.2


def test_an_output_that_disappears_is_reported_and_the_microphone_goes_on(mic_sink, sentence_wav, other_wav, tiny_transcriber):
    module = load_module("module-null-sink", f"sink_name=speakers{RUN}")
    errors = []
    session = meeting(tiny_transcriber, system=f"speakers{RUN}", on_error=errors.append)
    try:
        session.start()
        time.sleep(0.5)
    finally:
        unload_module(module)  # the headset with the speakers is unplugged
    run_until_quiet(session, [play(mic_sink, other_wav)])
    assert [e.fatal for e in errors] == [False], errors
    assert "is gone" in errors[0].message and errors[0].message.startswith("Others:")
    assert [e.channel for e in session.finals] == [MICROPHONE]
    assert wer(OTHER, session.finals[0].text) <= 0.2


class FileOrderCheck:
    """A sink after the live SRT writer: after every caption, reads the file and notes whether its cues are numbered and in start order."""

    def __init__(self, path) -> None:
        self.path, self.checks = path, []

    def on_caption(self, event) -> None:
        import srt

        if event.final:
            cues = list(srt.parse(self.path.read_text(encoding="utf-8"), ignore_errors=False))
            self.checks.append([c.start for c in cues] == sorted(c.start for c in cues) and [c.index for c in cues] == list(range(1, len(cues) + 1)))

    def close(self) -> None:
        pass


def test_overlapping_speech_is_saved_in_start_order(mic_sink, others_sink, tmp_path, tiny_transcriber):
    """You talk for ten seconds; the others begin three seconds in. The live SRT is in start order after
    every caption (a cue of yours starts after theirs began), and so is the VTT export."""
    import re

    from captioner.subtitles.cues import shape_cues
    from captioner.subtitles.srt import LiveSrtWriter
    from captioner.subtitles.vtt import format_vtt
    from tests.engine.live.test_replay import LONG_TURN

    you, others = speak(LONG_TURN, tmp_path / "you.wav"), speak(OTHER, tmp_path / "others.wav", lead_s=0.0)
    path = tmp_path / "meeting.srt"
    check = FileOrderCheck(path)
    session = meeting(tiny_transcriber, sinks=[LiveSrtWriter(path, srt_labels=True), check])
    session.start()
    time.sleep(0.3)
    mine = play(mic_sink, you)
    time.sleep(3.0)
    run_until_quiet(session, [mine, play(others_sink, others)])
    assert not session.errors
    finals = session.finals
    assert {e.channel for e in finals} == {MICROPHONE, SYSTEM}, finals
    arrival = [cue.start for event in finals for cue in shape_cues(event)]
    assert arrival != sorted(arrival), f"the speech did not overlap as this test needs: {finals}"
    assert check.checks and all(check.checks), check.checks
    assert path.read_text(encoding="utf-8") == format_srt(finals, srt_labels=True)
    starts = re.findall(r"^(\d\d:\d\d:\d\d\.\d\d\d) -->", format_vtt(finals), re.M)
    assert len(starts) == len(arrival) and starts == sorted(starts)


def wait_for(condition, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.1)
    return condition()


def test_a_microphone_plugged_back_is_captioned_again_and_no_other_source_meanwhile(mic_sink, sentence_wav, other_wav, tiny_transcriber):
    """The microphone "vmic" is unplugged mid-session while the server moves orphaned streams to the
    default source (virtmic: what `virt` plays; PulseAudio's module-rescue-streams, PipeWire's
    wireplumber): the microphone channel records nothing meanwhile, and records vmic again once it is back."""
    vmic_args = ("module-remap-source", f"master={mic_sink}.monitor", f"source_name=vmic{RUN}", "source_properties=device.description=Headset")
    rescue = load_module("module-rescue-streams") if SOUND_SERVER == "pulseaudio" else None  # wireplumber moves them by itself
    vmic = load_module(*vmic_args)
    notices = []
    channels = [Channel("You", meeting_microphone(f"pulse:vmic{RUN}"), MICROPHONE), Channel("Others", SystemAudioSource("virt"), SYSTEM)]
    session = MeetingSession(channels, tiny_transcriber, options=SessionOptions(echo=None), on_error=notices.append)  # no echo rule: a monitor recorded would show
    try:
        session.start()
        unload_module(vmic)  # unplugged
        assert wait_for(lambda: any("is gone" in n.message for n in notices)), notices
        play("virt", sentence_wav).wait(timeout=60)  # the others talk
        time.sleep(1.0)
        vmic = load_module(*vmic_args)  # plugged back
        assert wait_for(lambda: any("is back" in n.message for n in notices)), notices
        play(mic_sink, other_wav).wait(timeout=60)  # the user talks
    finally:
        unload_module(vmic)
        if rescue:
            unload_module(rescue)
    run_until_quiet(session, [])
    assert not session.errors and all(not n.fatal and n.message.startswith("You: ") for n in notices), notices
    finals = session.finals
    assert [e.channel for e in finals] == [SYSTEM, MICROPHONE], finals
    assert wer(SENTENCE, finals[0].text) <= 0.2 and wer(OTHER, finals[1].text) <= 0.2


def test_the_others_are_told_apart_by_voice_and_the_microphone_stays_you(mic_sink, others_sink, other_wav, tmp_path, tiny_transcriber):
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation

    a, b = TWO_VOICES
    call, _ = conversation(tmp_path / "call.wav", [(a, VOICE_SENTENCES[0]), (b, VOICE_SENTENCES[1]), (a, VOICE_SENTENCES[2])])
    session = meeting(tiny_transcriber, options=SessionOptions(speakers=True))
    session.start()
    time.sleep(0.3)
    run_until_quiet(session, [play(others_sink, call), play(mic_sink, other_wav)])
    assert not session.errors
    mine = [e for e in session.finals if e.channel == MICROPHONE]
    theirs = [e for e in session.finals if e.channel == SYSTEM]
    assert mine and all(not e.speaker for e in mine)  # "You"
    turns = [e.speaker for n, e in enumerate(theirs) if n == 0 or e.speaker != theirs[n - 1].speaker]  # a turn may be two finals
    assert turns == ["speaker-1", "speaker-2", "speaker-1"], [(e.speaker, e.text) for e in theirs]
    assert wer(" ".join(VOICE_SENTENCES[:3]), " ".join(e.text for e in theirs)) <= 0.2
