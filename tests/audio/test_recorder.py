"""The session's audio on disk: written by a real session, private, readable after kill -9 or a full disk."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from captioner.audio.recorder import RecordingError, SessionRecorder, Track, find_tracks
from captioner.audio.sources import FileSource, decode_file
from captioner.engine.live.session import CaptionSession
from captioner.events import SAMPLE_RATE
from tests.conftest import SENTENCE
from tests.speech import speak

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH = " ".join([SENTENCE, "The meeting will start again after lunch, in the large room on the second floor.",
                      "Please bring the slides, the printed agenda and the figures for the last three months."] * 2)


def envelope(audio: np.ndarray, frame: int = SAMPLE_RATE // 10) -> np.ndarray:
    n = len(audio) // frame
    return np.sqrt(np.mean(audio[: n * frame].reshape(n, frame) ** 2, axis=1))


@pytest.mark.slow
def test_a_session_records_what_its_engine_is_fed(tmp_path, sentence_wav, tiny_transcriber) -> None:
    recorder = SessionRecorder.open(tmp_path, "talk")
    session = CaptionSession(FileSource(str(sentence_wav)), tiny_transcriber, recorder=recorder)
    session.start()
    assert session.wait(120)
    assert session.finals and not session.errors
    path = tmp_path / "talk.audio.opus"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    fed, kept = decode_file(str(sentence_wav)), decode_file(str(path))
    assert abs(len(kept) - len(fed)) < SAMPLE_RATE // 20  # within 50 ms
    a, b = envelope(fed), envelope(kept[: len(fed)])
    assert np.corrcoef(a, b)[0, 1] > 0.95  # the same sound at the same times
    assert find_tracks(tmp_path, "talk") == [Track(path)]


def test_channels_are_kept_apart_with_their_labels_on_the_session_clock(tmp_path) -> None:
    recorder = SessionRecorder.open(tmp_path, "call", ["You", "Others"], model="tiny.en", vocabulary="Ana Pereira")
    tone = (0.3 * np.sin(2 * np.pi * 300 * np.arange(SAMPLE_RATE) / SAMPLE_RATE)).astype(np.float32)
    for _ in range(2):
        recorder.feed(0, tone)
        recorder.feed(1, tone[: SAMPLE_RATE // 2], at=SAMPLE_RATE)  # joined the session 1 s in
    recorder.close()
    tracks = find_tracks(tmp_path, "call")
    assert [(t.path.name, t.label) for t in tracks] == [("call.audio-1.opus", "You"), ("call.audio-2.opus", "Others")]
    assert {(t.model, t.vocabulary) for t in tracks} == {("tiny.en", "Ana Pereira")}
    you, others = (decode_file(str(t.path)) for t in tracks)
    assert abs(len(you) - 2 * SAMPLE_RATE) < 400
    assert abs(len(others) - 2 * SAMPLE_RATE) < 400  # 1 s of silence, then its 1 s of sound
    level = envelope(others)
    assert level[:9].max() < 0.01 and level[11:19].min() > 0.1


def test_a_folder_that_cannot_take_the_files_says_so_and_leaves_nothing(tmp_path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    with pytest.raises(RecordingError, match="Could not record the session's audio to .*not-a-folder"):
        SessionRecorder.open(blocked, "talk", ["You", "Others"])
    (tmp_path / "talk.audio-2.opus").mkdir()
    with pytest.raises(RecordingError):
        SessionRecorder.open(tmp_path, "talk", ["You", "Others"])
    assert not (tmp_path / "talk.audio-1.opus").exists()  # the first file made is taken back


KILLED = textwrap.dedent("""
    import sys
    from captioner.audio.recorder import SessionRecorder
    from captioner.audio.sources import FileSource
    from captioner.engine.live.session import CaptionSession, SessionOptions
    from captioner.engine.live.transcriber import Transcriber

    wav, folder, model = sys.argv[1:4]
    transcriber = Transcriber.load(model, device="cpu", compute_type="int8")
    def on_status(status):
        print(f"fed {status.audio_s:.3f}", flush=True)
    session = CaptionSession(FileSource(wav, realtime=True), transcriber, recorder=SessionRecorder.open(__import__("pathlib").Path(folder), "talk"),
                             on_status=on_status, options=SessionOptions(status_interval_s=0.1))
    session.start()
    session.wait()
""")


@pytest.mark.slow
def test_a_session_killed_mid_way_leaves_a_recording_readable_to_its_last_second(tmp_path, tiny_model) -> None:
    wav = speak(PARAGRAPH, tmp_path / "paragraph.wav")
    proc = subprocess.Popen([sys.executable, "-c", KILLED, str(wav), str(tmp_path), str(tiny_model)], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    fed = 0.0
    assert proc.stdout is not None
    for line in proc.stdout:
        fed = float(line.split()[1])
        if fed >= 8.0:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL and fed >= 8.0
    kept = decode_file(str(tmp_path / "talk.audio.opus"))
    assert fed - 2.0 <= len(kept) / SAMPLE_RATE <= fed + 0.5
    whole = decode_file(str(wav))
    n = min(len(kept), len(whole))
    assert np.corrcoef(envelope(whole[:n]), envelope(kept[:n]))[0, 1] > 0.95


FULL = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from captioner.audio.recorder import SessionRecorder
    from captioner.audio.sources import FileSource
    from captioner.engine.live.session import CaptionSession, SessionOptions
    from captioner.engine.live.transcriber import Transcriber

    wav, folder, model = sys.argv[1:4]
    transcriber = Transcriber.load(model, device="cpu", compute_type="int8")
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (6000, 6000))  # no file may grow past 6 kB: the disk is full
    errors = []
    session = CaptionSession(FileSource(wav), transcriber, recorder=SessionRecorder.open(Path(folder), "talk"),
                             on_error=errors.append)
    session.start()
    session.wait()
    for error in errors:
        print("error", error.fatal, error.message)
    print("finals", len(session.finals))
""")


@pytest.mark.slow
def test_a_full_disk_ends_the_recording_with_a_message_and_captions_go_on(tmp_path, tiny_model) -> None:
    wav = speak(PARAGRAPH, tmp_path / "paragraph.wav")
    out = subprocess.run([sys.executable, "-c", FULL, str(wav), str(tmp_path), str(tiny_model)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    errors = [line for line in lines if line.startswith("error")]
    assert len(errors) == 1 and errors[0].startswith("error False Recording the session's audio to")
    assert "stopped: file too large" in errors[0] and "captions go on" in errors[0]
    assert int(lines[-1].split()[1]) >= 3  # every sentence still captioned
    kept = decode_file(str(tmp_path / "talk.audio.opus"))  # what fitted is readable
    assert 0.5 < len(kept) / SAMPLE_RATE < len(decode_file(str(wav))) / SAMPLE_RATE


def test_the_files_are_private(tmp_path) -> None:
    recorder = SessionRecorder.open(tmp_path, "talk")
    recorder.feed(0, np.zeros(SAMPLE_RATE, np.float32))
    recorder.close()
    assert stat.S_IMODE(os.stat(tmp_path / "talk.audio.opus").st_mode) == 0o600


def mel_power(audio: np.ndarray) -> np.ndarray:
    """Whisper's mel band powers, log10, before its clamp and scaling: (80 bands, frames)."""
    from faster_whisper.feature_extractor import FeatureExtractor

    fe = FeatureExtractor()
    stft = fe.stft(audio, fe.n_fft, fe.hop_length, window=np.hanning(fe.n_fft + 1)[:-1], return_complex=True)
    return np.log10(np.maximum(fe.mel_filters @ (np.abs(stft[..., :-1]) ** 2), 1e-10))


def test_the_recording_keeps_the_bands_whisper_hears(tmp_path) -> None:
    """What the refine decodes is the recording, so the codec must not reshape the spectrum the model reads: Opus's
    speech-model modes (which its "audio" mode takes at 48 kbit/s) take 1 to 4 dB off the bands between 5 and 7 kHz.
    Averaged over the speech, every mel band but the top three (above 7 kHz, where decoding's resampling to 16 kHz rolls
    off) stays within 1 dB."""
    audio = decode_file(str(speak(PARAGRAPH, tmp_path / "talk.wav")))
    recorder = SessionRecorder.open(tmp_path, "talk")
    for at in range(0, len(audio), 480):  # fed in 30 ms blocks, as a session feeds it
        recorder.feed(0, audio[at:at + 480])
    recorder.close()
    kept = decode_file(str(tmp_path / "talk.audio.opus"))
    n = min(len(audio), len(kept))
    before, after = mel_power(audio[:n]), mel_power(kept[:n])
    speech = before.max(axis=0) > before.max() - 4  # frames within 40 dB of the loudest
    shift = (after - before)[:, speech].mean(axis=1)
    assert np.abs(shift[:-3]).max() < 0.1, np.round(shift, 2)  # log10 of power: 0.1 is 1 dB


@pytest.mark.skipif(os.name != "posix", reason="open files cannot be deleted on Windows")
@pytest.mark.parametrize("when", ["mid-way", "after the last block"])
def test_a_recording_deleted_with_its_folder_is_made_again_whole(tmp_path, sentence_wav, when) -> None:
    import shutil
    import time

    folder = tmp_path / "sessions"
    folder.mkdir()
    told = []
    recorder = SessionRecorder.open(folder, "talk", on_notice=told.append)
    speech = decode_file(str(sentence_wav))
    half = len(speech) // 2
    recorder.feed(0, speech[:half])
    time.sleep(0.5)  # written
    shutil.rmtree(folder)
    if when == "mid-way":
        time.sleep(1.2)  # the writer looks once a second
        recorder.feed(0, speech[half:])
        recorder.close()
    else:
        recorder.feed(0, speech[half:])
        recorder.close()  # made again at the end, whatever the last look saw
    path = folder / "talk.audio.opus"
    assert not recorder.errors
    assert len(told) == 1 and f"The folder {folder} was deleted during the session" in told[0] and "recording goes on" in told[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(folder.stat().st_mode) == 0o700
    kept = decode_file(str(path))
    assert abs(len(kept) - len(speech)) < SAMPLE_RATE // 20  # all of it, within 50 ms
    assert np.corrcoef(envelope(speech), envelope(kept[: len(speech)]))[0, 1] > 0.95
    assert find_tracks(folder, "talk") == [Track(path)]


@pytest.mark.skipif(os.name != "posix", reason="open files cannot be deleted on Windows")
def test_a_session_whose_folder_is_deleted_keeps_its_whole_recording_and_says_so(tmp_path, sentence_wav, tiny_transcriber) -> None:
    import shutil
    import time

    folder = tmp_path / "sessions"
    folder.mkdir()
    recorder = SessionRecorder.open(folder, "talk")
    session = CaptionSession(FileSource(str(sentence_wav), realtime=True), tiny_transcriber, recorder=recorder)
    session.start()
    time.sleep(1.0)
    shutil.rmtree(folder)
    assert session.wait(120)
    assert session.finals and not session.errors
    assert len(session.notices) == 1 and "recording goes on" in session.notices[0], session.notices
    fed, kept = decode_file(str(sentence_wav)), decode_file(str(folder / "talk.audio.opus"))
    assert abs(len(kept) - len(fed)) < SAMPLE_RATE // 20
