"""The library's index: made from the files, brought up to them as they change, searched in every language."""

from __future__ import annotations

import os

from captioner.channels import MICROPHONE, SYSTEM
from captioner.library.folder import scan_folder
from captioner.library.index import LIVE, MEETING, TRANSCRIPTION, SearchIndex
from tests.library.sessions import final, live_session


def indexed(folder, index_path):
    index = SearchIndex(index_path)
    stored = scan_folder(folder)
    return index, stored, index.refresh(stored)


def test_sessions_are_listed_newest_first_with_what_they_are(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder, "2026-03-10_09-30", audio=2)
    live_session(folder, "2026-03-11_14-00", events=[final(1, "Notes to self.", 0, 2)], audio=1)
    live_session(folder, "lecture", kinds=("srt", "txt", "vtt"))
    os.utime(folder / "lecture.srt", (1_600_000_000, 1_600_000_000))
    index, stored, read = indexed(folder, tmp_path / "index.sqlite3")
    listed = index.sessions(stored)
    assert read == 3
    assert [(s.stem, s.title, s.kind, len(s.audio), s.lines) for s in listed] == [
        ("2026-03-11_14-00", "2026-03-11 14:00", LIVE, 1, 1),
        ("2026-03-10_09-30", "2026-03-10 09:30", MEETING, 2, 3),
        ("lecture", "lecture", TRANSCRIPTION, 0, 3)]
    assert listed[1].people == ("You", "Speaker 1", "Speaker 2") and listed[1].length_s == 18.0


def test_only_the_sessions_whose_files_changed_are_read_again_and_gone_ones_are_dropped(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder, "2026-03-10_09-30")
    live_session(folder, "2026-03-11_09-30")
    index, stored, _ = indexed(folder, tmp_path / "index.sqlite3")
    assert index.refresh(scan_folder(folder)) == 0
    with open(folder / "2026-03-11_09-30.txt", "a", encoding="utf-8") as out:
        out.write("Others: one more\n")
    (folder / "2026-03-10_09-30.srt").unlink()
    (folder / "2026-03-10_09-30.txt").unlink()
    assert index.refresh(scan_folder(folder)) == 1
    assert [s.stem for s in index.sessions(scan_folder(folder))] == ["2026-03-11_09-30"]
    assert {h.stem for h in index.search("budget")} == {"2026-03-11_09-30"}


def test_a_search_gives_the_lines_with_their_session_time_and_speaker_the_newest_first(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder, "2026-03-10_09-30")
    live_session(folder, "2026-03-12_09-30", events=[final(1, "The budget is approved.", 61.0, 63.0, channel=SYSTEM)])
    index, _, _ = indexed(folder, tmp_path / "index.sqlite3")
    hits = index.search("BUDG")
    assert [(h.stem, h.n, h.start_s, h.speaker, h.text) for h in hits] == [
        ("2026-03-12_09-30", 0, 61.0, "Others", "The budget is approved."),
        ("2026-03-10_09-30", 2, 16.5, "Speaker 2", "Yes, the budget first.")]
    assert [h.text for h in index.search("budget approved")] == ["The budget is approved."]
    assert index.search("budget", limit=1)[0].stem == "2026-03-12_09-30"
    assert index.search("nothing-like-this") == [] and index.search("   ") == []
    assert len(index.search("bud")) == 2 and index.search("bu") == []  # from three letters a word finds the words it begins


def test_words_are_found_in_every_language_however_short(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    lines = ["今日の会議は十時から始まります。", "我们明天开会讨论预算。", "ประชุมพรุ่งนี้เช้า", "내일 회의에서 만나요.",
             "Das Café öffnet um neun.", "Встреча завтра в девять.", "الاجتماع غدا"]
    live_session(folder, events=[final(n, text, n * 3.0, n * 3.0 + 2, channel=MICROPHONE) for n, text in enumerate(lines, 1)])
    index, _, _ = indexed(folder, tmp_path / "index.sqlite3")
    for word, line in [("会議", 0), ("議", 0), ("开会", 1), ("预算", 1), ("ประชุม", 2), ("회의", 3), ("cafe", 4),
                       ("ÖFFNET", 4), ("встреча", 5), ("الاجتماع", 6)]:
        assert [h.text for h in index.search(word)] == [lines[line]], word
    assert index.search("会話") == []  # two characters that never stand together


def test_chinese_is_found_whatever_script_the_line_or_the_search_is_written_in(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    lines = ["我們明天開會討論預算。", "我们后天开会。", "今天天氣很好。"]
    live_session(folder, events=[final(n, text, n * 3.0, n * 3.0 + 2, channel=MICROPHONE) for n, text in enumerate(lines, 1)])
    index, _, _ = indexed(folder, tmp_path / "index.sqlite3")
    for word in ("开会", "開會"):
        assert sorted(h.text for h in index.search(word)) == sorted(lines[:2]), word  # shown as they are written
    assert [h.text for h in index.search("天气")] == [lines[2]]


def test_an_index_deleted_or_damaged_is_made_again_from_the_files(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder)
    path = tmp_path / "index.sqlite3"
    index, _, _ = indexed(folder, path)
    found = index.search("budget")
    index.close()
    path.write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"index.sqlite3{suffix}").unlink(missing_ok=True)
    again, _, read = indexed(folder, path)
    assert read == 1 and again.search("budget") == found
    again.forget()
    assert not path.exists()
    third, _, read = indexed(folder, path)
    assert read == 1 and third.search("budget") == found


def test_listing_and_indexing_never_write_a_sessions_file(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder)
    (folder / "broken.srt").write_bytes(b"1\n00:00:01,000 --> 00:00\n\xff\xfe")
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()}
    index, stored, _ = indexed(folder, tmp_path / "index.sqlite3")
    broken = next(s for s in index.sessions(stored) if s.stem == "broken")
    assert broken.notes and broken.lines == 0
    assert {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in folder.iterdir()} == before
