"""Subtitle files from final captions: SRT, WebVTT and plain text."""

from captioner.subtitles.cues import Cue, shape_cues, wrap_lines
from captioner.subtitles.errors import SubtitleFileError, SubtitleFileExistsError
from captioner.subtitles.srt import LiveSrtWriter, write_srt
from captioner.subtitles.txt import LiveTxtWriter, write_txt
from captioner.subtitles.vtt import write_vtt

__all__ = [
    "Cue",
    "LiveSrtWriter",
    "LiveTxtWriter",
    "SubtitleFileError",
    "SubtitleFileExistsError",
    "shape_cues",
    "wrap_lines",
    "write_srt",
    "write_txt",
    "write_vtt",
]
