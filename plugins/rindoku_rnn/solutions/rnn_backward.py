"""RNN: write its backward pass."""

from typing import Any

import numpy as np


class RNN:
    """One step of a recurrent layer: ``h_next = tanh(h_prev Wh + x Wx + b)``.

    Wx: (D, H); Wh: (H, H); b: (H,); x: (N, D); h_prev, h_next: (N, H).
    """

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache: Any = None

    def forward(self, x: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        """Return h_next (N, H) and remember x, h_prev and h_next."""
        Wx, Wh, b = self.params
        t = np.dot(h_prev, Wh) + np.dot(x, Wx) + b
        h_next = np.tanh(t)

        self.cache = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Write dWx, dWh, db into ``grads`` in place; return (dx, dh_prev)."""
        Wx, Wh, b = self.params
        x, h_prev, h_next = self.cache

        # BEGIN SOLUTION: go back through tanh, then through the sum of the two products and b
        dt = dh_next * (1 - h_next ** 2)
        db = np.sum(dt, axis=0)
        dWh = np.dot(h_prev.T, dt)
        dh_prev = np.dot(dt, Wh.T)
        dWx = np.dot(x.T, dt)
        dx = np.dot(dt, Wx.T)

        self.grads[0][...] = dWx
        self.grads[1][...] = dWh
        self.grads[2][...] = db

        return dx, dh_prev
        # END SOLUTION
