"""The encoder and the decoders of seq2seq: Encoder, Decoder and PeekyDecoder.

They follow book 2 chapter 7 (``ch07/seq2seq.py`` and ``peeky_seq2seq.py``).
The encoder reads the question with an Embedding and an LSTM and hands the
decoder one vector, its last hidden state h.  The decoder is a language model
that starts from h: in training it reads the right answer shifted by one
(teacher forcing) and scores every character at every step; at test time
``generate`` feeds it its own choices, one character at a time (greedy
decoding).  The Peeky decoder gives h to every step of its LSTM and to its
output layer as well, not only as the LSTM's first state.

The Time layers come from the RNN and LSTM chapters.  The weights are drawn
from the ``rng`` passed in, where the book uses NumPy's global generator, in
the book's order and scale, in ``dtype`` (float32, the book's ``'f'``; the
gradient check uses float64).  What ``forward`` keeps for ``backward`` starts
as None, as in the book, and is typed ``Any``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_lstm.layers import TimeLSTM
from rindoku_rnn.layers import TimeAffine, TimeEmbedding
from rindoku_rnn.shapes import check_shapes

__all__ = ["Decoder", "Encoder", "PeekyDecoder", "check_one_question"]


def check_one_question(where: str, h: np.ndarray) -> None:
    """Raise ValueError unless ``h`` is (1, H): ``generate`` answers one question at a time."""
    if np.ndim(h) != 2 or np.shape(h)[0] != 1:
        raise ValueError(f"{where}: h has shape {np.shape(h)}; expected (1, H): the book's "
                         "generate answers one question at a time, so pass one row, "
                         "x[[i]], not a batch")


class Encoder:
    """Embedding and LSTM over the question: ids (N, T) to the last hidden state h (N, H).

    V = ``vocab_size``, D = ``wordvec_size``, H = ``hidden_size``.  The LSTM
    is not stateful: every question starts from zeros.  ``backward(dh)``
    sends dh back through the LSTM's last step only, the one h came from.
    """

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

        self.embed = TimeEmbedding(embed_W)
        self.lstm = TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=False)

        self.params = self.embed.params + self.lstm.params
        self.grads = self.embed.grads + self.lstm.grads
        self.hs: Any = None

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Read the questions; return the last hidden state h (N, H)."""
        xs = self.embed.forward(xs)
        hs = self.lstm.forward(xs)
        self.hs = hs
        return hs[:, -1, :]

    def backward(self, dh: np.ndarray) -> None:
        """Write the gradients; dh (N, H) is that of the last hidden state. Return None."""
        check_shapes("Encoder.backward", dh=(dh, self.hs[:, -1, :].shape))
        dhs = np.zeros_like(self.hs)
        dhs[:, -1, :] = dh

        dout = self.lstm.backward(dhs)
        self.embed.backward(dout)
        return None  # the ids are not numbers to differentiate


class Decoder:
    """A language model started from the encoder's h: ids (N, T) to scores (N, T, V).

    ``forward(xs, h)`` sets the LSTM's state to h and reads xs, the answer
    without its last character; ``backward(dscore)`` returns dh (N, H), the
    gradient that goes back into the encoder.  ``generate(h, start_id,
    sample_size)`` writes ``sample_size`` characters for one question (h of
    shape (1, H)), each the highest-scoring one, fed back as the next input.
    """

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
        check_shapes("Decoder.forward", xs=(xs, ("N", "T")),
                     h=(h, ("N", self.lstm.params[1].shape[0])))
        self.lstm.set_state(h)

        out = self.embed.forward(xs)
        out = self.lstm.forward(out)
        score = self.affine.forward(out)
        return score

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        """Write the gradients; return dh (N, H), the gradient of the state it started from."""
        dout = self.affine.backward(dscore)
        dout = self.lstm.backward(dout)
        self.embed.backward(dout)
        dh = self.lstm.dh
        return dh

    def generate(self, h: np.ndarray, start_id: int, sample_size: int) -> list[int]:
        """Write ``sample_size`` character ids for one question, h (1, H), after start_id."""
        check_one_question("Decoder.generate", h)
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


class PeekyDecoder:
    """A Decoder that gives the encoder's h to every step: ids (N, T) to scores (N, T, V).

    At every step the LSTM reads h beside the character's vector, so its
    input is (N, T, H + D) and Wx is (H + D, 4H); the output layer reads h
    beside the LSTM's output, so its W is (H + H, V).  h is put in front by
    concatenation; going back, the concatenations are cut apart again and
    dh is the sum of what reached h by all three ways: the LSTM's first
    state, its T inputs and the T inputs of the output layer.
    """

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
        check_shapes("PeekyDecoder.forward", xs=(xs, ("N", "T")),
                     h=(h, ("N", self.lstm.params[1].shape[0])))
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

        dout = self.affine.backward(dscore)
        dout, dhs0 = dout[:, :, H:], dout[:, :, :H]
        dout = self.lstm.backward(dout)
        dembed, dhs1 = dout[:, :, H:], dout[:, :, :H]
        self.embed.backward(dembed)

        dhs = dhs0 + dhs1
        dh = self.lstm.dh + np.sum(dhs, axis=1)
        return dh

    def generate(self, h: np.ndarray, start_id: int, sample_size: int) -> list[int]:
        """Write ``sample_size`` character ids for one question, h (1, H), h shown at every step."""
        check_one_question("PeekyDecoder.generate", h)
        sampled = []
        char_id = start_id
        self.lstm.set_state(h)

        H = h.shape[1]
        peeky_h = h.reshape(1, 1, H)
        for _ in range(sample_size):
            x = np.array([char_id]).reshape((1, 1))
            out = self.embed.forward(x)

            out = np.concatenate((peeky_h, out), axis=2)
            out = self.lstm.forward(out)
            out = np.concatenate((peeky_h, out), axis=2)
            score = self.affine.forward(out)

            char_id = int(np.argmax(score.flatten()))
            sampled.append(char_id)

        return sampled
