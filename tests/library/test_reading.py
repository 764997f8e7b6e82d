"""A session's lines read back from its files: finals with who said them and their times, and notes for damage."""

from __future__ import annotations

from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import SAMPLE_RATE
from captioner.library.folder import scan_folder
from captioner.library.reading import read_session
from captioner.transcript import Transcript
from tests.library.sessions import LONG, final, live_session

STEM = "2026-03-10_09-30"


def read(folder, stem=STEM):
    return read_session(scan_folder(folder)[stem])


def test_a_live_sessions_lines_are_its_finals_with_the_txts_speakers_and_the_srts_times(tmp_path):
    live_session(tmp_path)
    reading = read(tmp_path)
    assert reading.notes == [] and reading.timed
    assert [(line.speaker, line.text) for line in reading.lines] == [
        ("You", "Good morning everyone, shall we start?"), ("Speaker 1", LONG), ("Speaker 2", "Yes, the budget first.")]
    long = reading.lines[1]
    assert len(long.parts) == 2  # the final was cut into two subtitles
    assert long.start == int(3.5 * SAMPLE_RATE) and abs(long.end - 16 * SAMPLE_RATE) < SAMPLE_RATE // 100
    assert reading.people == ["You", "Speaker 1", "Speaker 2"] and reading.length == 18 * SAMPLE_RATE


def test_two_people_talking_at_once_interleave_their_subtitles_and_still_read_as_their_lines(tmp_path):
    events = [final(1, LONG, 0.0, 12.0, channel=MICROPHONE),
              final(2, "I see, and when does the search come, in the same release as the library?", 1.0, 11.0, channel=SYSTEM)]
    live_session(tmp_path, events=events)
    srt = (tmp_path / f"{STEM}.srt").read_text(encoding="utf-8")
    assert srt.index("I see") < srt.index("and after that")  # the cues of the two finals interleave
    reading = read(tmp_path)
    assert reading.notes == []
    assert [(line.speaker, line.text) for line in reading.lines] == [("You", LONG), ("Others", events[1].text)]


def test_a_labelled_srt_alone_says_who_spoke(tmp_path):
    live_session(tmp_path, kinds=("srt",), srt_labels=True)
    reading = read(tmp_path)
    assert reading.srt_labels and reading.notes == []
    assert [line.speaker for line in reading.lines] == ["You", "Speaker 1", "Speaker 1", "Speaker 2"]  # one line a cue


def test_a_refined_sessions_vtt_gives_the_voices_and_the_live_copy_is_not_read(tmp_path):
    live_session(tmp_path, kinds=("srt", "txt", "vtt"))
    (tmp_path / f"{STEM}.live.srt").write_text("1\n00:00:00,000 --> 00:00:01,000\nlive words\n", encoding="utf-8")
    reading = read(tmp_path)
    assert [line.speaker for line in reading.lines] == ["You", "Speaker 1", "Speaker 2"]
    assert "live words" not in " ".join(line.text for line in reading.lines)


def test_chinese_and_japanese_lines_are_read_whole(tmp_path):
    events = [final(1, "今日の会議は十時から始まります。" * 3, 0.0, 9.0, channel=MICROPHONE),
              final(2, "我们明天开会讨论预算。", 9.5, 12.0, channel=SYSTEM)]
    live_session(tmp_path, events=events)
    reading = read(tmp_path)
    assert reading.notes == [] and [line.text for line in reading.lines] == [e.text for e in events]


def test_a_session_whose_srt_was_cut_short_is_read_from_its_srt_with_a_note(tmp_path):
    live_session(tmp_path)
    srt = tmp_path / f"{STEM}.srt"
    text = srt.read_text(encoding="utf-8")
    srt.write_text(text[: text.index("Yes, the")], encoding="utf-8")  # the last subtitle's text never written
    reading = read(tmp_path)
    assert len(reading.lines) == 3 and reading.lines[-1].text.startswith("and after that")
    assert any("disagree" in note for note in reading.notes) and any("1 of its subtitles" in note for note in reading.notes)


def test_a_file_that_is_not_text_is_listed_with_a_note(tmp_path):
    (tmp_path / "broken.srt").write_bytes(b"\x00\xff\xfe garbage \x89PNG\r\n")
    reading = read(tmp_path, "broken")
    assert reading.lines == [] and len(reading.notes) == 2
    assert "UTF-8" in reading.notes[0] and "no subtitles or lines could be read" in reading.notes[1]


def test_a_file_partly_not_utf8_keeps_what_can_be_read(tmp_path):
    (tmp_path / "latin.srt").write_bytes("1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9 au lait\n".encode("latin-1"))
    reading = read(tmp_path, "latin")
    assert reading.lines[0].text == "Caf\ufffd au lait" and "UTF-8" in reading.notes[0]


def test_a_plain_text_alone_gives_lines_without_times(tmp_path):
    (tmp_path / "old.txt").write_text("You: hello there\nOthers: hi\n", encoding="utf-8")
    reading = read(tmp_path, "old")
    assert not reading.timed and reading.notes == []
    assert [(line.speaker, line.text, line.start) for line in reading.lines] == [("You", "hello there", 0), ("Others", "hi", 0)]


def test_empty_files_are_a_session_without_lines_and_without_a_note(tmp_path):
    (tmp_path / f"{STEM}.srt").write_text("", encoding="utf-8")
    (tmp_path / f"{STEM}.txt").write_text("", encoding="utf-8")
    reading = read(tmp_path)
    assert reading.lines == [] and reading.notes == []


def test_a_recording_alone_is_a_session_without_lines(tmp_path):
    (tmp_path / f"{STEM}.audio.opus").write_bytes(b"OggS")
    reading = read(tmp_path)
    assert reading.lines == [] and "only its recorded audio" in reading.notes[0]


def test_a_line_as_a_caption_is_cut_into_the_same_subtitles_again(tmp_path):
    live_session(tmp_path)
    before = (tmp_path / f"{STEM}.srt").read_text(encoding="utf-8")
    reading = read(tmp_path)
    doc = Transcript([line.event() for line in reading.lines], labels={})
    assert doc.render("srt") == before
    assert doc.render("txt") == (tmp_path / f"{STEM}.txt").read_text(encoding="utf-8")


def test_a_labelled_srt_beside_its_txt_reads_as_the_txts_lines(tmp_path):
    live_session(tmp_path, srt_labels=True)
    reading = read(tmp_path)
    assert reading.notes == [] and reading.srt_labels
    assert [(line.speaker, len(line.parts)) for line in reading.lines] == [("You", 1), ("Speaker 1", 2), ("Speaker 2", 1)]
