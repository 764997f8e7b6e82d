"""What the terminal's commands share: the shape of a command (`Command`), the options several take, made from the
settings' declarations (`captioner.config`), and lists written for people."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from captioner import config

__all__ = ["Command", "listed", "model_options", "offline_options", "speakers_option"]


@dataclass(frozen=True)
class Command:
    """One of the terminal's commands: its name and the line `captioner --help` gives it, the options it takes
    (`add_arguments`, given its own parser) and what it does (`run`, given the parsed arguments; its exit status)."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def model_options(parser: argparse.ArgumentParser) -> None:
    """The model to load and where it runs."""
    for setting in (config.MODEL, config.COMPUTE_DEVICE, config.COMPUTE_TYPE):
        config.add_option(parser, setting)


def offline_options(parser: argparse.ArgumentParser, *, model_help: str) -> None:
    """An offline job's model, where it runs, its language and vocabulary (`model_help`: which model is the default)."""
    config.add_option(parser, config.MODEL, default=None, help=f"a faster-whisper model name or a model folder ({model_help})")
    for setting in (config.COMPUTE_DEVICE, config.COMPUTE_TYPE, config.LANGUAGE, config.TRANSLATE, config.CHINESE_SCRIPT):
        config.add_option(parser, setting)
    config.add_option(parser, config.VOCABULARY, default=None,
                      help="names and terms to expect, comma-separated, or a text file of them (refine: default the session's)")


def speakers_option(parser: argparse.ArgumentParser, help: str) -> None:
    """--speakers, with what telling speakers apart does for this command (`help`)."""
    config.add_option(parser, config.SPEAKERS, help=f"{help}; with N (or MIN-MAX), as many people as that, when you know how many speak")


def listed(items: list[str]) -> str:
    """Items for people: "a, b and c"."""
    return f"{', '.join(items[:-1])} and {items[-1]}" if len(items) > 1 else "".join(items)
