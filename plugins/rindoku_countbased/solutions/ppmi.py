"""Positive pointwise mutual information: write ppmi."""

import numpy as np


def ppmi(C, eps=1e-8):
    """Return M, float32 of C's shape: M[i, j] = max(0, log2(C[i, j] * N / (S[i] * S[j]))).

    C is a co-occurrence matrix (symmetric, non-negative integers), N the sum of
    all its counts and S[i] the sum of row i.  Cells where C is 0 get 0.
    """
    C = np.asarray(C)
    N = np.sum(C)
    S = np.sum(C, axis=0)

    # BEGIN SOLUTION: compute the PMI of every cell at once; keep its positive part in M
    pmi = np.log2(C * N / np.outer(S, S) + eps)  # where C is 0: log2(eps), about -27
    M = np.maximum(0, pmi).astype(np.float32)
    # END SOLUTION

    return M
