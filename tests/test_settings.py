"""Settings: round-trip, defaults, and bad files (corrupt, unknown version, invalid values)."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM
from captioner.settings import (
    OVERLAY_PLACEMENTS,
    PLACEMENT_DOCKED_BOTTOM,
    PLACEMENT_DOCKED_TOP,
    PLACEMENT_FLOATING,
    SETTINGS_VERSION,
    OverlaySettings,
    ScreenGeometry,
    Settings,
    SettingsError,
    default_sessions_dir,
    default_settings_path,
    load_settings,
    remember_folder,
    save_settings,
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "config" / "captioner" / "settings.json"


def custom() -> Settings:
    return Settings(
        model="/models/tiny.en",
        model_folders=("/models/tiny.en", "/models/small"),
        compute_device="cpu",
        language="de",
        beam_size=3,
        input_device="pulse:virtmic",
        autosave=False,
        autosave_dir="/tmp/sessions",
        labels={MICROPHONE: "Ana", SYSTEM: "The team"},
        main_window_geometry="AdnQywADAAA=",
        overlay=OverlaySettings(
            visible=False,
            font_family="DejaVu Sans",
            font_size=40,
            bold=True,
            text_color="#ffff00",
            interim_color="#00ffee",
            background_color="#000000",
            background_opacity=0.25,
            lines=4,
            align="center",
            clear_after_s=0.0,
            click_through=True,
            placement=PLACEMENT_DOCKED_TOP,
            geometries=(ScreenGeometry("HDMI-1 1920x1080", 100, 800, 1200, 140), ScreenGeometry("eDP-1 1600x900", 0, 0, 800, 90)),
            last_screen="HDMI-1 1920x1080",
        ),
    )


def test_round_trip(path: Path) -> None:
    save_settings(path, custom())
    loaded = load_settings(path)
    assert loaded.settings == custom()
    assert loaded.warning is None and loaded.set_aside is None and loaded.writable


def test_settings_are_frozen_and_versioned() -> None:
    s = Settings()
    assert s.version == SETTINGS_VERSION
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.model = "x"  # type: ignore[misc]
    assert s.model == "distil-large-v3.5"


def test_missing_file_gives_defaults_without_warning(path: Path) -> None:
    assert load_settings(path) == (Settings(), None, None, True)


def test_default_locations_follow_platformdirs(tmp_path: Path) -> None:
    # the root conftest points XDG_CONFIG_HOME / XDG_DATA_HOME into tmp_path
    assert default_settings_path() == tmp_path / "config" / "captioner" / "settings.json"
    assert default_sessions_dir() == tmp_path / "data" / "captioner" / "sessions"
    assert Settings().sessions_dir() == default_sessions_dir()
    assert Settings(autosave_dir="~/subs").sessions_dir() == Path.home() / "subs"


def test_save_is_atomic_and_leaves_no_temporary_files(path: Path) -> None:
    save_settings(path, Settings())
    save_settings(path, custom())
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]
    assert json.loads(path.read_text())["version"] == SETTINGS_VERSION


def test_save_failure_raises_settings_error_and_keeps_the_old_file(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(SettingsError, match="Could not save the settings"):
        save_settings(blocker / "settings.json", Settings())


@pytest.mark.parametrize("content", [b"{ this is not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b""])
def test_corrupt_file_falls_back_to_defaults_and_is_kept(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.warning and "damaged" in loaded.warning and str(loaded.set_aside) in loaded.warning
    assert loaded.set_aside is not None and loaded.set_aside.name.startswith("settings.json.corrupt-")
    assert loaded.set_aside.read_bytes() == content  # not deleted, not changed
    assert not path.exists()  # so the next save starts fresh
    save_settings(path, Settings())
    assert loaded.set_aside.read_bytes() == content


@pytest.mark.parametrize("version, tag", [(2, "v2"), (99, "v99"), ("one", "unknown-version"), (None, "unknown-version")])
def test_unknown_version_falls_back_to_defaults_and_is_kept(path: Path, version, tag: str) -> None:
    data = {"model": "small.en"} if version is None else {"version": version, "model": "small.en"}
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data))
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert "version" in loaded.warning
    assert loaded.set_aside.name.startswith(f"settings.json.{tag}-")
    assert json.loads(loaded.set_aside.read_text()) == data


def test_invalid_values_fall_back_per_field_and_the_file_is_kept(path: Path) -> None:
    data = {
        "version": 1,
        "model": "small.en",
        "compute_device": "tpu",
        "beam_size": "five",
        "speaker_count": "2-1",
        "speech_detection": 7,
        "interim_text": "yes",
        "language": "klingon",
        "overlay": {"font_size": 36, "lines": 9, "text_color": "red", "background_opacity": 1, "geometries": [{"screen": "x"}]},
        "unknown_key": True,
    }
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data))
    loaded = load_settings(path)
    s = loaded.settings
    assert s.model == "small.en" and s.overlay.font_size == 36 and s.overlay.background_opacity == 1.0
    assert s.compute_device == "auto" and s.beam_size == 1 and s.overlay.lines == 2 and s.speaker_count == ""
    assert (s.speech_detection, s.interim_text, s.language) == (2, True, "en")
    assert s.overlay.text_color == "#ffffff" and s.overlay.geometries == ()
    for name in ("compute_device", "beam_size", "speaker_count", "speech_detection", "interim_text", "language", "overlay.lines", "overlay.text_color", "overlay.geometries"):
        assert name in loaded.warning
    assert json.loads(loaded.set_aside.read_text()) == data


def test_the_overlays_placement_is_one_of_its_choices_and_floating_when_unknown(path: Path) -> None:
    assert OverlaySettings().placement == PLACEMENT_FLOATING
    assert set(OVERLAY_PLACEMENTS) == {PLACEMENT_FLOATING, PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP}
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "overlay": {"placement": PLACEMENT_DOCKED_BOTTOM, "lines": 3}}))
    loaded = load_settings(path)
    assert loaded.settings.overlay.placement == PLACEMENT_DOCKED_BOTTOM and loaded.warning is None
    for unknown in ("docked_left", "", None, 1, ["floating"]):
        path.write_text(json.dumps({"version": 1, "overlay": {"placement": unknown, "lines": 3}}))
        loaded = load_settings(path)
        assert loaded.settings.overlay.placement == PLACEMENT_FLOATING and loaded.settings.overlay.lines == 3
        assert "overlay.placement" in loaded.warning


def test_labels_are_kept_by_channel_id(path: Path) -> None:
    assert Settings().labels == DEFAULT_LABELS == {MICROPHONE: "You", SYSTEM: "Others"}
    save_settings(path, Settings(labels={MICROPHONE: "Ana", SYSTEM: "The team"}))
    assert json.loads(path.read_text())["labels"] == {MICROPHONE: "Ana", SYSTEM: "The team"}
    path.write_text(json.dumps({"version": 1, "labels": {SYSTEM: "  The team "}}))  # one given: the other keeps its default
    loaded = load_settings(path)
    assert loaded.settings.labels == {MICROPHONE: "You", SYSTEM: "The team"} and loaded.warning is None


def test_a_file_with_the_two_label_fields_of_before_is_read_and_saved_keyed_by_channel(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "model": "small.en", "mic_label": "Me ", "system_label": "The team"}))
    loaded = load_settings(path)
    assert loaded.settings.labels == {MICROPHONE: "Me", SYSTEM: "The team"} and loaded.settings.model == "small.en"
    assert loaded.warning is None and loaded.set_aside is None
    save_settings(path, loaded.settings)
    saved = json.loads(path.read_text())
    assert saved["labels"] == {MICROPHONE: "Me", SYSTEM: "The team"} and "mic_label" not in saved and "system_label" not in saved
    path.write_text(json.dumps({"version": 1, "system_label": "Team"}))
    assert load_settings(path).settings.labels == {MICROPHONE: "You", SYSTEM: "Team"}


@pytest.mark.parametrize("data, problem, labels", [
    ({"labels": "You"}, "labels", ("You", "Others")),
    ({"labels": [["microphone", "Me"]]}, "labels", ("You", "Others")),
    ({"labels": {MICROPHONE: "", SYSTEM: "The team"}}, "labels.microphone", ("You", "The team")),
    ({"labels": {MICROPHONE: "Me", SYSTEM: 7}}, "labels.system", ("Me", "Others")),
    ({"mic_label": "   ", "system_label": "The team"}, "mic_label", ("You", "The team")),
    ({"mic_label": "Me", "system_label": None}, "system_label", ("Me", "Others")),
])
def test_an_odd_label_falls_back_to_its_default_and_the_file_is_kept(path: Path, data: dict, problem: str, labels: tuple) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, **data}))
    loaded = load_settings(path)
    assert problem in loaded.warning and loaded.set_aside is not None
    assert loaded.settings.labels == dict(zip((MICROPHONE, SYSTEM), labels))


def test_two_bad_files_in_the_same_second_both_kept(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("bad one")
    first = load_settings(path).set_aside
    path.write_text("bad two")
    second = load_settings(path).set_aside
    assert first != second and first.read_text() == "bad one" and second.read_text() == "bad two"


def test_unmovable_bad_file_is_left_alone_and_not_saved_over(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("{broken")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    monkeypatch.setattr("shutil.copy2", refuse)
    loaded = load_settings(path)
    assert loaded.settings == Settings() and not loaded.writable and loaded.set_aside is None
    assert "left as it is" in loaded.warning
    assert path.read_text() == "{broken"


def test_remember_folder_puts_the_newest_first_without_duplicates() -> None:
    folders = ("/a", "/b", "/c", "/d", "/e")
    assert remember_folder(folders, "/c") == ("/c", "/a", "/b", "/d", "/e")
    assert remember_folder(folders, "/f") == ("/f", "/a", "/b", "/c", "/d")


def test_importing_settings_and_the_catalogue_loads_no_ml_stack() -> None:
    """The settings, their declarations and the CLI's parser must start fast: no faster_whisper, CTranslate2, PyAV or hub
    client, no numpy (the engine's defaults the declarations read are named apart from its code)."""
    code = (
        "import sys, captioner.config, captioner.settings, captioner.engine.models.catalogue, captioner.engine.models.errors; "
        "print(' '.join(m for m in ('faster_whisper', 'ctranslate2', 'av', 'huggingface_hub', 'numpy', 'PySide6') if m in sys.modules))"
    )
    env = {k: v for k, v in os.environ.items() if k != "CAPTIONER_EMBEDDED_MODEL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert done.stdout.strip() == ""
