"""Private by default: with the model cached, a session opens no network socket; only a download asks the hub."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hub_server import HubServer

# runs the CLI with an audit hook that reports every network connection and name lookup
AUDITED_CLI = """
import socket, sys

def report(event, args):
    if event == "socket.connect" and args[0].family in (socket.AF_INET, socket.AF_INET6):
        print(f"NETWORK connect {args[1]!r}", file=sys.stderr, flush=True)
    elif event == "socket.getaddrinfo":
        print(f"NETWORK lookup {args[0]!r}", file=sys.stderr, flush=True)

sys.addaudithook(report)
from captioner.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run_audited(*args: object, env: dict[str, str], prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    command = [*prefix, sys.executable, "-c", AUDITED_CLI, *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def network_namespaces() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@pytest.fixture
def cached_tiny(tmp_path: Path, tiny_model: Path) -> dict[str, str]:
    """An environment whose Hugging Face cache holds tiny.en, downloaded by name through the stand-in hub."""
    env = {k: v for k, v in os.environ.items() if k not in ("HF_ENDPOINT", "HF_HUB_OFFLINE")}
    env["HF_HOME"] = str(tmp_path / "hf")
    with HubServer(tiny_model, "Systran/faster-whisper-tiny.en") as hub:
        done = run_audited("download", "tiny.en", env={**env, "HF_ENDPOINT": hub.url})
    assert done.returncode == 0, done.stderr
    assert "NETWORK connect ('127.0.0.1'" in done.stderr  # the hook does see a download asked for
    return env


def test_a_session_with_a_cached_model_opens_no_network_socket(cached_tiny: dict[str, str], sentence_wav: Path) -> None:
    done = run_audited("caption", "--input", sentence_wav, "--model", "tiny.en", "--stats", env=cached_tiny)
    assert done.returncode == 0, done.stderr
    assert "team" in done.stdout.lower()
    assert "NETWORK" not in done.stderr, done.stderr


@pytest.mark.skipif(not network_namespaces(), reason="`unshare -n` needs root or user namespaces")
def test_a_session_runs_in_a_network_namespace_without_interfaces(cached_tiny: dict[str, str], sentence_wav: Path) -> None:
    done = run_audited("caption", "--input", sentence_wav, "--model", "tiny.en", env=cached_tiny, prefix=("unshare", "-n"))
    assert done.returncode == 0, done.stderr
    assert "team" in done.stdout.lower()
    assert "NETWORK" not in done.stderr and "cannot be reached" not in done.stderr, done.stderr
