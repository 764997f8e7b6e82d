"""`captioner caption`: a file or live sound captioned in the terminal, as an `app.live.LiveSession` with the
terminal's printer for a sink; its checks before anything loads, and its figures at the end (`--stats`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from captioner import config
from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM
from captioner.cli import model
from captioner.cli.errors import FAILED, CliError
from captioner.cli.options import Command, model_options, speakers_option
from captioner.cli.progress import wait_with_interrupt
from captioner.subtitles.formats import live_formats

__all__ = ["CAPTION", "live_paths", "start_line"]


def add_arguments(cap: argparse.ArgumentParser) -> None:
    src = cap.add_mutually_exclusive_group()
    src.add_argument("--input", metavar="FILE", help="an audio file (wav, flac, mp3, ...)")
    src.add_argument("--device", metavar="ID", help="an input device id or name from `captioner devices` (default: the system's default input; 'default' names it beside --system-audio)")
    cap.add_argument("--system-audio", metavar="OUTPUT", nargs="?", const="", default=None,
                     help="caption what the computer plays on OUTPUT (an output from `captioner devices`; without one: the default output, "
                     "followed when it changes); with --device, the microphone too, each caption labelled")
    cap.add_argument("--mic-label", default=DEFAULT_LABELS[MICROPHONE], help=f"label of microphone captions with --system-audio (default {DEFAULT_LABELS[MICROPHONE]!r})")
    cap.add_argument("--system-label", default=DEFAULT_LABELS[SYSTEM], help=f"label of system-audio captions (default {DEFAULT_LABELS[SYSTEM]!r})")
    config.add_option(cap, config.SRT_LABELS)
    speakers_option(cap, "tell speakers apart by voice: captions of the one input, or of system audio with --system-audio, are labelled "
                         "\"Speaker 1\", \"Speaker 2\", ... (the microphone stays the --mic-label)")
    config.add_option(cap, config.KEEP_ECHO)
    cap.add_argument("--realtime", action="store_true", help="with --input: feed the file at its real pace, as if it were live")
    model_options(cap)
    for setting in config.CAPTION:
        config.add_option(cap, setting)
    for fmt in live_formats():
        cap.add_argument(f"--{fmt.name}", metavar="OUT", help=fmt.live_help)
    cap.add_argument("--overwrite", action="store_true", help=f"replace existing {'/'.join(f'--{fmt.name}' for fmt in live_formats())} files")
    cap.add_argument("--keep-audio", action="store_true",
                     help="keep the session's audio beside the --srt (or --txt) file, as STEM.audio.opus (one file per side with "
                          "--system-audio), so that `captioner refine` can refine the transcript afterwards")
    cap.add_argument("--quiet", action="store_true", help="print no captions")
    cap.add_argument("--stats", action="store_true", help="print timing figures at the end")


def run(args: argparse.Namespace) -> int:
    """Caption --input, or what the microphone and system audio hear, until it ends or Ctrl-C; the captions printed and
    written as they come. Exit 1 when the session met an error."""
    from captioner.app.inputs import channel_labels
    from captioner.app.live import LagWatch, LiveSession, discard_outputs
    from captioner.app.model import live_request
    from captioner.audio.sources import AudioSourceError
    from captioner.terminal import TerminalPrinter

    check_choices(args)
    if args.speakers:
        model.need_voice_encoder()
    labels = channel_labels(args.mic_label, args.system_label)
    channels = _meeting(args, labels)
    vocabulary = _vocabulary(args)
    if not args.input:
        _inputs_there(args)
    outputs = _open_outputs(args, labels)
    try:
        transcriber, notes = model.load(live_request(args.model, args.compute_device, args.language, args.beam_size, args.compute_type,
                                                     interim_model=args.interim_model, interims=not args.no_interim,
                                                     translate=args.translate, chinese_script=args.chinese_script),
                                        quiet=args.quiet)
        if notes.interim:
            print(f"captioner: {notes.interim}", file=sys.stderr, flush=True)
        live = LiveSession(transcriber, channels or _source(args), config.session_options(config.chosen(args)), outputs=outputs,
                           sinks=[] if args.quiet else [TerminalPrinter(labels=labels)], labels=labels, srt_labels=args.srt_labels,
                           vocabulary=vocabulary, record_beside=Path(live_paths(args)[0]) if args.keep_audio else None,
                           model=str(args.model), on_status=LagWatch(_lag_warning(args), live=not args.input or args.realtime),
                           on_error=_say_problem, warn=_warn)
    except BaseException:
        discard_outputs(outputs)
        raise
    try:
        live.start()
    except AudioSourceError as exc:
        raise CliError(str(exc)) from exc
    if not args.quiet:
        print(f"captioner: {start_line(args)}", file=sys.stderr, flush=True)
    wait_with_interrupt(live)
    removed = live.finish()
    if removed:
        names = " and ".join(str(path) for path in removed)
        print(f"captioner: nothing was captioned, so {names} {'was' if len(removed) == 1 else 'were'} not kept", file=sys.stderr)
    if args.stats:
        _print_figures(live)
    return FAILED if live.errors else 0


def check_choices(args: argparse.Namespace) -> None:
    """Options that do not go together, and an --input that is no file: said before the model loads (seconds)."""
    if args.input and not Path(args.input).is_file():
        raise CliError(f"The audio file {args.input} does not exist" if not Path(args.input).exists() else f"{args.input} is not a file")
    if args.realtime and not args.input:
        raise CliError("--realtime goes with --input")
    if args.system_audio is not None and args.input:
        raise CliError("--system-audio captions live sound; it does not go with --input")
    if args.keep_audio and not live_paths(args):
        raise CliError("--keep-audio keeps the audio beside the --srt or --txt file: give one")


def _meeting(args: argparse.Namespace, labels: dict[str, str]) -> list:
    """The channels of a --system-audio session (`app.inputs.meeting_inputs`); [] without it."""
    from captioner.app.inputs import listening_mode, meeting_inputs
    from captioner.audio.sources import AudioSourceError

    try:
        return meeting_inputs(listening_mode(args.system_audio, args.device), args.device, args.system_audio, labels=labels)
    except ValueError as exc:
        raise CliError(f"--mic-label and --system-label: {exc}") from exc
    except AudioSourceError as exc:
        raise CliError(str(exc)) from exc


def _inputs_there(args: argparse.Namespace) -> None:
    """The microphone and the output a live session would listen to are there (`app.inputs.check_inputs`)."""
    from captioner.app.inputs import check_inputs, listening_mode
    from captioner.audio.devices import AudioDeviceError
    from captioner.audio.sources import AudioSourceError

    try:
        check_inputs(listening_mode(args.system_audio, args.device), args.device, args.system_audio)
    except (AudioDeviceError, AudioSourceError) as exc:
        raise CliError(str(exc)) from exc


def _vocabulary(args: argparse.Namespace) -> str:
    from captioner.app.transcribe import vocabulary_terms

    try:
        return vocabulary_terms(args.vocabulary) or ""
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def _open_outputs(args: argparse.Namespace, labels: dict[str, str]) -> list:
    """The --srt and --txt files, created now (`app.live.open_outputs`)."""
    from captioner.app.live import open_outputs
    from captioner.subtitles.errors import SubtitleFileError, SubtitleFileExistsError

    try:
        return open_outputs({fmt.name: getattr(args, fmt.name) for fmt in live_formats() if getattr(args, fmt.name)},
                            overwrite=args.overwrite, srt_labels=args.srt_labels, labels=labels, on_notice=_warn)
    except SubtitleFileError as exc:
        hint = " (--overwrite replaces it)" if isinstance(exc, SubtitleFileExistsError) else ""
        raise CliError(f"{exc}{hint}") from exc


def _source(args: argparse.Namespace):
    from captioner.app.inputs import live_source

    return live_source(args.input, realtime=args.realtime, device=args.device)


def _warn(text: str) -> None:  # an output file deleted mid-session was written again; what the session goes without
    print(f"captioner: warning: {text}", file=sys.stderr, flush=True)


def _say_problem(error) -> None:
    print(f"captioner: {'error' if error.fatal else 'warning'}: {error.message}", file=sys.stderr)


def _lag_warning(args: argparse.Namespace):
    def on_lag(lag_s: float) -> None:
        print(f"captioner: warning: captions are {lag_s:.0f} s behind the audio; this machine is too slow for {args.model} here. "
              "Nothing is lost, but try a smaller model or a GPU.", file=sys.stderr)

    return on_lag


def live_paths(args: argparse.Namespace) -> list[str]:
    """The files a `caption` session writes as it goes (--srt, --txt: the live formats), in that order."""
    return [getattr(args, fmt.name) for fmt in live_formats() if getattr(args, fmt.name)]


def start_line(args: argparse.Namespace) -> str:
    """What the command says on stderr once audio flows."""
    from captioner.app.inputs import microphone_choice

    if args.input:
        return f"captioning {args.input}{' at its own pace' if args.realtime else ''}…"
    mic = "the default microphone" if microphone_choice(args.device) is None else args.device
    if args.system_audio is None:
        heard = mic
    else:
        output = args.system_audio or "the default output"
        heard = f"{mic} and what {output} plays" if args.device else f"what {output} plays"
    return f"listening to {heard}; captions appear as people speak (Ctrl-C to stop)"


def _print_figures(live) -> None:
    """--stats: the finished session's figures (`app.stats`) on stderr."""
    from captioner.app.stats import session_figures

    figures = session_figures(live)
    echoes = "" if figures.echoes is None else f", {figures.echoes} dropped or cut as echo"
    print(f"audio {figures.audio_s:.1f} s, {figures.finals} finals{echoes}, compute {figures.compute_s:.1f} s "
          f"({figures.compute_per_audio_s:.2f} s per audio s)", file=sys.stderr)
    if figures.echoes is not None:  # a meeting: each side's figures
        for lane in figures.lanes:
            said = f"median delay {lane.delays.median_s:.2f} s, max {lane.delays.max_s:.2f} s" if lane.delays else "no finals"
            print(f"{lane.label}: {said}, capture overflows {lane.overflows}", file=sys.stderr)
        return
    if figures.delays:
        print(f"final delay after the end of speech (audio clock): median {figures.delays.median_s:.2f} s, max {figures.delays.max_s:.2f} s",
              file=sys.stderr)
    if figures.overflows:
        print(f"capture overflows: {figures.overflows}", file=sys.stderr)
    if figures.spoken:
        print(f"spoken language (detected): {figures.spoken}", file=sys.stderr)


CAPTION = Command("caption", "caption a file or an input device in the terminal", add_arguments, run)
