"""Command line: the GUI by default, `caption`, `devices`, `download`."""

from __future__ import annotations

import argparse
import os
import re
import signal
import statistics
import sys
import textwrap
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from captioner import __version__, config
from captioner.audio.capture_child import FROZEN_COMMAND
from captioner.channels import DEFAULT_LABELS, MICROPHONE, SYSTEM
from captioner.engine.models.catalogue import DEFAULT_MODEL, INTERIM_NONE, ModelRequest, model_label
from captioner.engine.models.cuda_libs import CUBLAS, WHEEL, user_folder
from captioner.engine.models.errors import (
    ComputeTypeUnsupported,
    CudaLibraryMissing,
    DeviceUnavailable,
    FolderMissing,
    GpuDriverProblem,
    LanguageUnsupported,
    ModelError,
    TranslateUnsupported,
    UnknownDevice,
)
from captioner.errors import CaptionerError
from captioner.events import SAMPLE_RATE, SessionProblem
from captioner.subtitles.formats import FORMATS, live_formats

__all__ = ["INTERRUPTED", "CliError", "build_parser", "main", "model_error_message"]

INTERRUPTED = 130  # the exit status of a command stopped by Ctrl-C (128 + SIGINT), as shells give it

# the command line's own way out for the advice of a model error
_HINTS: dict[type[ModelError], str] = {
    DeviceUnavailable: "--compute-device cpu or --compute-device auto",
    CudaLibraryMissing: "--compute-device cpu",
    GpuDriverProblem: "--compute-device cpu",
    UnknownDevice: "--compute-device",
    ComputeTypeUnsupported: "--compute-type auto",
    LanguageUnsupported: "--language en",
    TranslateUnsupported: "leave out --translate",
    FolderMissing: "--model",
}


class CliError(CaptionerError):
    """A problem the user can fix; printed as one line, exit code 1."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="captioner", description="Live captions while people talk, saved as subtitles. Without a command, opens the app.")
    parser.add_argument("--version", action="version", version=f"captioner {__version__}")
    sub = parser.add_subparsers(dest="command")

    cap = sub.add_parser("caption", help="caption a file or an input device in the terminal")
    src = cap.add_mutually_exclusive_group()
    src.add_argument("--input", metavar="FILE", help="an audio file (wav, flac, mp3, ...)")
    src.add_argument("--device", metavar="ID", help="an input device id or name from `captioner devices` (default: the system's default input; 'default' names it beside --system-audio)")
    cap.add_argument("--system-audio", metavar="OUTPUT", nargs="?", const="", default=None,
                     help="caption what the computer plays on OUTPUT (an output from `captioner devices`; without one: the default output, "
                     "followed when it changes); with --device, the microphone too, each caption labelled")
    cap.add_argument("--mic-label", default=DEFAULT_LABELS[MICROPHONE], help=f"label of microphone captions with --system-audio (default {DEFAULT_LABELS[MICROPHONE]!r})")
    cap.add_argument("--system-label", default=DEFAULT_LABELS[SYSTEM], help=f"label of system-audio captions (default {DEFAULT_LABELS[SYSTEM]!r})")
    config.add_option(cap, config.SRT_LABELS)
    _speakers_arg(cap, "tell speakers apart by voice: captions of the one input, or of system audio with --system-audio, are labelled "
                       "\"Speaker 1\", \"Speaker 2\", ... (the microphone stays the --mic-label)")
    config.add_option(cap, config.KEEP_ECHO)
    cap.add_argument("--realtime", action="store_true", help="with --input: feed the file at its real pace, as if it were live")
    _model_args(cap)
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

    ref = sub.add_parser("refine", help="transcribe a session's recorded audio again, the offline way, and make that its transcript")
    ref.add_argument("session", metavar="SESSION", help="the session's .srt (or .txt) file, or a folder holding one session with audio")
    _offline_args(ref, model_help="default: the model the session captioned with")
    config.add_option(ref, config.SRT_LABELS)
    ref.add_argument("--delete-audio", action="store_true", help="delete the session's recorded audio once the refined files are written")
    _speakers_arg(ref, "tell speakers apart by voice (system audio's captions, or the one input's), with the whole recording")

    tra = sub.add_parser("transcribe", help="transcribe audio or video files the offline way, one after another, with a progress bar")
    tra.add_argument("files", metavar="FILE", nargs="+", help="any audio or video file (wav, flac, mp3, ogg, m4a, mp4, ...)")
    _offline_args(tra, model_help=f"default {DEFAULT_MODEL}")
    _speakers_arg(tra, "tell speakers apart by voice: each line begins with \"Speaker 1\", ...")
    for fmt in FORMATS:
        tra.add_argument(f"--{fmt.name}", metavar="OUT", help=f"{fmt.help} (one FILE)")
    tra.add_argument("--out-dir", metavar="DIR", help=f"write each FILE's transcript here as {listed([f'NAME{fmt.suffix}' for fmt in FORMATS])} "
                     "(NAME-2.* where those are taken)")
    tra.add_argument("--overwrite", action="store_true", help="replace existing output files")

    sub.add_parser("devices", help="list audio input devices and the outputs whose sound can be captioned")

    check = sub.add_parser("selftest", help="load a model, caption a file, print the text (checks an installation without a screen)")
    check.add_argument("--input", metavar="FILE", required=True, help="an audio file with speech")
    _model_args(check)

    dl = sub.add_parser("download", help="download a model into the cache")
    dl.add_argument("model", nargs="?", default=DEFAULT_MODEL)

    cuda = sub.add_parser(
        "cuda-libs", help="fetch NVIDIA's cuBLAS 12 for the GPU (the packaged app; with pip: pip install 'captioner[cuda]')",
        formatter_class=argparse.RawDescriptionHelpFormatter,  # a long folder's path stays whole on its line
        description=textwrap.fill(f"Download NVIDIA's cuBLAS 12, the one CUDA library captioner needs on an NVIDIA GPU beyond the driver: the pip "
                    f"wheel {WHEEL} (several hundred MB; the progress bar shows its size), checked against the SHA-256 its "
                    f"index publishes. Only its two libraries ({' and '.join(CUBLAS)}) are kept, in {user_folder()}; "
                    "captioner loads them from there at its next start. Ctrl-C keeps nothing. With pip, "
                    "`pip install 'captioner[cuda]'` installs the same wheel instead.", width=79, break_long_words=False, break_on_hyphens=False))
    cuda.add_argument("--index", metavar="URL", default=None, help="the Python package index to fetch it from (default pypi.org)")

    gui = sub.add_parser("gui", help="open the app (the default)")
    gui.add_argument("--settings", metavar="FILE", help=argparse.SUPPRESS)
    return parser


def _model_args(p: argparse.ArgumentParser) -> None:
    for setting in (config.MODEL, config.COMPUTE_DEVICE, config.COMPUTE_TYPE):
        config.add_option(p, setting)


def _offline_args(p: argparse.ArgumentParser, *, model_help: str) -> None:
    config.add_option(p, config.MODEL, default=None, help=f"a faster-whisper model name or a model folder ({model_help})")
    for setting in (config.COMPUTE_DEVICE, config.COMPUTE_TYPE, config.LANGUAGE, config.TRANSLATE):
        config.add_option(p, setting)
    config.add_option(p, config.VOCABULARY, default=None,
                      help="names and terms to expect, comma-separated, or a text file of them (refine: default the session's)")


def _speakers_arg(parser: argparse.ArgumentParser, help: str) -> None:
    config.add_option(parser, config.SPEAKERS, help=f"{help}; with N (or MIN-MAX), as many people as that, when you know how many speak")


_COUNT = re.compile(r"\d[\d\s.,\-–]*")  # what a user writes as a number of people, right or wrong ("2", "2-4", "2.5")


def _speakers_alone(argv: list[str]) -> list[str]:
    """`--speakers` followed by an option or a path (a FILE, say: a word with a dot or a slash, or one on disk) as
    `--speakers=`, so that argparse does not take it for the option's value; any other word is its value, for
    argparse to refuse as no number of people."""
    def no_value(word: str) -> bool:
        return not _COUNT.fullmatch(word) and (word.startswith("-") or "." in word or os.sep in word or os.path.exists(word))

    return ["--speakers=" if a == "--speakers" and (i + 1 == len(argv) or no_value(argv[i + 1])) else a
            for i, a in enumerate(argv)]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [FROZEN_COMMAND]:  # the frozen app runs its capture child as itself
        from captioner.audio.capture_child import main as capture_child

        return capture_child(argv[1:])
    args = build_parser().parse_args(_speakers_alone(argv))
    try:
        if args.command == "caption":
            return caption(args)
        if args.command == "refine":
            return refine(args)
        if args.command == "transcribe":
            return transcribe(args)
        if args.command == "devices":
            return devices()
        if args.command == "selftest":
            return selftest(args)
        if args.command == "download":
            download(args.model)
            return 0
        if args.command == "cuda-libs":
            return cuda_libs(args.index)
        return open_gui(getattr(args, "settings", None))
    except CliError as exc:
        print(f"captioner: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # Ctrl-C twice (or during a load): quit now; every final already written is on disk
        print("\ncaptioner: stopped", file=sys.stderr, flush=True)
        sys.stdout.flush()
        # at once: the transcriber's and the capture's threads are still in native code, and an interpreter shutting
        # down around them aborts (SIGABRT) in a C library
        os._exit(INTERRUPTED)


def cuda_libs(index: str | None) -> int:
    """Fetch cuBLAS 12 into the app's data folder, with a progress bar; Ctrl-C keeps nothing."""
    from captioner.engine.models.cuda_fetch import CudaFetchFailed, fetch_cublas
    from captioner.engine.models.cuda_libs import WHEEL

    bar = _ProgressBar(WHEEL)
    try:
        written = fetch_cublas(index=index, progress=bar)
    except CudaFetchFailed as exc:
        raise CliError(str(exc)) from exc
    except KeyboardInterrupt:
        raise CliError("cancelled: nothing was kept") from None
    finally:
        bar.close()
    print(f"cuBLAS 12 is in {written[0].parent}: captioner uses the GPU from its next start.")
    return 0


def devices() -> int:
    from captioner.audio.devices import AudioDeviceError, list_input_devices

    try:
        found = list_input_devices()
    except AudioDeviceError as exc:
        raise CliError(str(exc)) from exc
    outputs, output_lines = _output_lines()
    print("Inputs (--device ID):")
    if not found:
        print("  none found: connect a microphone, or caption a file with --input")
    width = max((len(d.id) for d in found), default=0)
    for d in found:
        marks = ("default " if d.is_default else "") + ("(plays back) " if d.is_monitor else "")
        print(f"{'*' if d.is_default else ' '} {d.id:<{width}}  {int(d.default_rate):>6} Hz  {d.name}  {marks.strip()}".rstrip())
    print("Outputs whose sound can be captioned (--system-audio ID):")
    for line in output_lines:
        print(line)
    if not found and not outputs:
        raise CliError("No audio input device was found. Connect a microphone, or caption a file with --input.")
    return 0


def _output_lines() -> tuple[list, list[str]]:
    """The capturable outputs and the lines that list them (or say why there are none)."""
    from captioner.audio.loopback import list_output_devices
    from captioner.audio.outputs import no_outputs_message
    from captioner.audio.sources import AudioSourceError

    try:
        outputs = list_output_devices()
    except AudioSourceError as exc:
        return [], [f"  none: {exc}"]
    if not outputs:
        return [], [f"  none: {no_outputs_message()}"]
    width = max(len(d.id) for d in outputs)
    return outputs, [f"{'*' if d.is_default else ' '} {d.id:<{width}}  {d.name}{'  default' if d.is_default else ''}" for d in outputs]


def model_error_message(error: ModelError) -> str:
    """The error's message with this command line's flags for its way out."""
    hint = next((text for kind, text in _HINTS.items() if isinstance(error, kind)), "")
    return error.message(hint or ("--model /path/to/folder" if error.offers_folder else ""))


class _ProgressBar:
    """A tqdm bar on stderr for a model download, opened at its first report."""

    def __init__(self, spec: str) -> None:
        self.spec = spec
        self.bar = None

    def __call__(self, p) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=p.total, unit="B", unit_scale=True, unit_divisor=1024, desc=f"downloading {self.spec}", file=sys.stderr)
        self.bar.update(p.downloaded - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def download(spec: str, cancel: threading.Event | None = None):
    """Resolve a model name or folder, downloading with a progress bar; return its folder."""
    from captioner.engine.models.fetch import resolve_model

    bar = _ProgressBar(spec)
    try:
        return resolve_model(spec, progress=bar, cancel=cancel)
    except ModelError as exc:
        raise CliError(model_error_message(exc)) from exc
    finally:
        bar.close()


def load_transcriber(args: argparse.Namespace):
    from captioner.app.live import ModelNotes, load_model

    interim = getattr(args, "interim_model", INTERIM_NONE)  # only a live session has interims: refine and transcribe need none
    request = ModelRequest(args.model, args.compute_device, args.language, args.beam_size, args.compute_type,
                           INTERIM_NONE if getattr(args, "no_interim", False) else interim, translate=getattr(args, "translate", False))
    bar = _ProgressBar(args.model)

    def on_phase(phase: str) -> None:  # said once the model is found: a large one takes seconds to load
        if phase == "preparing-gpu":
            print("captioner: preparing the GPU (first time only)…", file=sys.stderr, flush=True)
        elif phase == "loading" and not getattr(args, "quiet", False):
            print(f"captioner: loading the model {model_label(args.model)}…", file=sys.stderr, flush=True)

    try:
        transcriber = load_model(request, progress=bar, phase=on_phase)
    except ModelError as exc:
        raise CliError(model_error_message(exc)) from exc
    finally:
        bar.close()
    notes = ModelNotes.of(transcriber)
    if notes.device:  # a GPU that cannot run the model: the CPU instead, and why
        print(f"captioner: warning: {notes.device}", file=sys.stderr, flush=True)
    return transcriber


def caption(args: argparse.Namespace) -> int:
    from captioner.app.live import LagWatch, LiveSession, ModelNotes, discard_outputs, open_outputs
    from captioner.audio.loopback import microphone_source
    from captioner.audio.sources import AudioSourceError, FileSource
    from captioner.engine.vocabulary import read_vocabulary
    from captioner.subtitles.errors import SubtitleFileError, SubtitleFileExistsError
    from captioner.terminal import TerminalPrinter

    if args.input and not Path(args.input).is_file():  # before the model loads, which takes seconds
        raise CliError(f"The audio file {args.input} does not exist" if not Path(args.input).exists() else f"{args.input} is not a file")
    if args.realtime and not args.input:
        raise CliError("--realtime goes with --input")
    if args.system_audio is not None and args.input:
        raise CliError("--system-audio captions live sound; it does not go with --input")
    if args.keep_audio and not live_paths(args):
        raise CliError("--keep-audio keeps the audio beside the --srt or --txt file: give one")
    if args.speakers:
        need_voice_encoder()
    labels = channel_labels(args)
    channels = meeting_channels(args, labels)
    try:
        vocabulary = read_vocabulary(args.vocabulary) if args.vocabulary else ""
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if not args.input:
        live_inputs_there(args)

    def warn(text: str) -> None:  # an output file deleted mid-session was written again; what the session goes without
        print(f"captioner: warning: {text}", file=sys.stderr, flush=True)

    try:
        outputs = open_outputs({fmt.name: getattr(args, fmt.name) for fmt in live_formats() if getattr(args, fmt.name)},
                               overwrite=args.overwrite, srt_labels=args.srt_labels, labels=labels, on_notice=warn)
    except SubtitleFileError as exc:
        hint = " (--overwrite replaces it)" if isinstance(exc, SubtitleFileExistsError) else ""
        raise CliError(f"{exc}{hint}") from exc
    try:
        transcriber = load_transcriber(args)
        if ModelNotes.of(transcriber).interim:
            print(f"captioner: {transcriber.interim_note}", file=sys.stderr, flush=True)
        source = None if channels else FileSource(args.input, realtime=args.realtime) if args.input else microphone_source(args.device)

        def on_lag(lag_s: float) -> None:
            print(f"captioner: warning: captions are {lag_s:.0f} s behind the audio; this machine is too slow for {args.model} here. "
                  "Nothing is lost, but try a smaller model or a GPU.", file=sys.stderr)

        def on_error(error: SessionProblem) -> None:
            print(f"captioner: {'error' if error.fatal else 'warning'}: {error.message}", file=sys.stderr)

        options = config.session_options(config.chosen(args))
        live = LiveSession(transcriber, channels or source, options, outputs=outputs,
                           sinks=[] if args.quiet else [TerminalPrinter(labels=labels)], labels=labels, srt_labels=args.srt_labels,
                           vocabulary=vocabulary, record_beside=Path(live_paths(args)[0]) if args.keep_audio else None,
                           model=str(args.model), on_status=LagWatch(on_lag, live=not args.input or args.realtime),
                           on_error=on_error, warn=warn)
    except BaseException:
        discard_outputs(outputs)
        raise
    try:
        live.start()
    except AudioSourceError as exc:
        raise CliError(str(exc)) from exc
    if not args.quiet:
        print(f"captioner: {start_line(args)}", file=sys.stderr, flush=True)
    _wait_with_interrupt(live)
    removed = live.finish()
    if removed:
        names = " and ".join(str(path) for path in removed)
        print(f"captioner: nothing was captioned, so {names} {'was' if len(removed) == 1 else 'were'} not kept", file=sys.stderr)
    if args.stats:
        if channels:
            _print_meeting_stats(live.session)
        else:
            _print_stats(live.session, source)
    return 1 if live.errors else 0


def need_voice_encoder() -> None:
    """--speakers: the voice encoder's weights are installed, else the user is told how to get them (before any model
    loads)."""
    from captioner.voices import VoiceEncoderMissing, find_weights

    try:
        find_weights()
    except VoiceEncoderMissing as exc:
        raise CliError(str(exc)) from exc


def listed(items: list[str]) -> str:
    """Items for people: "a, b and c"."""
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)


def live_paths(args: argparse.Namespace) -> list[str]:
    """The files a `caption` session writes as it goes (--srt, --txt: the live formats), in that order."""
    return [getattr(args, fmt.name) for fmt in live_formats() if getattr(args, fmt.name)]


def start_line(args: argparse.Namespace) -> str:
    """What the command says on stderr once audio flows."""
    if args.input:
        return f"captioning {args.input}{' at its own pace' if args.realtime else ''}…"
    mic = "the default microphone" if microphone(args) is None else args.device
    if args.system_audio is None:
        heard = mic
    else:
        output = args.system_audio or "the default output"
        heard = f"{mic} and what {output} plays" if args.device else f"what {output} plays"
    return f"listening to {heard}; captions appear as people speak (Ctrl-C to stop)"


class _AudioBar:
    """A tqdm bar on stderr over the seconds of audio an offline decode has done."""

    def __init__(self, desc: str) -> None:
        self.desc = desc
        self.bar = None

    def __call__(self, done_s: float, total_s: float) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=round(total_s, 1), unit="s", desc=self.desc, file=sys.stderr,
                            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.0f}/{total:.0f} s of audio [{elapsed}<{remaining}]")
        self.bar.update(round(min(done_s, total_s), 1) - self.bar.n)

    def phase(self, name: str) -> None:
        """An offline job's next phase (`decode_whole`): telling speakers apart is said on a line of its own, the bar
        closed (it has no share of the audio); decoding again starts a new bar."""
        from captioner.engine.offline.decode_whole import TELLING_SPEAKERS

        if name == TELLING_SPEAKERS:
            self.close()
            print(f"captioner: {self.desc.split(' (')[0]}: telling speakers apart…", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


def _offline_transcriber(args: argparse.Namespace, spec: str):
    """The transcriber an offline job decodes with (downloading the model with a bar if needed)."""
    from captioner.app.transcribe import offline_request

    request = offline_request(spec, args.compute_device, args.compute_type, args.language)
    args.model, args.beam_size = request.spec, request.beam_size
    return load_transcriber(args)


def _vocabulary(args: argparse.Namespace) -> str | None:
    from captioner.app.transcribe import vocabulary_terms

    try:
        return vocabulary_terms(args.vocabulary)
    except ValueError as exc:
        raise CliError(str(exc)) from exc


def refine(args: argparse.Namespace) -> int:
    """Decode a session's recorded audio again, offline, and make that its transcript (the live one kept as .live.*)."""
    from captioner.app.refine import refine_kept_session, refine_model
    from captioner.app.transcribe import decode_language
    from captioner.engine.offline.session_files import NothingToRefine, find_session
    from captioner.subtitles.errors import SubtitleFileError

    if args.speakers:
        need_voice_encoder()
    try:
        session = find_session(args.session)
    except NothingToRefine as exc:
        raise CliError(str(exc)) from exc
    vocabulary = _vocabulary(args)
    transcriber = _offline_transcriber(args, refine_model(args.model, session))
    bar = _AudioBar(f"refining {session.stem}")
    try:
        events = refine_kept_session(session, transcriber.recognizer, vocabulary=vocabulary, language=decode_language(args.model, args.language),
                                     srt_labels=args.srt_labels, progress=bar, delete_audio=args.delete_audio, speakers=args.speakers,
                                     phase=bar.phase)
    except (SubtitleFileError, OSError) as exc:
        raise CliError(f"The refined transcript could not be written ({exc}); the live one is untouched.") from exc
    finally:
        bar.close()
    names = ", ".join(str(session.path(fmt.suffix)) for fmt in FORMATS)
    print(f"captioner: refined {len(events)} captions into {names}; the live transcript is kept as {session.stem}.live.*", file=sys.stderr)
    return 0


def transcribe(args: argparse.Namespace) -> int:
    """Decode audio or video files offline, one after another; print each transcript, or write it (--srt/--txt/--vtt
    for one file, --out-dir for any number). A file that cannot be read is said and skipped; exit 1 if any was. Ctrl-C
    keeps what was transcribed of the file under way, writes it, and exits with INTERRUPTED; twice quits now."""
    from captioner.app.transcribe import OfflineJob, TranscriptionQueue, decode_language, transcribe_model

    if args.speakers:
        need_voice_encoder()

    outputs = [(fmt.name, Path(getattr(args, fmt.name))) for fmt in FORMATS if getattr(args, fmt.name)]
    if outputs and (len(args.files) > 1 or args.out_dir):
        raise CliError(f"{listed([f'--{fmt.name}' for fmt in FORMATS])} name one file's transcript: with several files (or with them) use --out-dir")
    for _, path in outputs:
        if path.exists() and not args.overwrite:
            raise CliError(f"{path} already exists (--overwrite replaces it)")
    vocabulary = _vocabulary(args) or ""
    spec = transcribe_model(args.model)
    language = decode_language(spec, args.language)
    loaded = []

    def model():
        if not loaded:
            loaded.append(_offline_transcriber(args, spec))
        return loaded[0].recognizer

    sink = _TranscriptPrinter(args)
    queue = TranscriptionQueue(sink, model=model)
    dropped: list = []
    interrupted = threading.Event()

    def stop() -> None:
        interrupted.set()
        dropped.extend(queue.stop())

    with _first_ctrl_c(lambda: f"keeping what was transcribed of {sink.current} so far" if sink.current else "nothing is written", stop):
        queue.add(*(OfflineJob(None, vocabulary=vocabulary, language=language, speakers=args.speakers, recording=Path(file),
                               save_to=Path(args.out_dir) if args.out_dir else None, outputs=outputs) for file in args.files))
    if dropped:
        print(f"captioner: stopped: {listed([job.name for job in dropped])} not transcribed", file=sys.stderr)
    return INTERRUPTED if interrupted.is_set() else 1 if sink.skipped else 0


def _clock(seconds: float) -> str:
    """Seconds as m:ss (h:mm:ss from an hour on)."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}" if minutes >= 60 else f"{minutes}:{secs:02d}"


class _TranscriptPrinter:
    """`transcribe`'s terminal sink, as its TranscriptionQueue's listener: a bar for each file, what is said of it on
    stderr, its transcript on stdout where no file is named for it."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.started_n = 0
        self.bar: _AudioBar | None = None
        self.current = ""  # the file being decoded, whose transcript so far Ctrl-C keeps
        self.skipped = 0

    def started(self, job) -> None:
        left = len(self.args.files) - self.started_n - 1
        self.started_n += 1
        self.bar = _AudioBar(f"transcribing {job.name}{f' ({left} more after it)' if len(self.args.files) > 1 else ''}")

    def progress(self, job, done_s: float, total_s: float) -> None:
        self.bar(done_s, total_s)

    def phase(self, job, name: str) -> None:
        from captioner.engine.offline.decode_whole import DECODING

        if name == DECODING:
            self.current = job.name
        self.bar.phase(name)

    def finished(self, job, events: list) -> None:
        from captioner.subtitles.txt import format_txt

        self.bar.close()
        said = list(job.warnings)
        if job.kept_s is not None:
            said.append(f"stopped: kept the first {_clock(job.kept_s)} of {_clock(job.total_s)} of {job.name} ({len(events)} captions)"
                        + ("" if not job.speakers or not events else ", without speaker labels"))
        for text in said:  # once the progress bar's line is done
            print(f"captioner: {'' if text.startswith('stopped') else 'warning: '}{text}", file=sys.stderr)
        if not events:  # its files are still written (empty), where a script looks for them
            print(f"captioner: no speech was heard in {job.name}", file=sys.stderr)
        if job.save_error:
            raise CliError(job.save_error)
        if job.save_to is not None:
            names = listed([f"{job.saved[0].with_suffix('')}{FORMATS[0].suffix}", *(fmt.suffix for fmt in FORMATS[1:])])
            print(f"captioner: {job.name} transcribed into {names}", file=sys.stderr)
        elif not job.outputs:
            if len(self.args.files) > 1:
                print(f"== {job.name} ==")
            print(format_txt(events), end="")
        self.current = ""

    def failed(self, job, error: BaseException) -> None:
        from captioner.audio.sources import AudioSourceError

        self.bar.close()
        if not isinstance(error, AudioSourceError):
            raise error
        if len(self.args.files) == 1:
            raise CliError(str(error)) from error
        print(f"captioner: skipped: {error}", file=sys.stderr)
        self.skipped += 1

    def cancelled(self, job, dropped: int) -> None:
        """(The terminal stops, keeping what was done: `TranscriptionQueue.stop`.)"""

    def stopped(self) -> None:
        """(Said once each file is done.)"""

    def queued(self, waiting: int) -> None:
        """(Each bar says how many files wait after it.)"""


def microphone(args: argparse.Namespace) -> str | None:
    """The microphone --device names; None for the default (no --device, or --device default)."""
    return None if args.device in (None, "default") else args.device


def live_inputs_there(args: argparse.Namespace) -> None:
    """Check, before the model loads (which takes seconds), that what a live session would listen to is there: the
    microphone (--device, or the default; with --system-audio only when --device is given) and the output to record
    (--system-audio). Raises CliError with what the session would have said. (A device that goes later, or a sound
    server that restarts, is the session's business: it waits for it.)"""
    from captioner.audio.devices import AudioDeviceError, resolve_device
    from captioner.audio.loopback import list_output_devices
    from captioner.audio.outputs import match_output, no_outputs_message
    from captioner.audio.sources import AudioSourceError

    try:
        if args.system_audio is not None:
            outputs = list_output_devices()
            if not outputs:
                raise CliError(no_outputs_message())
            match_output(outputs, args.system_audio or None)
        if args.system_audio is None or args.device:
            resolve_device(microphone(args))
    except (AudioDeviceError, AudioSourceError) as exc:
        raise CliError(str(exc)) from exc


def channel_labels(args: argparse.Namespace) -> dict[str, str]:
    """What each channel of a --system-audio session is called, by id (--mic-label, --system-label)."""
    return {MICROPHONE: args.mic_label.strip(), SYSTEM: args.system_label.strip()}


def meeting_channels(args: argparse.Namespace, labels: dict[str, str]) -> list:
    """The channels of a --system-audio session: the microphone (with --device) and the output, called `labels`; []
    without it."""
    from captioner.channels import MODE_BOTH, MODE_SYSTEM
    from captioner.engine.live.meeting import meeting_channels as channels_for

    if args.system_audio is None:
        return []
    from captioner.audio.sources import AudioSourceError

    try:
        return channels_for(MODE_BOTH if args.device else MODE_SYSTEM, microphone(args), args.system_audio or None, labels=labels)
    except ValueError as exc:
        raise CliError(f"--mic-label and --system-label: {exc}") from exc
    except AudioSourceError as exc:
        raise CliError(str(exc)) from exc


def selftest(args: argparse.Namespace) -> int:
    """Caption a file with a model, print where everything runs and the text; exit 0 if text came out."""
    import platform

    import ctranslate2
    import faster_whisper

    from captioner.audio.sources import AudioSourceError, FileSource
    from captioner.engine.live.open import SessionRequest, open_session
    from captioner.terminal import TerminalPrinter

    print(f"captioner {__version__}, Python {platform.python_version()}, faster-whisper {faster_whisper.__version__}, CTranslate2 {ctranslate2.__version__}, frozen: {getattr(sys, 'frozen', False)}")
    args.language, args.beam_size = "en", 1
    transcriber = load_transcriber(args)
    print(f"model {args.model} on {transcriber.device} ({transcriber.compute_type})")
    session = open_session(SessionRequest(FileSource(args.input)), transcriber, [TerminalPrinter(interim=False)])
    try:
        session.start()
    except AudioSourceError as exc:
        raise CliError(str(exc)) from exc
    session.wait()
    if session.errors or not session.finals:
        raise CliError("selftest failed: no text came out of " + args.input)
    from captioner.voices import VoiceEncoderMissing, load_encoder

    try:  # speaker labels: the encoder's weights load and give a voice
        encoder = load_encoder()
    except VoiceEncoderMissing as exc:
        print(f"voice encoder: not installed, speaker labels are off ({exc})")
    else:
        from captioner.audio.sources import decode_file

        voice = encoder.embed(decode_file(args.input))
        print(f"voice encoder: {encoder.path} ({'a voice of %d numbers' % len(voice) if voice is not None else 'no voice heard'})")
    print("selftest passed")
    return 0


def _wait_with_interrupt(session) -> None:
    """Ctrl-C once: finish the segment in flight and close the files; twice: quit now."""
    with _first_ctrl_c(lambda: "finishing the caption in flight", session.stop):
        while not session.wait(0.1):
            pass


@contextmanager
def _first_ctrl_c(doing: Callable[[], str], stop: Callable[[], None]):
    """While inside: the first Ctrl-C says at once what stopping does (`doing()`) and calls `stop`; the second raises
    KeyboardInterrupt, which quits now (`main`)."""
    interrupted = False

    def handler(signum, frame):
        nonlocal interrupted
        if interrupted:
            raise KeyboardInterrupt
        interrupted = True
        print(f"\ncaptioner: stopping; {doing()} (Ctrl-C again to quit now)", file=sys.stderr, flush=True)
        stop()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _print_stats(session, source) -> None:
    audio_s = session.engine.clock / SAMPLE_RATE
    delays = session.final_delays_s
    print(f"audio {audio_s:.1f} s, {len(session.finals)} finals, compute {session.compute_s:.1f} s ({session.compute_s / max(audio_s, 1e-9):.2f} s per audio s)", file=sys.stderr)
    if delays:
        print(f"final delay after the end of speech (audio clock): median {statistics.median(delays):.2f} s, max {max(delays):.2f} s", file=sys.stderr)
    if source.overflows:
        print(f"capture overflows: {source.overflows}", file=sys.stderr)
    if session.transcriber.spoken.describe():
        print(f"spoken language (detected): {session.transcriber.spoken.describe()}", file=sys.stderr)


def _print_meeting_stats(session) -> None:
    audio_s = session.clock / SAMPLE_RATE
    print(f"audio {audio_s:.1f} s, {len(session.finals)} finals, {len(session.echoes)} dropped or cut as echo, "
          f"compute {session.compute_s:.1f} s ({session.compute_s / max(audio_s, 1e-9):.2f} s per audio s)", file=sys.stderr)
    for lane in session.lanes:
        delays = lane.delays_s
        figures = f"median delay {statistics.median(delays):.2f} s, max {max(delays):.2f} s" if delays else "no finals"
        print(f"{lane.label}: {figures}, capture overflows {lane.channel.source.overflows}", file=sys.stderr)


def open_gui(settings_path: str | None = None) -> int:
    try:
        from captioner.gui.app import run
    except ImportError as exc:
        raise CliError(f"The desktop app cannot start: {exc}") from exc
    return run(settings_path=settings_path)


if __name__ == "__main__":
    sys.exit(main())
