"""The chapter's language models: Rnnlm (book 2 ch06/rnnlm.py) and BetterRnnlm (better_rnnlm.py).

Both read word ids (N, T) and score every word of the vocabulary as the next
one at every step, as the RNN chapter's SimpleRnnlm does, with TimeLSTM in
place of TimeRNN.  BetterRnnlm adds the three improvements of the book's
section 6.5: two LSTM layers, dropout between the layers, and weight tying,
the embedding matrix used again, transposed, as the output layer's weights.

The tied matrix is declared as every shared weight is (:mod:`rindoku.protocols`):
TimeEmbedding and TimeTiedAffine hold the *same array*, so ``params`` lists
it twice, each time with that layer's gradient, and the Trainer
(``unique_params``) adds the two up and updates the matrix once.  The book
passes ``embed_W.T`` to a TimeAffine instead and has its ``remove_duplicate``
find the pair by comparing values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_lstm.layers import TimeDropout, TimeLSTM, TimeTiedAffine
from rindoku_rnn.layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss

__all__ = ["BetterRnnlm", "Rnnlm"]


class Rnnlm:
    """Embedding, LSTM and Affine over time: word ids (N, T) to next-word scores (N, T, V).

    V = ``vocab_size``, D = ``wordvec_size``, H = ``hidden_size``.  The
    weights are drawn from ``rng`` as the book draws them: the word vectors
    with standard deviation 0.01, the LSTM and Affine weights with Xavier's
    scale ``1 / sqrt(inputs)``, the biases zero.  The LSTM is stateful:
    each ``forward`` goes on from the state the last one ended with, until
    ``reset_state()``.
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

        # the weights
        embed_W = (rn((V, D)) / 100).astype(dtype)
        lstm_Wx = (rn((D, 4 * H)) / np.sqrt(D)).astype(dtype)
        lstm_Wh = (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype)
        lstm_b = np.zeros(4 * H).astype(dtype)
        affine_W = (rn((H, V)) / np.sqrt(H)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)

        # the layers
        self.layers: list[Any] = [
            TimeEmbedding(embed_W),
            TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True),
            TimeAffine(affine_W, affine_b),
        ]
        self.loss_layer = TimeSoftmaxWithLoss()
        self.lstm_layer = self.layers[1]

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

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place, from the loss back through every layer."""
        grad: Any = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return None

    def reset_state(self) -> None:
        """Forget the LSTM's state: the next batch starts from zeros."""
        self.lstm_layer.reset_state()


class BetterRnnlm:
    """Rnnlm with two LSTM layers, dropout and weight tying (book 2 section 6.5).

    Embedding → Dropout → LSTM → Dropout → LSTM → Dropout → tied Affine.
    Weight tying needs ``wordvec_size == hidden_size``: the output layer
    scores the words with the embedding matrix (V, D) itself, through
    :class:`~rindoku_lstm.layers.TimeTiedAffine`.  The dropout layers draw
    their masks from ``rng``, the generator the weights come from.
    ``forward(xs, ts, train_flg=True)`` drops units while training;
    ``predict(xs)`` and ``forward(..., train_flg=False)`` use every unit.
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
                f"BetterRnnlm ties the embedding (V, {wordvec_size}) to the output layer, "
                f"whose input has {hidden_size} units: use wordvec_size == hidden_size"
            )
        V, D, H = vocab_size, wordvec_size, hidden_size
        rn = rng.standard_normal

        # the weights: no affine_W, the output layer uses embed_W
        embed_W = (rn((V, D)) / 100).astype(dtype)
        lstm_Wx1 = (rn((D, 4 * H)) / np.sqrt(D)).astype(dtype)
        lstm_Wh1 = (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype)
        lstm_b1 = np.zeros(4 * H).astype(dtype)
        lstm_Wx2 = (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype)
        lstm_Wh2 = (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype)
        lstm_b2 = np.zeros(4 * H).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)

        # the layers: embed_W twice, the same array
        self.layers: list[Any] = [
            TimeEmbedding(embed_W),
            TimeDropout(dropout_ratio, rng=rng),
            TimeLSTM(lstm_Wx1, lstm_Wh1, lstm_b1, stateful=True),
            TimeDropout(dropout_ratio, rng=rng),
            TimeLSTM(lstm_Wx2, lstm_Wh2, lstm_b2, stateful=True),
            TimeDropout(dropout_ratio, rng=rng),
            TimeTiedAffine(embed_W, affine_b),
        ]
        self.loss_layer = TimeSoftmaxWithLoss()
        self.lstm_layers = [self.layers[2], self.layers[4]]
        self.drop_layers = [self.layers[1], self.layers[3], self.layers[5]]

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in self.layers:
            self.params += layer.params
            self.grads += layer.grads

    def predict(self, xs: np.ndarray, train_flg: bool = False) -> np.ndarray:
        """Return the scores (N, T, V); ``train_flg`` switches dropout on."""
        for layer in self.drop_layers:
            layer.train_flg = train_flg

        for layer in self.layers:
            xs = layer.forward(xs)
        return xs

    def forward(self, xs: np.ndarray, ts: np.ndarray, train_flg: bool = True) -> float:
        """Return the average loss of predicting ts (N, T) from xs (N, T)."""
        score = self.predict(xs, train_flg)
        loss = self.loss_layer.forward(score, ts)
        return loss

    def backward(self, dout: float = 1) -> None:
        """Fill ``grads`` in place (the tied matrix's two parts separately)."""
        grad: Any = self.loss_layer.backward(dout)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return None

    def reset_state(self) -> None:
        """Forget both LSTM layers' states."""
        for layer in self.lstm_layers:
            layer.reset_state()
