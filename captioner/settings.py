"""The app's settings: a frozen dataclass, loaded from and saved to JSON (no Qt here).

`load_settings(path)` never raises for a bad file: it returns the defaults (or the
valid part of the file) with a warning to show. A file it cannot use is renamed
aside to ``settings.json.corrupt-<timestamp>`` (or ``.v<N>-<timestamp>`` for a
version this app does not know) so nothing the user had is lost; the next save
writes a fresh file. `save_settings` is atomic: a temporary file beside the
target is fsynced and moved over it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from captioner.channels import DEFAULT_LABELS, MICROPHONE, MODE_MICROPHONE, MODES, SYSTEM
from captioner.engine.models.catalogue import INTERIM_AUTO, default_model
from captioner.errors import CaptionerError
from captioner.files import write_atomic
from captioner.speaker_count import SpeakerCount

__all__ = [
    "OVERLAY_PLACEMENTS",
    "PLACEMENT_DOCKED_BOTTOM",
    "PLACEMENT_DOCKED_TOP",
    "PLACEMENT_FLOATING",
    "RECORD_KEEP",
    "RECORD_NEVER",
    "RECORD_UNTIL_REFINED",
    "SETTINGS_VERSION",
    "LoadResult",
    "OverlaySettings",
    "ScreenGeometry",
    "Settings",
    "SettingsError",
    "default_sessions_dir",
    "default_settings_path",
    "load_settings",
    "remember_folder",
    "save_settings",
    "settings_from_dict",
    "settings_to_dict",
]

APP_NAME = "captioner"
SETTINGS_VERSION = 1
SETTINGS_FILENAME = "settings.json"
COMPUTE_DEVICES = ("auto", "cuda", "cpu")
MAX_RECENT_FOLDERS = 5
# what becomes of a session's recorded audio: kept, deleted once its transcript is refined, never recorded (no refining)
RECORD_KEEP, RECORD_UNTIL_REFINED, RECORD_NEVER = "keep", "until_refined", "never"
RECORDING_CHOICES = (RECORD_UNTIL_REFINED, RECORD_KEEP, RECORD_NEVER)
# where the overlay goes: where it is put (it keeps clear of the main window until the user moves it), or docked
# across the whole width of the screen's bottom or top edge
PLACEMENT_FLOATING, PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP = "floating", "docked_bottom", "docked_top"
OVERLAY_PLACEMENTS = (PLACEMENT_FLOATING, PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP)

_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


class SettingsError(OSError, CaptionerError):
    """Settings could not be saved; str() says where and why."""


@dataclass(frozen=True)
class ScreenGeometry:
    """Where the overlay was on one screen (global coordinates, pixels)."""

    screen: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class OverlaySettings:
    visible: bool = True
    font_family: str = ""  # "" = the system's sans-serif font
    font_size: int = 26  # points
    bold: bool = False
    text_color: str = "#ffffff"
    interim_color: str = "#a9c7e8"
    background_color: str = "#101418"
    background_opacity: float = 0.8  # 0 = fully transparent .. 1 = opaque
    lines: int = 2  # lines of text shown, 1..5
    align: str = "left"  # "left" or "center"
    clear_after_s: float = 8.0  # silence after which the overlay clears; 0 = never
    click_through: bool = False
    placement: str = PLACEMENT_FLOATING  # OVERLAY_PLACEMENTS
    geometries: tuple[ScreenGeometry, ...] = ()
    last_screen: str = ""


TRANSCRIPT_TEXT_PT = (8.0, 48.0)  # the transcript's text size, smallest and largest (points)


@dataclass(frozen=True)
class Settings:
    version: int = SETTINGS_VERSION
    model: str = field(default_factory=default_model)  # a faster-whisper model name or a model folder
    model_folders: tuple[str, ...] = ()  # local model folders chosen before, newest first
    compute_device: str = "auto"  # auto | cuda | cpu
    language: str = "en"  # spoken language code, or "auto" (multilingual models)
    beam_size: int = 1
    interim_model: str = INTERIM_AUTO  # the model writing interim text beside a big one (catalogue.interim_model_for): auto | none | a model
    vocabulary: str = ""  # names and terms to expect, comma-separated
    input_device: str = ""  # an InputDevice id; "" = the system's default input
    capture_mode: str = MODE_MICROPHONE  # what is captioned: microphone | system | both
    output_device: str = ""  # an OutputDevice id whose sound is captioned; "" = the default output, followed
    # what each channel is called, by id: a label for MICROPHONE and one for SYSTEM, shown beside their captions when both are captioned
    labels: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_LABELS))
    srt_labels: bool = False  # SRT cues begin with their label ("You: ...")
    speakers: bool = False  # tell speakers apart by voice: system audio's (or the one input's) captions say "Speaker 1", "Speaker 2", ...
    speaker_count: str = ""  # how many people speak, when the user knows: "" any number, "N", or "MIN-MAX" (voices.SpeakerCount)
    speech_detection: int = 2  # how strictly sound is taken for speech: 0 keeps the most (quiet voices), 3 the least
    # (noisy rooms); `captioner caption --vad-aggressiveness`
    interim_text: bool = True  # show words as they are heard, before each sentence's final text (`--no-interim`: off)
    autosave: bool = True
    autosave_dir: str = ""  # "" = default_sessions_dir()
    export_dir: str = ""  # the folder of the last export; "" = the sessions folder
    recording: str = RECORD_UNTIL_REFINED  # the session's audio beside its autosave files: RECORDING_CHOICES
    refine_at_stop: bool = True  # refine the transcript from the recorded audio in the background once a session stops
    main_window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    transcript_text_size: float = 0.0  # the transcript's text in points (Edit → Larger text); 0: the system's size × 1.25
    # system-wide shortcuts (Qt key sequences; "" = none): they work while another window has focus
    global_shortcuts: bool = True
    shortcut_start_stop: str = "Ctrl+Alt+Shift+R"
    shortcut_overlay: str = "Ctrl+Alt+Shift+O"
    shortcut_click_through: str = "Ctrl+Alt+Shift+T"
    overlay: OverlaySettings = field(default_factory=OverlaySettings)

    def speakers_option(self) -> bool | SpeakerCount:
        """What a session's `speakers` is given: False (not told apart), or the number of people (any, N, or a range)."""
        return SpeakerCount.parse(self.speaker_count) if self.speakers else False

    def session_options(self, *, status_interval_s: float = 0.25):
        """The `captioner.engine.live.session.SessionOptions` these settings choose (as `captioner caption`'s options
        do): the voice detector's strictness, interim text, speakers."""
        from captioner.engine.live.session import SessionOptions

        return SessionOptions.chosen(vad_aggressiveness=self.speech_detection, interims=self.interim_text,
                                     speakers=self.speakers_option(), status_interval_s=status_interval_s)

    def sessions_dir(self) -> Path:
        return Path(self.autosave_dir).expanduser() if self.autosave_dir else default_sessions_dir()


class LoadResult(NamedTuple):
    settings: Settings
    warning: str | None = None  # for the user, when the file could not be used as is
    set_aside: Path | None = None  # where the unusable file was moved
    writable: bool = True  # False: the bad file could not be moved, so do not save over it


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / SETTINGS_FILENAME


def default_sessions_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "sessions"


# -- validation ------------------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


def _in_range(lo: float, hi: float):
    return lambda v: _is_number(v) and lo <= v <= hi


def _int_range(lo: int, hi: int):
    return lambda v: _is_int(v) and lo <= v <= hi


_str = lambda v: isinstance(v, str)  # noqa: E731
_bool = lambda v: isinstance(v, bool)  # noqa: E731
_color = lambda v: isinstance(v, str) and bool(_COLOR.match(v))  # noqa: E731

_OVERLAY_RULES = {
    "visible": _bool,
    "font_family": _str,
    "font_size": _int_range(6, 200),
    "bold": _bool,
    "text_color": _color,
    "interim_color": _color,
    "background_color": _color,
    "background_opacity": _in_range(0.0, 1.0),
    "lines": _int_range(1, 5),
    "align": lambda v: v in ("left", "center"),
    "clear_after_s": _in_range(0.0, 3600.0),
    "click_through": _bool,
    "placement": lambda v: v in OVERLAY_PLACEMENTS,
    "last_screen": _str,
}

_SETTINGS_RULES = {
    "model": lambda v: isinstance(v, str) and v.strip() != "",
    "compute_device": lambda v: v in COMPUTE_DEVICES,
    "language": lambda v: isinstance(v, str) and v.strip() != "",
    "beam_size": _int_range(1, 10),
    "interim_model": lambda v: isinstance(v, str) and v.strip() != "",
    "vocabulary": _str,
    "input_device": _str,
    "capture_mode": lambda v: v in MODES,
    "output_device": _str,
    "srt_labels": _bool,
    "speakers": _bool,
    "speech_detection": _int_range(0, 3),
    "interim_text": _bool,
    "speaker_count": lambda v: isinstance(v, str) and _parses(SpeakerCount.parse, v),
    "autosave": _bool,
    "autosave_dir": _str,
    "export_dir": _str,
    "recording": lambda v: v in RECORDING_CHOICES,
    "refine_at_stop": _bool,
    "main_window_geometry": _str,
    "transcript_text_size": lambda v: _is_number(v) and (v == 0 or TRANSCRIPT_TEXT_PT[0] <= v <= TRANSCRIPT_TEXT_PT[1]),
    "global_shortcuts": _bool,
    "shortcut_start_stop": _str,
    "shortcut_overlay": _str,
    "shortcut_click_through": _str,
}


def _parses(parse, v: str) -> bool:
    try:
        parse(v)
    except ValueError:
        return False
    return True


def _geometry(v: Any) -> ScreenGeometry:
    if not isinstance(v, dict):
        raise ValueError
    g = ScreenGeometry(v.get("screen"), v.get("x"), v.get("y"), v.get("width"), v.get("height"))
    if not isinstance(g.screen, str) or not all(_is_int(n) for n in (g.x, g.y, g.width, g.height)):
        raise ValueError
    if g.width < 50 or g.height < 20:
        raise ValueError
    return g


def _overlay_from(data: Any, problems: list[str]) -> OverlaySettings:
    if not isinstance(data, dict):
        problems.append("overlay")
        return OverlaySettings()
    values: dict[str, Any] = {}
    for name, ok in _OVERLAY_RULES.items():
        if name in data:
            v = data[name]
            if name == "background_opacity" and _is_int(v):
                v = float(v)
            if ok(v):
                values[name] = v
            else:
                problems.append(f"overlay.{name}")
    if "geometries" in data:
        try:
            if not isinstance(data["geometries"], list):
                raise ValueError
            values["geometries"] = tuple(_geometry(g) for g in data["geometries"])
        except (ValueError, TypeError):
            problems.append("overlay.geometries")
    return OverlaySettings(**values)


def settings_from_dict(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Settings from parsed JSON, and the names of fields that were invalid (and defaulted)."""
    problems: list[str] = []
    values: dict[str, Any] = {}
    for name, ok in _SETTINGS_RULES.items():
        if name in data:
            if ok(data[name]):
                values[name] = data[name]
            else:
                problems.append(name)
    if "model_folders" in data:
        folders = data["model_folders"]
        if isinstance(folders, list) and all(isinstance(f, str) for f in folders):
            values["model_folders"] = tuple(folders[:MAX_RECENT_FOLDERS])
        else:
            problems.append("model_folders")
    if "overlay" in data:
        values["overlay"] = _overlay_from(data["overlay"], problems)
    values["labels"] = _labels_from(data, problems)
    return Settings(**values), problems


_label = lambda v: isinstance(v, str) and v.strip() != ""  # noqa: E731
_OLD_LABEL_FIELDS = {MICROPHONE: "mic_label", SYSTEM: "system_label"}  # before labels were keyed by channel


def _labels_from(data: dict[str, Any], problems: list[str]) -> dict[str, str]:
    """The channels' labels, by id: `labels`, or in a file from before it the two label fields; a label that is
    not a non-empty string keeps its default."""
    labels = dict(DEFAULT_LABELS)
    if "labels" not in data:
        for channel, name in _OLD_LABEL_FIELDS.items():
            if name in data:
                if _label(data[name]):
                    labels[channel] = data[name].strip()
                else:
                    problems.append(name)
        return labels
    given = data["labels"]
    if not isinstance(given, dict):
        problems.append("labels")
        return labels
    for channel, label in given.items():
        if _label(label):
            labels[channel] = label.strip()
        else:
            problems.append(f"labels.{channel}")
    return labels


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return dataclasses.asdict(settings)


# -- files -----------------------------------------------------------------------


def load_settings(path: str | os.PathLike[str]) -> LoadResult:
    """Read the settings at `path`; never raises for a missing, unreadable or bad file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return LoadResult(Settings())
    except OSError as exc:
        return LoadResult(
            Settings(),
            f"The settings file {path} could not be read ({exc.strerror or exc}); the default settings are used "
            "and the file is left as it is.",
            writable=False,
        )
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except (UnicodeDecodeError, ValueError) as exc:
        return _set_aside(path, "corrupt", f"The settings file {path} is damaged ({_short(exc)}); the default settings are used.")
    version = data.get("version")
    if version != SETTINGS_VERSION:
        tag = f"v{version}" if _is_int(version) else "unknown-version"
        what = f"version {version}" if _is_int(version) else "no known version"
        return _set_aside(
            path,
            tag,
            f"The settings file {path} has {what} (this app reads version {SETTINGS_VERSION}, so it may come from "
            "another version of Captioner); the default settings are used.",
        )
    settings, problems = settings_from_dict(data)
    if problems:
        result = _set_aside(
            path,
            "corrupt",
            f"Some settings in {path} were not valid ({', '.join(problems)}); defaults are used for those.",
            settings,
        )
        return result
    return LoadResult(settings)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 80 else text[:77] + "…"


def _set_aside(path: Path, tag: str, message: str, settings: Settings | None = None) -> LoadResult:
    """Move an unusable settings file out of the way (never delete it) and explain where it went."""
    settings = settings if settings is not None else Settings()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.{tag}-{stamp}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.{tag}-{stamp}-{n}")
        n += 1
    try:
        os.replace(path, target)
    except OSError:
        try:
            shutil.copy2(path, target)
        except OSError:
            return LoadResult(
                settings,
                f"{message} The file could not be set aside, so it is left as it is and changes to the settings "
                "will not be saved this time.",
                writable=False,
            )
    return LoadResult(settings, f"{message} The old file was kept as {target}.", target)


def save_settings(path: str | os.PathLike[str], settings: Settings) -> None:
    """Write `settings` to `path` atomically (a reader sees the old file or the new one)."""
    path = Path(path)
    text = json.dumps(settings_to_dict(settings), indent=2, ensure_ascii=False) + "\n"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise SettingsError(f"Could not save the settings to {path}: {exc.strerror or exc}") from exc


def remember_folder(folders: tuple[str, ...], folder: str) -> tuple[str, ...]:
    """`folders` with `folder` first, without duplicates, at most MAX_RECENT_FOLDERS."""
    return tuple([folder] + [f for f in folders if f != folder])[:MAX_RECENT_FOLDERS]
