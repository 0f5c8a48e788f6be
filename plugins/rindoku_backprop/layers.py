"""The layers of the backprop chapter, each a node of the computational graph.

Every layer has ``params`` and ``grads``, parallel lists of arrays (empty when
the layer has no parameters), a ``forward`` that remembers what the backward
pass needs, and a ``backward(dout)`` that writes the parameter gradients into
``grads`` in place and returns the gradient with respect to the input.

The layers are the book's (book 1 ``ch05/layer_naive.py`` and
``common/layers.py``, book 2 ``common/layers.py``), with shapes in the
docstrings and three small departures: ``Relu.backward`` returns a new array
where the book zeroes ``dout`` itself, ``Softmax`` works along the last
axis, so that it takes one row (C,) as well as a batch (N, C), and the two
loss layers refuse a label outside their classes (:func:`rindoku.inputs.check_ids`),
which NumPy would otherwise read from the end (-1 as the last class).  What
``forward`` keeps for ``backward`` starts as None, as in the book, and is
typed ``Any``: it holds an array once ``forward`` has run, and ``backward`` is
only called after that.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku.inputs import check_ids
from rindoku_backprop.functions import cross_entropy_error, sigmoid, softmax

__all__ = [
    "Affine",
    "AddLayer",
    "MatMul",
    "MulLayer",
    "Relu",
    "Sigmoid",
    "SigmoidWithLoss",
    "Softmax",
    "SoftmaxWithLoss",
]


class MulLayer:
    """The multiply node: ``out = x * y``; x, y and out of one shape (or numbers).

    Going back, each input receives ``dout`` times the *other* input, so the
    forward pass keeps both.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.x: Any = None
        self.y: Any = None

    def forward(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray | float:
        """Return ``x * y`` and remember both inputs."""
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout: np.ndarray | float) -> tuple[np.ndarray | float, np.ndarray | float]:
        """Return ``(dx, dy) = (dout * y, dout * x)``."""
        dx = dout * self.y
        dy = dout * self.x
        return dx, dy


class AddLayer:
    """The add node: ``out = x + y``; x, y and out of one shape (or numbers).

    Going back, ``dout`` passes to both inputs unchanged, so nothing is kept.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []

    def forward(self, x: np.ndarray | float, y: np.ndarray | float) -> np.ndarray | float:
        """Return ``x + y``."""
        return x + y

    def backward(self, dout: np.ndarray | float) -> tuple[np.ndarray | float, np.ndarray | float]:
        """Return ``(dx, dy) = (dout, dout)``."""
        dx = dout * 1
        dy = dout * 1
        return dx, dy


class Relu:
    """ReLU, ``max(0, x)`` elementwise: x and out of any shape, the same one.

    Where ``x <= 0`` the output is constant, so no gradient flows back there;
    the forward pass keeps that mask.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.mask: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x`` with its non-positive elements set to 0."""
        self.mask = x <= 0
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return ``dout`` with the elements where ``x <= 0`` set to 0, as a new array."""
        dx = dout.copy()  # the book sets dout[self.mask] = 0, changing the caller's array
        dx[self.mask] = 0
        return dx


class Sigmoid:
    """The sigmoid ``1 / (1 + exp(-x))`` elementwise: x and out of any shape.

    Its derivative is ``out * (1 - out)``, so the forward pass keeps ``out``.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.out: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``sigmoid(x)`` and remember it."""
        out = sigmoid(x)
        self.out = out
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return ``dx = dout * out * (1 - out)``."""
        dx = dout * (1.0 - self.out) * self.out
        return dx


class Affine:
    """The fully connected layer ``out = x W + b``.

    x: (N, D), W: (D, H), b: (H,), out: (N, H).  The bias is added to every
    row of the batch, so its gradient sums ``dout`` over the rows.
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
        """Write dW (D, H) and db (H,) into ``grads``; return dx (N, D)."""
        W, b = self.params
        dx = np.dot(dout, W.T)
        dW = np.dot(self.x.T, dout)
        db = np.sum(dout, axis=0)

        self.grads[0][...] = dW
        self.grads[1][...] = db
        return dx


class MatMul:
    """The matrix product ``out = x W`` (an Affine layer without bias).

    x: (N, D), W: (D, H), out: (N, H).
    """

    def __init__(self, W: np.ndarray) -> None:
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.x: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x W``, shape (N, H), and remember ``x``."""
        (W,) = self.params
        out = np.dot(x, W)
        self.x = x
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW (D, H) into ``grads``; return dx (N, D)."""
        (W,) = self.params
        dx = np.dot(dout, W.T)
        dW = np.dot(self.x.T, dout)
        self.grads[0][...] = dW
        return dx


class Softmax:
    """Softmax over the last axis: x and out of shape (N, C) or (C,).

    Each output depends on every score of its row, so the backward pass
    subtracts the row's weighted sum: ``dx = out * (dout - sum(out * dout))``.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.out: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return the probabilities ``softmax(x)`` and remember them."""
        self.out = softmax(x)
        return self.out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return ``dx``, the shape of ``x``."""
        dx = self.out * dout
        sumdx = np.sum(dx, axis=-1, keepdims=True)
        dx -= self.out * sumdx
        return dx


class SoftmaxWithLoss:
    """Softmax followed by the cross-entropy error: scores to one scalar loss.

    x: scores (N, C); t: correct labels (N,), each in 0 … C-1, or one-hot (N, C).
    Put together, the two have the simple gradient ``(y - t) / N``, with y the
    probabilities.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.y: Any = None  # the output of softmax
        self.t: Any = None  # the correct labels

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return the loss averaged over the batch; remember y and the labels."""
        self.t = t
        self.y = softmax(x)

        # one-hot labels become label indices
        if self.t.size == self.y.size:
            self.t = self.t.argmax(axis=1)
        check_ids(self.t, self.y.shape[-1], "SoftmaxWithLoss", "label", of="classes",
                  hint="labels are class indices")

        loss = cross_entropy_error(self.y, self.t)
        return loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """Return ``dx = dout * (y - t) / N``, shape (N, C)."""
        batch_size = self.t.shape[0]

        dx = self.y.copy()
        dx[np.arange(batch_size), self.t] -= 1
        dx *= dout
        dx = dx / batch_size
        return dx


class SigmoidWithLoss:
    """Sigmoid followed by the binary cross-entropy error: scores to one loss.

    x: scores (N,); t: correct labels (N,), each 0 or 1.  The score is the
    probability of label 1 before the sigmoid; the gradient is ``(y - t) / N``.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.y: Any = None  # the output of sigmoid
        self.t: Any = None  # the correct labels

    def forward(self, x: np.ndarray, t: np.ndarray) -> float:
        """Return the loss averaged over the batch; remember y and t."""
        check_ids(t, 2, "SigmoidWithLoss", "label", of="classes", hint="labels are 0 or 1")
        self.t = t
        self.y = sigmoid(x)
        loss = cross_entropy_error(np.c_[1 - self.y, self.y], self.t)
        return loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """Return ``dx = dout * (y - t) / N``, shape (N,)."""
        batch_size = self.t.shape[0]

        dx = (self.y - self.t) * dout / batch_size
        return dx
