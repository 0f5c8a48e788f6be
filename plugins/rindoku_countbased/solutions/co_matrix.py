"""The co-occurrence matrix: write create_co_matrix."""

import numpy as np


def create_co_matrix(corpus, vocab_size, window_size=1):
    """Return C, (vocab_size, vocab_size) integers: C[i, j] counts word j near word i.

    corpus is a 1-D array of word ids.  Word j is near word i when it stands at
    most window_size places to the left or to the right of an occurrence of i.
    """
    corpus = np.asarray(corpus)
    co_matrix = np.zeros((vocab_size, vocab_size), dtype=np.int32)

    # BEGIN SOLUTION: for d = 1 … window_size, count each word with the words d places away
    for d in range(1, window_size + 1):
        left, right = corpus[:-d], corpus[d:]  # the pairs (word, word d places to its right)
        np.add.at(co_matrix, (left, right), 1)
        np.add.at(co_matrix, (right, left), 1)  # the same pairs seen from the other word
    # END SOLUTION

    return co_matrix
