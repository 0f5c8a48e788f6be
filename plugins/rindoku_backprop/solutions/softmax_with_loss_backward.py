"""The SoftmaxWithLoss layer: write its backward pass."""

from typing import Any

import numpy as np


def softmax(x: np.ndarray) -> np.ndarray:
    """Probabilities from scores (N, C), row by row; the row maximum is subtracted first."""
    x = x - np.max(x, axis=-1, keepdims=True)
    exp_x = np.exp(x)
    return exp_x / np.sum(exp_x, axis=-1, keepdims=True)


def cross_entropy_error(y: np.ndarray, t: np.ndarray) -> float:
    """The cross-entropy error of probabilities y (N, C) for labels t (N,), averaged."""
    batch_size = y.shape[0]
    return float(-np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size)


class SoftmaxWithLoss:
    """Softmax followed by the cross-entropy error: scores (N, C) to one scalar loss.

    t holds the correct labels (N,) or is one-hot (N, C).
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.y: Any = None  # the output of softmax, (N, C)
        self.t: Any = None  # the correct labels, (N,)

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return the loss averaged over the batch; remember y and the labels."""
        self.t = t
        self.y = softmax(x)

        # one-hot labels become label indices
        if self.t.size == self.y.size:
            self.t = self.t.argmax(axis=1)

        loss = cross_entropy_error(self.y, self.t)
        return loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """Return dx (N, C), the gradient of the loss with respect to the scores x."""
        # BEGIN SOLUTION: compute dx = dout * (y - t) / N from self.y and the labels self.t
        batch_size = self.t.shape[0]

        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout
        dx = dx / batch_size
        return dx
        # END SOLUTION
