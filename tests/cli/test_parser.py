"""The terminal's arguments (`captioner.cli.parser`): one list of commands, each with its own parser."""

from __future__ import annotations

import argparse

import pytest

from captioner.cli import CliError, build_parser, main
from captioner.cli.options import Command
from captioner.cli.parser import COMMANDS, command_named, speakers_alone


def test_every_command_is_listed_once_in_help_order():
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert list(sub.choices) == [command.name for command in COMMANDS]
    assert [command.name for command in COMMANDS] == ["caption", "refine", "transcribe", "devices", "selftest", "download",
                                                      "cuda-libs", "sessions", "gui"]


def test_no_command_opens_the_app():
    assert command_named(None).name == command_named("gui").name == "gui"
    assert command_named("transcribe").name == "transcribe"


def test_a_command_added_to_the_list_is_parsed_and_run(monkeypatch, capsys):
    """Adding a command is one entry in COMMANDS: its options, its help line, what it runs and its exit status."""
    def add_arguments(parser):
        parser.add_argument("--times", type=int, default=1)

    def run(args):
        if args.times < 0:
            raise CliError("--times cannot be negative")
        print("hello " * args.times)
        return 3

    monkeypatch.setattr("captioner.cli.parser.COMMANDS", (*COMMANDS, Command("hello", "say hello", add_arguments, run)))
    assert "say hello" in build_parser().format_help()
    assert main(["hello", "--times", "2"]) == 3 and capsys.readouterr().out.strip() == "hello hello"
    assert main(["hello", "--times", "-1"]) == 1 and capsys.readouterr().err == "captioner: error: --times cannot be negative\n"


@pytest.mark.parametrize(("argv", "parsed"), [
    (["caption", "--speakers"], ["caption", "--speakers="]),
    (["transcribe", "--speakers", "talk.wav"], ["transcribe", "--speakers=", "talk.wav"]),
    (["caption", "--speakers", "--quiet"], ["caption", "--speakers=", "--quiet"]),
    (["caption", "--speakers", "2-4"], ["caption", "--speakers", "2-4"]),
    (["caption", "--speakers", "many"], ["caption", "--speakers", "many"]),
])
def test_speakers_alone_is_not_given_the_next_word(argv, parsed):
    assert speakers_alone(argv) == parsed


def test_the_error_keeps_its_public_name():
    assert f"{CliError.__module__}.{CliError.__qualname__}" == "captioner.cli.CliError"
