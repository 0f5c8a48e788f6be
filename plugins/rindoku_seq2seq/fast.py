"""The fast path: Seq2seq and PeekySeq2seq with the same weights, loss and gradients.

The textbook models (:mod:`rindoku_seq2seq.models`) are right, and most of
their time goes into work the answer does not need:

* every question is read from its first character, although the questions
  of a batch often start alike: with reversed input, every date of date.txt
  starts with the spaces that pad it (half of all its characters), and an
  LSTM that starts from zeros and reads the same characters reaches the same
  state, however many questions it reads them for;
* the Peeky decoder multiplies the same h by the same rows of Wx at each of
  its steps, and again going back;
* the LSTM makes a layer object and a dozen small arrays per step, and a
  weight gradient per step that TimeLSTM adds up;
* the book's ``eval_seq2seq`` answers the held-out questions one at a time:
  5,000 encoder and decoder runs on batches of one, every epoch.

This module computes the same loss and gradients differently:

* :class:`PrefixTree` finds the distinct beginnings of the questions of a
  batch, step by step (the trie of their prefixes), and
  :class:`FastEncoder` runs the LSTM once per distinct beginning.  Going
  back, the gradients of the questions that share a state are added up
  first and sent back once: an LSTM step's backward pass is linear in the
  gradients it receives, so the sum of the backward passes is the backward
  pass of the sum;
* :class:`LSTMSteps` is the recurrence alone, on rows packed step after
  step: ``x Wx + b`` for all steps is given before the loop, each step is
  its matrix product and one compiled loop for the gates, c and h
  (:mod:`rindoku_seq2seq.kernels`, numba), going back likewise, and the
  weight gradients are one product each;
* ``x Wx + b`` is a lookup, not a product: x is a row of the embedding, so
  ``x Wx + b`` is a row of the (V, 4H) table ``embed_W @ Wx + b``.  Going
  back, the gradients of the rows that read the same character are added
  up first (V sums), and dWx, db and dembed_W come from those;
* :class:`FastPeekyDecoder` multiplies h by its rows of Wx (and of the
  output layer's W) once, and adds the result to every step;
* ``generate`` answers a whole batch of questions at once, and
  :func:`rindoku_seq2seq.evaluation.accuracy` uses it;
* :class:`InPlaceAdam` is the optimizers chapter's Adam in one compiled
  pass over each parameter, without a new array for every operation.

The models draw their weights from ``rng`` exactly as the textbook models do
and keep them in the same order and shapes, so the same seed gives the same
model.  The tests show that both paths give the same loss, gradients and
answers, in float64 to rounding, and in float32 (where the compiled loops'
``tanh`` is a rational approximation) within float32's precision.  The loop
runs its small matrix products on one BLAS thread (threadpoolctl): waking a
second one costs more than it saves for a (128, 128) × (128, 512) product,
much more on a busy machine.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from threadpoolctl import ThreadpoolController

from rindoku.inputs import check_ids
from rindoku_rnn.layers import TimeSoftmaxWithLoss
from rindoku_rnn.shapes import check_shapes
from rindoku_seq2seq.kernels import (
    adam_step,
    add_rows,
    lstm_step_backward,
    lstm_step_forward,
)
from rindoku_seq2seq.models import check_questions_answers

__all__ = [
    "FastDecoder",
    "FastEncoder",
    "FastPeekyDecoder",
    "FastPeekySeq2seq",
    "FastSeq2seq",
    "InPlaceAdam",
    "LSTMSteps",
    "PrefixTree",
    "sum_rows",
]

BLAS = ThreadpoolController()


def sum_rows(index: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """Rows of ``values`` (M, K) added up by ``index`` (M,): an (n, K) array.

    ``out[j]`` is the sum of the rows ``values[m]`` with ``index[m] == j``:
    ``np.add.at``, compiled (:func:`~rindoku_seq2seq.kernels.add_rows`).
    """
    out = np.zeros((n, values.shape[1]), dtype=values.dtype)
    add_rows(out, index, values)
    return out


class PrefixTree:
    """The distinct beginnings of a batch of id sequences, step by step.

    xs: ids (N, T).  At step t, ``group[:, t]`` (N,) numbers the distinct
    prefixes ``xs[i, :t + 1]``; there are ``sizes[t]`` of them, sorted by the
    group of their first t ids (their parent, ``parents[t]``) and then by
    their last id (``inputs[t]``).  A row's group at step t is its place in
    the packed rows, ``offsets[t] + group[:, t]``: ``rows`` (N, T).  Two
    sequences that start alike share their groups until they part.
    """

    def __init__(self, xs: np.ndarray, vocab_size: int) -> None:
        N, T = xs.shape
        self.parents: list[np.ndarray] = []
        self.inputs: list[np.ndarray] = []
        self.group = np.empty((N, T), dtype=np.int64)
        previous = np.zeros(N, dtype=np.int64)  # every sequence starts in the one empty prefix
        for t in range(T):
            key = previous * vocab_size + xs[:, t]
            unique, previous = np.unique(key, return_inverse=True)
            self.parents.append(unique // vocab_size)
            self.inputs.append(unique % vocab_size)
            self.group[:, t] = previous
        self.sizes = np.array([len(p) for p in self.parents])
        self.offsets = np.concatenate([[0], np.cumsum(self.sizes)])
        self.rows = self.group + self.offsets[:-1]

    @property
    def packed_inputs(self) -> np.ndarray:
        """The id each packed row reads, (M,)."""
        return np.concatenate(self.inputs)


class LSTMSteps:
    """The LSTM recurrence over rows packed step after step, ``x Wx + b`` given.

    Wh: (H, 4H), gates f, g, i, o side by side as in
    :class:`~rindoku_lstm.layers.LSTM`.  ``forward(A, offsets, parents, h0,
    c0)``: A (M, 4H) holds ``x Wx + b`` of every packed row (step t's rows
    are ``offsets[t]:offsets[t + 1]``); step t's row j continues from row
    ``parents[t][j]`` of step t - 1, or of ``h0``, ``c0`` for t = 0
    (``parents`` None: row j from row j, a batch of the same N rows at every
    step).  Returns h of every packed row, (M, H).  ``backward(dhs)``
    returns ``(dA, dh0, dc0)`` and writes dWh into ``dWh``.  Each step's
    arithmetic is one compiled loop (:mod:`rindoku_seq2seq.kernels`) around
    its matrix product.
    """

    def __init__(self, Wh: np.ndarray, dWh: np.ndarray) -> None:
        self.Wh, self.dWh = Wh, dWh
        self.cache: Any = None

    def forward(self, A: np.ndarray, offsets: np.ndarray, parents: list[np.ndarray] | None,
                h0: np.ndarray, c0: np.ndarray) -> np.ndarray:
        """Run the steps; return h of every row (M, H)."""
        hs, _, self.cache = self._run(A, offsets, parents, h0, c0)
        return hs

    def step(self, A: np.ndarray, h: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One step with nothing kept for backward: the new ``(h, c)``."""
        hs, cs, _ = self._run(A, np.array([0, len(A)]), None, h, c)
        return hs, cs

    def _run(self, A: np.ndarray, offsets: np.ndarray, parents: list[np.ndarray] | None,
             h0: np.ndarray, c0: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple]:
        """h and c of every row, and what backward needs."""
        H = self.Wh.shape[0]
        M = len(A)
        dtype = A.dtype
        A = np.ascontiguousarray(A)  # the compiled loops' fast version takes C-ordered rows
        h_prev = np.empty((M, H), dtype)  # the state each row starts from
        c_prev = np.empty((M, H), dtype)
        gates = np.empty((M, 4 * H), dtype)  # f, g, i, o
        hW = np.empty((M, 4 * H), dtype)  # h_prev Wh
        hs = np.empty((M, H), dtype)
        cs = np.empty((M, H), dtype)
        tanh_cs = np.empty((M, H), dtype)
        h, c = h0, c0
        for t in range(len(offsets) - 1):
            rows = slice(offsets[t], offsets[t + 1])
            if parents is None:
                h_prev[rows], c_prev[rows] = h, c
            else:
                np.take(h, parents[t], axis=0, out=h_prev[rows])
                np.take(c, parents[t], axis=0, out=c_prev[rows])
            np.matmul(h_prev[rows], self.Wh, out=hW[rows])
            lstm_step_forward(A[rows], hW[rows], c_prev[rows], gates[rows], cs[rows],
                              tanh_cs[rows], hs[rows])
            h, c = hs[rows], cs[rows]
        return hs, cs, (gates, offsets, parents, h_prev, c_prev, tanh_cs)

    def backward(self, dhs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Go back through the steps; return ``(dA (M, 4H), dh0, dc0)``; write dWh."""
        gates, offsets, parents, h_prev, c_prev, tanh_cs = self.cache
        H = self.Wh.shape[0]
        dA = np.empty_like(gates)
        dh = np.empty((len(gates), H), dtype=gates.dtype)  # the gradient of each row's h
        Wh_T = self.Wh.T
        last = slice(offsets[-2], offsets[-1])
        dh_next = np.zeros_like(dh[last])  # what the rows of step t + 1 send back to step t
        dc = np.zeros_like(dh[last])  # the gradient of c, then of c_prev
        for t in reversed(range(len(offsets) - 1)):
            rows = slice(offsets[t], offsets[t + 1])
            np.add(dhs[rows], dh_next, out=dh[rows])
            lstm_step_backward(dh[rows], dc, gates[rows], c_prev[rows], tanh_cs[rows], dA[rows])
            dh_next = dA[rows] @ Wh_T  # dh_prev
            if parents is not None:  # each parent receives the sum over its children
                dh_next, dc = _to_parents(parents[t], dh_next, dc)

        np.matmul(h_prev.T, dA, out=self.dWh)
        return dA, dh_next, dc


def _to_parents(parents: np.ndarray, dh: np.ndarray, dc: np.ndarray
                ) -> tuple[np.ndarray, np.ndarray]:
    """dh and dc (G_t, H) added up over the children of each parent: (G_{t-1}, H) each.

    ``parents`` (G_t,) is sorted, every parent has a child, and most have one:
    their rows pass as they are.
    """
    n = int(parents[-1]) + 1
    if n == len(parents):  # one child each
        return dh, dc
    return sum_rows(parents, dh, n), sum_rows(parents, dc, n)


def _lstm_weights(rng: np.random.Generator, D: int, H: int, dtype: Any
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LSTM weights drawn as the textbook layers draw them: Wx (D, 4H), Wh (H, 4H), b."""
    rn = rng.standard_normal
    return ((rn((D, 4 * H)) / np.sqrt(D)).astype(dtype),
            (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype),
            np.zeros(4 * H).astype(dtype))


class FastEncoder:
    """:class:`~rindoku_seq2seq.layers.Encoder` reading each distinct beginning once.

    The same parameters in the same order: embed_W (V, D), then the LSTM's
    Wx (D, 4H), Wh (H, 4H), b (4H,).  ``forward(xs)`` returns the last
    hidden state h (N, H); :meth:`hidden_states` returns all of them.
    """

    def __init__(
        self,
        vocab_size: int,
        wordvec_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, D, H = vocab_size, wordvec_size, hidden_size
        embed_W = (rng.standard_normal((V, D)) / 100).astype(dtype)
        Wx, Wh, b = _lstm_weights(rng, D, H, dtype)
        self.params = [embed_W, Wx, Wh, b]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.steps = LSTMSteps(Wh, self.grads[2])
        self.cache: Any = None

    def _run(self, xs: np.ndarray) -> tuple[PrefixTree, np.ndarray]:
        """Run the LSTM over the distinct beginnings of xs; the tree and h of its rows."""
        embed_W, Wx, Wh, b = self.params
        check_shapes(f"{type(self).__name__}.forward", xs=(xs, ("N", "T")))
        check_ids(xs, len(embed_W), f"{type(self).__name__}.forward", "character id",
                  of="rows of embed_W")
        with BLAS.limit(limits=1, user_api="blas"):
            tree = PrefixTree(xs, len(embed_W))
            ids = tree.packed_inputs
            A = (embed_W @ Wx + b)[ids]  # x Wx + b: a row of the characters' (V, 4H) table
            zero = np.zeros((1, Wh.shape[0]), dtype=Wx.dtype)
            hs = self.steps.forward(A, tree.offsets, tree.parents, zero, zero)
        self.cache = (tree, ids, len(hs))
        return tree, hs

    def hidden_states(self, xs: np.ndarray) -> np.ndarray:
        """Read the questions xs (N, T); return every hidden state hs (N, T, H)."""
        tree, hs = self._run(xs)
        return hs[tree.rows]

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Read the questions xs (N, T); return the last hidden state h (N, H)."""
        tree, hs = self._run(xs)
        return hs[tree.rows[:, -1]]

    def _backward(self, rows: np.ndarray, dhs: np.ndarray) -> None:
        """Write the gradients, given dhs (K, H), those of the packed rows ``rows`` (K,)."""
        tree, ids, M = self.cache
        embed_W, Wx, _, _ = self.params
        dembed_W, dWx, _, db = self.grads
        with BLAS.limit(limits=1, user_api="blas"):
            # each packed row receives the sum over the questions that share it
            dA, _, _ = self.steps.backward(sum_rows(rows, dhs, M))
            dtable = sum_rows(ids, dA, len(embed_W))  # the gradient of the table's rows
            np.matmul(embed_W.T, dtable, out=dWx)
            np.sum(dtable, axis=0, out=db)
            np.matmul(dtable, Wx.T, out=dembed_W)

    def backward_states(self, dhs: np.ndarray) -> None:
        """Write the gradients, given those of every hidden state, dhs (N, T, H)."""
        tree = self.cache[0]
        check_shapes(f"{type(self).__name__}.backward", dhs=(dhs, (*tree.rows.shape, "H")))
        self._backward(tree.rows.ravel(), dhs.reshape(-1, dhs.shape[2]))

    def backward(self, dh: np.ndarray) -> None:
        """Write the gradients; dh (N, H) is that of the last hidden state. Return None."""
        tree = self.cache[0]
        check_shapes(f"{type(self).__name__}.backward", dh=(dh, (len(tree.rows), "H")))
        self._backward(tree.rows[:, -1], dh)
        return None


class FastDecoder:
    """:class:`~rindoku_seq2seq.layers.Decoder` on packed steps; ``generate`` takes a batch.

    The same parameters in the same order: embed_W, Wx, Wh, b, affine W, b.
    ``generate(h, start_id, sample_size)`` answers every question of h
    (N, H) at once and returns (N, sample_size) ids.
    """

    peeky = False

    def __init__(
        self,
        vocab_size: int,
        wordvec_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, D, H = vocab_size, wordvec_size, hidden_size
        rn = rng.standard_normal
        embed_W = (rn((V, D)) / 100).astype(dtype)
        inputs = H + D if self.peeky else D
        Wx, Wh, b = _lstm_weights(rng, inputs, H, dtype)
        outputs = H + H if self.peeky else H
        affine_W = (rn((outputs, V)) / np.sqrt(outputs)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)
        self.params = [embed_W, Wx, Wh, b, affine_W, affine_b]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.steps = LSTMSteps(Wh, self.grads[2])
        self.H = H
        self.cache: Any = None

    def _scores(self, xs: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, Any]:
        """The scores (T, N, V), time-major, and what backward needs."""
        embed_W, Wx, Wh, b, affine_W, affine_b = self.params
        H = self.H
        T, N = xs.shape
        A = self._table()[xs.ravel()]  # (T N, 4H), step after step
        if self.peeky:  # h's part of x Wx, the same at every step
            A.reshape(T, N, -1)[...] += h @ Wx[:H]
        hs = self.steps.forward(A, np.arange(T + 1) * N, None, h, np.zeros_like(h))
        if self.peeky:
            score = (hs @ affine_W[H:]).reshape(T, N, -1)
            score += h @ affine_W[:H] + affine_b
        else:
            score = (hs @ affine_W + affine_b).reshape(T, N, -1)
        return score, (xs, h, hs)

    def _table(self) -> np.ndarray:
        """The embedding's part of x Wx + b for every character: (V, 4H), looked up by id."""
        embed_W, Wx, _, b = self.params[:4]
        return embed_W @ Wx[self.H:] + b if self.peeky else embed_W @ Wx + b

    def forward(self, xs: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Start from h (N, H), read xs (N, T); return the scores (N, T, V)."""
        embed_W = self.params[0]
        check_shapes(f"{type(self).__name__}.forward", xs=(xs, ("N", "T")),
                     h=(h, ("N", self.H)))
        check_ids(xs, len(embed_W), f"{type(self).__name__}.forward", "character id",
                  of="rows of embed_W")
        with BLAS.limit(limits=1, user_api="blas"):
            score, self.cache = self._scores(xs.T, h)
        return score.transpose(1, 0, 2)

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        """Write the gradients; return dh (N, H)."""
        embed_W, Wx, Wh, b, affine_W, affine_b = self.params
        dembed_W, dWx, _, db, daffine_W, daffine_b = self.grads
        xs, h, hs = self.cache
        H = self.H
        T, N = xs.shape
        with BLAS.limit(limits=1, user_api="blas"):
            dscore = np.ascontiguousarray(dscore.transpose(1, 0, 2)).reshape(T * N, -1)
            np.sum(dscore, axis=0, out=daffine_b)
            if self.peeky:
                dscore_sum = dscore.reshape(T, N, -1).sum(axis=0)  # h met every step's W
                np.matmul(hs.T, dscore, out=daffine_W[H:])
                np.matmul(h.T, dscore_sum, out=daffine_W[:H])
                dhs = dscore @ affine_W[H:].T
                dh = dscore_sum @ affine_W[:H].T
            else:
                np.matmul(hs.T, dscore, out=daffine_W)
                dhs = dscore @ affine_W.T
                dh = 0
            dA, dh0, _ = self.steps.backward(dhs)
            dtable = sum_rows(xs.ravel(), dA, len(embed_W))  # the gradient of the table's rows
            np.sum(dtable, axis=0, out=db)
            Wx_embed, dWx_embed = (Wx[H:], dWx[H:]) if self.peeky else (Wx, dWx)
            np.matmul(embed_W.T, dtable, out=dWx_embed)
            np.matmul(dtable, Wx_embed.T, out=dembed_W)
            if self.peeky:
                dA_sum = dA.reshape(T, N, -1).sum(axis=0)
                np.matmul(h.T, dA_sum, out=dWx[:H])
                dh = dh + dA_sum @ Wx[:H].T
        return dh0 + dh

    def generate(self, h: np.ndarray, start_id: int, sample_size: int) -> np.ndarray:
        """Answer every question of h (N, H): ids (N, sample_size), each step's best."""
        check_shapes(f"{type(self).__name__}.generate", h=(h, ("N", self.H)))
        N = len(h)
        sampled = np.empty((N, sample_size), dtype=np.int64)
        ids = np.full(N, start_id)
        state = (h, np.zeros_like(h))
        H = self.H
        affine_W, affine_b = self.params[4:]
        with BLAS.limit(limits=1, user_api="blas"):
            table = self._table()
            # h's parts of x Wx and of the scores, the same at every step
            peek_A = h @ self.params[1][:H] if self.peeky else 0
            peek_score = h @ affine_W[:H] + affine_b if self.peeky else affine_b
            W_out = affine_W[H:] if self.peeky else affine_W
            for t in range(sample_size):
                hs, c = self.steps.step(table[ids] + peek_A, *state)
                state = (hs, c)
                ids = (hs @ W_out + peek_score).argmax(axis=1)
                sampled[:, t] = ids
        return sampled


class FastPeekyDecoder(FastDecoder):
    """:class:`~rindoku_seq2seq.layers.PeekyDecoder` on packed steps, h multiplied once.

    h's rows of Wx (the first H) and of the output layer's W (the first H)
    multiply h once per batch, not once per step; going back, the steps'
    gradients are added up before the products.
    """

    peeky = True


class FastSeq2seq:
    """:class:`~rindoku_seq2seq.models.Seq2seq` on the fast path: same weights, loss, gradients.

    ``generate(xs, start_id, sample_size)`` answers every question of xs (N,
    T): ids (N, sample_size).
    """

    generates_batches = True  # generate answers a batch: see rindoku_seq2seq.evaluation
    decoder_class: Any = FastDecoder

    def __init__(
        self,
        vocab_size: int,
        wordvec_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, D, H = vocab_size, wordvec_size, hidden_size
        self.encoder = FastEncoder(V, D, H, rng=rng, dtype=dtype)
        self.decoder = self.decoder_class(V, D, H, rng=rng, dtype=dtype)
        self.softmax = TimeSoftmaxWithLoss()
        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """Return the average loss of the decoder's guesses of ts[:, 1:]."""
        check_questions_answers(f"{type(self).__name__}.forward", xs, ts)
        h = self.encoder.forward(xs)
        score = self.decoder.forward(ts[:, :-1], h)
        return self.softmax.forward(score, ts[:, 1:])

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place."""
        dh = self.decoder.backward(self.softmax.backward(dout))
        self.encoder.backward(dh)
        return None

    def generate(self, xs: np.ndarray, start_id: int, sample_size: int) -> np.ndarray:
        """Answer every question of xs (N, T): ids (N, sample_size)."""
        return self.decoder.generate(self.encoder.forward(xs), start_id, sample_size)


class FastPeekySeq2seq(FastSeq2seq):
    """:class:`~rindoku_seq2seq.models.PeekySeq2seq` on the fast path."""

    decoder_class = FastPeekyDecoder



class InPlaceAdam:
    """The optimizers chapter's :class:`~rindoku_optimizers.optimizers.Adam`, in place.

    The same update, ``W ← W - lr m̂ / (√v̂ + ε)`` with the bias-corrected
    moving averages m̂ and v̂, made in one compiled pass over each parameter
    (:func:`~rindoku_seq2seq.kernels.adam_step`) instead of a new array for
    every operation.  ``lr`` may be changed between steps.
    """

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.iter = 0
        self.m: list[np.ndarray] | None = None
        self.v: list[np.ndarray] = []

    def update(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update both moving averages, then step every array of ``params`` in place."""
        if self.m is None:
            self.m = [np.zeros_like(param) for param in params]
            self.v = [np.zeros_like(param) for param in params]
        self.iter += 1
        root_correction = 1 / np.sqrt(1 - self.beta2 ** self.iter)  # √v̂ = √v / √(1 - β₂ᵗ)
        rate = self.lr / (1 - self.beta1 ** self.iter)  # lr m̂ = lr m / (1 - β₁ᵗ)
        for k, (param, grad, m, v) in enumerate(zip(params, grads, self.m, self.v,
                                                    strict=True)):
            if not param.flags.c_contiguous:  # reshape would copy it, and the step be lost
                raise ValueError(f"InPlaceAdam: parameter {k} {param.shape} is not one "
                                 "C-ordered block; make it with np.ascontiguousarray")
            adam_step(param.reshape(-1), np.ascontiguousarray(grad).reshape(-1), m.reshape(-1),
                      v.reshape(-1), self.beta1, self.beta2, rate, root_correction, self.eps)
