"""The fast path: Rnnlm and BetterRnnlm with the same values and gradients, computed in bulk.

The textbook models (:mod:`rindoku_lstm.models`) are right, and on PTB most
of their time goes into work that the model does not need:

* TimeEmbedding makes one Embedding layer per step, and each of them makes,
  zeroes and returns a whole (V, D) gradient, although a mini-batch of 20 × 35
  words touches at most 700 of its 10,000 rows; TimeEmbedding then adds the
  35 matrices up;
* the output side runs over (N·T, V) = (700, 10,000) arrays several times:
  the Affine product, the bias, softmax's maximum, shift, exp, sum and
  division, the log of the correct words, then in backward a copy, the
  correction of the correct words, two scalings and a mask, and the sum for
  db, each pass a new array of 28 MB in float32;
* every LSTM step makes a layer object and a dozen small arrays, and its
  backward makes three weight gradients per step that TimeLSTM adds up.

This module computes the same loss and gradients differently:

* :class:`FastTimeEmbedding` looks up the rows of the whole batch at once
  and keeps its gradient row-sparse (:class:`rindoku_text.sparse.RowSparseGrad`):
  the rows the batch used, a repeated word's rows added up;
* :class:`FastTimeLSTM` keeps the T steps in buffers laid out step by step
  (time-major), computes ``x Wx + b`` for all steps in one product before the
  loop, all four gates with one ``tanh`` (``sigmoid(a) = (1 + tanh(a / 2)) /
  2``), and the gates' derivatives for all steps at once after it; the loop
  is left with the recurrence, a few in-place operations per step, and its
  small products run on one BLAS thread (threadpoolctl): waking a second
  thread costs more than a (20, 100) × (100, 400) product, many times more
  on a busy machine.  The weight gradients are three products over all
  steps after the backward loop;
* :class:`FusedSoftmaxLoss` is TimeAffine, softmax and cross-entropy in one:
  the bias rides in the product as the weight of a column of ones, ``exp`` is
  taken in place in a buffer kept from one batch to the next, and softmax's
  shift by the row's maximum is made only for the rows that need it (a row
  whose sum of ``exp`` overflows).  The division by the sum and the ``- 1`` of
  the correct words are never applied to the (N·T, V) array: they are folded
  into the two backward products as a scaling of their small operand and a
  correction of 700 rows;
* :class:`FastRnnlm` and :class:`FastBetterRnnlm` are the two models put
  together from them, with the textbook models' weights in the same order
  and shapes (``save_params`` of one loads into the other), and the same
  random draws: the same seed gives the same weights and the same dropout
  masks.  :class:`InPlaceSGD` is SGD without temporary arrays that moves only
  the rows of a row-sparse gradient.

The tests show that both paths give the same loss and gradients, in float64
to rounding and in float32 within the tolerance they state.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from rindoku.inputs import check_ids
from rindoku_lstm.layers import STATE_FIX, TimeDropout, check_lstm_weights
from rindoku_rnn.shapes import check_shapes
from rindoku_text.sparse import RowSparseGrad

__all__ = [
    "FastBetterRnnlm",
    "FastRnnlm",
    "FastTimeEmbedding",
    "FastTimeLSTM",
    "FusedSoftmaxLoss",
    "InPlaceSGD",
]


class FastTimeEmbedding:
    """TimeEmbedding in one lookup, its gradient row-sparse.

    W: (V, D); xs: word ids (N, T); out: (N, T, D) = ``W[xs]``.  ``grads[0]``
    is a :class:`~rindoku_text.sparse.RowSparseGrad`: each distinct word of
    the batch once, with the sum of its positions' gradients.
    """

    def __init__(self, W: np.ndarray) -> None:
        self.params = [W]
        self.grads: list[Any] = [RowSparseGrad(W.shape, W.dtype)]
        self.idx: Any = None

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Return ``W[xs]`` (N, T, D) and remember the ids."""
        (W,) = self.params
        check_shapes("FastTimeEmbedding.forward", xs=(xs, ("N", "T")))
        check_ids(xs, W.shape[0], "FastTimeEmbedding.forward", "word id", of="rows of W")
        self.idx = xs
        return W[xs]

    def backward(self, dout: np.ndarray) -> None:
        """Fill the row-sparse dW: rows of the words used, repeats added. Return None."""
        (W,) = self.params
        D = W.shape[1]
        rows, inverse = np.unique(self.idx, return_inverse=True)
        summed = np.zeros((len(rows), D), dtype=W.dtype)
        np.add.at(summed, inverse.ravel(), dout.reshape(-1, D))
        self.grads[0].set(rows, summed)
        return None


class FastTimeLSTM:
    """TimeLSTM computed in time-major buffers: the same hs, dxs and gradients.

    xs: (N, T, D); hs: (N, T, H); weights and state as :class:`~rindoku_lstm.layers.TimeLSTM`
    (``stateful``, ``reset_state``, ``set_state``, ``dh``).  The buffers
    (T steps of the gates, of h and c and of tanh c) are made again only when
    N or T changes.
    """

    def __init__(
        self, Wx: np.ndarray, Wh: np.ndarray, b: np.ndarray, stateful: bool = False
    ) -> None:
        check_lstm_weights("FastTimeLSTM", Wx, Wh, b)
        self.params = [Wx, Wh, b]
        self.grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)]
        self.stateful = stateful
        self.h: Any = None
        self.c: Any = None
        self.dh: Any = None
        H = Wh.shape[0]
        dtype = Wx.dtype
        # tanh(scale a) * scale + shift: sigmoid for f, i and o, tanh for g
        self.scale = np.concatenate([np.full(H, 0.5), np.ones(H), np.full(2 * H, 0.5)])
        self.scale = self.scale.astype(dtype)
        self.shift = np.concatenate([np.full(H, 0.5), np.zeros(H), np.full(2 * H, 0.5)])
        self.shift = self.shift.astype(dtype)
        self.shape: tuple[int, int] = (0, 0)
        self.xs: Any = None
        self.blas = ThreadpoolController()

    def _buffers(self, N: int, T: int) -> None:
        """Make the buffers for batches of N sequences of T steps."""
        if self.shape == (N, T):
            return
        H = self.params[1].shape[0]
        dtype = self.params[0].dtype
        self.shape = (N, T)
        self.gates = np.empty((T, N, 4 * H), dtype)  # f, g, i, o of every step
        self.hs = np.empty((T + 1, N, H), dtype)  # hs[0] the state the block starts from
        self.cs = np.empty((T + 1, N, H), dtype)
        self.tanh_cs = np.empty((T, N, H), dtype)
        self.dA = np.empty((T, N, 4 * H), dtype)
        self.k3 = np.empty((T, N, 3, H), dtype)  # what ds multiplies for df, dg, di
        self.ko = np.empty((T, N, H), dtype)  # what dh multiplies for do
        self.q = np.empty((T, N, H), dtype)  # what dh multiplies for ds
        self.step = np.empty((N, 4 * H), dtype)
        self.work = [np.empty((N, H), dtype) for _ in range(4)]

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Run the T steps; return hs (N, T, H), a new array."""
        with self.blas.limit(limits=1, user_api="blas"):
            return self._forward(xs)

    def backward(self, dhs: np.ndarray) -> np.ndarray:
        """Go back through the T steps; write the gradients; return dxs (N, T, D)."""
        with self.blas.limit(limits=1, user_api="blas"):
            return self._backward(dhs)

    def _forward(self, xs: np.ndarray) -> np.ndarray:
        Wx, Wh, b = self.params
        check_shapes("FastTimeLSTM.forward", xs=(xs, ("N", "T", Wx.shape[0])))
        N, T, D = xs.shape
        H = Wh.shape[0]
        self._buffers(N, T)
        gates, hs, cs, tanh_cs = self.gates, self.hs, self.cs, self.tanh_cs

        if not self.stateful or self.h is None:
            self.h = np.zeros((N, H), dtype=Wx.dtype)
        if not self.stateful or self.c is None:
            self.c = np.zeros((N, H), dtype=Wx.dtype)
        check_shapes("FastTimeLSTM.forward", h=(self.h, (N, H)), c=(self.c, (N, H)),
                     fix=STATE_FIX)
        hs[0], cs[0] = self.h, self.c

        # x Wx + b for every step at once, already scaled for the one tanh
        self.xs = np.ascontiguousarray(xs.transpose(1, 0, 2), dtype=Wx.dtype)  # (T, N, D)
        np.matmul(self.xs.reshape(T * N, D), Wx, out=gates.reshape(T * N, 4 * H))
        gates += b
        gates *= self.scale
        Wh_scaled = Wh * self.scale
        step, gi = self.step, self.work[0]
        for t in range(T):
            a = gates[t]
            np.matmul(hs[t], Wh_scaled, out=step)
            a += step
            np.tanh(a, out=a)
            a *= self.scale
            a += self.shift  # now f, g, i, o
            f, g, i, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
            np.multiply(f, cs[t], out=cs[t + 1])
            np.multiply(g, i, out=gi)
            cs[t + 1] += gi
            np.tanh(cs[t + 1], out=tanh_cs[t])
            np.multiply(o, tanh_cs[t], out=hs[t + 1])

        self.h, self.c = hs[T].copy(), cs[T].copy()
        return hs[1:].transpose(1, 0, 2).copy()

    def _backward(self, dhs: np.ndarray) -> np.ndarray:
        Wx, Wh, b = self.params
        N, T = self.shape
        H = Wh.shape[0]
        check_shapes("FastTimeLSTM.backward", dhs=(dhs, (N, T, H)))
        gates, hs, cs, tanh_cs = self.gates, self.hs, self.cs, self.tanh_cs
        dA, k3, ko, q = self.dA, self.k3, self.ko, self.q

        # the gates' derivatives, for every step at once
        f, g, i, o = (gates[..., k * H:(k + 1) * H] for k in range(4))
        np.multiply(cs[:-1], f * (1 - f), out=k3[:, :, 0])  # df = ds * c_prev * f'
        np.multiply(i, 1 - g * g, out=k3[:, :, 1])  # dg = ds * i * tanh'
        np.multiply(g, i * (1 - i), out=k3[:, :, 2])  # di = ds * g * i'
        np.multiply(tanh_cs, o * (1 - o), out=ko)  # do = dh * tanh c * o'
        np.multiply(o, 1 - tanh_cs * tanh_cs, out=q)  # ds = dc + dh * o * tanh'(c)

        dhs_t = dhs.transpose(1, 0, 2)
        dA4 = dA.reshape(T, N, 4, H)
        Wh_T = Wh.T
        dh_next, dh, ds, dc = self.work
        dh_next[...] = 0
        dc[...] = 0
        for t in reversed(range(T)):
            np.add(dhs_t[t], dh_next, out=dh)
            np.multiply(dh, q[t], out=ds)
            ds += dc
            np.multiply(k3[t], ds[:, np.newaxis, :], out=dA4[t, :, :3])
            np.multiply(dh, ko[t], out=dA4[t, :, 3])
            np.multiply(ds, f[t], out=dc)  # dc_prev
            np.matmul(dA[t], Wh_T, out=dh_next)  # dh_prev

        dA_all = dA.reshape(T * N, 4 * H)
        np.matmul(self.xs.reshape(T * N, -1).T, dA_all, out=self.grads[0])
        np.matmul(hs[:-1].reshape(T * N, H).T, dA_all, out=self.grads[1])
        np.sum(dA_all, axis=0, out=self.grads[2])
        self.dh = dh_next.copy()
        dxs = np.matmul(dA_all, Wx.T).reshape(T, N, -1)
        return dxs.transpose(1, 0, 2).copy()

    def set_state(self, h: np.ndarray, c: np.ndarray | None = None) -> None:
        """Start the next ``forward`` from the hidden state h and the cell c, (N, H) each."""
        self.h, self.c = h, c

    def reset_state(self) -> None:
        """Forget h and c: the next ``forward`` starts from zeros."""
        self.h, self.c = None, None


class FusedSoftmaxLoss:
    """TimeAffine, softmax and cross-entropy in one layer: hidden states (N, T, H) to one loss.

    ``Wb`` holds the weights with the bias beside them, and ``params`` are
    views into it: for ``tied=False``, Wb is (H + 1, V), ``W = Wb[:H]`` (H, V)
    as TimeAffine's and ``b = Wb[H]``; for ``tied=True``, Wb is (V, H + 1),
    ``W = Wb[:, :H]`` is the embedding matrix (V, H), used transposed as
    TimeTiedAffine uses it, and ``b = Wb[:, H]``.  The gradients are views
    into one array of Wb's shape in the same way.  ``forward(hs, ts)`` gives
    the loss averaged over the positions whose label is not -1 (the ignore
    label of :class:`~rindoku_rnn.layers.TimeSoftmaxWithLoss`).
    """

    ignore_label = -1

    def __init__(self, Wb: np.ndarray, tied: bool = False) -> None:
        if Wb.ndim != 2:
            raise ValueError(f"FusedSoftmaxLoss: Wb has shape {Wb.shape}; expected "
                             "(H + 1, V), or (V, H + 1) with tied=True")
        self.Wb, self.tied = Wb, tied
        self.dWb = np.zeros_like(Wb)
        if tied:
            self.params = [Wb[:, :-1], Wb[:, -1]]
            self.grads = [self.dWb[:, :-1], self.dWb[:, -1]]
        else:
            self.params = [Wb[:-1], Wb[-1]]
            self.grads = [self.dWb[:-1], self.dWb[-1]]
        self.V = Wb.shape[0] if tied else Wb.shape[1]
        self.H = Wb.shape[1] - 1 if tied else Wb.shape[0] - 1
        self.rows = 0
        self.cache: Any = None

    def _buffers(self, M: int) -> None:
        """Make the buffers for M rows (N·T positions); keep them while M stays."""
        if self.rows == M:
            return
        dtype = self.Wb.dtype
        self.rows = M
        self.h_aug = np.ones((M, self.H + 1), dtype)  # the hidden states and a column of ones
        self.h_scaled = np.empty((M, self.H + 1), dtype)
        self.scores = np.empty((M, self.V), dtype)  # scores, then exp of them
        self.dh_aug = np.empty((M, self.H + 1), dtype)
        self.ones = np.ones(self.V, dtype)

    def _affine(self, h_aug: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``h W + b`` for the rows of h_aug (with their 1), into ``out``."""
        return np.matmul(h_aug, self.Wb.T if self.tied else self.Wb, out=out)

    def scores_of(self, hs: np.ndarray) -> np.ndarray:
        """The scores ``hs W + b``, (N, T, V), as a new array (for predict)."""
        N, T, H = hs.shape
        h_aug = np.ones((N * T, H + 1), dtype=self.Wb.dtype)
        h_aug[:, :H] = hs.reshape(N * T, H)
        return self._affine(h_aug, np.empty((N * T, self.V), self.Wb.dtype)).reshape(N, T, -1)

    def forward(self, hs: np.ndarray, ts: np.ndarray) -> float:
        """Return the average of ``-log softmax(h W + b)[correct word]`` over the positions."""
        check_shapes("FusedSoftmaxLoss.forward", hs=(hs, ("N", "T", self.H)),
                     ts=(ts, ("N", "T")))
        check_ids(ts, self.V, "FusedSoftmaxLoss.forward", "label", of="words",
                  ignore=self.ignore_label)
        N, T, H = hs.shape
        M = N * T
        self._buffers(M)
        h_aug, E = self.h_aug, self.scores
        h_aug[:, :H] = hs.reshape(M, H)
        labels = ts.reshape(M)
        counted = labels != self.ignore_label
        labels = np.where(counted, labels, 0)
        count = int(counted.sum())
        if count == 0:
            raise ValueError("FusedSoftmaxLoss.forward: every label is the ignore label -1, so "
                             "there is no loss to average: give at least one word id")

        self._affine(h_aug, out=E)
        rows = np.arange(M)
        z_correct = E[rows, labels].astype(np.float64)
        with np.errstate(over="ignore"):  # unshifted: softmax, as long as no row's sum overflows
            np.exp(E, out=E)
        sums = (E @ self.ones).astype(np.float64)
        shift = np.zeros(M)
        bad = ~(np.isfinite(sums) & (sums > 0))
        if bad.any():  # those rows again, shifted by their maximum as softmax does
            z = self._affine(h_aug[bad], np.empty((int(bad.sum()), self.V), E.dtype))
            shift[bad] = z.max(axis=1)
            z -= shift[bad, np.newaxis].astype(E.dtype)
            np.exp(z, out=z)
            E[bad] = z
            sums[bad] = z.sum(axis=1, dtype=np.float64)
        losses = np.log(sums) + shift - z_correct
        loss = float(np.sum(losses[counted]) / count)

        # dscore = (exp / sum - one-hot) / count, kept as the row scale and the labels
        scale = np.where(counted, 1.0 / (sums * count), 0.0)
        self.cache = (hs.shape, labels, counted, count, scale)
        return loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """Write dW and db (views into one array); return dhs (N, T, H)."""
        (N, T, H), labels, counted, count, scale = self.cache
        E, h_aug, h_scaled, dh_aug = self.scores, self.h_aug, self.h_scaled, self.dh_aug
        dWb = self.dWb
        dtype = E.dtype
        row_scale = (scale * dout).astype(dtype)[:, np.newaxis]
        correct = float(dout) / count  # what each counted position's correct word loses

        # dW_b = (E scaled by row)^T h_aug, minus h_aug/count in the correct words' columns
        np.multiply(h_aug, row_scale, out=h_scaled)
        if self.tied:
            np.matmul(E.T, h_scaled, out=dWb)
            np.add.at(dWb, labels[counted], -correct * h_aug[counted])
        else:
            np.matmul(h_scaled.T, E, out=dWb)
            np.add.at(dWb.T, labels[counted], -correct * h_aug[counted])

        # dh = (E scaled by row) W^T, minus the correct words' weights / count
        np.matmul(E, self.Wb if self.tied else self.Wb.T, out=dh_aug)
        dh_aug *= row_scale
        W_correct = self.Wb[labels[counted]] if self.tied else self.Wb.T[labels[counted]]
        dh_aug[counted] -= correct * W_correct
        return dh_aug[:, :H].reshape(N, T, H).copy()


def _gate_scaled_init(rng: np.random.Generator, rows: int, H: int, dtype: Any) -> np.ndarray:
    """LSTM weights (rows, 4H) drawn as the textbook models draw them."""
    return (rng.standard_normal((rows, 4 * H)) / np.sqrt(rows)).astype(dtype)


class FastRnnlm:
    """:class:`~rindoku_lstm.models.Rnnlm` on the fast path: the same weights, loss and gradients.

    The weights are drawn from ``rng`` exactly as Rnnlm draws them, and
    ``params`` holds them in Rnnlm's order and shapes: embed_W, the LSTM's
    Wx, Wh, b, then the output's W (H, V) and b (V,), the last two views
    into one (H + 1, V) array.  ``grads[0]`` is row-sparse: train with
    :class:`InPlaceSGD` (or any optimizer that knows RowSparseGrad).
    """

    def __init__(
        self,
        vocab_size: int = 10000,
        wordvec_size: int = 100,
        hidden_size: int = 100,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, D, H = vocab_size, wordvec_size, hidden_size
        rn = rng.standard_normal
        embed_W = (rn((V, D)) / 100).astype(dtype)
        lstm_Wx = _gate_scaled_init(rng, D, H, dtype)
        lstm_Wh = _gate_scaled_init(rng, H, H, dtype)
        lstm_b = np.zeros(4 * H, dtype)
        affine_Wb = np.zeros((H + 1, V), dtype)
        affine_Wb[:H] = rn((H, V)) / np.sqrt(H)

        self.embed = FastTimeEmbedding(embed_W)
        self.lstm_layer = FastTimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True)
        self.loss_layer = FusedSoftmaxLoss(affine_Wb)
        layers: list[Any] = [self.embed, self.lstm_layer, self.loss_layer]
        self.params: list[np.ndarray] = []
        self.grads: list[Any] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, xs: np.ndarray) -> np.ndarray:
        """Return the scores (N, T, V) of every word as the next one, at every step."""
        return self.loss_layer.scores_of(self.lstm_layer.forward(self.embed.forward(xs)))

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """Return the average loss of predicting ts (N, T) from xs (N, T)."""
        hs = self.lstm_layer.forward(self.embed.forward(xs))
        return self.loss_layer.forward(hs, ts)

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place."""
        dhs = self.loss_layer.backward(dout)
        self.embed.backward(self.lstm_layer.backward(dhs))
        return None

    def reset_state(self) -> None:
        """Forget the LSTM's state."""
        self.lstm_layer.reset_state()


class FastBetterRnnlm:
    """:class:`~rindoku_lstm.models.BetterRnnlm` on the fast path: the same weights and masks.

    ``params`` is BetterRnnlm's list: embed_W, two LSTMs' Wx, Wh, b, then
    embed_W again (the same array: the tied output weights) and the output
    bias.  embed_W and that bias are views into one (V, H + 1) array.  The
    dropout layers are the textbook's :class:`~rindoku_lstm.layers.TimeDropout`
    and draw from ``rng`` in the same order, so the same seed drops the same
    units as BetterRnnlm.
    """

    def __init__(
        self,
        vocab_size: int = 10000,
        wordvec_size: int = 650,
        hidden_size: int = 650,
        dropout_ratio: float = 0.5,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        if wordvec_size != hidden_size:
            raise ValueError(
                f"FastBetterRnnlm ties the embedding (V, {wordvec_size}) to the output layer, "
                f"whose input has {hidden_size} units: use wordvec_size == hidden_size"
            )
        V, H = vocab_size, hidden_size
        rn = rng.standard_normal
        embed_Wb = np.zeros((V, H + 1), dtype)
        embed_Wb[:, :H] = rn((V, H)) / 100
        lstm_Wx1 = _gate_scaled_init(rng, H, H, dtype)
        lstm_Wh1 = _gate_scaled_init(rng, H, H, dtype)
        lstm_Wx2 = _gate_scaled_init(rng, H, H, dtype)
        lstm_Wh2 = _gate_scaled_init(rng, H, H, dtype)

        self.loss_layer = FusedSoftmaxLoss(embed_Wb, tied=True)
        embed_W = self.loss_layer.params[0]  # the one array both layers use
        self.embed = FastTimeEmbedding(embed_W)
        self.lstm_layers = [
            FastTimeLSTM(lstm_Wx1, lstm_Wh1, np.zeros(4 * H, dtype), stateful=True),
            FastTimeLSTM(lstm_Wx2, lstm_Wh2, np.zeros(4 * H, dtype), stateful=True),
        ]
        self.drop_layers = [TimeDropout(dropout_ratio, rng=rng) for _ in range(3)]
        layers: list[Any] = [self.embed, *self.lstm_layers, self.loss_layer]
        self.params: list[np.ndarray] = []
        self.grads: list[Any] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

    def _hidden(self, xs: np.ndarray, train_flg: bool) -> np.ndarray:
        for layer in self.drop_layers:
            layer.train_flg = train_flg
        drop0, drop1, drop2 = self.drop_layers
        lstm1, lstm2 = self.lstm_layers
        hs = drop0.forward(self.embed.forward(xs))
        hs = drop1.forward(lstm1.forward(hs))
        return drop2.forward(lstm2.forward(hs))

    def predict(self, xs: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return the scores (N, T, V); ``train_flg`` switches dropout on."""
        return self.loss_layer.scores_of(self._hidden(xs, train_flg))

    def forward(self, xs: np.ndarray, ts: np.ndarray, train_flg: bool = True) -> float:
        """Return the average loss of predicting ts (N, T) from xs (N, T)."""
        return self.loss_layer.forward(self._hidden(xs, train_flg), ts)

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place (the tied matrix's two parts separately)."""
        drop0, drop1, drop2 = self.drop_layers
        lstm1, lstm2 = self.lstm_layers
        dhs = drop2.backward(self.loss_layer.backward(dout))
        dhs = drop1.backward(lstm2.backward(dhs))
        self.embed.backward(drop0.backward(lstm1.backward(dhs)))
        return None

    def reset_state(self) -> None:
        """Forget both LSTM layers' states."""
        for layer in self.lstm_layers:
            layer.reset_state()


class InPlaceSGD:
    """The book's SGD, ``W ← W - lr ∂L/∂W``, with no temporary array.

    The gradient is scaled in place and subtracted in place (it is the
    Trainer's to overwrite on the next step); a
    :class:`~rindoku_text.sparse.RowSparseGrad` moves only its rows.
    ``lr`` may be changed between steps, as the book's lr rule does.
    """

    def __init__(self, lr: float = 0.01) -> None:
        self.lr = lr

    def update(self, params: list[np.ndarray], grads: list[Any]) -> None:
        """Take one step: every array of ``params`` is changed in place."""
        for param, grad in zip(params, grads, strict=True):
            if isinstance(grad, RowSparseGrad):
                param[grad.rows] -= self.lr * grad.values
            else:
                grad *= self.lr
                param -= grad
