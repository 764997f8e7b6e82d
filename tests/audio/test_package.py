"""The audio package's public surface."""

from __future__ import annotations

from tests.engine.test_package import lists_its_modules


def test_the_audio_package_lists_its_modules() -> None:
    lists_its_modules("captioner.audio")
