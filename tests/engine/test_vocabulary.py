import pytest

from captioner.engine.vocabulary import MAX_CHARS, parse_vocabulary, read_vocabulary


def test_terms_are_split_trimmed_and_kept_once_in_order():
    assert parse_vocabulary("Ana Pereira, Kubernetes;  grafana \n\nKUBERNETES,,") == "Ana Pereira, Kubernetes, grafana"
    assert parse_vocabulary("  ") == ""


def test_a_long_list_is_cut_at_a_term():
    line = parse_vocabulary(", ".join(f"Term{i}" for i in range(500)))
    assert len(line) <= MAX_CHARS and line.endswith(tuple(f"Term{i}" for i in range(500)))


def test_a_file_of_terms(tmp_path):
    terms = tmp_path / "terms.txt"
    terms.write_text("Ana Pereira\nKubernetes\n", encoding="utf-8")
    assert read_vocabulary(str(terms)) == "Ana Pereira, Kubernetes"
    assert read_vocabulary("Ana Pereira, Kubernetes") == "Ana Pereira, Kubernetes"


def test_a_missing_or_unreadable_file_says_so(tmp_path):
    with pytest.raises(ValueError, match="no vocabulary file"):
        read_vocabulary(str(tmp_path / "gone.txt"))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\xfa")
    with pytest.raises(ValueError, match="cannot read the vocabulary file"):
        read_vocabulary(str(bad))
