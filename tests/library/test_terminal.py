"""`captioner sessions`: the list, a search, a session printed and exported, from the command line."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

from captioner.cli import build_parser
from captioner.library import terminal
from captioner.settings import default_sessions_dir, default_settings_path
from tests.library.sessions import live_session

STEM = "2026-03-10_09-30"


def sessions(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = terminal.run(build_parser().parse_args(["sessions", *map(str, argv)]), out, err)
    return status, out.getvalue(), err.getvalue()


def test_the_list_shows_every_session_newest_first_and_a_damaged_one_with_its_note(tmp_path):
    live_session(tmp_path, audio=1)
    live_session(tmp_path, "2026-03-12_10-00", events=[])
    (tmp_path / "copied.srt").write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\nHello \xff there\n")
    os.utime(tmp_path / "copied.srt", (1_500_000_000, 1_500_000_000))
    status, out, _ = sessions("--folder", tmp_path)
    rows = out.splitlines()
    assert status == 0 and rows[0].split() == ["SESSION", "DATE", "LENGTH", "TITLE", "PEOPLE"]
    assert rows[1].startswith("2026-03-12_10-00") and "0:00:00" in rows[1]
    assert rows[2].startswith(STEM) and "0:00:18" in rows[2] and "You, Speaker 1, Speaker 2 [audio]" in rows[2]
    assert rows[3].startswith("copied") and "UTF-8" in rows[4]
    assert rows[-1] == f"3 sessions in {tmp_path}"


def test_an_empty_folder_says_so(tmp_path):
    assert sessions("--folder", tmp_path / "none") == (0, f"No sessions in {tmp_path / 'none'}.\n", "")


def test_a_search_prints_each_line_found_with_its_session_time_and_speaker(tmp_path):
    live_session(tmp_path)
    status, out, _ = sessions("--folder", tmp_path, "search", "the", "budg")
    assert status == 0 and out == f"{STEM}   0:00:16  Speaker 2: Yes, the budget first.\n"
    status, out, err = sessions("--folder", tmp_path, "search", "nowhere")
    assert status == 1 and out == "" and "Nothing found" in err


def test_a_session_is_printed_and_exported_in_each_format(tmp_path):
    folder = tmp_path / "sessions"
    folder.mkdir()
    live_session(folder)
    status, out, _ = sessions("--folder", folder, "show", f"{STEM}.txt")
    assert status == 0 and out.splitlines()[2] == " 0:00:16  Speaker 2: Yes, the budget first."
    status, out, _ = sessions("--folder", folder, "export", STEM, "--srt", tmp_path / "a.srt", "--txt", tmp_path / "a.txt",
                              "--vtt", tmp_path / "a.vtt")
    assert status == 0 and len(out.splitlines()) == 3
    assert (tmp_path / "a.srt").read_bytes() == (folder / f"{STEM}.srt").read_bytes()
    assert (tmp_path / "a.txt").read_bytes() == (folder / f"{STEM}.txt").read_bytes()
    assert "<v Speaker 2>Yes, the budget first." in (tmp_path / "a.vtt").read_text(encoding="utf-8")


def test_an_export_without_a_file_or_of_no_session_fails_with_a_message(tmp_path):
    live_session(tmp_path)
    status, _, err = sessions("--folder", tmp_path, "export", STEM)
    assert status == 2 and "--srt OUT --txt OUT --vtt OUT" in err
    status, _, err = sessions("--folder", tmp_path, "export", "nothing", "--txt", tmp_path / "x.txt")
    assert status == 1 and "No session 'nothing'" in err and not (tmp_path / "x.txt").exists()


def test_the_command_reads_the_apps_sessions_folder_from_its_settings(tmp_path):
    folder = tmp_path / "kept"
    folder.mkdir()
    live_session(folder)
    assert terminal.sessions_folder() == default_sessions_dir()
    default_settings_path().parent.mkdir(parents=True)
    default_settings_path().write_text(json.dumps({"autosave_dir": str(folder)}), encoding="utf-8")
    assert terminal.sessions_folder() == folder
    done = subprocess.run([sys.executable, "-m", "captioner", "sessions", "search", "budget"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and done.stdout.startswith(STEM), done.stderr
    default_settings_path().write_text("{broken", encoding="utf-8")
    assert terminal.sessions_folder() == default_sessions_dir()
    assert default_settings_path().read_text(encoding="utf-8") == "{broken"  # read, never set aside


def test_reading_many_sessions_into_the_index_shows_progress(tmp_path):
    for n in range(30):
        live_session(tmp_path, f"2026-03-{n + 1:02d}_09-30", events=[])
    status, _, err = sessions("--folder", tmp_path)
    assert status == 0 and err.splitlines()[-1] == "Reading sessions into the search index: 30/30"
    assert sessions("--folder", tmp_path)[2] == ""  # up to date: nothing read again
