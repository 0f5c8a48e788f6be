"""The chapter's model: SimpleRnnlm, the book's first RNN language model (ch05/simple_rnnlm.py).

A language model (言語モデル) gives the probability of the next word given the
words before it.  SimpleRnnlm reads word ids (N, T) through TimeEmbedding,
a stateful TimeRNN and TimeAffine, and scores every word of the vocabulary at
every step; TimeSoftmaxWithLoss compares the scores with the next words.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_rnn.layers import TimeAffine, TimeEmbedding, TimeRNN, TimeSoftmaxWithLoss

__all__ = ["SimpleRnnlm"]


class SimpleRnnlm:
    """Embedding, RNN and Affine over time: word ids (N, T) to next-word scores (N, T, V).

    V = ``vocab_size``, D = ``wordvec_size``, H = ``hidden_size``.  The
    weights are drawn from ``rng`` as the book draws them: the word vectors
    small (0.01 standard deviation), the RNN and Affine weights with Xavier's
    scale ``1 / sqrt(inputs)``, the biases zero.  The RNN is stateful: each
    ``forward`` goes on from the hidden state the last one ended with, until
    ``reset_state()``.
    """

    def __init__(
        self,
        vocab_size: int,
        wordvec_size: int,
        hidden_size: int,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        V, D, H = vocab_size, wordvec_size, hidden_size
        rn = rng.standard_normal

        # the weights
        embed_W = (rn((V, D)) / 100).astype(dtype)
        rnn_Wx = (rn((D, H)) / np.sqrt(D)).astype(dtype)
        rnn_Wh = (rn((H, H)) / np.sqrt(H)).astype(dtype)
        rnn_b = np.zeros(H).astype(dtype)
        affine_W = (rn((H, V)) / np.sqrt(H)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)

        # the layers
        self.layers: list[Any] = [
            TimeEmbedding(embed_W),
            TimeRNN(rnn_Wx, rnn_Wh, rnn_b, stateful=True),
            TimeAffine(affine_W, affine_b),
        ]
        self.loss_layer = TimeSoftmaxWithLoss()
        self.rnn_layer = self.layers[1]

        # every weight and gradient in one list
        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, xs: np.ndarray) -> np.ndarray:
        """Return the scores (N, T, V) of every word as the next one, at every step."""
        for layer in self.layers:
            xs = layer.forward(xs)
        return xs

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """Return the average loss of predicting ts (N, T) from xs (N, T)."""
        score = self.predict(xs)
        loss = self.loss_layer.forward(score, ts)
        return loss

    def backward(self, dout: Any = 1) -> None:
        """Fill ``grads`` in place, from the loss back through every layer."""
        dout = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return None

    def reset_state(self) -> None:
        """Forget the RNN's hidden state: the next batch starts from zeros."""
        self.rnn_layer.reset_state()
