"""The command line: the app by default, and the terminal's commands (`captioner --help`).

Arguments parsed (`parser`: the commands, each a `Command` with its options and what it runs), then a terminal sink
over the app layer (`captioner.app`): `caption` a live session, `refine` and `transcribe` offline work, `tools` the
rest (`devices`, `selftest`, `download`, `cuda-libs`, `gui`); `model` loads a model with a bar, `progress` draws bars
and hears Ctrl-C, `errors` says what went wrong and with which exit status.
"""

from __future__ import annotations

import os
import sys

from captioner.audio.capture_child import FROZEN_COMMAND
from captioner.cli.errors import FAILED, INTERRUPTED, CliError, model_error_message
from captioner.cli.parser import build_parser, command_named, speakers_alone

__all__ = ["INTERRUPTED", "CliError", "build_parser", "main", "model_error_message"]


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == [FROZEN_COMMAND]:  # the frozen app runs its capture child as itself
        from captioner.audio.capture_child import main as capture_child

        return capture_child(argv[1:])
    args = build_parser().parse_args(speakers_alone(argv))
    try:
        return command_named(args.command).run(args)
    except CliError as exc:
        print(f"captioner: error: {exc}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:  # Ctrl-C twice (or during a load): quit now; every final already written is on disk
        print("\ncaptioner: stopped", file=sys.stderr, flush=True)
        sys.stdout.flush()
        # at once: the transcriber's and the capture's threads are still in native code, and an interpreter shutting
        # down around them aborts (SIGABRT) in a C library
        os._exit(INTERRUPTED)
