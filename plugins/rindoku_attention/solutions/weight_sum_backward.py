"""WeightSum: write its backward pass."""

from typing import Any

import numpy as np


class WeightSum:
    """The context vector ``c = Σ_t a_t hs_t``: hs (N, T, H) and a (N, T) to c (N, H)."""

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.cache: Any = None

    def forward(self, hs: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Return c (N, H) and remember hs and a."""
        N, T, H = hs.shape

        ar = a.reshape(N, T, 1)
        t = hs * ar
        c = np.sum(t, axis=1)

        self.cache = (hs, ar)
        return c

    def backward(self, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs (N, T, H), da (N, T))``."""
        hs, ar = self.cache
        N, T, H = hs.shape
        # BEGIN SOLUTION: undo the sum over T (a copy per position), the product and the broadcast
        dt = dc.reshape(N, 1, H).repeat(T, axis=1)
        dar = dt * hs
        dhs = dt * ar
        da = np.sum(dar, axis=2)

        return dhs, da
        # END SOLUTION
