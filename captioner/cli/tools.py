"""The terminal's other commands: `devices` (what can be listened to), `selftest` (an installation checked without a
screen), `download` (a model into the cache), `cuda-libs` (the GPU's cuBLAS 12) and `gui` (the app)."""

from __future__ import annotations

import argparse
import sys
import textwrap

from captioner import __version__
from captioner.cli import model
from captioner.cli.errors import CliError
from captioner.cli.options import Command, model_options
from captioner.cli.progress import DownloadBar
from captioner.engine.models.catalogue import DEFAULT_MODEL
from captioner.engine.models.cuda_libs import CUBLAS, WHEEL, user_folder

__all__ = ["CUDA_LIBS", "DEVICES", "DOWNLOAD", "GUI", "SELFTEST", "open_gui"]

_HELP_WIDTH = 79  # the width `cuda-libs --help` fills its description to


def devices(args: argparse.Namespace) -> int:
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


def add_selftest_arguments(check: argparse.ArgumentParser) -> None:
    check.add_argument("--input", metavar="FILE", required=True, help="an audio file with speech")
    model_options(check)


def selftest(args: argparse.Namespace) -> int:
    """Caption a file with a model, print where everything runs and the text; exit 0 if text came out."""
    import platform

    import ctranslate2
    import faster_whisper

    from captioner.app.inputs import live_source
    from captioner.app.live import LiveSession
    from captioner.app.model import live_request, try_voice_encoder
    from captioner.audio.sources import AudioSourceError
    from captioner.terminal import TerminalPrinter
    from captioner.voices import VoiceEncoderMissing

    print(f"captioner {__version__}, Python {platform.python_version()}, faster-whisper {faster_whisper.__version__}, CTranslate2 {ctranslate2.__version__}, frozen: {getattr(sys, 'frozen', False)}")
    transcriber, _ = model.load(live_request(args.model, args.compute_device, "en", 1, args.compute_type))
    print(f"model {args.model} on {transcriber.device} ({transcriber.compute_type})")
    live = LiveSession(transcriber, live_source(args.input), sinks=[TerminalPrinter(interim=False)])
    try:
        live.start()
    except AudioSourceError as exc:
        raise CliError(str(exc)) from exc
    live.wait()
    if live.errors or not live.session.finals:
        raise CliError("selftest failed: no text came out of " + args.input)
    try:  # speaker labels: the encoder's weights load and give a voice
        heard = try_voice_encoder(args.input)
    except VoiceEncoderMissing as exc:
        print(f"voice encoder: not installed, speaker labels are off ({exc})")
    else:
        print(f"voice encoder: {heard.weights} ({'a voice of %d numbers' % heard.size if heard.size is not None else 'no voice heard'})")
    from captioner.subtitles.chinese import TRADITIONAL, in_script

    print(f"Chinese scripts: {'converted' if in_script('头发', TRADITIONAL) == '頭髮' else 'NOT converted'} (OpenCC)")
    print("selftest passed")
    return 0


def add_download_arguments(dl: argparse.ArgumentParser) -> None:
    dl.add_argument("model", nargs="?", default=DEFAULT_MODEL)


def download(args: argparse.Namespace) -> int:
    model.download(args.model)
    return 0


def add_cuda_libs_arguments(cuda: argparse.ArgumentParser) -> None:
    cuda.formatter_class = argparse.RawDescriptionHelpFormatter  # a long folder's path stays whole on its line
    cuda.description = textwrap.fill(
        f"Download NVIDIA's cuBLAS 12, the one CUDA library captioner needs on an NVIDIA GPU beyond the driver: the pip "
        f"wheel {WHEEL} (several hundred MB; the progress bar shows its size), checked against the SHA-256 its "
        f"index publishes. Only its two libraries ({' and '.join(CUBLAS)}) are kept, in {user_folder()}; "
        "captioner loads them from there at its next start. Ctrl-C keeps nothing. With pip, "
        "`pip install 'captioner[cuda]'` installs the same wheel instead.", width=_HELP_WIDTH, break_long_words=False, break_on_hyphens=False)
    cuda.add_argument("--index", metavar="URL", default=None, help="the Python package index to fetch it from (default pypi.org)")


def cuda_libs(args: argparse.Namespace) -> int:
    """Fetch cuBLAS 12 into the app's data folder, with a progress bar; Ctrl-C keeps nothing."""
    from captioner.engine.models.cuda_fetch import CudaFetchFailed, fetch_cublas

    bar = DownloadBar(WHEEL)
    try:
        written = fetch_cublas(index=args.index, progress=bar)
    except CudaFetchFailed as exc:
        raise CliError(str(exc)) from exc
    except KeyboardInterrupt:
        raise CliError("cancelled: nothing was kept") from None
    finally:
        bar.close()
    print(f"cuBLAS 12 is in {written[0].parent}: captioner uses the GPU from its next start.")
    return 0


def add_gui_arguments(gui: argparse.ArgumentParser) -> None:
    gui.add_argument("--settings", metavar="FILE", help=argparse.SUPPRESS)


def open_gui(args: argparse.Namespace) -> int:
    """The app (the default without a command), with the settings file `--settings` names, if any."""
    try:
        from captioner.gui.app import run
    except ImportError as exc:
        raise CliError(f"The desktop app cannot start: {exc}") from exc
    return run(settings_path=getattr(args, "settings", None))


DEVICES = Command("devices", "list audio input devices and the outputs whose sound can be captioned", lambda parser: None, devices)
SELFTEST = Command("selftest", "load a model, caption a file, print the text (checks an installation without a screen)",
                   add_selftest_arguments, selftest)
DOWNLOAD = Command("download", "download a model into the cache", add_download_arguments, download)
CUDA_LIBS = Command("cuda-libs", "fetch NVIDIA's cuBLAS 12 for the GPU (the packaged app; with pip: pip install 'captioner[cuda]')",
                    add_cuda_libs_arguments, cuda_libs)
GUI = Command("gui", "open the app (the default)", add_gui_arguments, open_gui)
