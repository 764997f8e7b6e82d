"""Changing a kept session: through the transcript document, into every file at once, one writer at a time."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from filelock import FileLock

from captioner.library import editing
from captioner.library.editing import LOCK_NAME, EditRefused, corrected, delete_session, edited, renamed, without
from captioner.library.folder import scan_folder
from captioner.library.reading import read_session
from tests.library.sessions import LONG, live_session

STEM = "2026-03-10_09-30"


def texts(folder, *suffixes):
    return {s: (folder / f"{STEM}{s}").read_text(encoding="utf-8") for s in suffixes}


def test_a_corrected_line_is_in_every_file_of_the_session_and_the_live_copy_is_kept(tmp_path):
    live_session(tmp_path, kinds=("srt", "txt", "vtt"))
    live = {".live.srt": "1\n00:00:16,500 --> 00:00:18,000\nYes, the budget first.\n", ".live.txt": "Yes, the budget first.\n"}
    for suffix, text in live.items():
        (tmp_path / f"{STEM}{suffix}").write_text(text, encoding="utf-8")
    written = edited(tmp_path, STEM, lambda doc: corrected(doc, 2, "Yes, the bonus first.", "Yes, the budget first."))
    assert sorted(p.name for p in written) == [f"{STEM}.srt", f"{STEM}.txt", f"{STEM}.vtt"]
    for suffix, text in texts(tmp_path, ".srt", ".txt", ".vtt").items():
        assert "the bonus first" in text and "budget" not in text, suffix
    assert texts(tmp_path, ".live.srt", ".live.txt") == live
    assert "Speaker 2: Yes, the bonus first." in texts(tmp_path, ".txt")[".txt"]


def test_a_line_changed_since_it_was_shown_is_not_written_over(tmp_path):
    live_session(tmp_path)
    before = texts(tmp_path, ".srt", ".txt")
    with pytest.raises(EditRefused, match="changed since it was shown"):
        edited(tmp_path, STEM, lambda doc: corrected(doc, 2, "Yes.", "Yes, the budget last."))
    with pytest.raises(EditRefused, match="no line 9"):
        edited(tmp_path, STEM, lambda doc: without(doc, 8, None))
    assert texts(tmp_path, ".srt", ".txt") == before


def test_a_deleted_line_is_gone_from_every_file(tmp_path):
    live_session(tmp_path)
    edited(tmp_path, STEM, lambda doc: without(doc, 0, "Good morning everyone, shall we start?"))
    lines = read_session(scan_folder(tmp_path)[STEM]).lines
    assert [line.text for line in lines] == [LONG, "Yes, the budget first."]
    assert "Good morning" not in texts(tmp_path, ".srt")[".srt"]
    edited(tmp_path, STEM, lambda doc: corrected(doc, 0, "   ", None))  # a line corrected to nothing is deleted too
    assert [line.text for line in read_session(scan_folder(tmp_path)[STEM]).lines] == ["Yes, the budget first."]


def test_a_speaker_renamed_and_two_merged(tmp_path):
    live_session(tmp_path, kinds=("srt", "txt", "vtt"), srt_labels=True)
    edited(tmp_path, STEM, lambda doc: renamed(doc, "Speaker 1", "Ann"))
    assert read_session(scan_folder(tmp_path)[STEM]).people == ["You", "Ann", "Speaker 2"]
    edited(tmp_path, STEM, lambda doc: renamed(doc, "Speaker 2", "Ann"))
    reading = read_session(scan_folder(tmp_path)[STEM])
    assert reading.people == ["You", "Ann"] and reading.srt_labels
    files = texts(tmp_path, ".srt", ".txt", ".vtt")
    assert "Ann: Yes, the budget first." in files[".srt"] and "<v Ann>Yes, the budget first." in files[".vtt"]
    assert "Speaker" not in "".join(files.values())
    for bad in ("", "Ann: the boss", "x" * 61):
        with pytest.raises(EditRefused):
            edited(tmp_path, STEM, lambda doc, name=bad: renamed(doc, "Ann", name))
    with pytest.raises(EditRefused, match="No one is called Bob"):
        edited(tmp_path, STEM, lambda doc: renamed(doc, "Bob", "Rob"))


def test_a_session_that_could_not_all_be_read_is_not_changed(tmp_path):
    live_session(tmp_path)
    srt = tmp_path / f"{STEM}.srt"
    srt.write_text(srt.read_text(encoding="utf-8")[:-40], encoding="utf-8")
    before = texts(tmp_path, ".srt", ".txt")
    with pytest.raises(EditRefused, match="not all of it could be read"):
        edited(tmp_path, STEM, lambda doc: renamed(doc, "You", "Me"))
    assert texts(tmp_path, ".srt", ".txt") == before


def test_a_change_waits_for_another_writer_and_gives_up_without_writing(tmp_path, monkeypatch):
    live_session(tmp_path)
    before = texts(tmp_path, ".srt", ".txt")
    monkeypatch.setattr(editing, "LOCK_WAIT_S", 0.2)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from filelock import FileLock
        with FileLock({str(tmp_path / LOCK_NAME)!r}):
            print("held", flush=True)
            sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(EditRefused, match="Another window or the terminal"):
            edited(tmp_path, STEM, lambda doc: renamed(doc, "You", "Me"))
        assert texts(tmp_path, ".srt", ".txt") == before
    finally:
        holder.communicate("\n", timeout=30)
    edited(tmp_path, STEM, lambda doc: renamed(doc, "You", "Me"))
    assert "Me: Good morning" in texts(tmp_path, ".txt")[".txt"]


def test_two_writers_at_once_lose_no_change(tmp_path):
    events = [f"Line number {n} of the talk." for n in range(12)]
    from tests.library.sessions import final

    live_session(tmp_path, events=[final(n + 1, text, n * 2.0, n * 2.0 + 1.5) for n, text in enumerate(events)])
    script = textwrap.dedent("""
        import sys
        from captioner.library.editing import corrected, edited
        folder, stem, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
        for n in range(first, 12, 2):
            edited(__import__("pathlib").Path(folder), stem, lambda doc, n=n: corrected(doc, n, f"Line {n} corrected.", None))
    """)
    writers = [subprocess.Popen([sys.executable, "-c", script, str(tmp_path), STEM, str(first)]) for first in (0, 1)]
    assert [w.wait(timeout=120) for w in writers] == [0, 0]
    reading = read_session(scan_folder(tmp_path)[STEM])
    assert reading.notes == [] and [line.text for line in reading.lines] == [f"Line {n} corrected." for n in range(12)]


def test_a_deleted_session_takes_its_files_and_audio_and_no_other_sessions(tmp_path):
    live_session(tmp_path, audio=2)
    (tmp_path / f"{STEM}.session.json").write_text('{"title": "Standup"}', encoding="utf-8")
    others = live_session(tmp_path, f"{STEM}-2", audio=1)
    gone = delete_session(tmp_path, STEM)
    assert len(gone) == 5
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(p.name for p in others)
    assert delete_session(tmp_path, STEM) == []


def test_the_lock_file_is_private_and_no_session(tmp_path):
    live_session(tmp_path)
    with editing.locked(tmp_path):
        assert FileLock(tmp_path / LOCK_NAME).lock_file
    assert list(scan_folder(tmp_path)) == [STEM]
