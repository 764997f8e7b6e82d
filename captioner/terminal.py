"""A caption sink that prints to a terminal.

On a TTY the interim text of the segment in progress is rewritten in place;
elsewhere (a pipe, a log) only finals are printed, one line each.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from typing import TextIO

from wcwidth import wcwidth

from captioner.channels import DEFAULT_LABELS, label_of
from captioner.clock import format_clock
from captioner.events import CaptionEvent


def clock(samples: int) -> str:
    return format_clock(samples, digits=1, hours="when-needed")


def columns(text: str) -> int:
    """How many terminal columns `text` takes: two a full-width character (Chinese, Japanese), none a combining mark."""
    return sum(max(wcwidth(char), 0) for char in text)


def fitted(line: str, width: int) -> str:
    """`line` as it fits on one terminal row of `width` columns with one to spare (a line that fills the row would
    wrap the cursor, and the next redraw would clear only the new row): whole, or "… " and as much of its end as fits."""
    if columns(line) <= width - 1:
        return line
    tail, used = "", 0
    for char in reversed(line):
        used += max(wcwidth(char), 0)
        if used > width - 3:
            break
        tail = char + tail
    return "… " + tail


class TerminalPrinter:
    """Captions as lines on a stream: each final once; the interim text, where shown (`interim`: by default on a terminal),
    redrawn in place on the last line."""

    def __init__(self, stream: TextIO | None = None, *, interim: bool | None = None, labels: Mapping[str, str] = DEFAULT_LABELS) -> None:
        self.stream = stream or sys.stdout
        self.interim = self.stream.isatty() if interim is None else interim
        self.labels = labels  # each channel's label, by id
        self._dirty = False

    def on_caption(self, event: CaptionEvent) -> None:
        if (not event.final and not self.interim) or event.revision:
            return  # a stream shows each final once; the files take its revisions
        label = label_of(event.channel, self.labels, event.speaker)
        who = f"{label}: " if label else ""
        line = f"[{clock(event.start)} → {clock(event.end)}] {who}{event.text}"
        if self._dirty:
            self.stream.write("\r\x1b[K")
            self._dirty = False
        if event.final:
            if event.text:
                self.stream.write(line + "\n")
        else:
            self.stream.write(fitted(line, shutil.get_terminal_size((100, 20)).columns))
            self._dirty = True
        self.stream.flush()

    def close(self) -> None:
        if self._dirty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
