"""One declaration per setting: its name, type, default, range and help, written once.

From these declarations are made the terminal's options (`add_option`), the app's settings file and its `Settings`
(`captioner.settings` reads, checks and saves each declared field) and a live session's options
(`session_options`). A default or a bound the engine owns is the engine's named constant, referenced here
(`engine.live.defaults`, `engine.models.catalogue.ModelRequest`). Qt-free, and none of the ML stack is loaded.

A new setting is one `Setting` here, listed in `APP` (the settings file and `Settings`; or in `TERMINAL_ONLY`), with an
`Option` and a place in `CAPTION` where the terminal takes it, and a `session` keyword (`SessionOptions.chosen`) where
a live session does; the code that uses its value reads it.
"""

from __future__ import annotations

import argparse
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from captioner.channels import DEFAULT_LABELS, MODE_MICROPHONE, MODES
from captioner.engine.live import defaults as engine
from captioner.engine.models.catalogue import DEFAULT_MODEL, INTERIM_AUTO, ModelRequest, default_model
from captioner.speaker_count import SpeakerCount
from captioner.subtitles.chinese import SCRIPTS as CHINESE_SCRIPTS

__all__ = [
    "APP",
    "CAPTION",
    "OVERLAY",
    "OVERLAY_PLACEMENTS",
    "PLACEMENT_DOCKED_BOTTOM",
    "PLACEMENT_DOCKED_TOP",
    "PLACEMENT_FLOATING",
    "RECORDING_CHOICES",
    "RECORD_KEEP",
    "RECORD_NEVER",
    "RECORD_UNTIL_REFINED",
    "SESSION",
    "TERMINAL_ONLY",
    "Option",
    "Setting",
    "add_option",
    "chosen",
    "declared_fields",
    "session_options",
]

# what becomes of a session's recorded audio: kept, deleted once its transcript is refined, never recorded (no refining)
RECORD_KEEP, RECORD_UNTIL_REFINED, RECORD_NEVER = "keep", "until_refined", "never"
RECORDING_CHOICES = (RECORD_UNTIL_REFINED, RECORD_KEEP, RECORD_NEVER)
# where the overlay goes: where it is put (it keeps clear of the main window until the user moves it), or docked
# across the whole width of the screen's bottom or top edge
PLACEMENT_FLOATING, PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP = "floating", "docked_bottom", "docked_top"
OVERLAY_PLACEMENTS = (PLACEMENT_FLOATING, PLACEMENT_DOCKED_BOTTOM, PLACEMENT_DOCKED_TOP)
MAX_BEAM_SIZE = 10  # the largest beam the app offers and its settings file keeps
MAX_LISTED_VALUES = 10  # a whole-number setting with at most this many values lists them as the terminal's choices
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Option:
    """How the terminal takes a setting: its flag, how its text is read (`parse`, raising `ArgumentTypeError` or
    `ValueError`), and for a flag without a value whether it turns the setting off (`--no-interim`)."""

    flag: str
    parse: Callable[[str], Any] | None = None
    metavar: str | None = None
    negates: bool = False
    nargs: str | None = None  # "?": the flag alone gives `const`
    const: Any = None


@dataclass(frozen=True)
class Setting:
    """One setting, declared once: its name (the settings file's key, the `Settings` field), its type, its default (a
    value, or a function of no arguments that makes one), the values it may take (an inclusive `range` for numbers,
    with `also` the values outside it that mean something; `choices`; a further `valid` rule), and its help (the
    terminal's; `{default}`, `{lo}` and `{hi}` in it are filled in). `option`: the terminal's; `session`: the
    keyword of `SessionOptions.chosen` it is given as; `tip`: the app's tooltip, where it says more; `tab` and
    `label`: the settings dialog's tab ("captions", "files") where a field made for its type shows it, under that
    label (a setting the dialog shows by a widget of its own has no `tab`)."""

    name: str
    type: type
    default: Any
    help: str = ""
    range: tuple[float, float] | None = None
    also: tuple[Any, ...] = ()
    choices: tuple[Any, ...] = ()
    valid: Callable[[Any], bool] | None = None
    option: Option | None = None
    session: str | None = None
    tip: str = ""
    tab: str = ""
    label: str = ""

    def initial(self) -> Any:
        """The default value (made afresh where it is made by a function)."""
        return self.default() if callable(self.default) else self.default

    def values(self) -> range:
        """The whole numbers of an int setting's range, in order."""
        lo, hi = self.range
        return range(int(lo), int(hi) + 1)

    def read(self, value: Any) -> Any:
        """`value` as this setting holds it (an int given for a float is made one); ValueError where it is not one
        the setting may take."""
        if self.type is float and _is_int(value):
            value = float(value)
        ok = self.type in _OF_TYPE and _OF_TYPE[self.type](value)  # a dict or a tuple is read by its own reader
        if ok and self.range is not None and value not in self.also:
            ok = self.range[0] <= value <= self.range[1]
        if ok and self.choices:
            ok = value in self.choices
        if ok and self.valid is not None:
            ok = self.valid(value)
        if not ok:
            raise ValueError(f"{value!r} is not a value of {self.name}")
        return value

    def tooltip(self) -> str:
        """The app's tooltip: `tip`, else the help."""
        return self.describe(self.tip or None)

    def describe(self, help: str | None = None) -> str:
        """The help (or `help`) with its default and bounds filled in."""
        lo, hi = self.range if self.range is not None else (None, None)
        shown = lambda n: int(n) if isinstance(n, float) and n.is_integer() else n  # noqa: E731
        return (self.help if help is None else help).format(default=self.initial(), lo=shown(lo), hi=shown(hi))


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


# whether a value from the settings file is one of a type
_OF_TYPE: dict[type, Callable[[Any], bool]] = {
    bool: lambda v: isinstance(v, bool),
    int: _is_int,
    float: lambda v: isinstance(v, float) and math.isfinite(v),
    str: lambda v: isinstance(v, str),
}


def _filled(v: str) -> bool:
    return v.strip() != ""


def _is_language(v: str) -> bool:
    """A language's code as the settings file holds it ("ja", "auto"); the terminal reads names too (`_language`)."""
    from captioner.engine.models.languages import is_language

    return is_language(v)


def _is_color(v: str) -> bool:
    return bool(_COLOR.match(v))


def _speaker_count_ok(v: str) -> bool:
    try:
        SpeakerCount.parse(v)
    except ValueError:
        return False
    return True


# -- the terminal's reading of an option's text ------------------------------------


def _beam_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError:
        size = 0
    if size < BEAM_SIZE.range[0]:  # the terminal takes any beam from the smallest up
        raise argparse.ArgumentTypeError(f"{text!r} is not a beam size: give a whole number, {BEAM_SIZE.range[0]} or more")
    return size


def _language(text: str) -> str:
    from captioner.engine.models.languages import code_for

    code = code_for(text)
    if code is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a language Whisper knows: give a code or an English name, such as "
                                         "en, de, fr, ja, zh or Japanese, or 'auto'")
    return code


def _within(setting: Setting) -> Callable[[str], Any]:
    """The terminal's reading of a number within `setting`'s range."""
    def parse(text: str) -> Any:
        try:
            return setting.read(setting.type(text))
        except ValueError:
            kind = "whole number" if setting.type is int else "number"
            raise argparse.ArgumentTypeError(f"{text!r} is not a {kind} from {setting.describe('{lo}')} to "
                                             f"{setting.describe('{hi}')}") from None
    parse.__name__ = setting.name  # what argparse names in an error
    return parse


def _speaker_count(text: str) -> SpeakerCount:
    try:
        return SpeakerCount.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


# -- the declarations ------------------------------------------------------------

MODEL = Setting("model", str, default_model, f"a faster-whisper model name or a model folder (default {DEFAULT_MODEL})",
                valid=_filled, option=Option("--model"))
MODEL_FOLDERS = Setting("model_folders", tuple, (), "local model folders chosen before, newest first")
COMPUTE_DEVICE = Setting("compute_device", str, ModelRequest.compute_device, "where the model runs (default: CUDA if present, else CPU)",
                         choices=("auto", "cpu", "cuda"), option=Option("--compute-device"))
COMPUTE_TYPE = Setting("compute_type", str, ModelRequest.compute_type, "CTranslate2 compute type (default: float16 on CUDA, int8 on CPU)",
                       option=Option("--compute-type"))
LANGUAGE = Setting("language", str, ModelRequest.language, "spoken language, as a code or an English name (ja, Japanese), or 'auto' (multilingual models only; "
                   "default {default})",
                   valid=_is_language, option=Option("--language", parse=_language))
TRANSLATE = Setting("translate", bool, False, "captions in English, translated by the model from the language spoken "
                    "(detected unless --language names another; multilingual models only)", option=Option("--translate"), tab="captions",
                    label="Translate into English",
                    tip="Captions, the window and the files in English whatever language is spoken, live and when a recording "
                        "is transcribed or refined; a model whose name ends in .en cannot translate")
CHINESE_SCRIPT = Setting("chinese_script", str, ModelRequest.chinese_script,
                         "the script Chinese captions are written in: simplified, traditional, or auto (default: the one "
                         "the first Chinese caption of the session or recording is in)", choices=CHINESE_SCRIPTS,
                         option=Option("--chinese-script"), tab="captions", label="Chinese characters",
                         tip="Whisper writes Chinese in Simplified or Traditional characters as it happens to; the captions, "
                             "the window and the files keep one: the one chosen here, or with “auto” the one the first "
                             "Chinese caption is written in")
BEAM_SIZE = Setting("beam_size", int, ModelRequest.beam_size, "decoder beam size, {lo} or more (default {default})",
                    range=(1, MAX_BEAM_SIZE), option=Option("--beam-size", parse=_beam_size),
                    tip="Beam of the interim passes: higher is a little more accurate and slower; 1 suits live captions. "
                        "Final captions always search with a beam of at least 5")
INTERIM_MODEL = Setting("interim_model", str, INTERIM_AUTO,
                        "the model that writes the interim text beside --model: a name or folder, 'none' (--model itself), or "
                        "'auto' (default: on a CPU tiny.en beside a model bigger than base, so the first words need not wait "
                        "for the big model's pass)", valid=_filled, option=Option("--interim-model", metavar="MODEL"),
                        tip="With a model bigger than base on a CPU, tiny.en (75 MB, downloaded once) writes the interim text "
                            "while the big model writes the finals: the first words appear within about a second")
VOCABULARY = Setting("vocabulary", str, "", "names and terms to expect, comma-separated (\"Ana Pereira, Kubernetes\"), or a text file of them",
                     option=Option("--vocabulary", metavar="TERMS|FILE"),
                     tip="Names, product names and jargon, comma-separated: final captions spell them as written here")
INPUT_DEVICE = Setting("input_device", str, "", "an InputDevice id; \"\" = the system's default input")
CAPTURE_MODE = Setting("capture_mode", str, MODE_MICROPHONE, "what is captioned: microphone, system or both", choices=MODES)
OUTPUT_DEVICE = Setting("output_device", str, "", "an OutputDevice id whose sound is captioned; \"\" = the default output, followed")
LABELS = Setting("labels", dict, lambda: dict(DEFAULT_LABELS), "what each channel is called, by id, shown beside its captions when both are captioned")
SRT_LABELS = Setting("srt_labels", bool, False, "begin each SRT cue with its label (TXT always has it, VTT as a voice tag)",
                     option=Option("--srt-labels"))
SPEAKERS = Setting("speakers", bool, False, "tell speakers apart by voice", session="speakers",
                   option=Option("--speakers", parse=_speaker_count, metavar="N|MIN-MAX", nargs="?", const=SpeakerCount()),
                   tip="The others on a call, or everyone when only one input is captioned, labelled by voice; "
                       "right-click a caption in the transcript to name its speaker")
SPEAKER_COUNT = Setting("speaker_count", str, "", "how many people speak, when known: \"\" any number, \"N\", or \"MIN-MAX\"",
                        valid=_speaker_count_ok,
                        tip="How many people speak, when you know: the voices are then grouped into that many "
                            "(type a range such as 2-4 for “two to four”); “Any number” lets their voices decide")
SPEECH_DETECTION = Setting("speech_detection", int, engine.STRICTNESS, "{lo} keeps the most audio as speech, {hi} the least (default {default})",
                           range=(engine.LEAST_STRICT, engine.MOST_STRICT), session="vad_aggressiveness",
                           option=Option("--vad-aggressiveness"),
                           tip="How strictly sound is taken for speech: “Most sensitive” keeps quiet and far-off voices, "
                               "“Strictest” leaves out more of a noisy room (as captioner caption --vad-aggressiveness {lo}–{hi})")
INTERIM_TEXT = Setting("interim_text", bool, engine.INTERIMS, "only final captions", session="interims",
                       option=Option("--no-interim", negates=True),
                       tip="Off: only final text, a moment after each sentence ends (as captioner caption --no-interim)")
KEEP_ECHO = Setting("keep_echo", bool, False, "keep microphone captions that repeat what system audio just said (by default they are "
                    "dropped as echo)", session="keep_echo", option=Option("--keep-echo"))
AUTOSAVE = Setting("autosave", bool, True, "save every session as it happens")
AUTOSAVE_DIR = Setting("autosave_dir", str, "", "the sessions folder; \"\" = default_sessions_dir()")
EXPORT_DIR = Setting("export_dir", str, "", "the folder of the last export; \"\" = the sessions folder")
RECORDING = Setting("recording", str, RECORD_UNTIL_REFINED, "the session's audio beside its autosave files", choices=RECORDING_CHOICES,
                    tip="Each side's audio is saved privately beside the session's SRT and TXT (Opus, about 23 MB per hour)")
REFINE_AT_STOP = Setting("refine_at_stop", bool, True, "refine the transcript from the recorded audio in the background once a session stops",
                         tip="The recorded audio is transcribed again the offline way; the live files are kept as .live.srt/.live.txt")
MAIN_WINDOW_GEOMETRY = Setting("main_window_geometry", str, "", "base64 of QWidget.saveGeometry()")
TRANSCRIPT_TEXT_SIZE = Setting("transcript_text_size", float, 0.0, "the transcript's text in points; 0: the system's size × 1.25",
                               range=(8.0, 48.0), also=(0.0,))
GLOBAL_SHORTCUTS = Setting("global_shortcuts", bool, True, "system-wide shortcuts: they work while another window has focus")
SHORTCUT_START_STOP = Setting("shortcut_start_stop", str, "Ctrl+Alt+Shift+R", "start / stop (a Qt key sequence; \"\" = none)")
SHORTCUT_OVERLAY = Setting("shortcut_overlay", str, "Ctrl+Alt+Shift+O", "show / hide the overlay")
SHORTCUT_CLICK_THROUGH = Setting("shortcut_click_through", str, "Ctrl+Alt+Shift+T", "the overlay's click-through")

# the app's settings, in the settings file's order
APP: tuple[Setting, ...] = (
    MODEL, MODEL_FOLDERS, COMPUTE_DEVICE, LANGUAGE, TRANSLATE, CHINESE_SCRIPT, BEAM_SIZE, INTERIM_MODEL, VOCABULARY, INPUT_DEVICE, CAPTURE_MODE,
    OUTPUT_DEVICE, LABELS, SRT_LABELS, SPEAKERS, SPEAKER_COUNT, SPEECH_DETECTION, INTERIM_TEXT, AUTOSAVE, AUTOSAVE_DIR,
    EXPORT_DIR, RECORDING, REFINE_AT_STOP, MAIN_WINDOW_GEOMETRY, TRANSCRIPT_TEXT_SIZE, GLOBAL_SHORTCUTS,
    SHORTCUT_START_STOP, SHORTCUT_OVERLAY, SHORTCUT_CLICK_THROUGH,
)

# the caption overlay's look and place (`Settings.overlay`), in the settings file's order
OVERLAY: tuple[Setting, ...] = (
    Setting("visible", bool, True, "the overlay is shown"),
    Setting("font_family", str, "", "\"\" = the system's sans-serif font"),
    Setting("font_size", int, 26, "points", range=(6, 200)),
    Setting("bold", bool, False, "bold text"),
    Setting("text_color", str, "#ffffff", "final text, #rrggbb", valid=_is_color),
    Setting("interim_color", str, "#a9c7e8", "interim text, #rrggbb", valid=_is_color),
    Setting("background_color", str, "#101418", "#rrggbb", valid=_is_color),
    Setting("background_opacity", float, 0.8, "0 = fully transparent .. 1 = opaque", range=(0.0, 1.0)),
    Setting("lines", int, 2, "lines of text shown", range=(1, 5)),
    Setting("align", str, "left", "the text's alignment", choices=("left", "center")),
    Setting("clear_after_s", float, 8.0, "silence after which the overlay clears; 0 = never", range=(0.0, 3600.0)),
    Setting("click_through", bool, False, "clicks pass through the overlay"),
    Setting("placement", str, PLACEMENT_FLOATING, "where the overlay goes", choices=OVERLAY_PLACEMENTS),
    Setting("geometries", tuple, (), "where the overlay was on each screen, latest first"),
    Setting("last_screen", str, "", "the screen the overlay was last on"),
)

TERMINAL_ONLY: tuple[Setting, ...] = (COMPUTE_TYPE, KEEP_ECHO)  # settings the terminal takes and the app does not keep
SESSION: tuple[Setting, ...] = tuple(s for s in (*APP, *TERMINAL_ONLY) if s.session)  # what a live session is given
# the terminal's `caption` options for how a live session captions, in its --help's order (`cli.caption`)
CAPTION: tuple[Setting, ...] = (BEAM_SIZE, LANGUAGE, TRANSLATE, CHINESE_SCRIPT, SPEECH_DETECTION, INTERIM_TEXT, INTERIM_MODEL, VOCABULARY)


def declared_fields(settings: tuple[Setting, ...], *, after: str | None = None):
    """A class decorator, applied before `@dataclass`: the class gets a field for each of `settings` (with its type and
    default), after its own field `after` (or first), its own others after them."""
    def add(cls):
        own = dict(cls.__dict__.get("__annotations__", {}))
        head = {name: own.pop(name) for name in list(own)[: list(own).index(after) + 1]} if after else {}
        cls.__annotations__ = {**head, **{s.name: s.type for s in settings}, **own}
        for s in settings:
            setattr(cls, s.name, field(default_factory=s.default) if callable(s.default) else field(default=s.default))
        return cls
    return add


def add_option(parser: argparse.ArgumentParser, setting: Setting, *, help: str | None = None, **default: Any) -> None:
    """The terminal's option for `setting` on `parser`: its flag, reading, choices, default and help as declared
    (`help` in place of the declared one; `default=` in place of the declared default)."""
    option = setting.option
    kw: dict[str, Any] = {"help": setting.describe(help)}
    if setting.type is bool and option.nargs is None:
        kw["action"] = "store_true"
    else:
        kw["default"] = default.get("default", setting.initial())
        if option.parse is not None:
            kw["type"] = option.parse
        elif setting.range is not None and setting.type is int and len(setting.values()) <= MAX_LISTED_VALUES:
            kw["type"], kw["choices"] = int, setting.values()
        elif setting.range is not None:
            kw["type"] = _within(setting)
        if setting.choices:
            kw["choices"] = setting.choices
        for name in ("metavar", "nargs", "const"):
            if getattr(option, name) is not None:
                kw[name] = getattr(option, name)
    parser.add_argument(option.flag, **kw)


def chosen(args: argparse.Namespace) -> dict[str, Any]:
    """The declared settings that the terminal's `args` hold, by name (a negating flag read as the setting's value)."""
    values = {}
    for s in (*APP, *TERMINAL_ONLY):
        if s.option is not None:
            dest = s.option.flag.lstrip("-").replace("-", "_")
            if hasattr(args, dest):
                value = getattr(args, dest)
                values[s.name] = (not value) if s.option.negates else value
    return values


def session_options(values: Mapping[str, Any], **fixed: Any):
    """The `SessionOptions` that `values` (declared settings by name; a missing one takes its default) choose, with
    `fixed` (such as `status_interval_s`) as given."""
    from captioner.engine.live.session import SessionOptions

    return SessionOptions.chosen(**{s.session: values.get(s.name, s.initial()) for s in SESSION}, **fixed)
