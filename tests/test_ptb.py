"""Tests of rindoku_text.ptb: the Penn Treebank splits and what happens without the files.

The split tests read the real files through ``RINDOKU_DATA`` (the
``shared_data`` fixture, which skips without them); the error tests build
their own data folders.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import numpy as np
import pytest

from rindoku.data import DataError
from rindoku_text.ptb import EOS, load_data


def test_ptb_train_split(shared_data):
    """929,589 words and '<eos>' per sentence, 10,000 distinct, ids by first appearance."""
    corpus, word_to_id, id_to_word = load_data("train")
    assert corpus.dtype == np.int32 and len(corpus) == 929_589
    assert len(word_to_id) == len(id_to_word) == 10_000
    assert all(word_to_id[w] == i for i, w in id_to_word.items())
    assert np.array_equal(np.unique(corpus), np.arange(10_000))
    assert corpus[:3].tolist() == [0, 1, 2]  # the first words are the first ids
    train_file = Path(os.environ["RINDOKU_DATA"]) / "ptb" / "ptb.train.txt"
    first_line = train_file.read_text().splitlines()[0].split()
    assert [id_to_word[int(i)] for i in corpus[:len(first_line) + 1]] == first_line + [EOS]
    assert np.sum(corpus == word_to_id[EOS]) == 42_068  # one per line
    assert "<unk>" in word_to_id and "N" in word_to_id


def test_ptb_valid_and_test_use_the_train_vocabulary(shared_data):
    _, train_vocab, train_words = load_data("train")
    for split, length, lines in [("valid", 73_760, 3_370), ("test", 82_430, 3_761)]:
        corpus, word_to_id, id_to_word = load_data(split)
        assert word_to_id == train_vocab and id_to_word == train_words
        assert len(corpus) == length and np.sum(corpus == word_to_id[EOS]) == lines
    assert np.array_equal(load_data("val")[0], load_data("valid")[0])  # the book's name
    with pytest.raises(ValueError, match="not 'dev'"):
        load_data("dev")


def test_a_missing_ptb_file_offline_names_both_ways(tmp_path, monkeypatch):
    """Nothing in RINDOKU_DATA or the cache and no downloading: say how to provide it."""
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "empty"))
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError) as info:
        load_data("test", download=False)
    message = str(info.value)
    assert "ptb/ptb.train.txt is not here and downloading is off" in message
    assert "connect to the internet and run again" in message
    assert "set RINDOKU_DATA to a directory that holds ptb/ptb.train.txt" in message
    assert "https://raw.githubusercontent.com/tomsercu/lstm/master/data/ptb.train.txt" in message


def test_a_corrupt_ptb_file_is_refused(tmp_path, monkeypatch):
    """A damaged ptb.train.txt in RINDOKU_DATA is a DataError that names its wrong checksum."""
    damaged = tmp_path / "data" / "ptb" / "ptb.train.txt"
    damaged.parent.mkdir(parents=True)
    data = os.environ.get("RINDOKU_DATA")
    original = Path(data) / "ptb" / "ptb.train.txt" if data else None
    if original is not None and original.is_file():
        # a copy that lost its last line, as an interrupted copy would
        shutil.copyfile(original, damaged)
        text = damaged.read_bytes()
        damaged.write_bytes(text[:text.rstrip(b"\n").rfind(b"\n") + 1])
    else:
        damaged.write_text(" no it was n't black monday \n")
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError, match=re.escape(str(damaged)) + r" has the wrong checksum "
                       r"\(sha256 [0-9a-f]{64}, expected fcea919f6cf8[0-9a-f]{52}\): it is "
                       r"damaged or a different version; delete it and run again"):
        load_data("train", download=False)
