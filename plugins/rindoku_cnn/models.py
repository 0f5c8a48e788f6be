"""The chapter's model: SimpleConvNet, Conv → ReLU → Pool → Affine → ReLU → Affine → Softmax.

The fast form, on the layers of :mod:`rindoku_cnn.fast`, is
:class:`rindoku_cnn.fast.FastSimpleConvNet`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_backprop.layers import Affine, Relu, SoftmaxWithLoss
from rindoku_cnn.layers import Convolution, Flatten, Pooling, conv_output_size

__all__ = ["DEFAULT_CONV_PARAM", "SimpleConvNet"]

DEFAULT_CONV_PARAM = {"filter_num": 30, "filter_size": 5, "pad": 0, "stride": 1}
"""The book's convolution layer: 30 filters of 5 × 5, no padding, stride 1."""


class SimpleConvNet:
    """A small convolutional network for classification, as in book 1 chapter 7.

    Convolution → ReLU → Pooling (max, 2 × 2, stride 2) → Affine → ReLU →
    Affine → Softmax-with-Loss, the textbook layers of
    :mod:`rindoku_cnn.layers` and :mod:`rindoku_backprop.layers`; a Flatten
    between the pooling and the first Affine layer (全結合層) turns each
    sample's feature maps into one row.  x: (N, *input_dim) -> scores
    (N, output_size).  :class:`rindoku_cnn.fast.FastSimpleConvNet` is the
    same net on the fast layers.

    ``conv_param`` overrides any of ``DEFAULT_CONV_PARAM``.  Weights are drawn
    from ``rng`` with standard deviation ``weight_init_std``, biases are zero.
    ``dtype`` (float64 by default) is the type of every parameter; inputs are
    converted to it.  ``params`` and ``grads`` gather the layers' own arrays:
    W1, b1 (the filters), W2, b2, W3, b3.
    """

    def __init__(
        self,
        input_dim: tuple[int, int, int] = (1, 28, 28),
        conv_param: dict[str, int] | None = None,
        hidden_size: int = 100,
        output_size: int = 10,
        weight_init_std: float = 0.01,
        *,
        rng: np.random.Generator,
        dtype: Any = np.float64,
    ) -> None:
        conv_param = {**DEFAULT_CONV_PARAM, **(conv_param or {})}
        unknown = sorted(set(conv_param) - set(DEFAULT_CONV_PARAM))
        if unknown:
            raise ValueError(
                f"SimpleConvNet: unknown conv_param {unknown}; "
                f"the keys are {sorted(DEFAULT_CONV_PARAM)}"
            )
        filter_num = conv_param["filter_num"]
        filter_size = conv_param["filter_size"]
        filter_pad = conv_param["pad"]
        filter_stride = conv_param["stride"]
        C, H, W = input_dim
        conv_h = conv_output_size(H, filter_size, filter_stride, filter_pad)
        conv_w = conv_output_size(W, filter_size, filter_stride, filter_pad)
        pool_output_size = filter_num * (conv_h // 2) * (conv_w // 2)
        if pool_output_size == 0:
            raise ValueError(
                f"SimpleConvNet: the {conv_h}×{conv_w} feature maps are too small "
                "for 2×2 pooling; use more padding or a smaller filter"
            )

        self.input_dim = tuple(input_dim)
        self.dtype = np.dtype(dtype)

        def weights(*shape: int) -> np.ndarray:
            return (weight_init_std * rng.standard_normal(shape)).astype(self.dtype)

        # the weights
        W1 = weights(filter_num, C, filter_size, filter_size)
        b1 = np.zeros(filter_num, dtype=self.dtype)
        W2 = weights(pool_output_size, hidden_size)
        b2 = np.zeros(hidden_size, dtype=self.dtype)
        W3 = weights(hidden_size, output_size)
        b3 = np.zeros(output_size, dtype=self.dtype)

        # the layers
        self.layers: list[Any] = [
            Convolution(W1, b1, filter_stride, filter_pad),
            Relu(),
            Pooling(pool_h=2, pool_w=2, stride=2),
            Flatten(),
            Affine(W2, b2),
            Relu(),
            Affine(W3, b3),
        ]
        self.loss_layer = SoftmaxWithLoss()

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Return the scores (N, output_size) for x (N, *input_dim)."""
        if np.ndim(x) != 4 or np.shape(x)[1:] != self.input_dim:
            C, H, W = self.input_dim
            raise ValueError(
                f"SimpleConvNet: expected input of shape (N, {C}, {H}, {W}), got {np.shape(x)}"
            )
        x = np.asarray(x, dtype=self.dtype)
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return the loss for x (N, *input_dim) and t, labels (N,) or one-hot."""
        score = self.predict(x)
        loss = self.loss_layer.forward(score, t)
        return loss

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place, last layer first."""
        dx = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dx = layer.backward(dx)

    def accuracy(self, x: np.ndarray, t: np.ndarray, batch_size: int = 100) -> float:
        """The share of ``x`` classified as ``t`` (labels or one-hot), ``batch_size`` at a time.

        Going in batches keeps the feature maps of a large test set out of memory.
        """
        labels = t.argmax(axis=1) if t.ndim == 2 else t
        correct = 0
        for start in range(0, len(x), batch_size):
            batch = slice(start, start + batch_size)
            correct += int(np.sum(self.predict(x[batch]).argmax(axis=1) == labels[batch]))
        return correct / len(x)
