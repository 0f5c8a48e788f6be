"""The layers of the CBOW chapter: Embedding, EmbeddingDot and NegativeSamplingLoss.

They follow book 2 chapter 4.  ``Embedding`` replaces the product of a one-hot
matrix with a weight matrix by what it amounts to, picking rows.
``EmbeddingDot`` scores a hidden vector against one output word, and
``NegativeSamplingLoss`` turns the choice among all words into a few yes/no
questions answered by the sigmoid.  MatMul, SoftmaxWithLoss and SigmoidWithLoss
come from the backprop chapter.  What ``forward`` keeps for ``backward`` starts
as None, as in the book, and is typed ``Any``, as in the backprop chapter.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku.inputs import check_ids
from rindoku_backprop.layers import SigmoidWithLoss
from rindoku_cbow.sampling import UnigramSampler

__all__ = ["Embedding", "EmbeddingDot", "NegativeSamplingLoss"]

VOCABULARY_HINT = "each word id picks one row of W, one row per word of the vocabulary"


class Embedding:
    """Row lookup: ``out = W[idx]``, the product of one-hot vectors with W, done fast.

    W: (V, D); idx: word ids in 0 … V-1, of any shape S; out: S + (D,).  Going back, row
    ``idx[i]`` of dW receives ``dout[i]``; a word that appears twice in the
    batch receives the sum of both, which ``np.add.at`` does (``dW[idx] +=
    dout`` would keep only one of them).
    """

    def __init__(self, W: np.ndarray) -> None:
        self.params = [W]
        self.grads = [np.zeros_like(W)]
        self.idx: Any = None

    def forward(self, idx: np.ndarray) -> np.ndarray:
        """Return the rows ``W[idx]`` and remember the ids."""
        (W,) = self.params
        check_ids(idx, len(W), "Embedding", "word id", of="rows of W", hint=VOCABULARY_HINT)
        self.idx = idx
        out = W[idx]
        return out

    def backward(self, dout: np.ndarray) -> None:
        """Write dW (V, D) into ``grads``: zero except the rows looked up. Return None."""
        (dW,) = self.grads
        dW[...] = 0
        np.add.at(dW, self.idx, dout)
        return None  # the ids are not numbers to differentiate


class EmbeddingDot:
    """The score of one output word: the dot product of h with that word's row of W.

    W: (V, D) the output weights; h: (N, D); idx: (N,) one word id per row;
    out: (N,), ``out[i] = h[i] · W[idx[i]]``.
    """

    def __init__(self, W: np.ndarray) -> None:
        self.embed = Embedding(W)
        self.params = self.embed.params
        self.grads = self.embed.grads
        self.cache: Any = None

    def forward(self, h: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """Return the scores (N,) and remember h and the rows used."""
        check_ids(idx, len(self.params[0]), "EmbeddingDot", "word id", of="rows of W",
                  hint=VOCABULARY_HINT)
        target_W = self.embed.forward(idx)
        out = np.sum(target_W * h, axis=1)
        self.cache = (h, target_W)
        return out

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Write dW into ``grads`` (through the Embedding); return dh (N, D)."""
        h, target_W = self.cache
        dout = dout.reshape(dout.shape[0], 1)

        dtarget_W = dout * h
        self.embed.backward(dtarget_W)
        dh = dout * target_W
        return dh


class NegativeSamplingLoss:
    """The loss of negative sampling: one positive and ``sample_size`` negative words.

    W: (V, D) the output weights; h: (N, D) the hidden vectors; target: (N,)
    the correct words.  For each row the score of the target should be high
    (label 1) and the scores of ``sample_size`` words drawn by the book's
    :class:`~rindoku_cbow.sampling.UnigramSampler` low (label 0); the loss is
    the sum of the ``sample_size + 1`` sigmoid cross-entropy errors, each
    averaged over the batch.  The ``sample_size + 1`` EmbeddingDot layers share
    W, so ``params`` lists W once per layer, each with that layer's gradient
    (shared weights, as :mod:`rindoku.protocols` defines them).
    """

    def __init__(
        self,
        W: np.ndarray,
        corpus: np.ndarray,
        power: float = 0.75,
        sample_size: int = 5,
        *,
        rng: np.random.Generator,
    ) -> None:
        check_ids(corpus, len(W), "NegativeSamplingLoss", "corpus word id", of="rows of W",
                  hint=VOCABULARY_HINT)
        self.sample_size = sample_size
        self.sampler = UnigramSampler(corpus, power, sample_size, rng=rng)
        self.loss_layers = [SigmoidWithLoss() for _ in range(sample_size + 1)]
        self.embed_dot_layers = [EmbeddingDot(W) for _ in range(sample_size + 1)]
        self.negative_sample: Any = None  # the negatives of the last forward pass

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in self.embed_dot_layers:
            self.params += layer.params
            self.grads += layer.grads

    def forward(
        self, h: np.ndarray, target: np.ndarray, negative_sample: np.ndarray | None = None
    ) -> float:
        """Return the loss; draw the negatives unless ``negative_sample`` (N, k) is given.

        Passing the negatives makes the loss a fixed function of h and W: the
        gradient check needs that, and so does comparing two implementations
        on the same mini-batch.
        """
        check_ids(target, len(self.params[0]), "NegativeSamplingLoss", "target word id",
                  of="rows of W", hint=VOCABULARY_HINT)
        batch_size = target.shape[0]
        if negative_sample is None:
            negative_sample = self.sampler.get_negative_sample(target)
        self.negative_sample = negative_sample

        # the positive example: the target, label 1
        score = self.embed_dot_layers[0].forward(h, target)
        correct_label = np.ones(batch_size, dtype=np.int32)
        loss = self.loss_layers[0].forward(score, correct_label)

        # the negative examples: label 0
        negative_label = np.zeros(batch_size, dtype=np.int32)
        for i in range(self.sample_size):
            negative_target = negative_sample[:, i]
            score = self.embed_dot_layers[1 + i].forward(h, negative_target)
            loss += self.loss_layers[1 + i].forward(score, negative_label)

        return loss

    def backward(self, dout: float = 1) -> np.ndarray:
        """Write each EmbeddingDot's dW into ``grads``; return dh (N, D), the sum over them."""
        dh: Any = 0
        for l0, l1 in zip(self.loss_layers, self.embed_dot_layers, strict=True):
            dscore = l0.backward(dout)
            dh += l1.backward(dscore)
        return dh
