"""The chapter's models: SimpleCBOW (book 2 ch. 3) and CBOW with negative sampling (ch. 4).

Both average the vectors of the context words into a hidden vector h and ask
which word is the target.  SimpleCBOW takes one-hot vectors through MatMul
layers and scores every word of the vocabulary with softmax; CBOW looks rows up
with Embedding layers and answers a few yes/no questions instead
(:class:`~rindoku_cbow.layers.NegativeSamplingLoss`).  The input layers share
one weight matrix W_in, declared by giving each layer the same array.  As
:mod:`rindoku.protocols` writes the contract, a model's ``params`` then lists
W_in once per layer that uses it, each time with that layer's gradient; the
Trainer (``unique_params``) adds them up and updates W_in once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_backprop.layers import MatMul, SoftmaxWithLoss
from rindoku_cbow.layers import Embedding, NegativeSamplingLoss

__all__ = ["CBOW", "SimpleCBOW"]


class SimpleCBOW:
    """CBOW with a window of 1, on one-hot vectors, as in book 2 chapter 3.

    contexts: one-hot (N, 2, V), the word before and the word after each
    target; target: labels (N,) or one-hot (N, V).  Two MatMul layers share
    W_in (V, H) and turn the two context words into two hidden vectors, which
    are averaged; MatMul with W_out (H, V) scores every word; SoftmaxWithLoss
    gives the loss.  The rows of W_in are the word vectors (``word_vecs``).
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

        # two input layers that share W_in, one output layer, the loss
        self.in_layer0 = MatMul(W_in)
        self.in_layer1 = MatMul(W_in)
        self.out_layer = MatMul(W_out)
        self.loss_layer = SoftmaxWithLoss()

        # W_in is listed twice, once per layer that uses it
        layers = [self.in_layer0, self.in_layer1, self.out_layer]
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

        self.word_vecs = W_in

    def predict(self, contexts: np.ndarray) -> np.ndarray:
        """Return the scores (N, V) of every word as the target of each context."""
        h0 = self.in_layer0.forward(contexts[:, 0])
        h1 = self.in_layer1.forward(contexts[:, 1])
        h = (h0 + h1) * 0.5
        return self.out_layer.forward(h)

    def forward(self, contexts: np.ndarray, target: np.ndarray) -> float:
        """Return the loss for one-hot contexts (N, 2, V) and the targets."""
        score = self.predict(contexts)
        loss = self.loss_layer.forward(score, target)
        return loss

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place, from the loss back to both input layers."""
        ds = self.loss_layer.backward(dout)
        da = self.out_layer.backward(ds)
        da *= 0.5  # h was the average of two vectors
        self.in_layer1.backward(da)
        self.in_layer0.backward(da)
        return None


class CBOW:
    """CBOW with Embedding layers and negative sampling, as in book 2 chapter 4.

    contexts: word ids (N, 2 window_size); target: word ids (N,).  The
    ``2 window_size`` Embedding layers share W_in (V, H) and look up the
    context words' rows, which are averaged into h (N, H);
    :class:`~rindoku_cbow.layers.NegativeSamplingLoss` with W_out (V, H) then
    asks "is it the target?" of the target and of ``sample_size`` words drawn
    from ``corpus`` with ``rng``.  The rows of W_in are the word vectors.
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

        # one Embedding layer per context word, all sharing W_in
        self.in_layers = [Embedding(W_in) for _ in range(2 * window_size)]
        self.ns_loss = NegativeSamplingLoss(
            W_out, corpus, power=0.75, sample_size=sample_size, rng=rng
        )

        # W_in is listed once per Embedding layer, W_out once per EmbeddingDot
        layers: list[Any] = [*self.in_layers, self.ns_loss]
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

        self.word_vecs = W_in

    def hidden(self, contexts: np.ndarray) -> np.ndarray:
        """Return h (N, H), the average of the context words' vectors."""
        h: Any = 0
        for i, layer in enumerate(self.in_layers):
            h += layer.forward(contexts[:, i])
        h *= 1 / len(self.in_layers)
        return h

    def predict(self, contexts: np.ndarray) -> np.ndarray:
        """Return the scores (N, V) of every word as the target: ``h W_out^T``."""
        W_out = self.ns_loss.params[0]
        return self.hidden(contexts) @ W_out.T

    def forward(
        self, contexts: np.ndarray, target: np.ndarray, negative_sample: np.ndarray | None = None
    ) -> float:
        """Return the loss; ``negative_sample`` (N, sample_size) fixes the negatives."""
        h = self.hidden(contexts)
        loss = self.ns_loss.forward(h, target, negative_sample)
        return loss

    def backward(self, dout: Any = 1) -> None:
        """Fill ``grads`` in place: the loss layer's, then each Embedding's."""
        dout = self.ns_loss.backward(dout)
        dout *= 1 / len(self.in_layers)
        for layer in self.in_layers:
            layer.backward(dout)
        return None
