"""The chapter's model: a two-layer net, Affine -> Sigmoid -> Affine -> SoftmaxWithLoss."""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_backprop.layers import Affine, Sigmoid, SoftmaxWithLoss

__all__ = ["TwoLayerNet"]


class TwoLayerNet:
    """A two-layer net for classification, as in book 2 chapter 1.

    x: (N, input_size) -> scores (N, output_size).  ``params`` and ``grads``
    gather the layers' own arrays (the same objects, not copies), so an
    optimizer that updates ``params`` in place updates the layers.
    """

    def __init__(
        self, input_size: int, hidden_size: int, output_size: int, rng: np.random.Generator
    ) -> None:
        # small random weights, zero biases
        W1 = 0.01 * rng.standard_normal((input_size, hidden_size))
        b1 = np.zeros(hidden_size)
        W2 = 0.01 * rng.standard_normal((hidden_size, output_size))
        b2 = np.zeros(output_size)

        self.layers: list[Affine | Sigmoid] = [Affine(W1, b1), Sigmoid(), Affine(W2, b2)]
        self.loss_layer = SoftmaxWithLoss()

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the scores (N, output_size) for x (N, input_size)."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return the loss for x (N, input_size) and t, labels (N,) or one-hot."""
        score = self.predict(x)
        loss = self.loss_layer.forward(score, t)
        return loss

    def backward(self, dout: Any = 1) -> np.ndarray:
        """Fill ``grads`` in place, last layer first; return dx (N, input_size).

        ``dout`` is d loss / d loss, 1; it becomes each layer's output gradient in turn.
        """
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout
