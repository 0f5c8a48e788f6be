"""The layers of the LSTM chapter: LSTM, TimeLSTM, TimeDropout and TimeTiedAffine.

They follow book 2 chapter 6 (``common/time_layers.py``).  ``LSTM`` is one
time step: besides the hidden state h it carries a memory cell c, and four
gates computed by one matrix product decide what the cell forgets, what it
takes in and what it shows.  ``TimeLSTM`` runs T steps, as TimeRNN does in
the RNN chapter.  ``TimeDropout`` drops units at random while training.
``TimeTiedAffine`` is the output layer of a model with weight tying: it
scores the words with the embedding matrix itself.

As in the RNN chapter's layers, arrays take the dtype of the weights (the
book writes ``dtype='f'``), so one code trains in float32 and is
gradient-checked in float64, and each ``forward`` checks its inputs' shapes
in one line (:func:`rindoku_rnn.shapes.check_shapes`).  What ``forward``
keeps for ``backward`` starts as None, as in the book, and is typed ``Any``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_backprop.functions import sigmoid
from rindoku_rnn.shapes import check_shapes

__all__ = ["LSTM", "TimeDropout", "TimeLSTM", "TimeTiedAffine"]

STATE_FIX = ("the state kept from the last batch has another batch size: "
             "call reset_state() when the batch size changes")
WEIGHTS_FIX = ("the four gates' weights sit side by side, f, g, i, o: "
               "Wx (D, 4H), Wh (H, 4H), b (4H,)")


def check_lstm_weights(where: str, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
    """Raise ValueError naming ``where`` unless Wx, Wh, b are (D, 4H), (H, 4H), (4H,)."""
    four_h: int | str = 4 * np.shape(Wh)[0] if np.ndim(Wh) == 2 else "4H"
    check_shapes(where, fix=WEIGHTS_FIX, Wh=(Wh, ("H", four_h)), Wx=(Wx, ("D", four_h)),
                 b=(b, (four_h,)))


class LSTM:
    """One step of an LSTM: the memory cell c and the hidden state h, moved on by four gates.

    Wx: (D, 4H); Wh: (H, 4H); b: (4H,), the weights of the four gates side
    by side in the book's order: f (forget), g (the new memory), i (input),
    o (output).  x: (N, D); h_prev, c_prev: (N, H).  One product
    ``A = x Wx + h_prev Wh + b`` (N, 4H) computes all four at once, then

        f, i, o = sigmoid(A_f), sigmoid(A_i), sigmoid(A_o);  g = tanh(A_g)
        c_next = f * c_prev + g * i;  h_next = o * tanh(c_next)

    ``backward(dh_next, dc_next)`` returns ``(dx, dh_prev, dc_prev)``.
    """

    def __init__(self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray) -> None:
        check_lstm_weights("LSTM", Wx, Wh, b)
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.cache: Any = None

    def forward(
        self, x: np.ndarray, h_prev: np.ndarray, c_prev: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(h_next, c_next)``, both (N, H), and remember what backward needs."""
        Wx, Wh, b = self.params
        check_shapes("LSTM.forward", x=(x, ("N", Wx.shape[0])),
                     h_prev=(h_prev, ("N", Wh.shape[0])), c_prev=(c_prev, ("N", Wh.shape[0])))
        N, H = h_prev.shape

        A = np.dot(x, Wx) + np.dot(h_prev, Wh) + b

        # slice the four gates out of the one product
        f = A[:, :H]
        g = A[:, H:2 * H]
        i = A[:, 2 * H:3 * H]
        o = A[:, 3 * H:]

        f = sigmoid(f)
        g = np.tanh(g)
        i = sigmoid(i)
        o = sigmoid(o)

        c_next = f * c_prev + g * i
        h_next = o * np.tanh(c_next)

        self.cache = (x, h_prev, c_prev, i, f, g, o, c_next)
        return h_next, c_next

    def backward(
        self, dh_next: np.ndarray, dc_next: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Write dWx, dWh, db into ``grads``; return ``(dx, dh_prev, dc_prev)``."""
        Wx, Wh, b = self.params
        x, h_prev, c_prev, i, f, g, o, c_next = self.cache

        tanh_c_next = np.tanh(c_next)

        # the cell's gradient: from the next step, and through h_next = o * tanh(c_next)
        ds = dc_next + (dh_next * o) * (1 - tanh_c_next ** 2)

        dc_prev = ds * f  # the cell passes back through the forget gate only

        di = ds * g
        df = ds * c_prev
        do = dh_next * tanh_c_next
        dg = ds * i

        di *= i * (1 - i)  # sigmoid' = y (1 - y)
        df *= f * (1 - f)
        do *= o * (1 - o)
        dg *= (1 - g ** 2)  # tanh' = 1 - y^2

        dA = np.hstack((df, dg, di, do))  # the gates in the order of the columns of A

        dWh = np.dot(h_prev.T, dA)
        dWx = np.dot(x.T, dA)
        db = dA.sum(axis=0)

        self.grads[0][...] = dWx
        self.grads[1][...] = dWh
        self.grads[2][...] = db

        dx = np.dot(dA, Wx.T)
        dh_prev = np.dot(dA, Wh.T)

        return dx, dh_prev, dc_prev


class TimeLSTM:
    """T steps of LSTM with one set of weights; h and c passed from each step to the next.

    xs: (N, T, D); hs: (N, T, H), the hidden state after every step.  Only
    the hidden states go up to the next layer; the memory cell stays inside.
    With ``stateful=True`` the last ``h`` and ``c`` are kept and the next
    ``forward`` starts from them (truncated BPTT); ``reset_state()`` forgets
    them, ``set_state(h, c)`` sets them.  After ``backward``, ``dh`` is the
    gradient of the hidden state the block started from.
    """

    def __init__(
        self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False
    ) -> None:
        check_lstm_weights("TimeLSTM", Wx, Wh, b)
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.layers: Any = None

        self.h: Any = None
        self.c: Any = None
        self.dh: Any = None
        self.stateful = stateful

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Run the T steps; return hs (N, T, H)."""
        Wx, Wh, b = self.params
        check_shapes("TimeLSTM.forward", xs=(xs, ("N", "T", Wx.shape[0])))
        N, T, D = xs.shape
        H = Wh.shape[0]

        self.layers = []
        hs = np.empty((N, T, H), dtype=Wx.dtype)

        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype=Wx.dtype)
        if not self.stateful or self.c is None:
            self.c = np.zeros((N, H), dtype=Wx.dtype)
        check_shapes("TimeLSTM.forward", h=(self.h, (N, H)), c=(self.c, (N, H)), fix=STATE_FIX)

        for t in range(T):
            layer = LSTM(*self.params)
            self.h, self.c = layer.forward(xs[:, t, :], self.h, self.c)
            hs[:, t, :] = self.h

            self.layers.append(layer)

        return hs

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        """Go back through the T steps; write the summed gradients; return dxs (N, T, D)."""
        Wx, Wh, b = self.params
        check_shapes("TimeLSTM.backward", dhs=(dhs, (len(self.h), len(self.layers), len(Wh))))
        N, T, H = dhs.shape
        D = Wx.shape[0]

        dxs = np.empty((N, T, D), dtype=Wx.dtype)
        dh: Any = 0
        dc: Any = 0

        grads: list[Any] = [0, 0, 0]
        for t in reversed(range(T)):
            layer = self.layers[t]
            # h of step t went up (dhs) and on to step t + 1 (dh); c only on (dc)
            dx, dh, dc = layer.backward(dhs[:, t, :] + dh, dc)
            dxs[:, t, :] = dx
            for i, grad in enumerate(layer.grads):
                grads[i] += grad

        for i, grad in enumerate(grads):
            self.grads[i][...] = grad
        self.dh = dh
        return dxs

    def set_state(self, h: np.ndarray, c: np.ndarray | None = None) -> None:
        """Start the next ``forward`` from the hidden state h and the cell c, (N, H) each."""
        self.h, self.c = h, c

    def reset_state(self) -> None:
        """Forget h and c: the next ``forward`` starts from zeros."""
        self.h, self.c = None, None


class TimeDropout:
    """Dropout on every step: while training, each unit is zeroed with a given probability.

    xs: any shape, out: the same.  While ``train_flg`` is true, each unit is
    zeroed with probability ``dropout_ratio``, a new mask drawn from ``rng``
    on every ``forward``, and the units kept are scaled by ``1 / (1 -
    dropout_ratio)``, so that their expected value is unchanged and nothing
    needs scaling at test time ("inverted dropout", as the book does).  With
    ``train_flg`` false it passes xs through.  ``mask`` (of the shape of xs,
    1 for a kept unit and 0 for a dropped one) fixes the units dropped: the
    gradient check needs the same ones on every call.
    """

    def __init__(self, dropout_ratio: float = 0.5, *, rng: np.random.Generator) -> None:
        if not 0.0 <= dropout_ratio < 1.0:
            raise ValueError(f"TimeDropout: dropout_ratio is {dropout_ratio}; it is the share "
                             "of units dropped, at least 0 and less than 1")
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.dropout_ratio = dropout_ratio
        self.rng = rng
        self.mask: Any = None
        self.train_flg = True

    def forward(self, xs: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Return xs with units dropped and the rest scaled up (while training), else xs."""
        if self.train_flg:
            if mask is None:
                flg = self.rng.random(xs.shape) > self.dropout_ratio
            else:
                check_shapes("TimeDropout.forward", mask=(mask, xs.shape))
                flg = mask.astype(bool)
            scale = 1 / (1.0 - self.dropout_ratio)
            self.mask = flg.astype(xs.dtype) * scale

            return xs * self.mask
        else:
            self.mask = None
            return xs

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dout through the units kept (times the same scale); all of it at test time."""
        if self.mask is None:
            return dout
        return dout * self.mask


class TimeTiedAffine:
    """The output layer of weight tying: scores every word with the embedding matrix itself.

    W: (V, D), the same array as the model's TimeEmbedding; b: (V,); x:
    (N, T, D); out: (N, T, V) = ``x W^T + b``.  The book passes ``embed_W.T``
    to a TimeAffine, a view that shares its numbers; here the layer holds W
    itself, so the model's ``params`` lists the one array twice and the
    Trainer adds up both layers' gradients (shared weights, as
    :mod:`rindoku.protocols` defines them).  Its dW is ``dout^T x``, (V, D):
    the TimeAffine gradient ``x^T dout``, transposed.
    """

    def __init__(self, W: np.ndarray, b: np.ndarray) -> None:
        check_shapes("TimeTiedAffine", fix="W is the embedding matrix (V, D) and b is (V,)",
                     W=(W, ("V", "D")), b=(b, ("V",)))
        self.params = [W, b]
        self.grads = [np.zeros_like(W), np.zeros_like(b)]
        self.x: Any = None

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Return ``x W^T + b``, shape (N, T, V), and remember x."""
        W, b = self.params
        check_shapes("TimeTiedAffine.forward", x=(x, ("N", "T", W.shape[1])))
        N, T, D = x.shape

        rx = x.reshape(N * T, -1)
        out = np.dot(rx, W.T) + b
        self.x = x
        return out.reshape(N, T, -1)

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW (V, D) and db (V,) into ``grads``; return dx (N, T, D)."""
        x = self.x
        N, T, D = x.shape
        W, b = self.params
        check_shapes("TimeTiedAffine.backward", dout=(dout, (N, T, W.shape[0])))

        dout = dout.reshape(N * T, -1)
        rx = x.reshape(N * T, -1)

        db = np.sum(dout, axis=0)
        dW = np.dot(dout.T, rx)  # W is used transposed, so is its gradient
        dx = np.dot(dout, W)
        dx = dx.reshape(*x.shape)

        self.grads[0][...] = dW
        self.grads[1][...] = db

        return dx
