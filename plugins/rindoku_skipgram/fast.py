"""The fast path for skip-gram: the CBOW chapter's fused step, fed (target, context) pairs.

:class:`~rindoku_cbow.fast.FusedNegativeSampling` scores examples, each a
weighted bag of input rows with one positive and k negative output words.
CBOW makes one example per target: a bag of its context words, the target
positive.  Skip-gram makes one example per (target, context word) pair: a bag
of one row, the target's, with the context word positive.  That is all this
module adds; the sampler (:class:`~rindoku_cbow.fast.AliasUnigramSampler`,
which unlike the book's may draw a word twice for one pair), the fused step
and :class:`~rindoku_text.sparse.SparseAdam` are the CBOW chapter's.
"""

from __future__ import annotations

import numpy as np

from rindoku.inputs import check_ids
from rindoku_cbow.fast import (
    AliasUnigramSampler,
    FusedNegativeSampling,
    RowBag,
    check_word_ids,
    context_used,
)

__all__ = ["FastSkipGram", "skipgram_pairs"]


def skipgram_pairs(
    contexts: np.ndarray, target: np.ndarray, used: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The (target, context word) pairs of a batch, one per used context column.

    contexts: (N, 2 window_size) word ids; target: (N,); used: (N, 2 window_size)
    bool.  Returns ``(example, column, centre, context)``, each (E,): the row of
    the batch and the context column of each pair, then its target word and
    its context word.  Pairs come in batch order, columns left to right.
    """
    example, column = np.nonzero(used)
    return example, column, target[example], contexts[example, column]


class FastSkipGram:
    """The book's skip-gram with negative sampling, one fused step per batch.

    contexts: word ids (N, 2 window_size); target: word ids (N,).  The hidden
    vector of a pair is the target's row of W_in (V, H); the context word
    (label 1) and ``sample_size`` negatives drawn for it (label 0) are scored
    against rows of W_out (V, H).  The loss is the sum over context positions
    of each position's loss averaged over the N targets, as in
    :class:`~rindoku_skipgram.models.SkipGram`, whose initial weights it also
    shares for the same generator.  With ``shrink_window=False`` its loss and
    gradients are exactly SkipGram's (the tests compare them on the same
    negatives).  By default each target uses a window of r words on each side,
    r drawn from 1 … window_size, as word2vec does.

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
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, H = vocab_size, hidden_size
        check_ids(corpus, V, "FastSkipGram", "corpus word id", of="words in the vocabulary")
        W_in = (0.01 * rng.standard_normal((V, H))).astype(dtype)
        W_out = (0.01 * rng.standard_normal((V, H))).astype(dtype)

        self.vocab_size = V
        self.window_size = window_size
        self.shrink_window = shrink_window
        self.rng = rng
        self.sampler = AliasUnigramSampler(corpus, 0.75, sample_size, rng=rng)
        self.loss_layer = FusedNegativeSampling(W_in, W_out)
        self.params = self.loss_layer.params
        self.grads = self.loss_layer.grads
        self.word_vecs = W_in

    def forward(
        self, contexts: np.ndarray, target: np.ndarray, negative_sample: np.ndarray | None = None
    ) -> float:
        """Return the loss; ``negative_sample`` (N, 2 window_size, sample_size) fixes the negatives.

        Column i of ``negative_sample`` holds the negatives of context position i,
        as :class:`~rindoku_skipgram.models.SkipGram` takes them.
        """
        check_word_ids(self.vocab_size, "FastSkipGram", contexts, target, negative_sample)
        used = context_used(self.window_size, len(target),
                            self.rng if self.shrink_window else None)
        example, column, centre, context = skipgram_pairs(contexts, target, used)
        if negative_sample is None:
            negatives = self.sampler.get_negative_sample(context)
        else:
            negatives = negative_sample[example, column]
        ones = np.ones((len(centre), 1), dtype=self.params[0].dtype)
        bag = RowBag(centre[:, np.newaxis], ones, self.vocab_size)
        outputs = np.column_stack([context, negatives])
        return self.loss_layer.forward(bag, outputs, normalizer=len(target))

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` (row-sparse) in place."""
        self.loss_layer.backward(dout)
        return None

