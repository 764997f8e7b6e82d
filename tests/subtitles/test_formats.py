"""The one list of subtitle formats: each entry writes what its own module writes, and the live ones keep a file
that ends up as the whole-session export."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from captioner.channels import MICROPHONE
from captioner.subtitles.formats import FORMATS, format_named, live_formats
from captioner.subtitles.srt import format_srt
from captioner.subtitles.txt import format_txt
from captioner.subtitles.vtt import format_vtt
from tests.subtitles.test_txt_vtt import SESSION

LABELLED = [replace(event, channel=MICROPHONE) for event in SESSION]


def test_the_formats_are_srt_txt_vtt_in_that_order_with_their_own_texts() -> None:
    assert [fmt.name for fmt in FORMATS] == ["srt", "txt", "vtt"]
    assert [fmt.suffix for fmt in FORMATS] == [".srt", ".txt", ".vtt"]
    assert [fmt.name for fmt in live_formats()] == ["srt", "txt"]
    assert format_named("srt").format(LABELLED) == format_srt(LABELLED)
    assert format_named("srt").format(LABELLED, srt_labels=True) == format_srt(LABELLED, srt_labels=True) != format_srt(LABELLED)
    assert format_named("txt").format(LABELLED, srt_labels=True) == format_txt(LABELLED)
    assert format_named("vtt").format(LABELLED, srt_labels=True) == format_vtt(LABELLED)
    assert [fmt.file_filter for fmt in FORMATS] == ["SubRip subtitles (*.srt)", "Text files (*.txt)", "WebVTT subtitles (*.vtt)"]
    assert [fmt.plain_title for fmt in FORMATS] == ["SRT subtitles", "plain text", "WebVTT subtitles"]
    with pytest.raises(KeyError):
        format_named("docx")


@pytest.mark.parametrize("fmt", live_formats(), ids=lambda fmt: fmt.name)
@pytest.mark.parametrize("srt_labels", [False, True])
def test_a_live_file_ends_as_the_export_of_the_same_captions(tmp_path: Path, fmt, srt_labels: bool) -> None:
    with fmt.open_live(tmp_path / f"live{fmt.suffix}", srt_labels=srt_labels) as writer:
        for event in LABELLED:
            writer.on_caption(event)
    fmt.write(tmp_path / f"whole{fmt.suffix}", LABELLED, srt_labels=srt_labels)
    assert writer.path.read_text() == (tmp_path / f"whole{fmt.suffix}").read_text()


def test_a_format_without_a_live_writer_refuses_to_open_one(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        format_named("vtt").open_live(tmp_path / "x.vtt")
