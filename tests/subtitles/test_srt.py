from __future__ import annotations

import errno
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
import srt

import captioner
from captioner.channels import MICROPHONE, SYSTEM
from captioner.events import SAMPLE_RATE, CaptionEvent
from captioner.subtitles.cues import Cue, shape_cues
from captioner.subtitles.errors import SubtitleFileError, SubtitleFileExistsError
from captioner.subtitles.srt import LiveSrtWriter, format_srt, format_srt_block, format_timestamp, write_srt
from tests.subtitles.test_cues import LONG_TEXT, final

SESSION_TEXTS = [
    "Good morning, everyone.",
    LONG_TEXT,
    "Let's start with the budget. Maria, could you share your screen?",
    "Sure, one moment.",
    "Can everybody see the spreadsheet now? The first tab has last year's numbers, "
    "and the second one has the plan for next year.",
]


def session() -> list[CaptionEvent]:
    events, t = [], 0.5
    for i, text in enumerate(SESSION_TEXTS):
        seconds = max(1.5, len(text) / 15)
        events.append(CaptionEvent(2 * i, round(t * SAMPLE_RATE), round((t + 1) * SAMPLE_RATE), text[:20], False))
        events.append(final(text, t, t + seconds, id=2 * i + 1))
        t += seconds + 0.8
    return events


def ms(samples: int) -> timedelta:
    return timedelta(milliseconds=round(samples * 1000 / SAMPLE_RATE))


def expected(events: list[CaptionEvent]) -> list[srt.Subtitle]:
    cues = [cue for event in events if event.final for cue in shape_cues(event)]
    return [srt.Subtitle(i, ms(c.start), ms(c.end), c.text) for i, c in enumerate(cues, 1)]


def parse(path: Path) -> list[srt.Subtitle]:
    return list(srt.parse(path.read_text(encoding="utf-8"), ignore_errors=False))


@pytest.mark.parametrize(
    ("samples", "text"),
    [
        (0, "00:00:00,000"),
        (16, "00:00:00,001"),
        (7, "00:00:00,000"),
        (8, "00:00:00,001"),
        (15_991, "00:00:00,999"),
        (15_992, "00:00:01,000"),
        (59_999 * 16 + 15, "00:01:00,000"),
        ((3600 + 2 * 60 + 3) * SAMPLE_RATE + 456 * 16, "01:02:03,456"),
        (100 * 3600 * SAMPLE_RATE, "100:00:00,000"),
    ],
)
def test_format_timestamp(samples: int, text: str):
    assert format_timestamp(samples) == text


def test_format_timestamp_rejects_negative_times():
    with pytest.raises(ValueError):
        format_timestamp(-1)


def test_format_srt_block():
    cue = Cue(SAMPLE_RATE, SAMPLE_RATE * 5 // 2, ("line one", "line two"))
    assert format_srt_block(1, cue) == "1\n00:00:01,000 --> 00:00:02,500\nline one\nline two\n\n"


def test_live_file_is_valid_after_every_final(tmp_path: Path):
    path = tmp_path / "live.srt"
    events = session()
    with LiveSrtWriter(path) as writer:
        assert path.read_bytes() == b""
        for n, event in enumerate(events, 1):
            writer.on_caption(event)
            received = events[:n]
            subtitles = parse(path)
            assert subtitles == expected(received)
            assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
            assert writer.cues_written == len(subtitles)
            assert writer.finals == [e for e in received if e.final]
    assert writer.closed
    assert len(parse(path)) > len(SESSION_TEXTS)
    assert path.read_text(encoding="utf-8") == format_srt(events)


def test_interim_captions_are_ignored(tmp_path: Path):
    path = tmp_path / "live.srt"
    with LiveSrtWriter(path) as writer:
        writer.on_caption(CaptionEvent(1, 0, SAMPLE_RATE, "hello wor", False))
        assert path.read_bytes() == b""
        assert writer.finals == [] and writer.cues_written == 0
        writer.on_caption(final("Hello world.", 0.0, 1.5))
        writer.on_caption(CaptionEvent(2, 2 * SAMPLE_RATE, 3 * SAMPLE_RATE, "and th", False))
        assert [s.content for s in parse(path)] == ["Hello world."]
        assert writer.cues_written == 1


def test_empty_final_is_kept_but_writes_nothing(tmp_path: Path):
    path = tmp_path / "live.srt"
    empty = CaptionEvent(1, 0, SAMPLE_RATE, " ", True)
    with LiveSrtWriter(path) as writer:
        writer.on_caption(empty)
        writer.on_caption(final("Next.", 1.0, 2.0, id=2))
        assert writer.finals[0] == empty
    assert [(s.index, s.content) for s in parse(path)] == [(1, "Next.")]


def test_existing_file_is_not_overwritten(tmp_path: Path):
    path = tmp_path / "old.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:01,000\nold\n\n", encoding="utf-8")
    with pytest.raises(SubtitleFileExistsError) as caught:
        LiveSrtWriter(path)
    assert isinstance(caught.value, FileExistsError)
    assert isinstance(caught.value, SubtitleFileError)
    assert str(path) in str(caught.value) and "already exists" in str(caught.value)
    assert [s.content for s in parse(path)] == ["old"]


def test_overwrite_starts_a_fresh_file(tmp_path: Path):
    path = tmp_path / "old.srt"
    path.write_text("1\n00:00:00,000 --> 00:00:01,000\nold\n\n", encoding="utf-8")
    with LiveSrtWriter(path, overwrite=True) as writer:
        assert path.read_bytes() == b""
        writer.on_caption(final("New text.", 0.0, 1.5))
    assert [(s.index, s.content) for s in parse(path)] == [(1, "New text.")]


@pytest.fixture
def unwritable(tmp_path: Path):
    """A path whose folder cannot take a new file, even for root."""
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):
        (tmp_path / "afile").write_text("not a folder")
        yield tmp_path / "afile" / "x.srt"
    else:
        yield folder / "x.srt"
    folder.chmod(0o700)


def test_unwritable_folder_fails_at_construction(unwritable: Path):
    with pytest.raises(SubtitleFileError) as caught:
        LiveSrtWriter(unwritable)
    check_create_error(caught.value, unwritable)


def test_missing_folder_fails_at_construction(tmp_path: Path):
    path = tmp_path / "missing" / "x.srt"
    with pytest.raises(SubtitleFileError) as caught:
        LiveSrtWriter(path)
    check_create_error(caught.value, path)


def check_create_error(error: SubtitleFileError, path: Path) -> None:
    assert str(path) in str(error)
    assert "choose another folder" in str(error).lower()
    assert isinstance(error, OSError) and error.errno is not None
    assert error.path == path
    assert not path.exists()


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
def test_full_disk_raises_a_useful_error():
    with LiveSrtWriter("/dev/full", overwrite=True) as writer:
        with pytest.raises(SubtitleFileError) as caught:
            writer.on_caption(final("Nowhere to go.", 0.0, 1.5))
        assert caught.value.errno == errno.ENOSPC
        assert "/dev/full" in str(caught.value)
        assert "free some disk space" in str(caught.value).lower()
        assert len(writer.finals) == 1 and writer.cues_written == 0


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
def test_failed_write_keeps_the_earlier_captions_and_the_next_write_brings_back_the_lost_one(tmp_path: Path):
    import resource

    path = tmp_path / "live.srt"
    events = [e for e in session() if e.final]
    with LiveSrtWriter(path) as writer:
        writer.on_caption(events[0])
        writer.on_caption(events[1])
        before = path.read_bytes()
        limits = resource.getrlimit(resource.RLIMIT_FSIZE)
        handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 30, limits[1]))
        try:
            with pytest.raises(SubtitleFileError) as caught:
                writer.on_caption(events[2])
        finally:
            resource.setrlimit(resource.RLIMIT_FSIZE, limits)
            signal.signal(signal.SIGXFSZ, handler)
        assert str(path) in str(caught.value)
        assert "free some disk space" in str(caught.value).lower()
        assert path.read_bytes() == before
        assert parse(path) == expected(events[:2])
        assert writer.finals == events[:3]
        assert not writer.saved
        writer.on_caption(events[3])  # the disk has room again: the file is written whole, nothing lost
        assert writer.saved
    assert parse(path) == expected(events[:4])
    assert path.stat().st_mode & 0o777 == 0o600


def test_on_caption_after_close_raises(tmp_path: Path):
    writer = LiveSrtWriter(tmp_path / "x.srt")
    writer.close()
    writer.close()
    with pytest.raises(ValueError):
        writer.on_caption(final("Late.", 0.0, 1.0))


KILLED_WRITER = """
import sys
from captioner.subtitles.srt import LiveSrtWriter
from tests.subtitles.test_cues import LONG_TEXT, final
writer = LiveSrtWriter(sys.argv[1])
step = float(sys.argv[2])
print("ready", flush=True)
i = 0
while True:
    writer.on_caption(final(LONG_TEXT, i * step, i * step + 20.0, id=i))
    i += 1
"""


def killed_writer(path: Path, step_s: float, delay: float) -> list[srt.Subtitle]:
    """Run a writer of 20 s finals, one every `step_s`, in a process killed with SIGKILL after `delay`; its file, parsed."""
    root = Path(captioner.__file__).resolve().parent.parent
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path), str(step_s)],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        stdout=subprocess.PIPE,
    )
    assert child.stdout.readline() == b"ready\n"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait()
    child.stdout.close()
    return parse(path)


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5])
def test_kill_at_any_moment_leaves_a_valid_file(tmp_path: Path, delay: float):
    subtitles = killed_writer(tmp_path / "killed.srt", 30.0, delay)
    assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
    per_final = len(shape_cues(final(LONG_TEXT, 0.0, 20.0)))
    assert len(subtitles) % per_final == 0


def test_write_srt_exports_finals_atomically(tmp_path: Path):
    path = tmp_path / "session.srt"
    path.write_text("old content", encoding="utf-8")
    events = session()
    write_srt(path, events)
    assert parse(path) == expected(events)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["session.srt"]


def test_write_srt_matches_the_live_file(tmp_path: Path):
    events = session()
    with LiveSrtWriter(tmp_path / "live.srt") as writer:
        for event in events:
            writer.on_caption(event)
    write_srt(tmp_path / "export.srt", writer.finals)
    assert (tmp_path / "export.srt").read_bytes() == (tmp_path / "live.srt").read_bytes()


def test_write_srt_failure_leaves_no_temp_file(tmp_path: Path):
    target = tmp_path / "taken.srt"
    target.mkdir()
    with pytest.raises(SubtitleFileError) as caught:
        write_srt(target, session())
    assert str(target) in str(caught.value)
    assert [p.name for p in tmp_path.iterdir()] == ["taken.srt"]


def test_write_srt_to_an_unwritable_folder_raises(unwritable: Path):
    with pytest.raises(SubtitleFileError) as caught:
        write_srt(unwritable, session())
    check_create_error(caught.value, unwritable)


def overlapping_talk() -> list[CaptionEvent]:
    """Two people talking at once, finals handed out in the order they began: a long one (several cues) from
    "You", and "Others" beginning in its middle, so their cues interleave; then one after both."""
    you = final(LONG_TEXT, 10.0, 30.0, id=1)
    others = final("I have a question about the database driver. Can we keep it for one more release?", 16.0, 22.0, id=2)
    later = final("Sure, let's talk about it after the meeting.", 31.0, 33.0, id=3)
    return [replace(you, channel=MICROPHONE), replace(others, channel=SYSTEM), replace(later, channel=MICROPHONE)]


def starts(subtitles: list[srt.Subtitle]) -> list[timedelta]:
    return [s.start for s in subtitles]


def test_cues_of_overlapping_finals_are_written_in_start_order_at_every_moment(tmp_path: Path):
    events = overlapping_talk()
    you, others, later = events
    assert shape_cues(you)[-1].start > others.start  # the rule is needed: "You" has a cue after "Others" began
    path = tmp_path / "live.srt"
    with LiveSrtWriter(path, srt_labels=True) as writer:
        for n, event in enumerate(events, 1):
            writer.on_caption(event)
            subtitles = parse(path)
            assert starts(subtitles) == sorted(starts(subtitles))
            assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
            assert path.read_text(encoding="utf-8") == format_srt(events[:n], srt_labels=True)
            assert writer.cues_written == len(subtitles) and writer.saved
    contents = [s.content for s in parse(path)]
    assert {c.split(":")[0] for c in contents[1:-1]} == {"You", "Others"}  # interleaved, both sides
    assert contents[-1].startswith("You: Sure")
    assert path.stat().st_mode & 0o777 == 0o600


def test_an_in_order_cue_is_appended_one_out_of_order_rewrites_the_file_whole(tmp_path: Path):
    """The common case stays cheap: the same file grows; a cue that goes before the last one has the file
    replaced by a sorted, renumbered one (a new file moved over it)."""
    you, others, later = overlapping_talk()
    path = tmp_path / "live.srt"
    with LiveSrtWriter(path) as writer:
        writer.on_caption(you)
        first = path.stat().st_ino
        writer.on_caption(others)  # out of order: written whole
        second = path.stat().st_ino
        size = path.stat().st_size
        writer.on_caption(later)  # in order again: appended to that file
        assert path.stat().st_ino == second != first and path.stat().st_size > size
    assert starts(parse(path)) == sorted(starts(parse(path)))
    assert [p.name for p in tmp_path.iterdir()] == ["live.srt"]  # no temporary file left


def test_exports_put_overlapping_finals_in_start_order(tmp_path: Path):
    from captioner.subtitles.vtt import write_vtt

    events = overlapping_talk()
    write_srt(tmp_path / "x.srt", events, srt_labels=True)
    write_vtt(tmp_path / "x.vtt", events)
    subtitles = parse(tmp_path / "x.srt")
    assert starts(subtitles) == sorted(starts(subtitles)) and len(subtitles) == sum(len(shape_cues(e)) for e in events)
    vtt_starts = re.findall(r"^(\d\d:\d\d:\d\d\.\d\d\d) -->", (tmp_path / "x.vtt").read_text(encoding="utf-8"), re.M)
    assert len(vtt_starts) == len(subtitles) and vtt_starts == sorted(vtt_starts)
    assert vtt_starts == [format_timestamp(round(s.start.total_seconds() * SAMPLE_RATE), decimal=".") for s in subtitles]


@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
@pytest.mark.parametrize("delay", [0.05, 0.2, 0.5, 1.0])
def test_kill_while_cues_go_out_of_order_leaves_a_valid_file_in_start_order(tmp_path: Path, delay: float):
    """Each final begins 8 s after the one before and lasts 20 s: its first cue goes before the last one written."""
    path = tmp_path / "killed.srt"
    subtitles = killed_writer(path, 8.0, delay)
    assert [s.index for s in subtitles] == list(range(1, len(subtitles) + 1))
    assert starts(subtitles) == sorted(starts(subtitles))
    per_final = len(shape_cues(final(LONG_TEXT, 0.0, 20.0)))
    assert len(subtitles) % per_final == 0  # whole finals only
    written = [final(LONG_TEXT, i * 8.0, i * 8.0 + 20.0, id=i) for i in range(len(subtitles) // per_final)]
    assert path.read_text(encoding="utf-8") == format_srt(written)  # the finals written so far, sorted and numbered
