import pickle

import numpy as np
import pytest

from captioner.voices import find_weights, torch_file
from captioner.voices.torch_file import MAGIC, TorchFileError


def test_the_encoder_weights_read_without_torch():
    state = torch_file.load(find_weights())["model_state"]
    assert state["lstm.weight_ih_l0"].shape == (1024, 40)
    assert state["lstm.weight_hh_l2"].shape == (1024, 256)
    assert state["linear.weight"].shape == (256, 256)
    assert all(v.dtype == np.float32 for v in state.values())
    assert all(np.isfinite(v).all() for v in state.values())


def test_a_file_that_is_not_a_checkpoint(tmp_path):
    path = tmp_path / "notes.pt"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(TorchFileError):
        torch_file.load(path)


def test_a_truncated_checkpoint(tmp_path):
    data = find_weights().read_bytes()
    path = tmp_path / "cut.pt"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(TorchFileError, match="ends"):
        torch_file.load(path)


class _Runs:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_a_checkpoint_naming_other_code_is_refused_and_runs_nothing(tmp_path, capsys):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        for part in (MAGIC, 1001, {}):
            pickle.dump(part, f)
        pickle.dump({"model_state": _Runs()}, f)
        pickle.dump([], f)
    with pytest.raises(TorchFileError, match="builtins.print"):
        torch_file.load(path)
    assert "must never run" not in capsys.readouterr().out
