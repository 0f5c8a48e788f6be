"""The fast path: the CBOW of book 2 chapter 4, one mini-batch at a time in one piece.

The book's CBOW (:class:`~rindoku_cbow.models.CBOW`) is a stack of small
layers: ten Embedding layers, six EmbeddingDot and six SigmoidWithLoss.  It is
right, and it is slow on PTB for reasons that have nothing to do with the
model: every Embedding writes a whole (V, H) gradient although a mini-batch of
100 targets touches a few hundred of its rows; the Trainer adds those ten
matrices and Adam then updates every element of W_in and W_out at every step;
the book's sampler draws the negatives one row at a time, each row a pass over
the whole vocabulary; and a mini-batch of 100 leaves NumPy with little to do
per call.

This module computes the same loss and gradients differently:

* :class:`AliasUnigramSampler` — the negatives of a whole mini-batch drawn at
  once by Walker's alias method, from the book's distribution;
* :class:`RowBag` — each example's weighted sum of rows of a matrix, as one
  sparse-matrix product over the rows the batch uses, and the backward pass as
  the product with its transpose (repeated words added, as ``np.add.at`` does);
* :class:`FusedNegativeSampling` — the forward and backward of negative
  sampling for the whole batch with a handful of array operations, its
  gradients row-sparse (:class:`rindoku_text.sparse.RowSparseGrad`);
* :class:`FastCBOW` — the CBOW model put together from them, with word2vec's
  random window shrinking, float32 and mini-batches of thousands of targets.

``FusedNegativeSampling`` does not know what its examples are: CBOW makes one
example per target, a bag of its context words; skip-gram makes one per
(target, context word) pair, a bag of one word, the target.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy import sparse

from rindoku.inputs import check_ids
from rindoku_cbow.contexts import context_offsets
from rindoku_text.sparse import RowSparseGrad

__all__ = [
    "AliasUnigramSampler",
    "FastCBOW",
    "FusedNegativeSampling",
    "RowBag",
    "check_word_ids",
    "context_used",
]


class AliasUnigramSampler:
    """The book's negative-sampling distribution, a whole mini-batch drawn at once.

    corpus: word ids (N,); the vocabulary is ``0 … corpus.max()``.  ``word_p``
    (V,) is :class:`~rindoku_cbow.sampling.UnigramSampler`'s, counts to the
    power 0.75, normalised.  ``get_negative_sample(target)`` gives
    ``sample_size`` words for each target, (N, sample_size), never the target
    itself.  Unlike the book's sampler, which draws each row without
    replacement, it draws every word independently: the same word may appear
    twice in a row.
    """

    def __init__(
        self,
        corpus: np.ndarray,
        power: float = 0.75,
        sample_size: int = 5,
        *,
        rng: np.random.Generator,
    ) -> None:
        counts = np.bincount(np.asarray(corpus).ravel())
        if np.count_nonzero(counts) < 2:
            raise ValueError("the corpus must hold at least two different words to sample from")
        self.sample_size = sample_size
        self.vocab_size = len(counts)
        self.rng = rng
        word_p = counts.astype(np.float64) ** power
        self.word_p = word_p / word_p.sum()
        self.keep, self.alias = _alias_table(self.word_p)

    def sample(self, shape: int | tuple[int, ...]) -> np.ndarray:
        """Words drawn independently from ``word_p``, as an array of ``shape``.

        Walker's alias method: pick one of V equally likely buckets, then keep
        its own word with probability ``keep[bucket]``, else take its alias.
        """
        bucket = self.rng.integers(0, self.vocab_size, shape)
        own = self.rng.random(shape) < self.keep[bucket]
        return np.where(own, bucket, self.alias[bucket])

    def get_negative_sample(self, target: np.ndarray) -> np.ndarray:
        """For each target word id (N,), ``sample_size`` other words: (N, sample_size).

        All of them are drawn at once; the few that hit their own row's target
        are drawn again, together, until none does.
        """
        target = np.asarray(target)
        negative_sample = self.sample((len(target), self.sample_size))
        rows, cols = np.nonzero(negative_sample == target[:, np.newaxis])
        while len(rows):
            negative_sample[rows, cols] = self.sample(len(rows))
            again = negative_sample[rows, cols] == target[rows]
            rows, cols = rows[again], cols[again]
        return negative_sample


def _alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias table of the probabilities ``p`` (V,): ``(keep, alias)``.

    Bucket i has probability 1/V; it gives word i with probability
    ``keep[i]`` and word ``alias[i]`` otherwise.  Built by filling each
    under-full bucket with a piece of an over-full word, so that every word
    ends up with exactly ``p[i]`` in total.
    """
    n = len(p)
    keep = p * n
    alias = np.arange(n)
    small = [i for i in range(n) if keep[i] < 1.0]
    large = [i for i in range(n) if keep[i] >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        alias[s] = g  # bucket s: word s with probability keep[s], else word g
        keep[g] -= 1.0 - keep[s]
        (small if keep[g] < 1.0 else large).append(g)
    keep[small + large] = 1.0  # what is left is full up to rounding
    return keep, alias


def _compress(ids: np.ndarray, n_rows: int) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids in ``ids`` (sorted) and each id's position among them.

    ``bincount`` over the vocabulary instead of ``np.unique``: no sort.
    """
    rows = np.flatnonzero(np.bincount(ids, minlength=n_rows))
    position = np.empty(n_rows, dtype=np.int32)
    position[rows] = np.arange(len(rows), dtype=np.int32)
    return rows, position[ids]


class RowBag:
    """For each of E examples, a weighted sum of rows of a (V, D) matrix.

    index: row ids (E, C); weights: (E, C), 0 where a slot is unused.  The
    bag is a sparse (E, U) matrix A over the U distinct rows it uses
    (``rows``), so ``gather(W)`` is ``A @ W[rows]``, (E, D), and
    ``scatter(d)`` is ``A^T @ d``, (U, D): each used row receives the weighted
    sum of the ``d`` of the examples that use it.
    """

    def __init__(self, index: np.ndarray, weights: np.ndarray, n_rows: int) -> None:
        self.used = weights != 0
        self.rows, self.columns = _compress(index[self.used], n_rows)
        self.indptr = np.zeros(len(index) + 1, dtype=np.int64)
        np.cumsum(self.used.sum(axis=1), out=self.indptr[1:])
        self.matrix = self._matrix(weights)

    def _matrix(self, weights: np.ndarray) -> sparse.csr_matrix:
        return sparse.csr_matrix((weights[self.used], self.columns, self.indptr),
                                 shape=(len(self.indptr) - 1, len(self.rows)))

    def reweighted(self, weights: np.ndarray) -> RowBag:
        """The same rows in the same slots, with other non-zero weights (E, C)."""
        bag = RowBag.__new__(RowBag)
        bag.used, bag.rows, bag.columns, bag.indptr = (
            self.used, self.rows, self.columns, self.indptr)
        bag.matrix = bag._matrix(weights)
        return bag

    def gather(self, W: np.ndarray) -> np.ndarray:
        """Return each example's weighted sum of rows of W: (E, D)."""
        return self.matrix @ W[self.rows]

    def scatter(self, d: np.ndarray) -> np.ndarray:
        """Return ``A^T d``: (U, D), the gradient of the rows ``rows`` given d (E, D)."""
        return self.matrix.T @ d


def context_used(
    window_size: int, batch_size: int, rng: np.random.Generator | None
) -> np.ndarray:
    """Which context columns each of ``batch_size`` targets uses: (N, 2 window_size) bool.

    With a generator, word2vec's random window: each target draws a reach r
    uniformly from 1 … ``window_size`` and uses the r words on each side of
    it, so a word at distance d is used with probability (w − d + 1) / w.
    With ``rng=None``, every column, as the book does.
    """
    distance = np.abs(context_offsets(window_size))  # of each context column
    if rng is None:
        return np.ones((batch_size, len(distance)), dtype=bool)
    reach = rng.integers(1, window_size + 1, batch_size)
    return distance <= reach[:, np.newaxis]


def check_word_ids(vocab_size: int, owner: str, *ids: np.ndarray | None) -> None:
    """Check that the word ids given to a fast model's ``forward`` are below ``vocab_size``.

    The contexts, the targets and, when given, the negatives: each array is
    checked once here, where the ids enter, rather than in the fused step,
    which indexes W_out with them (-1 would quietly be the last word).
    """
    for name, array in zip(("context", "target", "negative sample"), ids, strict=False):
        if array is not None:
            check_ids(array, vocab_size, owner, f"{name} word id", of="words in the vocabulary")


CHUNK = 512
"""Rows handled at a time where a chain of array operations would otherwise
stream a large array through memory once per operation: 512 rows of 100
float32 values of several arrays stay in the processor's cache."""


class FusedNegativeSampling:
    """Negative sampling for a whole batch: forward and backward in a few array operations.

    params: W_in (V, D) and W_out (V, D); grads: two
    :class:`~rindoku_text.sparse.RowSparseGrad`.  ``forward(bag, outputs,
    normalizer)``: the hidden vectors are ``h = bag.gather(W_in)`` (E, D);
    ``outputs`` (E, 1 + k) holds each example's positive word (column 0) and
    its k negatives; the loss is the sigmoid cross-entropy of every score
    ``h[e] · W_out[outputs[e, j]]`` against label 1 (column 0) or 0, summed
    and divided by ``normalizer`` — for CBOW the batch size, which is the sum
    of the book's 1 + k SigmoidWithLoss layers, each averaged over the batch.

    The forward pass already computes dL/dscore and dL/dh, a chunk of
    examples at a time while their rows of W_out are at hand; the backward
    pass scales them by ``dout`` and sends them to the rows.
    """

    def __init__(self, W_in: np.ndarray, W_out: np.ndarray) -> None:
        self.params = [W_in, W_out]
        self.grads = [RowSparseGrad(W_in.shape, W_in.dtype),
                      RowSparseGrad(W_out.shape, W_out.dtype)]
        self.cache: Any = None

    def forward(self, bag: RowBag, outputs: np.ndarray, normalizer: int) -> float:
        """Return the loss; remember what the backward pass needs."""
        W_in, W_out = self.params
        h = bag.gather(W_in)  # (E, D)
        dscore = np.empty(outputs.shape, dtype=h.dtype)  # (E, 1 + k)
        dh = np.empty_like(h)
        loss = 0.0
        for start in range(0, len(outputs), CHUNK):
            part = slice(start, start + CHUNK)
            target_W = W_out[outputs[part]]  # (chunk, 1 + k, D)
            score = np.einsum("ed,ekd->ek", h[part], target_W)
            with np.errstate(over="ignore"):
                y = 1 / (1 + np.exp(-score))  # the probability of label 1

            # the book's cross-entropy, 1e-7 inside the log included
            loss -= np.log(y[:, 0] + 1e-7).sum() + np.log(1 - y[:, 1:] + 1e-7).sum()

            y[:, 0] -= 1  # y - t: the label is 1 in column 0, 0 elsewhere
            dscore[part] = y
            dh[part] = np.einsum("ek,ekd->ed", y, target_W)

        self.cache = (bag, outputs, normalizer, h, dscore, dh)
        return float(loss / normalizer)

    def backward(self, dout: float = 1, backward_bag: RowBag | None = None) -> None:
        """Write the row-sparse gradients of W_in and W_out into ``grads``.

        ``backward_bag`` (the same ids, other weights) sends dh back to the
        input rows with other weights than the forward pass used: word2vec
        gives every context word the whole of dh, where the exact gradient of
        an average gives each ``1 / count`` of it.
        """
        bag, outputs, normalizer, h, dscore, dh = self.cache
        scale = dout / normalizer

        # dW_out: row outputs[e, j] receives dscore[e, j] h[e], added up over the batch
        rows, columns = _compress(outputs.ravel(), self.params[1].shape[0])
        indptr = np.arange(0, outputs.size + 1, outputs.shape[1])
        score_matrix = sparse.csr_matrix((dscore.ravel() * scale, columns, indptr),
                                         shape=(len(outputs), len(rows)))
        self.grads[1].set(rows, score_matrix.T @ h)

        # dW_in: each input row receives its weight times dh of its example
        bag = bag if backward_bag is None else backward_bag
        dW_in = bag.scatter(dh)
        dW_in *= scale
        self.grads[0].set(bag.rows, dW_in)


class FastCBOW:
    """The book's CBOW (window, negative sampling, W_in and W_out), one fused step per batch.

    contexts: word ids (N, 2 window_size); target: word ids (N,).  The
    parameters start as :class:`~rindoku_cbow.models.CBOW`'s do, and with
    ``shrink_window=False`` and ``full_error=False`` the loss and gradients
    are exactly CBOW's (the tests compare them on the same negatives).  By
    default it trains as word2vec does:

    * ``shrink_window`` — each target uses a window of r words on each side,
      r drawn uniformly from 1 … window_size, so near words count more often
      than far ones;
    * ``full_error`` — every context word receives the whole of dh instead of
      ``dh / count`` (the hidden vector is still their average).

    Negatives it draws itself come from an :class:`AliasUnigramSampler`: the
    book's distribution, but a word may be drawn twice for one target.
    ``grads`` are :class:`~rindoku_text.sparse.RowSparseGrad`: train it with
    :class:`~rindoku_text.sparse.SparseAdam`.
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        window_size: int,
        corpus: np.ndarray,
        rng: np.random.Generator,
        sample_size: int = 5,
        *,
        shrink_window: bool = True,
        full_error: bool = True,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, H = vocab_size, hidden_size
        check_ids(corpus, V, "FastCBOW", "corpus word id", of="words in the vocabulary")
        W_in = (0.01 * rng.standard_normal((V, H))).astype(dtype)
        W_out = (0.01 * rng.standard_normal((V, H))).astype(dtype)

        self.vocab_size = V
        self.window_size = window_size
        self.shrink_window = shrink_window
        self.full_error = full_error
        self.rng = rng
        self.distance = np.abs(context_offsets(window_size))  # of each context column
        self.sampler = AliasUnigramSampler(corpus, 0.75, sample_size, rng=rng)
        self.loss_layer = FusedNegativeSampling(W_in, W_out)
        self.params = self.loss_layer.params
        self.grads = self.loss_layer.grads
        self.word_vecs = W_in

    def context_used(self, batch_size: int) -> np.ndarray:
        """Which context columns each target uses: (N, 2 window_size) bool."""
        return context_used(self.window_size, batch_size, self.rng if self.shrink_window else None)

    def forward(
        self, contexts: np.ndarray, target: np.ndarray, negative_sample: np.ndarray | None = None
    ) -> float:
        """Return the loss; ``negative_sample`` (N, sample_size) fixes the negatives."""
        check_word_ids(self.vocab_size, "FastCBOW", contexts, target, negative_sample)
        dtype = self.params[0].dtype
        used = self.context_used(len(target))
        count = used.sum(axis=1, keepdims=True)
        self.bag = RowBag(contexts, (used / count).astype(dtype), self.vocab_size)
        self.backward_bag = self.bag.reweighted(used.astype(dtype)) if self.full_error else None
        if negative_sample is None:
            negative_sample = self.sampler.get_negative_sample(target)
        outputs = np.column_stack([target, negative_sample])
        return self.loss_layer.forward(self.bag, outputs, normalizer=len(target))

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` (row-sparse) in place."""
        self.loss_layer.backward(dout, self.backward_bag)
        return None
