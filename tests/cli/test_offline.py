"""`captioner refine` and `captioner transcribe` end to end: a kept session refined, recordings transcribed."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from tests.cli.terminal import SENTENCES, captioner, parse_srt, run
from tests.conftest import SENTENCE
from tests.speech import SR, read_wav, wer, write_mp3, write_video, write_wav


def test_refine_killed_midway_leaves_the_live_files_and_a_restart_finishes(tmp_path, tiny_model, talk_wav):
    folder = tmp_path / "session"
    folder.mkdir()
    long_talk = write_wav(tmp_path / "long.wav", np.tile(read_wav(talk_wav[0]), 4))  # about 80 s: long enough to be killed mid-way
    done = run("caption", "--input", long_talk, "--model", tiny_model, "--srt", folder / "talk.srt", "--txt", folder / "talk.txt",
               "--keep-audio", "--quiet", timeout=300)
    assert done.returncode == 0, done.stderr
    live = {name: (folder / name).read_bytes() for name in ("talk.srt", "talk.txt")}
    proc = captioner("refine", folder / "talk.srt", "--model", tiny_model)
    assert proc.stderr is not None
    progress = ""
    while "s of audio" not in progress:  # killed once decoding is under way
        progress += proc.stderr.read(1)
        assert proc.poll() is None, progress
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert {name: (folder / name).read_bytes() for name in live} == live
    assert not (folder / "talk.live.srt").exists()
    done = run("refine", folder, "--model", tiny_model, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stderr and "refined" in done.stderr
    assert {name: (folder / name.replace("talk.", "talk.live.")).read_bytes() for name in live} == live
    assert wer(" ".join(SENTENCES * 4), " ".join(c.content for c in parse_srt(folder / "talk.srt"))) <= 0.15
    assert wer(" ".join(SENTENCES * 4), (folder / "talk.txt").read_text()) <= 0.15
    assert (folder / "talk.vtt").read_text().startswith("WEBVTT")
    assert not list(folder.glob("*.refined.*")) and not list(folder.glob(".*.tmp"))


def test_a_session_captioned_with_a_folder_named_from_where_it_lies_refines_from_anywhere(tmp_path, tiny_model, sentence_wav):
    models = tmp_path / "models"
    models.mkdir()
    (models / "my-tiny").symlink_to(tiny_model, target_is_directory=True)
    session = tmp_path / "session"
    session.mkdir()
    captioned = subprocess.run([sys.executable, "-m", "captioner", "caption", "--input", str(sentence_wav), "--model", "my-tiny",
                                "--srt", str(session / "talk.srt"), "--keep-audio", "--quiet"], capture_output=True, text=True,
                               timeout=120, cwd=models)  # the folder named as a bare name, from the folder holding it
    assert captioned.returncode == 0, captioned.stderr
    refined = subprocess.run([sys.executable, "-m", "captioner", "refine", str(session / "talk.srt")], capture_output=True, text=True,
                             timeout=120, cwd=tmp_path)  # no --model, from elsewhere: the recording names the folder
    assert refined.returncode == 0, refined.stderr
    assert wer(SENTENCE, " ".join(c.content for c in parse_srt(session / "talk.srt"))) <= 0.2
    assert (session / "talk.live.srt").is_file()


def test_refine_a_session_without_audio(tmp_path, tiny_model, sentence_wav):
    done = run("caption", "--input", sentence_wav, "--model", tiny_model, "--srt", tmp_path / "talk.srt", "--quiet")
    assert done.returncode == 0, done.stderr
    done = run("refine", tmp_path / "talk.srt", "--model", tiny_model)
    assert done.returncode == 1
    assert "The session talk has no recorded audio" in done.stderr and "--keep-audio" in done.stderr


@pytest.mark.parametrize("kind", ["mp3", "mp4"])
def test_transcribe_a_recording(tmp_path, tiny_model, talk_wav, kind):
    audio = read_wav(talk_wav[0])
    media = write_mp3(tmp_path / "talk.mp3", audio, 44100, 2) if kind == "mp3" else write_video(tmp_path / "talk.mp4", audio)
    outs = {suffix: tmp_path / f"out.{suffix}" for suffix in ("srt", "txt", "vtt")}
    done = run("transcribe", media, "--model", tiny_model, *(a for s, p in outs.items() for a in (f"--{s}", p)), timeout=300)
    assert done.returncode == 0, done.stderr
    assert "100%" in done.stderr
    assert wer(" ".join(SENTENCES), " ".join(c.content for c in parse_srt(outs["srt"]))) <= 0.15
    assert wer(" ".join(SENTENCES), outs["txt"].read_text()) <= 0.15
    assert outs["vtt"].read_text().startswith("WEBVTT")
    assert all((p.stat().st_mode & 0o777) == 0o600 for p in outs.values())
    done = run("transcribe", media, "--model", tiny_model, "--txt", outs["txt"])
    assert done.returncode == 1 and "already exists (--overwrite replaces it)" in done.stderr


def test_transcribe_prints_the_transcript_and_says_what_it_cannot_read(tmp_path, tiny_model, sentence_wav):
    done = run("transcribe", sentence_wav, "--model", tiny_model)
    assert done.returncode == 0, done.stderr
    assert wer(SENTENCE, done.stdout) <= 0.2
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio")
    done = run("transcribe", bad, "--model", tiny_model)
    assert done.returncode == 1 and "is not audio in a format captioner reads" in done.stderr
    quiet = write_wav(tmp_path / "quiet.wav", np.zeros(3 * SR, np.float32))
    done = run("transcribe", quiet, "--model", tiny_model, "--txt", tmp_path / "quiet.txt")
    assert done.returncode == 0 and "no speech was heard in quiet.wav" in done.stderr  # said, and its (empty) file written
    assert (tmp_path / "quiet.txt").read_text() == ""


def test_transcribe_several_files_one_after_another_into_a_folder(tmp_path, tiny_model, sentence_wav):
    bad = tmp_path / "notes.mp3"
    bad.write_text("not audio")
    out = tmp_path / "transcripts"
    done = run("transcribe", sentence_wav, bad, sentence_wav, "--model", tiny_model, "--out-dir", out, timeout=300)
    assert done.returncode == 1  # one of them could not be read: said, skipped, the others done
    assert "skipped" in done.stderr and "is not audio in a format captioner reads" in done.stderr
    assert "(2 more after it)" in done.stderr
    stem = Path(sentence_wav).stem
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{s}{x}" for s in (stem, f"{stem}-2") for x in (".srt", ".txt", ".vtt"))
    for name in (stem, f"{stem}-2"):
        assert wer(SENTENCE, (out / f"{name}.txt").read_text()) <= 0.2
    done = run("transcribe", sentence_wav, sentence_wav, "--model", tiny_model)
    assert done.returncode == 0 and done.stdout.count("== ") == 2 and wer(SENTENCE + " " + SENTENCE, done.stdout.replace(f"== {Path(sentence_wav).name} ==", "")) <= 0.2
    done = run("transcribe", sentence_wav, sentence_wav, "--model", tiny_model, "--srt", tmp_path / "a.srt")
    assert done.returncode == 1 and "use --out-dir" in done.stderr


def test_a_refined_session_tells_its_speakers_apart_again(tmp_path, tiny_model):
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation, turns_of

    a, b = TWO_VOICES
    turns = [(a, VOICE_SENTENCES[0]), (b, VOICE_SENTENCES[1]), (a, VOICE_SENTENCES[2]), (b, VOICE_SENTENCES[3])]
    wav, _ = conversation(tmp_path / "call.wav", turns)
    out_txt = tmp_path / "call.txt"
    done = run("caption", "--input", wav, "--model", tiny_model, "--speakers", "--txt", out_txt, "--keep-audio", "--quiet")
    assert done.returncode == 0, done.stderr
    done = run("refine", out_txt, "--model", tiny_model, "--speakers", timeout=300)
    assert done.returncode == 0, done.stderr
    lines = out_txt.read_text().splitlines()
    assert turns_of([line.split(":", 1)[0] for line in lines]) == ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"], lines
    assert (tmp_path / "call.live.txt").is_file()
    assert wer(" ".join(t for _, t in turns), " ".join(line.split(":", 1)[1] for line in lines)) <= 0.2


def test_transcribe_a_recording_with_its_speakers_told_apart(tmp_path, tiny_model):
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation, turns_of

    a, b = TWO_VOICES
    turns = [(a, VOICE_SENTENCES[2]), (b, VOICE_SENTENCES[3]), (a, VOICE_SENTENCES[0])]
    wav, _ = conversation(tmp_path / "interview.wav", turns, gap_s=1.0)
    out = tmp_path / "interview.txt"
    done = run("transcribe", wav, "--model", tiny_model, "--speakers", "--txt", out, timeout=300)
    assert done.returncode == 0, done.stderr
    said = done.stderr.rsplit("100%", 1)[1]  # after the decoding's bar, the labelling is said
    assert "captioner: transcribing interview.wav: telling speakers apart…" in said, done.stderr
    assert turns_of([line.split(":", 1)[0] for line in out.read_text().splitlines()]) == ["Speaker 1", "Speaker 2", "Speaker 1"]


def test_the_number_of_people_given_is_how_many_speakers_the_transcript_has(tmp_path, tiny_model):
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation

    a, b = TWO_VOICES
    wav, _ = conversation(tmp_path / "interview.wav", [(a, VOICE_SENTENCES[2]), (b, VOICE_SENTENCES[3]), (a, VOICE_SENTENCES[0])], gap_s=1.0)
    out = tmp_path / "interview.txt"
    done = run("transcribe", "--speakers", "1", wav, "--model", tiny_model, "--txt", out, timeout=300)  # "one person speaks"
    assert done.returncode == 0, done.stderr
    assert {line.split(":", 1)[0] for line in out.read_text().splitlines()} == {"Speaker 1"}
    out.unlink()
    done = run("transcribe", "--speakers", wav, "--model", tiny_model, "--txt", out, timeout=300)  # a FILE after it is no number
    assert done.returncode == 0, done.stderr
    assert {line.split(":", 1)[0] for line in out.read_text().splitlines()} == {"Speaker 1", "Speaker 2"}
    for bad in ("0", "3-2", "2.5"):
        done = run("caption", "--input", wav, "--model", tiny_model, "--speakers", bad)
        assert done.returncode == 2 and "is not a number of speakers" in done.stderr, done.stderr


def test_one_word_sentences_with_speakers_on_are_transcribed_and_refined(tmp_path, tiny_model):
    """One-word replies ("Okay.") are sentences of their own, often shorter than the 210 ms the voice encoder's silence
    trim smooths over (tests/voices/test_encoder.py): with speakers on, `transcribe` and `refine` must write every word,
    labelled, with no warning; a labeller that fails leaves the transcript unlabelled, never lost."""
    from tests.speech import TWO_VOICES, VOICE_SENTENCES, conversation

    a, b = TWO_VOICES
    turns = [(a, VOICE_SENTENCES[0]), (b, "Okay."), (a, VOICE_SENTENCES[1]), (b, "Yes."), (a, VOICE_SENTENCES[2])]
    wav, _ = conversation(tmp_path / "call.wav", turns, gap_s=1.0)
    out = tmp_path / "call.txt"
    done = run("transcribe", wav, "--model", tiny_model, "--speakers", "--txt", out, timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr and "not told apart" not in done.stderr, done.stderr
    text = out.read_text()
    assert text.startswith("Speaker 1:")  # labelled
    assert wer(" ".join(t for _, t in turns), " ".join(line.split(":", 1)[-1] for line in text.splitlines())) <= 0.25
    live = tmp_path / "live.txt"
    done = run("caption", "--input", wav, "--model", tiny_model, "--speakers", "--txt", live, "--keep-audio", "--quiet")
    assert done.returncode == 0, done.stderr
    done = run("refine", live, "--model", tiny_model, "--speakers", timeout=300)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert wer(" ".join(t for _, t in turns), " ".join(line.split(":", 1)[-1] for line in live.read_text().splitlines())) <= 0.25


def test_ctrl_c_in_transcribe_says_so_at_once_and_keeps_what_was_transcribed(tmp_path, tiny_model, talk_wav):
    import re
    import signal

    talk = read_wav(talk_wav[0])
    long = write_wav(tmp_path / "long.wav", np.concatenate([talk] * int(np.ceil(480 * SR / len(talk)))))  # eight minutes
    srt_path = tmp_path / "long.srt"
    proc = captioner("transcribe", long, "--model", tiny_model, "--srt", srt_path)
    said: list[str] = []
    reader = threading.Thread(target=lambda: said.extend(iter(lambda: proc.stderr.read(1), "")), daemon=True)
    reader.start()
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        done = [int(n) for n in re.findall(r"(\d+)/\d+ s of audio", "".join(said))]
        if done and 0 < done[-1] < 400:  # the first pieces are transcribed, the rest not yet
            break
        time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=120)
    reader.join(timeout=10)
    err = "".join(said)
    assert proc.returncode == 130 and "Traceback" not in err, err
    assert "captioner: stopping; keeping what was transcribed of long.wav so far (Ctrl-C again to quit now)" in err
    kept = re.search(r"stopped: kept the first (\d+):(\d\d) of 8:0\d of long.wav \((\d+) captions\)", err)
    assert kept, err
    kept_s = int(kept[1]) * 60 + int(kept[2])
    captions = parse_srt(srt_path)
    assert 0 < kept_s < 480 and len(captions) == int(kept[3]) > 0
    assert captions[-1].end.total_seconds() <= kept_s + 1
    assert wer(" ".join(SENTENCES), " ".join(c.content for c in captions[: len(SENTENCES)])) <= 0.2


@pytest.mark.parametrize("command", ["caption", "transcribe"])
def test_translate_with_an_english_only_model_is_refused_in_one_line(tmp_path, tiny_model, sentence_wav, command):
    out = tmp_path / "out.txt"
    done = run(command, *(["--input"] if command == "caption" else []), sentence_wav, "--model", tiny_model, "--translate",
               "--txt", out, timeout=120)
    assert done.returncode == 1 and not out.exists()
    said = done.stderr.strip().splitlines()[-1]
    assert "is English-only; it cannot translate" in said and "leave out --translate" in said


@pytest.mark.timeout(300)
def test_transcribe_writes_chinese_in_the_script_asked_for(tmp_path, base_model, chinese_wav):
    from captioner.subtitles.chinese import SIMPLIFIED, in_script, script_of

    out = tmp_path / "out.txt"
    done = run("transcribe", chinese_wav, "--model", base_model, "--language", "zh", "--chinese-script", "simplified",
               "--txt", out, timeout=240)
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert script_of(text) == SIMPLIFIED and in_script(text, SIMPLIFIED) == text
