"""How far captions will trail speech with a model on this computer: the measured pass times
(kept per model, device and beam in the cache folder, so a later start shows them at once),
estimates for models not measured here (even before they are downloaded) from one that was and
the catalogue's measured cost ratios, the words for the model picker, and a faster model to
suggest when one falls behind.

No Qt here: these are rules and a small file, tested on their own.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

import platformdirs

from captioner.engine.live.pacing import PASS_AUDIO_S, expected_delay, falls_behind
from captioner.engine.models.catalogue import CATALOGUE, PASS_COST_SOURCE, is_folder_spec
from captioner.engine.models.model_file import ModelFileError, read_shape
from captioner.files import write_atomic

log = logging.getLogger(__name__)

PASS_TIMES_FILE = "pass-times.json"
_VERSION = 1
_SIZES = {entry.name: entry.size for entry in CATALOGUE}
_COSTS = {entry.name: entry.pass_cost for entry in CATALOGUE if entry.pass_cost is not None}


def default_pass_times_path() -> Path:
    return Path(platformdirs.user_cache_dir("captioner")) / PASS_TIMES_FILE


def pace_key(spec: str, compute_device: str, beam_size: int = 1) -> str:
    """What a pass time belongs to: the model, where it runs ("auto", "cpu", "cuda"), the beam."""
    return f"{spec}|{compute_device}|beam{beam_size}"


class PassTimes:
    """Seconds of one pass over PASS_AUDIO_S of speech, per pace_key; a file in the cache folder.

    A missing or unreadable file is an empty record (it is only a cache); a failed write is logged.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_pass_times_path()
        self.seconds: dict[str, float] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if isinstance(data, dict) and data.get("version") == _VERSION and isinstance(data.get("pass_s"), dict):
            self.seconds = {k: float(v) for k, v in data["pass_s"].items() if isinstance(v, (int, float)) and v > 0}

    def get(self, key: str) -> float | None:
        return self.seconds.get(key)

    def by_model(self, compute_device: str, beam_size: int = 1) -> dict[str, float]:
        """The catalogue models' pass times on `compute_device`, by name; a model folder timed here
        counts for the catalogue model of its shape (a tiny.en in a folder is a tiny.en)."""
        times = {name: s for name, (s, _folder) in self.timings(compute_device, beam_size).items()}
        return times

    def timings(self, compute_device: str, beam_size: int = 1) -> dict[str, tuple[float, str]]:
        """`by_model`, each time with the model folder it was timed with ("" when the catalogue model itself was)."""
        found = {e.name: self.get(pace_key(e.name, compute_device, beam_size)) for e in CATALOGUE}
        times = {name: (s, "") for name, s in found.items() if s is not None}
        suffix = "|" + pace_key("", compute_device, beam_size).split("|", 1)[1]
        for key, seconds in self.seconds.items():
            spec = key[: -len(suffix)] if key.endswith(suffix) else ""
            twin = catalogue_twin(spec) if spec and is_folder_spec(spec) else None
            if twin is not None:
                times.setdefault(twin, (seconds, spec))
        return times

    def put(self, key: str, seconds: float) -> None:
        self.seconds[key] = seconds
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps({"version": _VERSION, "pass_s": self.seconds}, indent=1))
        except OSError as exc:
            log.warning("cannot keep the model's pass time in %s: %s", self.path, exc)


def catalogue_twin(folder: str) -> str | None:
    """The catalogue model with the shape of the model in `folder`, or None (not readable, or a
    shape the catalogue does not have)."""
    path = Path(folder).expanduser() / "model.bin"
    try:
        stat = path.stat()
    except OSError:
        return None
    return _twin(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _twin(path: str, _size: int, _mtime_ns: int) -> str | None:
    try:
        shape = read_shape(path)
    except ModelFileError:
        return None
    if shape is None:
        return None
    same = [e.name for e in CATALOGUE if e.shape == (shape.encoder_layers, shape.decoder_layers, shape.width)]
    for name in same:
        if name.endswith(".en") == shape.english:
            return name
    return same[0] if same else None


def _size_mb(size: str) -> float:
    number, unit = size.split()
    return float(number) * (1000 if unit == "GB" else 1)


def estimate_pass(name: str, measured: dict[str, float]) -> tuple[float, str] | None:
    """The pass time catalogue model `name` would take here, estimated from a model measured here
    (`measured`: pass seconds by model name, same device and beam) and the catalogue's cost ratios;
    with the model it was estimated from. The measured model closest in cost is used (ratios
    between neighbours are the surest). None without a cost for `name` or a measured model with one."""
    cost = _COSTS.get(name)
    known = [(other, seconds) for other, seconds in measured.items() if other in _COSTS]
    if cost is None or not known:
        return None
    other, seconds = min(known, key=lambda item: abs(math.log(_COSTS[item[0]] / cost)))
    return seconds * cost / _COSTS[other], other


def delay_words(pass_s: float, estimate: bool = False) -> str:
    """"about 0.6 s behind speech", "about 9 s behind speech (estimate)", "falls behind speech"."""
    mark = " (estimate)" if estimate else ""
    if falls_behind(pass_s):
        return f"falls behind speech{mark}"
    delay = expected_delay(pass_s)
    return f"about {delay:.1f} s behind speech{mark}" if delay < 9.95 else f"about {delay:.0f} s behind speech{mark}"


def model_figure(name: str, measured: dict[str, float], timed_with: Mapping[str, str] | None = None) -> tuple[str, str]:
    """What the picker's list says of catalogue model `name` on this computer, and a tooltip for it:
    the measured delay, an estimate (marked so), that there is none for a model never benchmarked,
    or ("", "") when nothing was measured here to scale from. `timed_with`: the model folder each time was taken with,
    where it was not the model itself (a model of its shape: its figure is an estimate, marked so)."""
    folder = (timed_with or {}).get(name, "")
    if name in measured and folder:
        return (delay_words(measured[name], estimate=True),
                f"Timed on this computer with the model folder {folder}, which has {name}'s size; {name} itself was not run here.")
    if name in measured:
        return delay_words(measured[name]), pace_tooltip(measured[name])
    found = estimate_pass(name, measured)
    if found is None:
        if name in _SIZES and name not in _COSTS and any(other in _COSTS for other in measured):
            return "no estimate (not benchmarked)", f"{name}'s cost was never measured against the others. {PASS_COST_SOURCE}"
        return "", ""
    pass_s, other = found
    tip = (
        f"Estimated from {other}, timed on this computer ({measured[other]:.2f} s a pass), and the cost "
        f"measured between the two models: a pass of {name} about {pass_s:.1f} s. Source: {PASS_COST_SOURCE}"
    )
    return delay_words(pass_s, estimate=True), tip


TRAILS_TOO_FAR_S = 3.0  # captions later than this after the words are too late to follow a conversation by


def keeps_up(pass_s: float) -> bool:
    """Whether a model whose pass takes `pass_s` captions speech soon enough to follow a conversation: it never falls
    behind, and its finals come within TRAILS_TOO_FAR_S."""
    return not falls_behind(pass_s) and expected_delay(pass_s) <= TRAILS_TOO_FAR_S


def recommend_faster(spec: str, pass_s: float, measured: dict[str, float], english: bool = True) -> str | None:
    """A catalogue model that should keep up (`keeps_up`) where `spec` (pass `pass_s`) does not, best first.

    Only smaller downloads count as faster. A candidate's own measured pass time (`measured`,
    by model name, same device) decides when there is one; otherwise its pass is estimated from
    `spec`'s by the catalogue's cost ratios (by download size where one has none). For English the English-only twin (small.en) stands for its
    multilingual model (small); for other languages .en models are never offered. With no
    candidate estimated to keep up, the smallest is offered; None when there is nothing smaller.
    """
    size = _size_mb(_SIZES[spec]) if spec in _SIZES else None

    def offered(name: str) -> bool:
        return f"{name}.en" not in _SIZES if english else not name.endswith(".en")

    candidates = [e.name for e in CATALOGUE if e.name != spec and (size is None or _size_mb(e.size) < size) and offered(e.name)]
    for name in candidates:
        estimate = measured.get(name)
        if estimate is None:
            found = estimate_pass(name, {spec: pass_s} if spec in _COSTS else {})
            estimate = found[0] if found else None
        if estimate is None and size is not None:
            estimate = pass_s * _size_mb(_SIZES[name]) / size
        if estimate is not None and keeps_up(estimate):
            return name
    return candidates[-1] if candidates else None


def pace_text(pass_s: float, faster: str | None = None) -> str:
    """The picker's words (rich text) for a measured pass time: in green where the model keeps up, in amber with a
    model that does (`faster`) a click away where it does not."""
    if keeps_up(pass_s):
        return f"<span style='color:#116329'>{delay_words(pass_s)} on this computer</span>"
    text = f"<span style='color:#9a6700; font-weight:bold'>{delay_words(pass_s)} on this computer</span>"
    return f"{text} · <a href='use:{faster}'>use {faster}</a>" if faster else text


def instead_text(spec: str, pass_s: float, faster: str, faster_s: float | None) -> tuple[str, str]:
    """The hint's link to a model that keeps up in place of `spec` (estimated at `pass_s` a pass here), and why, for its
    tooltip."""
    soon = f" (about {expected_delay(faster_s):.1f} s)" if faster_s is not None else ""
    late = "would fall behind speech" if falls_behind(pass_s) else f"would trail speech by about {expected_delay(pass_s):.0f} s"
    return (f"<a href='use:{faster}'>use {faster} instead{soon}</a>",
            f"On this computer {spec} {late}: too late to follow a conversation. {faster} keeps up here.")


def pace_tooltip(pass_s: float) -> str:
    delay = expected_delay(pass_s)
    if falls_behind(pass_s):
        return (
            f"One pass over {PASS_AUDIO_S:.0f} s of speech took {pass_s:.1f} s here: captions would trail "
            "further and further behind. A smaller model keeps up."
        )
    return f"One pass over {PASS_AUDIO_S:.0f} s of speech took {pass_s:.2f} s here: final captions appear about {delay:.1f} s after the speaker stops."
