"""The fast path: AttentionSeq2seq with the same weights, loss and gradients.

The textbook model (:mod:`rindoku_attention.models`) spends its time as the
seq2seq chapter's does, in an LSTM that makes a layer object and a dozen
arrays per step and an encoder that reads every date from its first
character, and besides in TimeAttention, which runs one Attention layer per
decoder step: each multiplies the (N, T_enc, H) encoder states elementwise
by a vector, sums them over H, then multiplies them by the weights and sums
over T_enc, and going back repeats and multiplies arrays of the same size
again, four passes over the encoder's states per step and direction.

This module computes the same loss and gradients differently:

* :class:`FastTimeAttention` attends at every decoder step at once, with
  four batched matrix products: the scores ``S = hs_dec hs_enc^T``
  (N, T, T_enc), the weights ``a = softmax(S)``, the context ``c = a
  hs_enc``; going back, ``da = dc hs_enc^T``, ``dhs_enc = a^T dc + dS^T
  hs_dec`` and ``dhs_dec = dS hs_enc``, with softmax's ``dS = a (da - sum(a
  da))``.  BLAS does the multiply-and-add that the book's layers write as
  elementwise products and sums;
* the encoder is the seq2seq chapter's :class:`~rindoku_seq2seq.fast.FastEncoder`,
  which reads each distinct beginning once: with the input reversed, the
  spaces that pad a date come first, and the LSTM reads them once for all
  the dates of a batch that start with as many of them;
* the decoder's LSTM runs on :class:`~rindoku_seq2seq.fast.LSTMSteps`, and
  its output layer multiplies c and the LSTM's output by their own halves of
  W instead of a concatenation.

The model draws its weights from ``rng`` as the textbook model does and keeps
them in the same order and shapes; the tests show that both paths give the
same loss, gradients, answers and attention weights, in float64 to rounding.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku.inputs import check_ids
from rindoku_backprop.functions import softmax
from rindoku_rnn.layers import TimeSoftmaxWithLoss
from rindoku_rnn.shapes import check_shapes
from rindoku_seq2seq.fast import BLAS, FastEncoder, LSTMSteps, sum_rows
from rindoku_seq2seq.models import check_questions_answers

__all__ = ["FastAttentionDecoder", "FastAttentionEncoder", "FastAttentionSeq2seq",
           "FastTimeAttention"]


class FastTimeAttention:
    """:class:`~rindoku_attention.layers.TimeAttention` with batched matrix products.

    hs_enc: (N, T_enc, H); hs_dec: (N, T, H); out: the context vectors (N,
    T, H).  ``attention_weights`` (N, T, T_enc) keeps the weights of the
    last forward.  ``backward(dout)`` returns ``(dhs_enc, dhs_dec)``.
    """

    def __init__(self) -> None:
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        self.attention_weights: Any = None
        self.cache: Any = None

    def forward(self, hs_enc: np.ndarray, hs_dec: np.ndarray) -> np.ndarray:
        """Return the context vectors (N, T, H)."""
        check_shapes("FastTimeAttention.forward", hs_enc=(hs_enc, ("N", "T_enc", "H")),
                     hs_dec=(hs_dec, ("N", "T", "H")))
        scores = hs_dec @ hs_enc.transpose(0, 2, 1)  # (N, T, T_enc)
        a = softmax(scores)
        self.attention_weights = a
        self.cache = (hs_enc, hs_dec, a)
        return a @ hs_enc

    def backward(self, dout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(dhs_enc (N, T_enc, H), dhs_dec (N, T, H))``."""
        hs_enc, hs_dec, a = self.cache
        da = dout @ hs_enc.transpose(0, 2, 1)  # (N, T, T_enc)
        dscores = a * (da - np.sum(a * da, axis=2, keepdims=True))  # softmax's backward
        dhs_enc = a.transpose(0, 2, 1) @ dout
        dhs_enc += dscores.transpose(0, 2, 1) @ hs_dec
        dhs_dec = dscores @ hs_enc
        return dhs_enc, dhs_dec


class FastAttentionEncoder(FastEncoder):
    """:class:`~rindoku_attention.models.AttentionEncoder` on the fast path: hs (N, T, H)."""

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Read the questions xs (N, T); return every hidden state hs (N, T, H)."""
        return self.hidden_states(xs)

    def backward(self, dhs: np.ndarray) -> None:  # type: ignore[override]
        """Write the gradients, given dhs (N, T, H). Return None."""
        self.backward_states(dhs)
        return None


class FastAttentionDecoder:
    """:class:`~rindoku_attention.models.AttentionDecoder` on the fast path.

    The same parameters in the same order: embed_W, Wx, Wh, b, affine W (2H,
    V) and b; W's first H rows score the context vector, the last H the
    LSTM's output.  ``generate(enc_hs, start_id, sample_size)`` answers every
    question of enc_hs (N, T_enc, H): ids (N, sample_size).
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
        rn = rng.standard_normal
        embed_W = (rn((V, D)) / 100).astype(dtype)
        lstm_Wx = (rn((D, 4 * H)) / np.sqrt(D)).astype(dtype)
        lstm_Wh = (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype)
        lstm_b = np.zeros(4 * H).astype(dtype)
        affine_W = (rn((2 * H, V)) / np.sqrt(2 * H)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)
        self.params = [embed_W, lstm_Wx, lstm_Wh, lstm_b, affine_W, affine_b]
        self.grads = [np.zeros_like(p) for p in self.params]
        self.steps = LSTMSteps(lstm_Wh, self.grads[2])
        self.attention = FastTimeAttention()
        self.H = H
        self.cache: Any = None

    def forward(self, xs: np.ndarray, enc_hs: np.ndarray) -> np.ndarray:
        """Start from enc_hs[:, -1], read xs (N, T), attend to enc_hs; return scores (N, T, V)."""
        embed_W, Wx, Wh, b, affine_W, affine_b = self.params
        H = self.H
        check_shapes("FastAttentionDecoder.forward", xs=(xs, ("N", "T")),
                     enc_hs=(enc_hs, ("N", "T_enc", H)))
        check_ids(xs, len(embed_W), "FastAttentionDecoder.forward", "character id",
                  of="rows of embed_W")
        N, T = xs.shape
        with BLAS.limit(limits=1, user_api="blas"):
            ids = xs.T.ravel()  # step after step
            A = (embed_W @ Wx + b)[ids]  # x Wx + b: a row of the characters' (V, 4H) table
            h = enc_hs[:, -1]
            hs = self.steps.forward(A, np.arange(T + 1) * N, None, h, np.zeros_like(h))
            dec_hs = hs.reshape(T, N, H).transpose(1, 0, 2)
            c = self.attention.forward(enc_hs, dec_hs)
            score = c @ affine_W[:H]
            score += dec_hs @ affine_W[H:]
            score += affine_b
        self.cache = (ids, c, dec_hs, N, T)
        return score

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        """Write the gradients; return denc_hs (N, T_enc, H)."""
        embed_W, Wx, Wh, b, affine_W, affine_b = self.params
        dembed_W, dWx, _, db, daffine_W, daffine_b = self.grads
        ids, c, dec_hs, N, T = self.cache
        H = self.H
        with BLAS.limit(limits=1, user_api="blas"):
            dscore2 = dscore.reshape(N * T, -1)
            np.sum(dscore2, axis=0, out=daffine_b)
            np.matmul(c.reshape(N * T, H).T, dscore2, out=daffine_W[:H])
            np.matmul(dec_hs.reshape(N * T, H).T, dscore2, out=daffine_W[H:])
            dc = dscore @ affine_W[:H].T
            ddec_hs = dscore @ affine_W[H:].T
            denc_hs, ddec_hs1 = self.attention.backward(dc)
            ddec_hs += ddec_hs1
            dhs = np.ascontiguousarray(ddec_hs.transpose(1, 0, 2)).reshape(T * N, H)
            dA, dh0, _ = self.steps.backward(dhs)
            denc_hs[:, -1] += dh0
            dtable = sum_rows(ids, dA, len(embed_W))  # the gradient of the table's rows
            np.sum(dtable, axis=0, out=db)
            np.matmul(embed_W.T, dtable, out=dWx)
            np.matmul(dtable, Wx.T, out=dembed_W)
        return denc_hs

    def generate(self, enc_hs: np.ndarray, start_id: int, sample_size: int) -> np.ndarray:
        """Answer every question of enc_hs (N, T_enc, H): ids (N, sample_size).

        ``attention_weights`` (N, sample_size, T_enc) keeps each step's weights.
        """
        embed_W, Wx, Wh, b, affine_W, affine_b = self.params
        H = self.H
        check_shapes("FastAttentionDecoder.generate", enc_hs=(enc_hs, ("N", "T_enc", H)))
        N, T_enc, _ = enc_hs.shape
        sampled = np.empty((N, sample_size), dtype=np.int64)
        weights = np.empty((N, sample_size, T_enc), dtype=enc_hs.dtype)
        ids = np.full(N, start_id)
        h, c = enc_hs[:, -1], np.zeros((N, H), dtype=enc_hs.dtype)
        with BLAS.limit(limits=1, user_api="blas"):
            table = embed_W @ Wx + b
            for t in range(sample_size):
                h, c = self.steps.step(table[ids], h, c)
                context = self.attention.forward(enc_hs, h[:, np.newaxis, :])[:, 0]
                weights[:, t] = self.attention.attention_weights[:, 0]
                score = context @ affine_W[:H] + h @ affine_W[H:] + affine_b
                ids = score.argmax(axis=1)
                sampled[:, t] = ids
        self.attention.attention_weights = weights
        return sampled


class FastAttentionSeq2seq:
    """:class:`~rindoku_attention.models.AttentionSeq2seq` on the fast path.

    ``generate(xs, start_id, sample_size)`` answers every question of xs
    (N, T): ids (N, sample_size); the decoder's ``attention.attention_weights``
    then holds their weights, (N, sample_size, T).
    """

    generates_batches = True  # generate answers a batch: see rindoku_seq2seq.evaluation

    def __init__(
        self,
        vocab_size: int,
        wordvec_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        args = vocab_size, wordvec_size, hidden_size
        self.encoder = FastAttentionEncoder(*args, rng=rng, dtype=dtype)
        self.decoder = FastAttentionDecoder(*args, rng=rng, dtype=dtype)
        self.softmax = TimeSoftmaxWithLoss()
        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """Return the average loss of the decoder's guesses of ts[:, 1:]."""
        check_questions_answers("FastAttentionSeq2seq.forward", xs, ts)
        enc_hs = self.encoder.forward(xs)
        score = self.decoder.forward(ts[:, :-1], enc_hs)
        return self.softmax.forward(score, ts[:, 1:])

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place."""
        denc_hs = self.decoder.backward(self.softmax.backward(dout))
        self.encoder.backward(denc_hs)
        return None

    def generate(self, xs: np.ndarray, start_id: int, sample_size: int) -> np.ndarray:
        """Answer every question of xs (N, T): ids (N, sample_size)."""
        return self.decoder.generate(self.encoder.forward(xs), start_id, sample_size)
