"""Subtitle files read back: the cues of an SRT or WebVTT text, for the transcript document (`Transcript.load`) and the
library (`captioner.library.reading`) alike.

A cue is its time line and the lines of text under it, up to a blank line; a WebVTT cue may name who speaks
(`<v Ann>`) and carry other tags, which are dropped, and entities, which are read back. A time line with no text
under it, or a text whose time line was cut off, gives no cue: `read_cues` counts them as lost.
"""

from __future__ import annotations

import re

from captioner.events import SAMPLE_RATE
from captioner.subtitles.units import unwrap

__all__ = ["LABELLED", "LONGEST_LABEL", "Cue", "read_cues", "unescape"]

Cue = tuple[int, int, str, str]  # start, end (samples on the audio clock), text, who spoke (a VTT voice, or "")

_TIMES = re.compile(r"^[ \t]*(\d+):(\d\d):(\d\d)[.,](\d\d\d)[ \t]*-->[ \t]*(\d+):(\d\d):(\d\d)[.,](\d\d\d)[^\n]*\n?"
                    r"((?:[^\n]*\S[^\n]*(?:\n|$))*)", re.MULTILINE)
_ARROW = re.compile(r"-->")
_VOICE = re.compile(r"<v(?:\.[^ >]*)? ([^>]*)>")
_TAG = re.compile(r"</?[a-z][^>]*>")
_ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&nbsp;": " ", "&lrm;": "", "&rlm;": ""}
_PER_MS = SAMPLE_RATE // 1000
LONGEST_LABEL = 60  # who spoke, where a line begins with it
LABELLED = re.compile(rf"([^:\n]{{1,{LONGEST_LABEL}}}): (.*)", re.DOTALL)  # "Ann: text", as a TXT (and a labelled SRT) begins a line


def read_cues(text: str, *, vtt: bool) -> tuple[list[Cue], int]:
    """The cues of an SRT or WebVTT `text` (with `vtt`: voices read, tags dropped, entities read back), and how many
    cues were lost (a time line with no text, a last cue cut before its times)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    cues, last = [], 0
    for found in _TIMES.finditer(text):
        last = found.end()
        h1, m1, s1, ms1, h2, m2, s2, ms2, lines = found.groups()
        start = (((int(h1) * 60 + int(m1)) * 60 + int(s1)) * 1000 + int(ms1)) * _PER_MS
        end = (((int(h2) * 60 + int(m2)) * 60 + int(s2)) * 1000 + int(ms2)) * _PER_MS
        said, voice = unwrap(lines), ""  # its lines joined as their script writes
        if vtt:
            named = _VOICE.search(said)
            if named:
                voice = unescape(named.group(1))
            said = unescape(_TAG.sub("", said))
        if said.strip():
            cues.append((start, end, said, voice))
    lost = len(_ARROW.findall(text)) - len(cues)
    return cues, lost + (not lost and bool(cues) and bool(text[last:].strip()))


def unescape(text: str) -> str:
    """WebVTT cue text with its entities read back."""
    if "&" in text:
        for entity, char in _ENTITIES.items():
            text = text.replace(entity, char)
    return text
