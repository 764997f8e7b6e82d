"""`captioner refine` and `captioner transcribe`: a kept session decoded again, and recordings transcribed one after
another, through the app layer (`app.refine`, `app.transcribe`), with a bar for each on stderr."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

from captioner import config
from captioner.cli import model
from captioner.cli.errors import FAILED, INTERRUPTED, CliError
from captioner.cli.options import Command, listed, offline_options, speakers_option
from captioner.cli.progress import AudioBar, clock, first_ctrl_c
from captioner.engine.models.catalogue import DEFAULT_MODEL
from captioner.subtitles.formats import FORMATS

__all__ = ["REFINE", "TRANSCRIBE", "TranscriptPrinter"]


def add_refine_arguments(ref: argparse.ArgumentParser) -> None:
    ref.add_argument("session", metavar="SESSION", help="the session's .srt (or .txt) file, or a folder holding one session with audio")
    offline_options(ref, model_help="default: the model the session captioned with")
    config.add_option(ref, config.SRT_LABELS)
    ref.add_argument("--delete-audio", action="store_true", help="delete the session's recorded audio once the refined files are written")
    speakers_option(ref, "tell speakers apart by voice (system audio's captions, or the one input's), with the whole recording")


def add_transcribe_arguments(tra: argparse.ArgumentParser) -> None:
    tra.add_argument("files", metavar="FILE", nargs="+", help="any audio or video file (wav, flac, mp3, ogg, m4a, mp4, ...)")
    offline_options(tra, model_help=f"default {DEFAULT_MODEL}")
    speakers_option(tra, "tell speakers apart by voice: each line begins with \"Speaker 1\", ...")
    for fmt in FORMATS:
        tra.add_argument(f"--{fmt.name}", metavar="OUT", help=f"{fmt.help} (one FILE)")
    tra.add_argument("--out-dir", metavar="DIR", help=f"write each FILE's transcript here as {listed([f'NAME{fmt.suffix}' for fmt in FORMATS])} "
                     "(NAME-2.* where those are taken)")
    tra.add_argument("--overwrite", action="store_true", help="replace existing output files")


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
        model.need_voice_encoder()
    try:
        session = find_session(args.session)
    except NothingToRefine as exc:
        raise CliError(str(exc)) from exc
    vocabulary = _vocabulary(args)
    spec = refine_model(args.model, session)
    transcriber = model.load_offline(spec, args.compute_device, args.compute_type, args.language, translate=args.translate,
                                    chinese_script=args.chinese_script)
    bar = AudioBar(f"refining {session.stem}")
    try:
        events = refine_kept_session(session, transcriber.recognizer, vocabulary=vocabulary, language=decode_language(spec, args.language),
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
        model.need_voice_encoder()

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

    def recognizer():
        if not loaded:
            loaded.append(model.load_offline(spec, args.compute_device, args.compute_type, args.language, translate=args.translate,
                                             chinese_script=args.chinese_script))
        return loaded[0].recognizer

    sink = TranscriptPrinter(len(args.files))
    queue = TranscriptionQueue(sink, model=recognizer)
    dropped: list = []
    interrupted = threading.Event()

    def stop() -> None:
        interrupted.set()
        dropped.extend(queue.stop())

    with first_ctrl_c(lambda: f"keeping what was transcribed of {sink.current} so far" if sink.current else "nothing is written", stop):
        queue.add(*(OfflineJob(None, vocabulary=vocabulary, language=language, speakers=args.speakers, recording=Path(file),
                               save_to=Path(args.out_dir) if args.out_dir else None, outputs=outputs) for file in args.files))
    if dropped:
        print(f"captioner: stopped: {listed([job.name for job in dropped])} not transcribed", file=sys.stderr)
    return INTERRUPTED if interrupted.is_set() else FAILED if sink.skipped else 0


class TranscriptPrinter:
    """`transcribe`'s terminal sink, as its TranscriptionQueue's listener: a bar for each of the `files` files, what is
    said of it on stderr, its transcript on stdout where no file is named for it."""

    def __init__(self, files: int) -> None:
        self.files = files
        self.started_n = 0
        self.bar: AudioBar | None = None
        self.current = ""  # the file being decoded, whose transcript so far Ctrl-C keeps
        self.skipped = 0

    def started(self, job) -> None:
        left = self.files - self.started_n - 1
        self.started_n += 1
        self.bar = AudioBar(f"transcribing {job.name}{f' ({left} more after it)' if self.files > 1 else ''}")

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
            said.append(f"stopped: kept the first {clock(job.kept_s)} of {clock(job.total_s)} of {job.name} ({len(events)} captions)"
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
            if self.files > 1:
                print(f"== {job.name} ==")
            print(format_txt(events), end="")
        self.current = ""

    def failed(self, job, error: BaseException) -> None:
        from captioner.audio.sources import AudioSourceError

        self.bar.close()
        if not isinstance(error, AudioSourceError):
            raise error
        if self.files == 1:
            raise CliError(str(error)) from error
        print(f"captioner: skipped: {error}", file=sys.stderr)
        self.skipped += 1

    def cancelled(self, job, dropped: int) -> None:
        """(The terminal stops, keeping what was done: `TranscriptionQueue.stop`.)"""

    def stopped(self) -> None:
        """(Said once each file is done.)"""

    def queued(self, waiting: int) -> None:
        """(Each bar says how many files wait after it.)"""


REFINE = Command("refine", "transcribe a session's recorded audio again, the offline way, and make that its transcript",
                 add_refine_arguments, refine)
TRANSCRIBE = Command("transcribe", "transcribe audio or video files the offline way, one after another, with a progress bar",
                     add_transcribe_arguments, transcribe)
