"""The engine package: what it offers (`__all__`), each name importable, none of them loaded until used."""

from __future__ import annotations


def test_the_engine_package_offers_its_names_without_loading_the_ml_stack() -> None:
    import subprocess
    import sys

    code = ("import sys, captioner.engine as e; heavy = [m for m in ('faster_whisper', 'ctranslate2') if m in sys.modules]; "
            "assert not heavy, heavy; assert sorted(e._WHERE) == e.__all__; [getattr(e, name) for name in e.__all__]")
    subprocess.run([sys.executable, "-c", code], check=True)
