"""New words for a trained model: grow the vocabulary and go on training.

A count-based model has to count and factorise everything again when a word
is added.  An inference-based model can start from where it is: the new words
get rows of their own in W_in and W_out, and training continues on text that
contains them.  :func:`extend_vocabulary` does the growing for the fast models
(:class:`~rindoku_skipgram.fast.FastSkipGram` and
:class:`~rindoku_cbow.fast.FastCBOW`, which share
:class:`~rindoku_cbow.fast.FusedNegativeSampling`); :class:`FrozenRows` then
trains the new words' rows alone, against the old words' vectors, which stay
as they were; :func:`hold_out` makes the text for trying it all, a corpus in
which some words were never seen.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from rindoku_cbow.fast import AliasUnigramSampler
from rindoku_text.sparse import RowSparseGrad, SparseAdam

__all__ = ["FrozenRows", "extend_vocabulary", "hold_out"]

POWER = 0.75
"""The power of the counts the fast models' samplers draw negatives with."""


def hold_out(words: Sequence[str], held_out: Iterable[str], unknown: str = "<unk>") -> list[str]:
    """The text ``words`` with every word of ``held_out`` replaced by ``unknown``.

    A model trained on the result has never seen the held-out words: they are
    new words for it later.
    """
    held_out = set(held_out)
    return [unknown if word in held_out else word for word in words]


def extend_vocabulary(
    model: Any,
    word_to_id: dict[str, int],
    new_words: Sequence[str],
    corpus: np.ndarray,
    rng: np.random.Generator,
    *,
    optimizer: SparseAdam | None = None,
    scale: float = 0.01,
) -> tuple[dict[str, int], dict[int, str]]:
    """Give a trained fast model ``len(new_words)`` new words; return the new vocabulary.

    model: a :class:`~rindoku_skipgram.fast.FastSkipGram` or
    :class:`~rindoku_cbow.fast.FastCBOW`, changed in place; word_to_id: its
    vocabulary.  The new words get the ids after the old ones, in order.

    * W_in and W_out grow by one row per new word, drawn as the model's first
      rows were (``scale`` times a standard normal, from ``rng``); every old
      row is kept exactly.  The model's ``params``, ``grads`` and
      ``word_vecs`` name the grown arrays.
    * The negative sampler is rebuilt from ``corpus``, word ids in the new
      vocabulary (the old text and the new, say), so that the new words can
      be drawn as negatives in proportion to their counts.
    * ``optimizer`` (the :class:`~rindoku_text.sparse.SparseAdam` that trained
      the model) keeps its state for the old rows; the new rows start it
      afresh, with zero moving averages and a step count of 0.
    """
    known = [w for w in new_words if w in word_to_id]
    if known:
        raise ValueError(f"{', '.join(map(repr, known))}: already in the vocabulary; "
                         "only words the model does not have can be added")
    repeated = sorted({w for w in new_words if list(new_words).count(w) > 1})
    if repeated:
        raise ValueError(f"{', '.join(map(repr, repeated))}: given twice; give each new word once")
    V, n = model.vocab_size, len(new_words)
    if len(word_to_id) != V:
        raise ValueError(f"the vocabulary has {len(word_to_id)} words but the model {V} rows")
    corpus = np.asarray(corpus)
    if corpus.size and corpus.max() >= V + n:
        raise ValueError(f"corpus holds word id {corpus.max()}, but the vocabulary will have "
                         f"{V + n} words")

    params, grads = model.params, model.grads  # the fused layer's lists, shared with the model
    for i, W in enumerate(params):
        rows = (scale * rng.standard_normal((n, *W.shape[1:]))).astype(W.dtype)
        params[i] = np.concatenate([W, rows])
        grads[i] = RowSparseGrad(params[i].shape, W.dtype)
    model.word_vecs = params[0]
    model.vocab_size = V + n

    sampler = model.sampler
    model.sampler = AliasUnigramSampler(corpus, POWER, sampler.sample_size, rng=sampler.rng)

    if optimizer is not None:
        optimizer.add_rows(n)

    new_word_to_id = dict(word_to_id)
    for word in new_words:
        new_word_to_id[word] = len(new_word_to_id)
    return new_word_to_id, {i: w for w, i in new_word_to_id.items()}


class FrozenRows:
    """A fast model whose first ``frozen`` words keep their rows: training moves only the others.

    params and the model's forward are the model's; after its backward,
    ``grads`` holds its row-sparse gradients without the rows below
    ``frozen``, so :class:`~rindoku_text.sparse.SparseAdam` never touches them.
    After :func:`extend_vocabulary`, ``FrozenRows(model, old_size)`` trains
    the new words against the old words' vectors, which stay as they were.
    """

    def __init__(self, model: Any, frozen: int) -> None:
        self.model = model
        self.frozen = frozen
        self.params = model.params
        self.grads = [RowSparseGrad(param.shape, param.dtype) for param in model.params]

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        """The model's loss."""
        return self.model.forward(contexts, target)

    def backward(self, dout: float = 1) -> None:
        """The model's backward; then its gradients without the frozen rows into ``grads``."""
        self.model.backward(dout)
        for grad, full in zip(self.grads, self.model.grads, strict=True):
            keep = full.rows >= self.frozen
            grad.set(full.rows[keep], full.values[keep])
        return None
