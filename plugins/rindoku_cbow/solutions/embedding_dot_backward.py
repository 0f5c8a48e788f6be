"""EmbeddingDot: write its backward pass."""

from typing import Any

import numpy as np

from rindoku_cbow.layers import Embedding


class EmbeddingDot:
    """The score of one output word: ``out[i] = h[i] · W[idx[i]]``.

    W: (V, D); h: (N, D); idx: (N,) word ids; out: (N,).
    """

    def __init__(self, W: np.ndarray) -> None:
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.cache: Any = None

    def forward(self, h: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Return the scores (N,) and remember h and the rows used."""
        target_W = self.embed.forward(idx)
        out = np.sum(target_W * h, axis=1)
        self.cache = (h, target_W)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW through the Embedding layer; return dh (N, D)."""
        h, target_W = self.cache
        # BEGIN SOLUTION: compute dtarget_W and dh from dout (N,), pass dtarget_W to self.embed
        dout = dout.reshape(dout.shape[0], 1)

        dtarget_W = dout * h
        self.embed.backward(dtarget_W)
        dh = dout * target_W
        return dh
        # END SOLUTION
