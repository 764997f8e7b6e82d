"""The engine's packages: importing them, the model catalogue the settings read, and the pass policy and recognizer
seam load none of the ML stack; only a recognizer's own module does."""

from __future__ import annotations

import subprocess
import sys

HEAVY = "[m for m in ('faster_whisper', 'ctranslate2') if m in sys.modules]"


def test_the_packages_the_catalogue_and_the_pass_policy_load_no_ml_stack() -> None:
    code = ("import sys, captioner.engine, captioner.engine.live, captioner.engine.models, captioner.engine.offline, "
            "captioner.engine.models.catalogue, captioner.settings, captioner.engine.live.transcriber, "
            f"captioner.engine.models.recognizers; heavy = {HEAVY}; assert not heavy, heavy; "
            f"import captioner.engine.models.whisper; assert {HEAVY}")
    subprocess.run([sys.executable, "-c", code], check=True)



def lists_its_modules(name: str) -> None:
    """`name`'s `__all__` lists exactly its modules."""
    import importlib
    import pkgutil

    package = importlib.import_module(name)
    assert sorted(package.__all__) == sorted(m.name for m in pkgutil.iter_modules(package.__path__)), name


def test_each_engine_package_lists_its_modules() -> None:
    for name in ("captioner.engine", "captioner.engine.models", "captioner.engine.offline"):
        lists_its_modules(name)
