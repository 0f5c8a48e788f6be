"""The optimizer that trains the chapter's two-layer net: plain SGD.

Book 2 introduces ``SGD`` in section 1.4 (``common/optimizer.py``) to train
the two-layer net on the spiral data, so it lives here, with the net.  The
optimizers chapter imports it from here and sets it beside Momentum, AdaGrad
and Adam.
"""

from __future__ import annotations

import numpy as np

__all__ = ["SGD"]


class SGD:
    """Stochastic gradient descent (確率的勾配降下法).

    W ← W - η ∂L/∂W

    ``params`` and ``grads`` are parallel lists of arrays (a model's ``params``
    and ``grads``); each array of ``params`` is changed in place, because the
    layers keep references to their own arrays.  A step of fixed size against
    the gradient: simple, but where the slope is steep in one direction and
    shallow in another, the gradient does not point at the minimum, and SGD
    zigzags towards it.
    """

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Take one step: every array of ``params`` is changed in place."""
        for i in range(len(params)):
            params[i] -= self.lr * grads[i]
