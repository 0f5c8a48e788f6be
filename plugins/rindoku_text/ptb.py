"""The Penn Treebank corpus (PTB), the word-vector chapters' text, as word ids.

The files are Mikolov's preprocessed PTB, the ones book 2's ``dataset/ptb.py``
downloads: one sentence a line, a vocabulary of 10,000 words, rare words
replaced by ``<unk>`` and numbers by ``N``.  They come through the kernel's data
layer (:func:`rindoku.data.fetch`): from ``$RINDOKU_DATA/ptb/``, from the cache,
or downloaded and checked against their SHA-256.

:func:`load_data` turns a split into word ids exactly as the book does: the end
of each line becomes the word ``<eos>``, and ids are given in order of first
appearance in the training split.  The validation and test splits use the
training split's vocabulary, so an id means the same word in all three.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from rindoku.data import DataFile, fetch

__all__ = [
    "EOS", "FILES", "PTB_TEST", "PTB_TRAIN", "PTB_VALID", "load_data", "load_words",
    "vocabulary_of",
]

_URL = "https://raw.githubusercontent.com/tomsercu/lstm/master/data/"

PTB_TRAIN = DataFile(
    "ptb/ptb.train.txt",
    (_URL + "ptb.train.txt",),
    "fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf",
    "PTB training split: 42,068 sentences, 887,521 words",
    size=5_101_618,
)
PTB_VALID = DataFile(
    "ptb/ptb.valid.txt",
    (_URL + "ptb.valid.txt",),
    "c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2",
    "PTB validation split: 3,370 sentences, 70,390 words",
    size=399_782,
)
PTB_TEST = DataFile(
    "ptb/ptb.test.txt",
    (_URL + "ptb.test.txt",),
    "dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0",
    "PTB test split: 3,761 sentences, 78,669 words",
    size=449_945,
)

FILES = {"train": PTB_TRAIN, "valid": PTB_VALID, "test": PTB_TEST}
"""The three splits by name."""

EOS = "<eos>"
"""The word that marks the end of a sentence (a line of the file)."""


def load_words(split: str = "train", *, download: bool = True) -> list[str]:
    """The words of a split, in order, each line ended by ``<eos>``.

    ``split`` is ``"train"``, ``"valid"`` (or ``"val"``, the book's name) or
    ``"test"``.  With ``download=False`` a file that is neither in
    ``$RINDOKU_DATA`` nor in the cache is a :class:`rindoku.data.DataError`.
    """
    path = fetch(_file(split), download=download)
    return path.read_text(encoding="utf-8").replace("\n", EOS).strip().split()


def load_data(
    split: str = "train", *, download: bool = True
) -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Return ``(corpus, word_to_id, id_to_word)`` for a split of PTB.

    ``corpus`` is an int32 array of word ids (929,589 of them for ``"train"``);
    the two dicts map between words and ids.  Both dicts are built from the
    training split, whichever split is asked for, and hold 10,000 words.
    """
    file = _file(split)
    train = load_words("train", download=download)
    word_to_id, id_to_word = vocabulary_of(train)

    words = train if file is PTB_TRAIN else load_words(split, download=download)
    corpus = np.fromiter((word_to_id[w] for w in words), dtype=np.int32, count=len(words))
    return corpus, word_to_id, id_to_word


def vocabulary_of(words: Iterable[str]) -> tuple[dict[str, int], dict[int, str]]:
    """``(word_to_id, id_to_word)`` of ``words``, ids by first appearance as in the book."""
    word_to_id: dict[str, int] = {}
    for word in words:
        if word not in word_to_id:
            word_to_id[word] = len(word_to_id)
    return word_to_id, {i: word for word, i in word_to_id.items()}


def _file(split: str) -> DataFile:
    split = "valid" if split == "val" else split
    if split not in FILES:
        raise ValueError(f"PTB has the splits 'train', 'valid' and 'test', not {split!r}")
    return FILES[split]
