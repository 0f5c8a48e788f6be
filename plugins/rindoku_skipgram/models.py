"""The chapter's models: SimpleSkipGram (book 2 ch. 3) and SkipGram with negative sampling (ch. 4).

Both turn CBOW round.  The hidden vector h is the target word's row of W_in,
and from it the model guesses each context word in turn, with one loss per
context position; the model's loss is their sum.  SimpleSkipGram takes one-hot
vectors through MatMul layers and scores every word with softmax; SkipGram looks
the target up with an Embedding layer and asks a few yes/no questions per
context word (:class:`~rindoku_cbow.layers.NegativeSamplingLoss`).  Every layer
comes from an earlier chapter: MatMul and SoftmaxWithLoss from backprop,
Embedding and NegativeSamplingLoss from CBOW.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_backprop.layers import MatMul, SoftmaxWithLoss
from rindoku_cbow.layers import Embedding, NegativeSamplingLoss

__all__ = ["SimpleSkipGram", "SkipGram"]


class SimpleSkipGram:
    """Skip-gram with a window of 1, on one-hot vectors, as in book 2 chapter 3.

    contexts: the word before and the word after each target, as labels (N, 2)
    or one-hot (N, 2, V); target: one-hot (N, V).  MatMul with W_in (V, H)
    turns the target into h, MatMul with W_out (H, V) scores every word, and
    one SoftmaxWithLoss per context position compares the scores with that
    position's word:

        L = L1 + L2 = -log P(w_{t-1} | w_t) - log P(w_{t+1} | w_t),

    each averaged over the batch.  The rows of W_in are the word vectors
    (``word_vecs``).
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, H = vocab_size, hidden_size

        # small random weights
        W_in = (0.01 * rng.standard_normal((V, H))).astype(dtype)
        W_out = (0.01 * rng.standard_normal((H, V))).astype(dtype)

        # one input layer, one output layer, one loss per context position
        self.in_layer = MatMul(W_in)
        self.out_layer = MatMul(W_out)
        self.loss_layer1 = SoftmaxWithLoss()
        self.loss_layer2 = SoftmaxWithLoss()

        layers = [self.in_layer, self.out_layer]
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

        self.word_vecs = W_in

    def predict(self, target: np.ndarray) -> np.ndarray:
        """Return the scores (N, V) of every word as a context word of each target."""
        h = self.in_layer.forward(target)
        return self.out_layer.forward(h)

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        """Return the loss: the two context positions' losses, added."""
        s = self.predict(target)
        l1 = self.loss_layer1.forward(s, contexts[:, 0])
        l2 = self.loss_layer2.forward(s, contexts[:, 1])
        loss = l1 + l2
        return loss

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place: both losses reach s, whose gradients add up."""
        dl1 = self.loss_layer1.backward(dout)
        dl2 = self.loss_layer2.backward(dout)
        ds = dl1 + dl2
        dh = self.out_layer.backward(ds)
        self.in_layer.backward(dh)
        return None


class SkipGram:
    """Skip-gram with an Embedding layer and negative sampling, as in book 2 chapter 4.

    contexts: word ids (N, 2 window_size); target: word ids (N,).  The
    Embedding layer looks up the target's row of W_in (V, H) as h (N, H); one
    :class:`~rindoku_cbow.layers.NegativeSamplingLoss` per context position,
    all sharing W_out (V, H), asks "is it this context word?" of the word
    there and of ``sample_size`` words drawn from ``corpus`` with ``rng``.  The
    loss is the sum of the ``2 window_size`` losses.  The rows of W_in are the
    word vectors.
    """

    def __init__(
        self,
        vocab_size: int,
        hidden_size: int,
        window_size: int,
        corpus: np.ndarray,
        rng: np.random.Generator,
        sample_size: int = 5,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, H = vocab_size, hidden_size

        # small random weights
        W_in = (0.01 * rng.standard_normal((V, H))).astype(dtype)
        W_out = (0.01 * rng.standard_normal((V, H))).astype(dtype)

        # one Embedding for the target; one loss layer per context position, all sharing W_out
        self.in_layer = Embedding(W_in)
        self.loss_layers = [
            NegativeSamplingLoss(W_out, corpus, power=0.75, sample_size=sample_size, rng=rng)
            for _ in range(2 * window_size)
        ]

        layers: list[Any] = [self.in_layer, *self.loss_layers]
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

        self.word_vecs = W_in

    def forward(
        self, contexts: np.ndarray, target: np.ndarray, negative_sample: np.ndarray | None = None
    ) -> float:
        """Return the loss; ``negative_sample`` (N, 2 window_size, sample_size) fixes the negatives.

        Column i of ``negative_sample`` goes to the loss layer of context position i.
        """
        h = self.in_layer.forward(target)
        loss: float = 0
        for i, layer in enumerate(self.loss_layers):
            negatives = None if negative_sample is None else negative_sample[:, i]
            loss += layer.forward(h, contexts[:, i], negatives)
        return loss

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place: each loss layer's dW_out, then dW_in from the summed dh."""
        dh: Any = 0
        for layer in self.loss_layers:
            dh += layer.backward(dout)
        self.in_layer.backward(dh)
        return None
