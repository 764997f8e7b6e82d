"""How the transcript's lines look: the formats of a line's time, label and text and of the interim, and the colour of
each label."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontMetricsF, QTextBlockFormat, QTextCharFormat

from captioner.channels import MICROPHONE, SYSTEM

__all__ = ["INTERIM_GREY", "SIDE_COLORS", "SPARE_COLORS", "TIME_GREY", "TIME_SCALE", "TranscriptFormats", "label_color"]

TIME_SCALE = 0.8  # a line's time against its text
TIME_GREY, INTERIM_GREY = "#6b6b6b", "#737373"  # quieter than the text, each over WCAG AA's 4.5:1 on a white page
TIME_COLUMN = "00:00:00  "  # as wide as a line's time and the space after it: finals hang under it
BLOCK_TOP_MARGIN = 2  # pixels above each line

# label colours, readable on light and dark backgrounds: each side of a meeting has its own, the same in
# every session (whoever speaks first) and whatever it is called; a channel of no known side takes the next spare one
SIDE_COLORS = {MICROPHONE: "#2f80c0", SYSTEM: "#d0762a"}
SPARE_COLORS = ("#3f9f5f", "#a05cc0", "#c0485f", "#1f9a9a", "#7a8a1f", "#8a5a2b")  # speakers by number, other channels in turn
SPEAKER_PREFIX = "speaker-"  # a speaker's id: this and their number


def label_color(channel: str, seen: list[str]) -> str:
    """The colour of the label of `channel` (an id): its side's, a speaker's by number, else a spare one (in the order
    such channels first speak: `seen` are the channels labelled so far, in that order)."""
    if channel in SIDE_COLORS:
        return SIDE_COLORS[channel]
    number = channel.rpartition("-")[2]
    if channel.startswith(SPEAKER_PREFIX) and number.isdigit():  # a speaker keeps their colour, named or not
        return SPARE_COLORS[(int(number) - 1) % len(SPARE_COLORS)]
    spare = [other for other in seen if other not in SIDE_COLORS]
    index = spare.index(channel) if channel in spare else len(spare)
    return SPARE_COLORS[index % len(SPARE_COLORS)]


class TranscriptFormats:
    """The character and block formats of the transcript's lines for text in `font`, `text_color` the final text's."""

    def __init__(self, font: QFont, text_color: QColor) -> None:
        self.time = QTextCharFormat()
        self.time.setForeground(QColor(TIME_GREY))
        small = QFont(font)
        small.setPointSizeF(font.pointSizeF() * TIME_SCALE)
        self.time.setFont(small)
        self.final = QTextCharFormat()
        self.final.setForeground(text_color)
        self.final.setFont(font)
        self.interim = QTextCharFormat()
        self.interim.setForeground(QColor(INTERIM_GREY))
        self.interim.setFont(font)
        self.interim.setFontItalic(True)
        self._labels: dict[str, QTextCharFormat] = {}
        # finals hang under their timestamp; the interim lines up with the final text
        indent = QFontMetricsF(small).horizontalAdvance(TIME_COLUMN)
        self.final_block = QTextBlockFormat()
        self.final_block.setLeftMargin(indent)
        self.final_block.setTextIndent(-indent)
        self.final_block.setTopMargin(BLOCK_TOP_MARGIN)
        self.interim_block = QTextBlockFormat()
        self.interim_block.setLeftMargin(indent)
        self.interim_block.setTopMargin(BLOCK_TOP_MARGIN)

    def label(self, channel: str) -> QTextCharFormat:
        """Bold, in the colour of the channel (an id)."""
        if channel not in self._labels:
            fmt = QTextCharFormat(self.final)
            fmt.setFontWeight(QFont.Bold)
            fmt.setForeground(QColor(label_color(channel, list(self._labels))))
            self._labels[channel] = fmt
        return self._labels[channel]

    def forget_labels(self) -> None:
        """Spare colours go again in the order channels are labelled from now on."""
        self._labels = {}
