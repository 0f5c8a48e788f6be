"""From a corpus to training data: contexts and targets, and one-hot vectors.

The book's ``common/util.py`` functions ``create_contexts_target`` and
``convert_one_hot``, vectorised: a corpus of word ids becomes, for every
position that has ``window_size`` words on each side, the word there (the
target) and the words around it (its context).
"""

from __future__ import annotations

import numpy as np

__all__ = ["context_offsets", "convert_one_hot", "create_contexts_target"]


def context_offsets(window_size: int) -> np.ndarray:
    """The positions of the context words relative to the target, in column order.

    ``context_offsets(2)`` is ``[-2, -1, 1, 2]``: the columns of the contexts
    that :func:`create_contexts_target` makes.
    """
    return np.r_[np.arange(-window_size, 0), np.arange(1, window_size + 1)]


def create_contexts_target(
    corpus: np.ndarray, window_size: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(contexts, target)`` for every position with a full window.

    corpus: word ids (N,).  target: (N - 2 window_size,), the words from
    position ``window_size`` to ``N - window_size - 1``.  contexts:
    (N - 2 window_size, 2 window_size), row i the ``window_size`` words before
    ``target[i]`` and the ``window_size`` words after it, in corpus order.
    Both have the corpus's integer type.
    """
    corpus = np.asarray(corpus)
    if window_size < 1:
        raise ValueError(f"window_size must be at least 1, got {window_size}")
    if len(corpus) <= 2 * window_size:
        raise ValueError(
            f"a corpus of {len(corpus)} words has no position with {window_size} "
            f"word(s) on each side"
        )
    positions = np.arange(window_size, len(corpus) - window_size)
    target = corpus[positions]
    contexts = corpus[positions[:, np.newaxis] + context_offsets(window_size)]
    return contexts, target


def convert_one_hot(corpus: np.ndarray, vocab_size: int) -> np.ndarray:
    """One-hot vectors of word ids: (N,) -> (N, V), or (N, C) -> (N, C, V).

    Row ``i`` (or cell ``[i, j]``) is all zeros except a 1 at the word's id.
    The result is int32, as in the book.
    """
    corpus = np.asarray(corpus)
    return np.eye(vocab_size, dtype=np.int32)[corpus]
