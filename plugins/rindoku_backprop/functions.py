"""The functions the layers are made of: sigmoid, softmax and cross-entropy error."""

from __future__ import annotations

import numpy as np

__all__ = ["cross_entropy_error", "sigmoid", "softmax"]


def sigmoid(x: np.ndarray) -> np.ndarray:
    """The sigmoid function ``1 / (1 + exp(-x))``, elementwise; any shape."""
    return 1 / (1 + np.exp(-x))


def softmax(x: np.ndarray) -> np.ndarray:
    """Turn scores into probabilities: shape (C,) or (N, C), each row sums to 1.

    The row's maximum is subtracted first: ``exp`` of a large score would
    overflow, and the shift does not change the result.
    """
    x = x - np.max(x, axis=-1, keepdims=True)
    exp_x = np.exp(x)
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


def cross_entropy_error(y: np.ndarray, t: np.ndarray) -> float:
    """The cross-entropy error of probabilities ``y``, averaged over the batch.

    ``y`` has shape (N, C) or (C,).  ``t`` holds the correct labels, shape (N,),
    or is one-hot with the same shape as ``y``.  A tiny 1e-7 keeps ``log(0)``
    out of the sum.
    """
    t = np.asarray(t)
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)

    # one-hot labels become label indices
    if t.size == y.size:
        t = t.argmax(axis=1)

    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size)
