"""The settings' declarations: the terminal's options, the settings file and a session's options are all made from them."""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

import pytest

from captioner import config
from captioner.channels import MICROPHONE, SYSTEM
from captioner.cli import build_parser
from captioner.settings import OverlaySettings, Settings, load_settings, settings_to_dict
from captioner.speaker_count import SpeakerCount

# the keys of a settings file, in the order they are written (a file written before must read the same)
FILE_KEYS = [
    "version", "model", "model_folders", "compute_device", "language", "translate", "chinese_script", "beam_size", "interim_model", "vocabulary",
    "input_device", "capture_mode", "output_device", "labels", "srt_labels", "speakers", "speaker_count", "speech_detection",
    "interim_text", "autosave", "autosave_dir", "export_dir", "recording", "refine_at_stop", "main_window_geometry",
    "transcript_text_size", "global_shortcuts", "shortcut_start_stop", "shortcut_overlay", "shortcut_click_through", "overlay",
]
OVERLAY_KEYS = ["visible", "font_family", "font_size", "bold", "text_color", "interim_color", "background_color",
                "background_opacity", "lines", "align", "clear_after_s", "click_through", "placement", "geometries", "last_screen"]


def test_settings_have_a_field_for_each_declaration_with_its_default_in_the_files_order() -> None:
    assert list(settings_to_dict(Settings())) == FILE_KEYS and list(settings_to_dict(Settings())["overlay"]) == OVERLAY_KEYS
    for declared, made in ((config.APP, Settings()), (config.OVERLAY, OverlaySettings())):
        for setting in declared:
            assert getattr(made, setting.name) == setting.initial(), setting.name
    assert Settings().labels is not Settings().labels  # a default made afresh, never shared


def test_the_engines_defaults_and_bounds_are_the_settings_and_the_terminals() -> None:
    from captioner.engine.live.pipeline import EngineConfig
    from captioner.engine.live.segmenter import SegmenterConfig
    from captioner.engine.live.session import SessionOptions
    from captioner.engine.models.catalogue import ModelRequest

    args = build_parser().parse_args(["caption"])
    assert args.vad_aggressiveness == Settings().speech_detection == SegmenterConfig().aggressiveness
    assert list(config.SPEECH_DETECTION.values()) == [0, 1, 2, 3]
    with pytest.raises(ValueError):
        SegmenterConfig(aggressiveness=config.SPEECH_DETECTION.range[1] + 1)
    assert (not args.no_interim) == Settings().interim_text == EngineConfig().interims
    request = ModelRequest("x")
    assert (args.beam_size, args.language, args.compute_device, args.compute_type) == (
        request.beam_size, request.language, request.compute_device, request.compute_type)
    assert config.session_options({}) == Settings().session_options() == config.session_options(config.chosen(args)) == SessionOptions()


def test_the_terminals_options_say_their_declared_range_and_default() -> None:
    parser = build_parser()
    caption = next(a for a in parser._subparsers._group_actions[0].choices["caption"]._actions if a.dest == "vad_aggressiveness")
    assert list(caption.choices) == list(config.SPEECH_DETECTION.values()) and caption.default == config.SPEECH_DETECTION.default
    assert caption.help == "0 keeps the most audio as speech, 3 the least (default 2)"
    with pytest.raises(SystemExit):
        parser.parse_args(["caption", "--vad-aggressiveness", "4"])
    assert parser.parse_args(["caption", "--beam-size", "12"]).beam_size == 12  # the terminal takes a beam above the app's
    with pytest.raises(SystemExit):
        parser.parse_args(["caption", "--beam-size", "0"])


@pytest.mark.parametrize("argv, chosen", [
    ([], {}),
    (["--vad-aggressiveness", "0", "--no-interim"], {"speech_detection": 0, "interim_text": False}),
    (["--speakers"], {"speakers": True}),
    (["--speakers", "2-4", "--keep-echo"], {"speakers": True, "speaker_count": "2-4", "keep_echo": True}),
])
def test_the_terminal_and_the_app_choosing_the_same_make_the_same_session(argv: list[str], chosen: dict) -> None:
    args = build_parser().parse_args(["caption", *argv])
    keep_echo = chosen.pop("keep_echo", False)
    from_app = dataclasses.replace(Settings(), **chosen).session_options()
    assert config.session_options(config.chosen(args)) == dataclasses.replace(from_app, echo=None if keep_echo else from_app.echo)


def test_the_settings_refuse_a_value_out_of_its_declared_range_or_choices(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for setting in config.APP:
        if setting.range is not None:
            lo, hi = setting.range
            for value, ok in ((lo, True), (hi, True), (hi + 1, False), (lo - 1, False)):
                path.write_text(json.dumps({"version": 1, setting.name: value}))
                loaded = load_settings(path)
                assert (loaded.warning is None) == ok, (setting.name, value)
                assert getattr(loaded.settings, setting.name) == (value if ok else setting.initial())
        for value in setting.choices:
            assert setting.read(value) == value
        if setting.choices:
            with pytest.raises(ValueError):
                setting.read("none of them")
    assert config.TRANSCRIPT_TEXT_SIZE.read(0) == 0.0  # outside its range, but meaning the system's size


def test_a_value_is_read_as_its_declared_type() -> None:
    assert config.OVERLAY[7].read(1) == 1.0 and isinstance(config.OVERLAY[7].read(1), float)  # background_opacity
    for setting, wrong in ((config.BEAM_SIZE, True), (config.BEAM_SIZE, 2.0), (config.SPEAKERS, 1), (config.MODEL, " "),
                           (config.SPEAKER_COUNT, "2-1"), (config.TRANSCRIPT_TEXT_SIZE, float("nan"))):
        with pytest.raises(ValueError):
            setting.read(wrong)


def test_a_file_written_before_reads_the_same(tmp_path: Path) -> None:
    written = {
        "version": 1, "model": "small.en", "model_folders": ["/m/a", "/m/b"], "compute_device": "cpu", "language": "de",
        "beam_size": 3, "interim_model": "none", "vocabulary": "Ana, Kubernetes", "input_device": "pulse:mic", "capture_mode": "both",
        "output_device": "", "labels": {MICROPHONE: "Me", SYSTEM: "Team"}, "srt_labels": True, "speakers": True,
        "speaker_count": "2-3", "speech_detection": 0, "interim_text": False, "autosave": False, "autosave_dir": "/s",
        "export_dir": "/e", "recording": "keep", "refine_at_stop": False, "main_window_geometry": "AdnQ", "transcript_text_size": 12,
        "global_shortcuts": False, "shortcut_start_stop": "", "shortcut_overlay": "Ctrl+O", "shortcut_click_through": "",
        "overlay": {"visible": False, "font_size": 30, "background_opacity": 1, "lines": 3, "align": "center", "clear_after_s": 0,
                    "placement": "docked_top", "geometries": [{"screen": "s", "x": 1, "y": 2, "width": 800, "height": 90}]},
    }
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(written))
    loaded = load_settings(path)
    assert loaded.warning is None
    saved = settings_to_dict(loaded.settings)
    overlay = saved.pop("overlay")
    assert {k: saved[k] for k in written if k != "overlay"} == {k: v for k, v in written.items() if k != "overlay"} | {"model_folders": ("/m/a", "/m/b")}
    assert overlay == {**settings_to_dict(Settings())["overlay"], **written["overlay"],
                       "geometries": ({"screen": "s", "x": 1, "y": 2, "width": 800, "height": 90},)}


def test_a_setting_is_added_in_one_place() -> None:
    """A declaration gives a `Settings`-like class its field, the terminal its option, and a session its keyword."""
    loud = config.Setting("loudness", int, 3, "how loud, {lo} to {hi} (default {default})", range=(1, 5),
                          option=config.Option("--loudness"), session="loudness")

    @dataclasses.dataclass(frozen=True)
    @config.declared_fields((loud,), after="version")
    class Chosen:
        version: int = 1
        last: str = ""

    assert [f.name for f in dataclasses.fields(Chosen)] == ["version", "loudness", "last"] and Chosen().loudness == 3
    parser = argparse.ArgumentParser()
    config.add_option(parser, loud)
    assert parser.parse_args([]).loudness == 3 and parser.parse_args(["--loudness", "5"]).loudness == 5
    assert parser._actions[-1].help == "how loud, 1 to 5 (default 3)"
    with pytest.raises(SystemExit):
        parser.parse_args(["--loudness", "6"])
    with pytest.raises(ValueError):
        loud.read(6)


def test_the_app_and_the_terminal_read_speakers_alike() -> None:
    args = build_parser().parse_args(["caption", "--speakers", "3"])
    assert args.speakers == SpeakerCount(3, 3) == dataclasses.replace(Settings(), speakers=True, speaker_count="3").speakers_option()


def test_the_dialogs_tooltips_fill_in_the_declared_range() -> None:
    assert "--vad-aggressiveness 0–3" in config.SPEECH_DETECTION.tooltip()
    assert config.BEAM_SIZE.tooltip() == config.BEAM_SIZE.tip


def test_a_wide_range_is_said_in_the_terminal_not_listed() -> None:
    wide = config.Setting("shortest_ms", int, 250, "ms, {lo} to {hi}", range=(100, 1000), option=config.Option("--shortest-ms", metavar="MS"))
    parser = argparse.ArgumentParser()
    config.add_option(parser, wide)
    assert parser._actions[-1].choices is None and parser.parse_args(["--shortest-ms", "400"]).shortest_ms == 400
    for text in ("5000", "abc", "2.5"):
        with pytest.raises(argparse.ArgumentTypeError, match=f"'{text}' is not a whole number from 100 to 1000"):
            parser._actions[-1].type(text)
