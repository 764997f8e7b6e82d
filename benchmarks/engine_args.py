"""The engine's settings as command-line flags, and what a results file records about its run.

`add_engine_args` / `configs_from_args`: every field of EngineConfig, SegmenterConfig, DecodeOptions and
RevisionRule as a flag, the same in every benchmark that runs the engine. `describe`, `engine_fingerprint` and
`machine`: the settings, the engine code and the machine a result came from. `strict_json`: a results record as
strict JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import platform
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


# -- settings ----------------------------------------------------------------
# Every field of EngineConfig, SegmenterConfig and DecodeOptions becomes a flag (--hangover-ms,
# --interim-interval-s, --beam-size, ...), read from the dataclasses themselves so that knobs the
# engine gains show up here without a change. Unset flags keep the engine's own defaults.
def _config_classes():
    from captioner.engine.live.pipeline import EngineConfig
    from captioner.engine.live.revision import RevisionRule
    from captioner.engine.live.segmenter import SegmenterConfig
    from captioner.engine.live.transcriber import DecodeOptions

    return {"engine": EngineConfig, "segmenter": SegmenterConfig, "decode": DecodeOptions, "revision": RevisionRule}


PREFIXED = {"revision"}  # their fields' flags carry the config's name: --revision-pause-s


def _knobs() -> dict[str, tuple[str, type]]:
    """flag dest -> (which config, value type) for every plain field."""
    out = {}
    for where, cls in _config_classes().items():
        default = cls()
        for fld in dataclasses.fields(cls):
            value = getattr(default, fld.name)
            if dataclasses.is_dataclass(value):
                continue
            typ = type(value) if value is not None else str
            out[f"{where}_{fld.name}" if where in PREFIXED else fld.name] = (where, typ)
    return out


def _parse_value(typ: type, text):
    if text is None or not isinstance(text, str):
        return text
    if typ is bool:
        if text.lower() in ("1", "on", "true", "yes"):
            return True
        if text.lower() in ("0", "off", "false", "no"):
            return False
        raise ValueError(f"expected on/off, got {text!r}")
    if text.lower() in ("none", "auto") and typ is str:
        return None
    return typ(text)


def add_engine_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("engine settings (every EngineConfig / SegmenterConfig / DecodeOptions field; "
                             "default: the engine's own defaults; booleans take on/off; --language auto detects)")
    for name, (where, typ) in _knobs().items():
        field_name = name.removeprefix(f"{where}_") if where in PREFIXED else name
        g.add_argument("--" + name.replace("_", "-"), default=None, dest=name, metavar=typ.__name__.upper(),
                       help=f"{where}.{field_name} (default {getattr(_config_classes()[where](), field_name)!r})")


def configs_from_args(args, **overrides):
    """(EngineConfig, DecodeOptions) from the engine flags; `overrides` (field names) win."""
    classes = _config_classes()
    knobs = _knobs()
    values = {k: getattr(args, k, None) for k in knobs}
    values.update(overrides)
    unknown = set(overrides) - set(knobs)
    if unknown:
        raise SystemExit(f"unknown engine setting(s): {sorted(unknown)}")
    parts = {"engine": {}, "segmenter": {}, "decode": {}, "revision": {}}
    for name, raw in values.items():
        if raw is None:
            continue
        where, typ = knobs[name]
        parts[where][name.removeprefix(f"{where}_") if where in PREFIXED else name] = _parse_value(typ, raw)
    seg = dataclasses.replace(classes["segmenter"](), **parts["segmenter"])
    revision = dataclasses.replace(classes["revision"](), **parts["revision"])
    engine = dataclasses.replace(classes["engine"](), segmenter=seg, revision=revision, **parts["engine"])
    return engine, dataclasses.replace(classes["decode"](), **parts["decode"])


def engine_fingerprint() -> str:
    """Short hash of captioner/engine/*.py: which engine code a result came from (no commits yet)."""
    import hashlib

    h = hashlib.sha1()
    for path in sorted((REPO / "captioner" / "engine").glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:10]


def describe(engine, decode) -> dict:
    return {"engine": {k: v for k, v in dataclasses.asdict(engine).items() if k != "segmenter"},
            "segmenter": dataclasses.asdict(engine.segmenter), "decode": dataclasses.asdict(decode)}


def machine() -> dict:
    import ctranslate2
    import faster_whisper

    cpu = platform.processor()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "python": platform.python_version(), "faster_whisper": faster_whisper.__version__,
            "ctranslate2": ctranslate2.__version__, "platform": platform.platform(), "loadavg_start": os.getloadavg()}


def strict_json(o):
    """NaN -> null, tuples -> lists, recursively (strict JSON)."""
    if isinstance(o, float) and math.isnan(o):
        return None
    if isinstance(o, dict):
        return {str(k): strict_json(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [strict_json(v) for v in o]
    return o
