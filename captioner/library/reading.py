"""A session's lines read back from its files, with what could not be read said in a note.

A line is one caption as the session's plain transcript has it (one final: who said it, and its text), with its
times from the SRT or VTT: a final is split into subtitle cues there, so the cues are joined back into the lines of
the TXT where the two agree. The VTT says who spoke each cue, an SRT does only when its cues begin with a label,
the TXT always does. Where they disagree (a file half-written, or edited elsewhere) the cues themselves are the
lines, and a note says so; a file that cannot be read, or only in part, gives what it can and a note. Nothing here
writes a file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from captioner.events import SAMPLE_RATE, CaptionEvent, Word
from captioner.library.folder import StoredSession
from captioner.subtitles.reading import LABELLED, LONGEST_LABEL, read_cues

__all__ = ["Line", "Reading", "read_session"]

class Line(NamedTuple):
    """One line of a session: its place, its times on the session's clock (samples), who said it ("" when the files
    do not say) and its text; `parts`: the subtitle cues it was read from (start, end, text)."""

    n: int
    start: int
    end: int
    speaker: str
    text: str
    parts: tuple[tuple[int, int, str], ...] = ()

    @property
    def start_s(self) -> float:
        return self.start / SAMPLE_RATE

    def event(self) -> CaptionEvent:
        """The line as a final caption (its speaker as its channel, named as the files name it), words spread over
        each cue it was read from, so that its subtitles are cut where they were."""
        words: list[Word] = []
        if self.parts and _squeeze(" ".join(text for _, _, text in self.parts)) == _squeeze(self.text):
            for start, end, text in self.parts:
                tokens = text.split()
                step = max(end - start, 0) / max(len(tokens), 1)
                words += [Word(f" {token}" if " " in self.text else token, start + round(k * step), start + round((k + 1) * step))
                          for k, token in enumerate(tokens)]
        return CaptionEvent(self.n + 1, self.start, self.end, self.text, True, words=tuple(words), channel=self.speaker)


@dataclass
class Reading:
    """What a session's files hold: its lines, and notes on what could not be read."""

    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    srt_labels: bool = False  # its SRT's cues begin with who spoke
    timed: bool = True  # the lines have times (read from an SRT or VTT)

    @property
    def people(self) -> list[str]:
        """Who speaks, by the names the files give, in the order they first speak."""
        return list(dict.fromkeys(line.speaker for line in self.lines if line.speaker))

    @property
    def length(self) -> int:
        """Where the last line ends (samples)."""
        return max((line.end for line in self.lines), default=0)


def read_session(session: StoredSession) -> Reading:
    """The lines of `session` from its transcript files (its live copy where those are gone)."""
    reading = Reading()
    found = session.transcripts or session.live
    if not found:
        reading.notes.append("No transcript: only its recorded audio is kept.")
        return reading
    texts = {suffix: _read_text(path, reading.notes) for suffix, path in found.items()}
    cues, source = [], ""
    for suffix in (".vtt", ".srt"):
        if texts.get(suffix) is not None:
            cues, lost = read_cues(texts[suffix], vtt=suffix == ".vtt")
            if lost:
                reading.notes.append(f"{found[suffix].name}: {lost} of its subtitles could not be read.")
            if cues:
                source = suffix
                break
    if source == ".srt" and _labelled(cues):
        reading.srt_labels = True
        cues = [(start, end, *LABELLED.fullmatch(said).groups()[::-1]) for start, end, said, _ in cues]  # type: ignore[union-attr]
    elif source == ".vtt" and texts.get(".srt"):  # how its SRT is written again after a change
        reading.srt_labels = _labelled(read_cues(texts[".srt"], vtt=False)[0])
    plain = texts.get(".txt")
    said = [line for line in plain.splitlines() if line.strip()] if plain is not None else None
    if cues:
        lines = _joined(cues, said) if said is not None else None
        if lines is None:
            if said is not None:
                reading.notes.append(f"Its {source.lstrip('.').upper()} and TXT files disagree (one may be half-written): "
                                     f"the lines are read from the {source.lstrip('.').upper()}.")
            lines = [Line(n, start, end, voice, " ".join(text.split()), ((start, end, text),))
                     for n, (start, end, text, voice) in enumerate(cues)]
        reading.lines = lines
    elif said is not None:
        reading.timed = False
        labelled = all(LABELLED.fullmatch(line) for line in said)
        for n, line in enumerate(said):
            who, text = LABELLED.fullmatch(line).groups() if labelled else ("", line)  # type: ignore[union-attr]
            reading.lines.append(Line(n, 0, 0, who.strip(), " ".join(text.split())))
    elif any(text and text.strip() for text in texts.values()):  # empty files: a session that has no captions yet
        reading.notes.append(f"{next(iter(found.values())).name}: no subtitles or lines could be read.")
    return reading


def _labelled(cues: list[tuple[int, int, str, str]]) -> bool:
    """Whether every cue of an SRT begins with who spoke ("Ann: …"), as the app writes them when asked to."""
    return bool(cues) and all(LABELLED.fullmatch(said) for _, _, said, _ in cues)


def _read_text(path: Path, notes: list[str]) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        notes.append(f"{path.name} could not be read: {exc.strerror or exc}.")
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        notes.append(f"{path.name} is not all UTF-8 text: what could not be read shows as \ufffd.")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _squeeze(text: str) -> str:
    """The text without any space: how a cue's text is matched against its line's (cues wrap lines anew)."""
    return "".join(text.split())


def _joined(cues: list[tuple[int, int, str, str]], said: list[str]) -> list[Line] | None:
    """The TXT's lines, each with the cues it was cut into (in start order, two people's cues may interleave); None
    where they do not agree."""
    open_lines: list[list] = []  # [place, its text without spaces, how much of it the cues so far matched, who, text, parts]
    lines: list[Line | None] = [None] * len(said)
    taken = 0
    for cue in cues:
        text, voice = cue[2], cue[3]
        squeezed = "".join(text.split())
        slot = None
        for candidate in open_lines:
            if candidate[1].startswith(squeezed, candidate[2]) and (not voice or voice == candidate[3]):
                slot = candidate
                break
        if slot is None:
            if taken == len(said):
                return None
            slot = _opened(taken, said[taken], squeezed, voice)
            if slot is None:
                return None
            taken += 1
            open_lines.append(slot)
        slot[2] += len(squeezed)
        slot[5].append(cue[:3])
        if slot[2] == len(slot[1]):
            open_lines.remove(slot)
            parts = tuple(slot[5])
            last = parts[0][1] if len(parts) == 1 else max(p[1] for p in parts)
            lines[slot[0]] = Line(slot[0], parts[0][0], last, slot[3], slot[4], parts)
    if open_lines or taken < len(said):
        return None
    return lines  # type: ignore[return-value]


def _opened(place: int, line: str, squeezed: str, voice: str) -> list | None:
    """A TXT line begun by a cue: as it is (no label) when the cue's text begins it, else with its label taken off."""
    if not voice:
        words = line.split()
        whole = "".join(words)
        if whole.startswith(squeezed):
            return [place, whole, 0, "", " ".join(words), []]
    colon = line.find(": ")
    if 0 < colon <= LONGEST_LABEL and ":" not in line[:colon]:
        who, words = line[:colon].strip(), line[colon + 2:].split()
        rest = "".join(words)
        if rest.startswith(squeezed) and (not voice or voice == who):
            return [place, rest, 0, who, " ".join(words), []]
    return None
