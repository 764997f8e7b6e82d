"""The app's settings: a frozen dataclass whose fields are the settings declared in `captioner.config`, loaded from
and saved to JSON (no Qt here).

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
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import platformdirs

from captioner import config
from captioner.channels import MICROPHONE, SYSTEM
from captioner.config import (
    OVERLAY_PLACEMENTS,
    PLACEMENT_DOCKED_BOTTOM,
    PLACEMENT_DOCKED_TOP,
    PLACEMENT_FLOATING,
    RECORD_KEEP,
    RECORD_NEVER,
    RECORD_UNTIL_REFINED,
    RECORDING_CHOICES,
)
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
    "RECORDING_CHOICES",
    "RECORD_UNTIL_REFINED",
    "SETTINGS_VERSION",
    "MAX_OVERLAY_PLACES",
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
MAX_RECENT_FOLDERS = 5
MAX_OVERLAY_PLACES = 8  # the overlay's places kept, one a screen, the latest first
MIN_GEOMETRY = (50, 20)  # the smallest overlay size (width, height) a saved place may have
TRANSCRIPT_TEXT_PT = config.TRANSCRIPT_TEXT_SIZE.range  # the transcript's text size, smallest and largest (points)


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
@config.declared_fields(config.OVERLAY)
class OverlaySettings:
    """The caption overlay's look and place: a field for each setting of `config.OVERLAY`."""


@dataclass(frozen=True)
@config.declared_fields(config.APP, after="version")
class Settings:
    """The app's settings: the file's version, a field for each setting of `config.APP`, and the overlay's."""

    version: int = SETTINGS_VERSION
    overlay: OverlaySettings = field(default_factory=OverlaySettings)

    def speakers_option(self) -> bool | SpeakerCount:
        """What a session's `speakers` is given: False (not told apart), or the number of people (any, N, or a range)."""
        return SpeakerCount.parse(self.speaker_count) if self.speakers else False

    def session_options(self, **fixed: Any):
        """The `captioner.engine.live.session.SessionOptions` these settings choose (as `captioner caption`'s options
        do): the voice detector's strictness, interim text, speakers; `fixed` (`status_interval_s`) as given."""
        values = {s.name: getattr(self, s.name) for s in config.SESSION if hasattr(self, s.name)}
        return config.session_options({**values, config.SPEAKERS.name: self.speakers_option()}, **fixed)

    def sessions_dir(self) -> Path:
        return Path(self.autosave_dir).expanduser() if self.autosave_dir else default_sessions_dir()


class LoadResult(NamedTuple):
    """The settings read from a file, with what the user is told when the file could not be used as it was."""

    settings: Settings
    warning: str | None = None  # for the user, when the file could not be used as is
    set_aside: Path | None = None  # where the unusable file was moved
    writable: bool = True  # False: the bad file could not be moved, so do not save over it


def default_settings_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / SETTINGS_FILENAME


def default_sessions_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "sessions"


# -- reading a file's values -------------------------------------------------------


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _geometry(v: Any) -> ScreenGeometry:
    if not isinstance(v, dict):
        raise ValueError
    g = ScreenGeometry(v.get("screen"), v.get("x"), v.get("y"), v.get("width"), v.get("height"))
    if not isinstance(g.screen, str) or not all(_is_int(n) for n in (g.x, g.y, g.width, g.height)):
        raise ValueError
    if g.width < MIN_GEOMETRY[0] or g.height < MIN_GEOMETRY[1]:
        raise ValueError
    return g


def _geometries(v: Any) -> tuple[ScreenGeometry, ...]:
    if not isinstance(v, list):
        raise ValueError
    return tuple(_geometry(g) for g in v)


def _folders(v: Any) -> tuple[str, ...]:
    if not (isinstance(v, list) and all(isinstance(f, str) for f in v)):
        raise ValueError
    return tuple(v[:MAX_RECENT_FOLDERS])


# the declared settings whose values are read here, not by their declaration: lists in the file, tuples in Settings
_READERS: dict[str, Callable[[Any], Any]] = {"geometries": _geometries, "model_folders": _folders}


def _read(declared: tuple[config.Setting, ...], data: dict[str, Any], problems: list[str], prefix: str = "") -> dict[str, Any]:
    """The values of `declared` settings that `data` holds and that are valid; the names of the others in `problems`."""
    values: dict[str, Any] = {}
    for setting in declared:
        if setting.name in data and setting.name != config.LABELS.name:
            try:
                values[setting.name] = _READERS.get(setting.name, setting.read)(data[setting.name])
            except (ValueError, TypeError):
                problems.append(prefix + setting.name)
    return values


def _overlay_from(data: Any, problems: list[str]) -> OverlaySettings:
    if not isinstance(data, dict):
        problems.append("overlay")
        return OverlaySettings()
    return OverlaySettings(**_read(config.OVERLAY, data, problems, "overlay."))


def settings_from_dict(data: dict[str, Any]) -> tuple[Settings, list[str]]:
    """Settings from parsed JSON, and the names of fields that were invalid (and defaulted)."""
    problems: list[str] = []
    values = _read(config.APP, data, problems)
    if "overlay" in data:
        values["overlay"] = _overlay_from(data["overlay"], problems)
    values["labels"] = _labels_from(data, problems)
    return Settings(**values), problems


_label = lambda v: isinstance(v, str) and v.strip() != ""  # noqa: E731
_OLD_LABEL_FIELDS = {MICROPHONE: "mic_label", SYSTEM: "system_label"}  # before labels were keyed by channel


def _labels_from(data: dict[str, Any], problems: list[str]) -> dict[str, str]:
    """The channels' labels, by id: `labels`, or in a file from before it the two label fields; a label that is
    not a non-empty string keeps its default."""
    labels = config.LABELS.initial()
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
