"""The Sigmoid layer: write its backward pass."""

from typing import Any

import numpy as np


class Sigmoid:
    """The sigmoid ``1 / (1 + exp(-x))`` elementwise: x and out of any shape."""

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.out: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``sigmoid(x)`` and remember it in ``self.out``."""
        out = 1 / (1 + np.exp(-x))
        self.out = out
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dx, the shape of x, from dout and ``self.out``."""
        # BEGIN SOLUTION: compute dx from dout and self.out, and return it
        dx = dout * (1.0 - self.out) * self.out
        return dx
        # END SOLUTION
