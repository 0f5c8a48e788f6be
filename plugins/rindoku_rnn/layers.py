"""The layers of the RNN chapter: RNN, TimeRNN, TimeEmbedding, TimeAffine, TimeSoftmaxWithLoss.

They follow book 2 chapter 5 (``common/time_layers.py``).  ``RNN`` is one time
step, ``h_next = tanh(h_prev Wh + x Wx + b)``; ``TimeRNN`` runs T of them and
passes the hidden state from each step to the next.  The other three ``Time``
layers apply a layer of the earlier chapters to all T steps of a batch: the
arrays of a Time layer are (N, T, ...), N sequences of T steps.

Where the book makes arrays with ``dtype='f'``, these layers use the dtype of
their weights, so one code trains in float32 and is gradient-checked in
float64.  Each ``forward`` checks its inputs' shapes (:mod:`rindoku_rnn.shapes`)
and word ids (:func:`rindoku.inputs.check_ids`) in one line each, so a wrong
array is named where it enters; the rest is the book's lines in the book's
order.  What ``forward`` keeps for
``backward`` starts as None, as in the book, and is typed ``Any``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku.inputs import check_ids
from rindoku_backprop.functions import softmax
from rindoku_cbow.layers import Embedding
from rindoku_rnn.shapes import check_shapes

__all__ = ["RNN", "TimeAffine", "TimeEmbedding", "TimeRNN", "TimeSoftmaxWithLoss"]

STATE_FIX = ("the hidden state kept from the last batch has another batch size: "
             "call reset_state() when the batch size changes")


class RNN:
    """One step of a recurrent layer: ``h_next = tanh(h_prev Wh + x Wx + b)``.

    Wx: (D, H); Wh: (H, H); b: (H,); x: (N, D) the inputs of this step;
    h_prev: (N, H) the hidden state of the step before; h_next: (N, H).
    ``backward(dh_next)`` returns ``(dx, dh_prev)``: the gradient goes back to
    the input and to the step before.
    """

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache: Any = None

    def forward(self, x: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        """Return h_next (N, H) and remember x, h_prev and h_next."""
        Wx, Wh, b = self.params
        check_shapes("RNN.forward", x=(x, ("N", Wx.shape[0])), h_prev=(h_prev, ("N", Wh.shape[0])))
        t = np.dot(h_prev, Wh) + np.dot(x, Wx) + b
        h_next = np.tanh(t)

        self.cache = (x, h_prev, h_next)
        return h_next

    def backward(self, dh_next: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Write dWx, dWh, db into ``grads``; return (dx (N, D), dh_prev (N, H))."""
        Wx, Wh, b = self.params
        x, h_prev, h_next = self.cache
        check_shapes("RNN.backward", dh_next=(dh_next, h_next.shape))

        dt = dh_next * (1 - h_next ** 2)  # tanh' = 1 - tanh^2
        db = np.sum(dt, axis=0)
        dWh = np.dot(h_prev.T, dt)
        dh_prev = np.dot(dt, Wh.T)
        dWx = np.dot(x.T, dt)
        dx = np.dot(dt, Wx.T)

        self.grads[0][...] = dWx
        self.grads[1][...] = dWh
        self.grads[2][...] = db

        return dx, dh_prev


class TimeRNN:
    """T steps of RNN with one set of weights, the hidden state passed from step to step.

    xs: (N, T, D); hs: (N, T, H), the hidden state after every step.  With
    ``stateful=True`` the last hidden state ``h`` is kept and the next
    ``forward`` starts from it: a long sequence is read in blocks of T steps
    (truncated BPTT), the state flowing on while the gradient stops at the
    block's start.  ``reset_state()`` forgets it; ``set_state(h)`` sets it.
    After ``backward``, ``dh`` is the gradient of the hidden state the block
    started from (the book keeps it for seq2seq's encoder).
    """

    def __init__(
        self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False
    ) -> None:
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.layers: Any = None

        self.h: Any = None
        self.dh: Any = None
        self.stateful = stateful

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Run the T steps; return hs (N, T, H)."""
        Wx, Wh, b = self.params
        check_shapes("TimeRNN.forward", xs=(xs, ("N", "T", Wx.shape[0])))
        N, T, D = xs.shape
        D, H = Wx.shape

        self.layers = []
        hs = np.empty((N, T, H), dtype=Wx.dtype)

        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype=Wx.dtype)
        check_shapes("TimeRNN.forward", h=(self.h, (N, H)), fix=STATE_FIX)

        for t in range(T):
            layer = RNN(*self.params)
            self.h = layer.forward(xs[:, t, :], self.h)
            hs[:, t, :] = self.h
            self.layers.append(layer)

        return hs

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        """Go back through the T steps; write the summed gradients; return dxs (N, T, D)."""
        Wx, Wh, b = self.params
        check_shapes("TimeRNN.backward", dhs=(dhs, (len(self.h), len(self.layers), len(Wh))))
        N, T, H = dhs.shape
        D, H = Wx.shape

        dxs = np.empty((N, T, D), dtype=Wx.dtype)
        dh: Any = 0
        grads: list[Any] = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            # step t's output goes up (dhs) and on to step t + 1 (dh): both gradients add up
            dx, dh = layer.backward(dhs[:, t, :] + dh)
            dxs[:, t, :] = dx

            # every step used the same weights: their gradient is the sum over the steps
            for i, grad in enumerate(layer.grads):
                grads[i] += grad

        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh

        return dxs

    def set_state(self, h: np.ndarray) -> None:
        """Start the next ``forward`` from the hidden state h (N, H)."""
        self.h = h

    def reset_state(self) -> None:
        """Forget the hidden state: the next ``forward`` starts from zeros."""
        self.h = None



class TimeEmbedding:
    """An Embedding lookup for each of T steps: word ids (N, T) to vectors (N, T, D).

    W: (V, D).  One :class:`~rindoku_cbow.layers.Embedding` per step, all
    sharing W; the gradient of W is the sum of theirs.
    """

    def __init__(self, W: np.ndarray) -> None:
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.layers: Any = None
        self.W = W

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Return the rows ``W[xs]``, shape (N, T, D)."""
        check_shapes("TimeEmbedding.forward", xs=(xs, ("N", "T")))
        check_ids(xs, self.W.shape[0], "TimeEmbedding.forward", "word id", of="rows of W")
        N, T = xs.shape
        V, D = self.W.shape

        out = np.empty((N, T, D), dtype=self.W.dtype)
        self.layers = []

        for t in range(T):
            layer = Embedding(self.W)
            out[:, t, :] = layer.forward(xs[:, t])
            self.layers.append(layer)

        return out

    def backward(self, dout: np.ndarray) -> None:
        """Write dW (V, D), summed over the steps, into ``grads``; return None."""
        check_shapes("TimeEmbedding.backward",
                     dout=(dout, (len(self.layers[0].idx), len(self.layers), self.W.shape[1])))
        N, T, D = dout.shape

        grad: Any = 0
        for t in range(T):
            layer = self.layers[t]
            layer.backward(dout[:, t, :])
            grad += layer.grads[0]

        self.grads[0][...] = grad
        return None  # the ids are not numbers to differentiate


class TimeAffine:
    """The Affine layer on every step at once: ``out = x W + b`` for x (N, T, D).

    W: (D, M); b: (M,); out: (N, T, M).  The N x T rows are one batch of an
    ordinary Affine layer: reshape to (N*T, D), multiply, reshape back.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x W + b``, shape (N, T, M), and remember x."""
        check_shapes("TimeAffine.forward", x=(x, ("N", "T", self.params[0].shape[0])))
        N, T, D = x.shape
        W, b = self.params

        rx = x.reshape(N * T, -1)
        out = np.dot(rx, W) + b
        self.x = x
        return out.reshape(N, T, -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW (D, M) and db (M,) into ``grads``; return dx (N, T, D)."""
        x = self.x
        N, T, D = x.shape
        W, b = self.params
        check_shapes("TimeAffine.backward", dout=(dout, (N, T, W.shape[1])))

        dout = dout.reshape(N * T, -1)
        rx = x.reshape(N * T, -1)

        db = np.sum(dout, axis=0)
        dW = np.dot(rx.T, dout)
        dx = np.dot(dout, W.T)
        dx = dx.reshape(*x.shape)

        self.grads[0][...] = dW
        self.grads[1][...] = db

        return dx


class TimeSoftmaxWithLoss:
    """Softmax and cross-entropy over every step: scores (N, T, V) and labels to one loss.

    ts: the correct word ids (N, T), or one-hot (N, T, V).  The loss is the
    average over the N x T positions of ``-log y[correct word]``.  A label
    equal to ``ignore_label`` (-1) marks a position that does not count, such
    as padding: its loss and gradient are zero and the average is over the
    other positions.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.cache: Any = None
        self.ignore_label = -1

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """Return the loss averaged over the positions not ignored."""
        check_shapes("TimeSoftmaxWithLoss.forward", xs=(xs, ("N", "T", "V")))
        N, T, V = xs.shape

        if ts.ndim == 3:  # one-hot labels
            ts = ts.argmax(axis=2)
        check_shapes("TimeSoftmaxWithLoss.forward", ts=(ts, (N, T)))
        check_ids(ts, V, "TimeSoftmaxWithLoss.forward", "label", of="words",
                  ignore=self.ignore_label)

        mask = (ts != self.ignore_label)

        # the N x T positions as one batch
        xs = xs.reshape(N * T, V)
        ts = ts.reshape(N * T)
        mask = mask.reshape(N * T)

        ys = softmax(xs)
        ls = np.log(ys[np.arange(N * T), ts])
        ls *= mask  # an ignored position has loss 0
        loss = -np.sum(ls)
        loss /= mask.sum()

        self.cache = (ts, ys, mask, (N, T, V))
        return float(loss)

    def backward(self, dout: float = 1) -> np.ndarray:
        """Return ``dxs = dout * (y - t) / (positions counted)``, zero where ignored."""
        ts, ys, mask, (N, T, V) = self.cache

        dx = ys
        dx[np.arange(N * T), ts] -= 1
        dx *= dout
        dx /= mask.sum()
        dx *= mask[:, np.newaxis]  # an ignored position has gradient 0

        dx = dx.reshape((N, T, V))

        return dx
