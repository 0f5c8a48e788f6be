"""The Affine layer: write its backward pass."""

from typing import Any

import numpy as np


class Affine:
    """The fully connected layer ``out = x W + b``.

    x: (N, D), W: (D, H), b: (H,), out: (N, H).
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x W + b``, shape (N, H), and remember ``x``."""
        W, b = self.params
        out = np.dot(x, W) + b
        self.x = x
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW (D, H) and db (H,) into ``self.grads`` in place; return dx (N, D)."""
        W, b = self.params
        # BEGIN SOLUTION: compute dx, dW and db; write dW and db into self.grads in place
        dx = np.dot(dout, W.T)
        dW = np.dot(self.x.T, dout)
        db = np.sum(dout, axis=0)

        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx
        # END SOLUTION
