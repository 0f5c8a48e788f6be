"""create_contexts_target: from a corpus to the contexts and targets of CBOW."""

import numpy as np


def create_contexts_target(
    corpus: np.ndarray, window_size: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(contexts, target)`` for every position with a full window.

    corpus: word ids (N,).  target: (N - 2 window_size,), the words from
    position ``window_size`` to ``N - window_size - 1``.  contexts:
    (N - 2 window_size, 2 window_size), row i the ``window_size`` words before
    ``target[i]`` and the ``window_size`` words after it, in corpus order.
    """
    # BEGIN SOLUTION: make target and contexts as NumPy arrays, and return (contexts, target)
    target = corpus[window_size:-window_size]
    contexts = []

    for idx in range(window_size, len(corpus) - window_size):
        cs = []
        for t in range(-window_size, window_size + 1):
            if t == 0:
                continue  # the target itself is not part of its context
            cs.append(corpus[idx + t])
        contexts.append(cs)

    return np.array(contexts), np.array(target)
    # END SOLUTION
