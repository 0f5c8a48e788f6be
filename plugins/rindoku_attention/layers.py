"""The attention layers: WeightSum, AttentionWeight, Attention and TimeAttention.

They follow book 2 chapter 8 (``ch08/attention_layer.py``).  At one step of
the decoder, attention compares the decoder's hidden state h (N, H) with
every hidden state of the encoder, hs (N, T, H): the dot products, turned
into weights a (N, T) by softmax, say how much each input position matters
now (``AttentionWeight``); the context vector c (N, H) is the sum of the
encoder's states weighted by a (``WeightSum``).  ``Attention`` is the two
together, and ``TimeAttention`` runs one Attention per decoder step.  None
of them has weights of its own: attention learns through the LSTMs that make
hs and h.  What ``forward`` keeps for ``backward`` starts as None, as in the
book, and is typed ``Any``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_backprop.layers import Softmax
from rindoku_rnn.shapes import check_shapes

__all__ = ["Attention", "AttentionWeight", "TimeAttention", "WeightSum"]


class WeightSum:
    """The context vector: the encoder's states weighted by a and summed, ``c = Σ_t a_t hs_t``.

    hs: (N, T, H); a: (N, T), each row summing to 1; c: (N, H).
    ``backward(dc)`` returns ``(dhs, da)``.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.cache: Any = None

    def forward(self, hs: np.ndarray, a: np.ndarray) -> np.ndarray:
        """Return c (N, H) and remember hs and a."""
        check_shapes("WeightSum.forward", hs=(hs, ("N", "T", "H")), a=(a, ("N", "T")))
        N, T, H = hs.shape

        ar = a.reshape(N, T, 1)  # broadcast over H, where the book repeats
        t = hs * ar
        c = np.sum(t, axis=1)

        self.cache = (hs, ar)
        return c

    def backward(self, dc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs (N, T, H), da (N, T))``."""
        hs, ar = self.cache
        N, T, H = hs.shape
        dt = dc.reshape(N, 1, H).repeat(T, axis=1)  # the sum's backward: a copy for each t
        dar = dt * hs
        dhs = dt * ar
        da = np.sum(dar, axis=2)  # the broadcast's backward: a sum over H

        return dhs, da


class AttentionWeight:
    """How much each input position matters: ``a = softmax(hs · h)`` over the T positions.

    hs: (N, T, H), the encoder's states; h: (N, H), the decoder's state;
    a: (N, T).  ``backward(da)`` returns ``(dhs, dh)``.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.softmax = Softmax()
        self.cache: Any = None

    def forward(self, hs: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Return the weights a (N, T) and remember hs and h."""
        check_shapes("AttentionWeight.forward", hs=(hs, ("N", "T", "H")), h=(h, ("N", "H")))
        N, T, H = hs.shape

        hr = h.reshape(N, 1, H)  # broadcast over T, where the book could repeat
        t = hs * hr
        s = np.sum(t, axis=2)
        a = self.softmax.forward(s)

        self.cache = (hs, hr)
        return a

    def backward(self, da: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs (N, T, H), dh (N, H))``."""
        hs, hr = self.cache
        N, T, H = hs.shape

        ds = self.softmax.backward(da)
        dt = ds.reshape(N, T, 1).repeat(H, axis=2)  # the sum over H's backward
        dhs = dt * hr
        dhr = dt * hs
        dh = np.sum(dhr, axis=1)  # the broadcast over T's backward

        return dhs, dh


class Attention:
    """One decoder step's attention: the context vector c (N, H) of hs (N, T, H) for h (N, H).

    AttentionWeight, then WeightSum; ``attention_weight`` keeps a (N, T) for
    plotting.  ``backward(dout)`` returns ``(dhs, dh)``: hs receives from both
    layers.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.attention_weight_layer = AttentionWeight()
        self.weight_sum_layer = WeightSum()
        self.attention_weight: Any = None

    def forward(self, hs: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Return the context vector c (N, H)."""
        a = self.attention_weight_layer.forward(hs, h)
        out = self.weight_sum_layer.forward(hs, a)
        self.attention_weight = a
        return out

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs (N, T, H), dh (N, H))``."""
        dhs0, da = self.weight_sum_layer.backward(dout)
        dhs1, dh = self.attention_weight_layer.backward(da)
        dhs = dhs0 + dhs1
        return dhs, dh


class TimeAttention:
    """Attention at every decoder step: hs_enc (N, T_enc, H) and hs_dec (N, T, H) to (N, T, H).

    One :class:`Attention` per decoder step, each over all of hs_enc;
    ``attention_weights`` keeps their weights, T arrays (N, T_enc).
    ``backward(dout)`` returns ``(dhs_enc, dhs_dec)``: hs_enc receives the
    sum over the steps.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.layers: Any = None
        self.attention_weights: Any = None

    def forward(self, hs_enc: np.ndarray, hs_dec: np.ndarray) -> np.ndarray:
        """Return the context vectors of every step, (N, T, H)."""
        check_shapes("TimeAttention.forward", hs_enc=(hs_enc, ("N", "T_enc", "H")),
                     hs_dec=(hs_dec, ("N", "T", "H")))
        N, T, H = hs_dec.shape
        out = np.empty_like(hs_dec)
        self.layers = []
        self.attention_weights = []

        for t in range(T):
            layer = Attention()
            out[:, t, :] = layer.forward(hs_enc, hs_dec[:, t, :])
            self.layers.append(layer)
            self.attention_weights.append(layer.attention_weight)

        return out

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs_enc (N, T_enc, H), dhs_dec (N, T, H))``."""
        N, T, H = dout.shape
        dhs_enc: Any = 0
        dhs_dec = np.empty_like(dout)

        for t in range(T):
            layer = self.layers[t]
            dhs, dh = layer.backward(dout[:, t, :])
            dhs_enc += dhs
            dhs_dec[:, t, :] = dh

        return dhs_enc, dhs_dec
