"""The pass-times file, the picker's words for a pass time, and which faster model to suggest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from captioner.app.pace_hint import PassTimes, default_pass_times_path, pace_key, pace_text, pace_tooltip, recommend_faster


def test_pass_times_are_kept_per_model_device_and_beam(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "captioner" / "pass-times.json"
    assert default_pass_times_path() == path  # XDG_CACHE_HOME points into tmp_path
    times = PassTimes()
    assert times.get(pace_key("tiny.en", "cpu")) is None
    times.put(pace_key("tiny.en", "cpu"), 0.42)
    times.put(pace_key("small.en", "cpu", 5), 3.3)
    again = PassTimes()
    assert again.get("tiny.en|cpu|beam1") == 0.42 and again.get(pace_key("small.en", "cpu", 5)) == 3.3
    assert again.get(pace_key("tiny.en", "cuda")) is None and again.get(pace_key("small.en", "cpu")) is None
    assert again.by_model("cpu") == {"tiny.en": 0.42}
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_damaged_or_foreign_file_is_an_empty_record_and_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "times.json"
    for text in ("{not json", json.dumps([1, 2]), json.dumps({"version": 99, "pass_s": {"a": 1}})):
        path.write_text(text)
        assert PassTimes(path).seconds == {}
    path.write_text(json.dumps({"version": 1, "pass_s": {"a|cpu|beam1": 1.5, "b|cpu|beam1": "x", "c|cpu|beam1": -1}}))
    times = PassTimes(path)
    assert times.seconds == {"a|cpu|beam1": 1.5}
    times.put("d|cpu|beam1", 2.0)
    assert json.loads(path.read_text())["pass_s"] == {"a|cpu|beam1": 1.5, "d|cpu|beam1": 2.0}


def test_a_cache_folder_that_cannot_be_written_loses_nothing_but_the_file(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    times = PassTimes(blocker / "pass-times.json")  # its folder is a file
    times.put("tiny.en|cpu|beam1", 0.5)
    assert times.get("tiny.en|cpu|beam1") == 0.5


def test_words_for_a_model_that_keeps_up_and_one_that_falls_behind() -> None:
    assert ">about 2.1 s behind speech on this computer<" in pace_text(1.45)  # the pause, the pass, half an interim
    assert "1.45 s" in pace_tooltip(1.45) and "2.1 s after the speaker stops" in pace_tooltip(1.45)
    behind = pace_text(7.2, "small.en")
    assert "falls behind speech on this computer" in behind and "<a href='use:small.en'>use small.en</a>" in behind
    assert "falls behind" in pace_text(7.2, None) and "href" not in pace_text(7.2, None)
    assert "7.2 s" in pace_tooltip(7.2) and "smaller model" in pace_tooltip(7.2)


def test_the_faster_model_suggested() -> None:
    # distil-large-v3.5 (1.5 GB) at 9 s a pass: small.en (480 MB) is estimated at ~3.6 s a pass, its captions ~4.9 s
    # late (too late to follow a conversation); base.en (145 MB) at ~1.1 s a pass, ~1.6 s late, keeps up
    from captioner.app.pace_hint import TRAILS_TOO_FAR_S, expected_delay, keeps_up

    assert not keeps_up(9.0 * 5.57 / 14.1) and expected_delay(9.0 * 5.57 / 14.1) > TRAILS_TOO_FAR_S
    assert recommend_faster("distil-large-v3.5", 9.0, {}) == "base.en"
    assert recommend_faster("distil-large-v3.5", 5.0, {}) == "small.en"  # ~2.0 s a pass, ~2.8 s late: small.en keeps up
    # a model of the same size or larger is never "faster"; a measured figure beats the estimate
    assert recommend_faster("distil-large-v3.5", 9.0, {"small.en": 6.0}) == "base.en"
    assert recommend_faster("distil-large-v3.5", 120.0, {}) == "tiny.en"  # nothing estimated to keep up: the smallest
    assert recommend_faster("distil-large-v3.5", 9.0, {}, english=False) == "small"  # no .en model for other languages
    assert recommend_faster("tiny.en", 6.0, {}) is None  # nothing smaller
    # a model folder: only measured catalogue models that keep up, else the smallest
    assert recommend_faster("/models/mine", 8.0, {"base.en": 1.1}) == "base.en"
    assert recommend_faster("/models/mine", 8.0, {}) == "tiny.en"


def test_models_not_measured_here_get_an_estimate_from_one_that_was() -> None:
    from captioner.app.pace_hint import delay_words, estimate_pass, model_figure
    from captioner.engine.models.catalogue import CATALOGUE

    measured = {"tiny.en": 0.30}
    costs = {e.name: e.pass_cost for e in CATALOGUE}
    text, tip = model_figure("base.en", measured)
    assert text == delay_words(0.30 * costs["base.en"], estimate=True) and text.endswith("(estimate)")
    assert "tiny.en" in tip and "benchmarks/README.md" in tip
    assert model_figure("tiny.en", measured)[0] == delay_words(0.30)  # measured: no "(estimate)"
    assert "(estimate)" not in model_figure("tiny.en", measured)[0]
    assert model_figure("large-v3", measured)[0] == "no estimate (not benchmarked)"  # no measured cost ratio: no guess
    assert model_figure("base.en", {}) == ("", "")  # nothing measured here: nothing to scale
    # the measured model closest in cost is the reference
    assert estimate_pass("small.en", {"tiny.en": 0.3, "base.en": 0.6})[1] == "base.en"
    assert estimate_pass("distil-large-v3.5", {"tiny.en": 0.3, "base.en": 0.6})[0] == pytest.approx(0.6 * costs["distil-large-v3.5"] / costs["base.en"])
    assert model_figure("large-v3-turbo", measured)[0] == "falls behind speech (estimate)"  # 0.3 × 43 s > 5 s
    assert delay_words(15.0 / 1.5) == "falls behind speech"
    # a time taken with a model folder of base.en's size: base.en itself never ran here, so it is an estimate
    text, tip = model_figure("base.en", {"base.en": 0.5}, {"base.en": "/models/base"})
    assert text == delay_words(0.5, estimate=True) and "/models/base" in tip


def test_a_model_folder_counts_as_its_catalogue_twin(tmp_path: Path, model_dir: Path) -> None:
    from captioner.app.pace_hint import catalogue_twin

    assert catalogue_twin(str(model_dir)) == "tiny.en"  # tiny.en's shape, read from model.bin
    assert catalogue_twin(str(tmp_path)) is None  # no model here
    times = PassTimes(tmp_path / "times.json")
    times.put(pace_key(str(model_dir), "cpu"), 0.4)
    assert times.by_model("cpu") == {"tiny.en": 0.4}
    assert times.by_model("auto") == {}
