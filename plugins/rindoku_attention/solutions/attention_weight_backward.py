"""AttentionWeight: write its backward pass."""

from typing import Any

import numpy as np

from rindoku_backprop.layers import Softmax


class AttentionWeight:
    """How much each input position matters: ``a = softmax(hs · h)``, hs (N, T, H), h (N, H)."""

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.softmax = Softmax()
        self.cache: Any = None

    def forward(self, hs: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Return the weights a (N, T) and remember hs and h."""
        N, T, H = hs.shape

        hr = h.reshape(N, 1, H)
        t = hs * hr
        s = np.sum(t, axis=2)
        a = self.softmax.forward(s)

        self.cache = (hs, hr)
        return a

    def backward(self, da: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs (N, T, H), dh (N, H))``."""
        hs, hr = self.cache
        N, T, H = hs.shape
        # BEGIN SOLUTION: back through softmax, the sum over H, the product and the broadcast of h
        ds = self.softmax.backward(da)
        dt = ds.reshape(N, T, 1).repeat(H, axis=2)
        dhs = dt * hr
        dhr = dt * hs
        dh = np.sum(dhr, axis=1)

        return dhs, dh
        # END SOLUTION
