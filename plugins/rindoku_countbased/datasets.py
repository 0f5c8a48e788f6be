"""The chapter's toy corpus: the one sentence book 2 works through by hand."""

from __future__ import annotations

import numpy as np

from rindoku_countbased.countbased import preprocess

__all__ = ["TOY_TEXT", "load_toy_corpus"]

TOY_TEXT = "You say goodbye and I say hello."
"""Seven words, six of them different, and a full stop: small enough to count by hand."""


def load_toy_corpus() -> tuple[np.ndarray, dict[str, int], dict[int, str]]:
    """Return ``(corpus, word_to_id, id_to_word)`` of :data:`TOY_TEXT`.

    corpus: [0 1 2 3 4 1 5 6], the ids of you, say, goodbye, and, i, say, hello, '.'.
    """
    return preprocess(TOY_TEXT)
