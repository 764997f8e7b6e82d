"""The banner's "Get GPU support": where the model runs on the CPU because cuBLAS 12 cannot be loaded, the app fetches
it as `captioner cuda-libs` does (from a package index on 127.0.0.1 here, serving a wheel laid out as NVIDIA's:
tests/cublas.py), with progress and Cancel in the download panel, then loads the model again, on the GPU now (tests/gpu.py:
the real tiny.en with the GPU's failure where CTranslate2 raises it)."""

from __future__ import annotations

import threading

import pytest

from captioner.engine.models import cuda_libs
from captioner.engine.models.cuda_libs import CUBLAS, user_folder
from captioner.gui.controller import State
from tests.cublas import NEEDS_CC, Index, build_wheel
from tests.gpu import GpuNeedingCublas, GpuWithoutCublas, cublas_loads, pretend_gpu

pytestmark = NEEDS_CC

PADDING = 3 << 20  # the wheel's noise: its download takes several reads, the first one held back by the index until told


@pytest.fixture
def index(tmp_path, monkeypatch):
    """Serves the wheel, its first MiB at once, the rest once `index.hold` is set; the app's fetches ask it."""
    wheel = build_wheel(tmp_path / "wheel", padding=PADDING)
    served = Index(wheel.read_bytes(), wheel.name, hold=threading.Event())
    monkeypatch.setenv("CAPTIONER_PYPI_URL", served.url)
    yield served
    served.close()


def loaded_on_the_cpu(make_app, qtbot):
    """The app, its model loaded (device Auto) on the pretended GPU and moved to the CPU."""
    app = make_app(compute_device="auto")
    c = app.controller
    assert c.prepare()
    qtbot.waitUntil(lambda: c.state is State.IDLE and c.model.transcriber is not None, timeout=120000)
    assert c.model.transcriber.device == "cpu"
    return app


def press_get_gpu_support(w, qtbot) -> None:
    bar = w.message_bar
    assert bar.isVisible() and bar._action.isVisible() and bar._action.text() == "Get GPU support"
    bar._action.click()
    qtbot.waitUntil(lambda: w.download_panel.bar.value() > 0, timeout=30000)  # the first MiB is in
    text = w.download_panel.label.text()
    assert w.download_panel.isVisible() and text.startswith("Downloading GPU support") and " of " in text, text


def nothing_kept() -> bool:
    parent = user_folder().parent
    return not user_folder().exists() and not (parent.exists() and [p for p in parent.iterdir() if p.name.startswith(".cuda-fetch")])


def test_only_a_missing_cublas_offers_get_gpu_support(make_app, qtbot, monkeypatch) -> None:
    pretend_gpu(GpuWithoutCublas, monkeypatch)
    app = loaded_on_the_cpu(make_app, qtbot)
    c, bar = app.controller, app.window.message_bar
    assert bar.level == "warning" and "libcublas.so.12" in bar.text
    assert bar._action.isVisible() and bar._action.text() == "Get GPU support"
    monkeypatch.setattr(GpuWithoutCublas, "error", "CUDA failed with error unspecified launch failure")
    c.model.release()
    assert c.prepare()
    qtbot.waitUntil(lambda: c.state is State.IDLE and c.model.transcriber is not None, timeout=120000)
    assert c.model.transcriber.device == "cpu" and "unspecified launch failure" in bar.text  # the same banner, replaced
    assert not bar._action.isVisible()  # cuBLAS would not help


def test_get_gpu_support_fetches_cublas_and_the_model_loads_again_on_the_gpu(make_app, qtbot, monkeypatch, index) -> None:
    if cublas_loads():
        pytest.skip("this machine has cuBLAS 12 of its own")
    for name, value in (("_loaded", []), ("_handles", []), ("_done", False)):
        monkeypatch.setattr(cuda_libs, name, value)  # this test's preloads only (what they load stays loaded)
    pretend_gpu(GpuNeedingCublas, monkeypatch)
    app = loaded_on_the_cpu(make_app, qtbot)
    c, w = app.controller, app.window
    assert cuda_libs._done and cuda_libs._loaded == []  # the load looked for cuBLAS and found none
    press_get_gpu_support(w, qtbot)
    assert c.state is State.PREPARING and not w.message_bar.isVisible()
    index.hold.set()
    qtbot.waitUntil(lambda: c.state is State.IDLE and c.model.transcriber is not None, timeout=120000)
    assert c.model.transcriber.device == "cuda"
    assert GpuNeedingCublas.loads == ["cuda", "cpu", "cuda"]  # moved to the CPU, then loaded again: on the GPU now
    assert sorted(p.name for p in user_folder().iterdir()) == sorted(CUBLAS)
    assert cuda_libs._loaded == [str(user_folder() / name) for name in CUBLAS]
    assert w.message_bar.level == "info" and w.message_bar.text == f"GPU support installed; {c.model.transcriber.name} now runs on the GPU."
    assert not w.message_bar._action.isVisible() and not w.download_panel.isVisible()
    assert c.model.transcriber.device_note == "" and not c.model.transcriber.cuda_libs_missing


def test_cancel_stops_the_download_and_keeps_nothing(make_app, qtbot, monkeypatch, index) -> None:
    pretend_gpu(GpuWithoutCublas, monkeypatch)
    app = loaded_on_the_cpu(make_app, qtbot)
    c, w = app.controller, app.window
    press_get_gpu_support(w, qtbot)
    w.download_panel.cancel.click()
    assert c.state is State.IDLE and not w.download_panel.isVisible()  # at once
    assert w.message_bar.level == "info" and "cancelled" in w.message_bar.text and w.message_bar._action.isVisible()
    index.hold.set()  # the download's next read: it stops there
    qtbot.waitUntil(nothing_kept, timeout=30000)
    assert c.model.transcriber.device == "cpu" and GpuWithoutCublas.loads == ["cuda", "cpu"]  # the model stays as it was
    assert "cancelled" in w.message_bar.text  # nothing more said


def test_a_wheel_that_does_not_match_its_hash_is_an_error_and_keeps_nothing(make_app, qtbot, monkeypatch, index) -> None:
    index.wheel["digests"]["sha256"] = "0" * 64
    index.hold.set()
    pretend_gpu(GpuWithoutCublas, monkeypatch)
    app = loaded_on_the_cpu(make_app, qtbot)
    c, w = app.controller, app.window
    w.message_bar._action.click()
    qtbot.waitUntil(lambda: w.message_bar.level == "error", timeout=60000)
    assert w.message_bar.text.startswith("Could not get GPU support: ") and "SHA-256" in w.message_bar.text
    assert w.message_bar._action.isVisible()  # try again
    assert c.state is State.IDLE and not w.download_panel.isVisible() and nothing_kept()
    assert c.model.transcriber.device == "cpu" and GpuWithoutCublas.loads == ["cuda", "cpu"]
