"""PeekyDecoder: write its backward pass, through the two concatenations."""

from typing import Any

import numpy as np

from rindoku_lstm.layers import TimeLSTM
from rindoku_rnn.layers import TimeAffine, TimeEmbedding


class PeekyDecoder:
    """A Decoder that gives the encoder's h to every step: ids (N, T) to scores (N, T, V)."""

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
        lstm_Wx = (rn((H + D, 4 * H)) / np.sqrt(H + D)).astype(dtype)
        lstm_Wh = (rn((H, 4 * H)) / np.sqrt(H)).astype(dtype)
        lstm_b = np.zeros(4 * H).astype(dtype)
        affine_W = (rn((H + H, V)) / np.sqrt(H + H)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)

        self.embed = TimeEmbedding(embed_W)
        self.lstm = TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True)
        self.affine = TimeAffine(affine_W, affine_b)

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in (self.embed, self.lstm, self.affine):
            self.params += layer.params
            self.grads += layer.grads
        self.cache: Any = None

    def forward(self, xs: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Start from h (N, H), show it at every step, read xs (N, T); return scores (N, T, V)."""
        N, T = xs.shape
        N, H = h.shape

        self.lstm.set_state(h)

        out = self.embed.forward(xs)
        hs = np.repeat(h, T, axis=0).reshape(N, T, H)
        out = np.concatenate((hs, out), axis=2)

        out = self.lstm.forward(out)
        out = np.concatenate((hs, out), axis=2)

        score = self.affine.forward(out)
        self.cache = H
        return score

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        """Write the gradients; return dh (N, H), summed over the three ways h went."""
        H = self.cache
        # BEGIN SOLUTION: cut each concatenation's gradient apart, then add up everything h received
        dout = self.affine.backward(dscore)
        dout, dhs0 = dout[:, :, H:], dout[:, :, :H]
        dout = self.lstm.backward(dout)
        dembed, dhs1 = dout[:, :, H:], dout[:, :, :H]
        self.embed.backward(dembed)

        dhs = dhs0 + dhs1
        dh = self.lstm.dh + np.sum(dhs, axis=1)
        return dh
        # END SOLUTION
