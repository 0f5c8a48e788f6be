"""Decoder: write generate, greedy decoding."""

import numpy as np

from rindoku_lstm.layers import TimeLSTM
from rindoku_rnn.layers import TimeAffine, TimeEmbedding


class Decoder:
    """A language model started from the encoder's h: ids (N, T) to scores (N, T, V)."""

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
        affine_W = (rn((H, V)) / np.sqrt(H)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)

        self.embed = TimeEmbedding(embed_W)
        self.lstm = TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True)
        self.affine = TimeAffine(affine_W, affine_b)

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in (self.embed, self.lstm, self.affine):
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, xs: np.ndarray, h: np.ndarray) -> np.ndarray:
        """Start from h (N, H), read xs (N, T); return the scores (N, T, V)."""
        self.lstm.set_state(h)
        out = self.embed.forward(xs)
        out = self.lstm.forward(out)
        return self.affine.forward(out)

    def generate(self, h: np.ndarray, start_id: int, sample_size: int) -> list[int]:
        """Write ``sample_size`` character ids for one question, h (1, H), after start_id."""
        # BEGIN SOLUTION: start the LSTM from h; feed it start_id, then each character it chose
        sampled = []
        sample_id = start_id
        self.lstm.set_state(h)

        for _ in range(sample_size):
            x = np.array(sample_id).reshape((1, 1))
            out = self.embed.forward(x)
            out = self.lstm.forward(out)
            score = self.affine.forward(out)

            sample_id = int(np.argmax(score.flatten()))
            sampled.append(sample_id)

        return sampled
        # END SOLUTION
