"""The chapter's seq2seq with attention (book 2 ch08/attention_seq2seq.py).

``AttentionEncoder`` is the seq2seq chapter's Encoder, returning every hidden
state (N, T, H) instead of the last.  ``AttentionDecoder`` starts its LSTM
from the encoder's last state, as the Decoder does, and at every step puts
the context vector of :class:`~rindoku_attention.layers.TimeAttention` beside
the LSTM's output before the output layer, so its Affine W is (2H, V).
``AttentionSeq2seq`` is Seq2seq with the two.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_attention.layers import TimeAttention
from rindoku_lstm.layers import TimeLSTM
from rindoku_rnn.layers import TimeAffine, TimeEmbedding, TimeSoftmaxWithLoss
from rindoku_rnn.shapes import check_shapes
from rindoku_seq2seq.layers import Encoder, check_one_question
from rindoku_seq2seq.models import Seq2seq

__all__ = ["AttentionDecoder", "AttentionEncoder", "AttentionSeq2seq"]


class AttentionEncoder(Encoder):
    """The Encoder, handing over all its hidden states: ids (N, T) to hs (N, T, H)."""

    def forward(self, xs: np.ndarray) -> np.ndarray:
        """Read the questions; return every hidden state hs (N, T, H)."""
        xs = self.embed.forward(xs)
        hs = self.lstm.forward(xs)
        return hs

    def backward(self, dhs: np.ndarray) -> None:  # type: ignore[override]
        """Write the gradients; dhs (N, T, H) is that of every hidden state. Return None."""
        dout = self.lstm.backward(dhs)
        self.embed.backward(dout)
        return None  # the ids are not numbers to differentiate


class AttentionDecoder:
    """A Decoder that looks back at every encoder state: ids (N, T) to scores (N, T, V).

    ``forward(xs, enc_hs)`` starts the LSTM from ``enc_hs[:, -1]``; at each
    step the context vector c (attention over enc_hs) and the LSTM's output
    go side by side, (N, T, 2H), into the Affine layer.  ``backward`` returns
    ``denc_hs`` (N, T_enc, H): from the attention at every step, plus, at the
    last position, the gradient of the LSTM's first state.
    ``attention.attention_weights`` keeps the weights of the last forward.
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
        affine_W = (rn((2 * H, V)) / np.sqrt(2 * H)).astype(dtype)
        affine_b = np.zeros(V).astype(dtype)

        self.embed = TimeEmbedding(embed_W)
        self.lstm = TimeLSTM(lstm_Wx, lstm_Wh, lstm_b, stateful=True)
        self.attention = TimeAttention()
        self.affine = TimeAffine(affine_W, affine_b)
        layers: list[Any] = [self.embed, self.lstm, self.attention, self.affine]

        self.params: list[np.ndarray] = []
        self.grads: list[np.ndarray] = []
        for layer in layers:
            self.params += layer.params
            self.grads += layer.grads

    def forward(self, xs: np.ndarray, enc_hs: np.ndarray) -> np.ndarray:
        """Start from enc_hs[:, -1], read xs (N, T), attend to enc_hs; return scores (N, T, V)."""
        check_shapes("AttentionDecoder.forward", xs=(xs, ("N", "T")),
                     enc_hs=(enc_hs, ("N", "T_enc", self.lstm.params[1].shape[0])))
        h = enc_hs[:, -1]
        self.lstm.set_state(h)

        out = self.embed.forward(xs)
        dec_hs = self.lstm.forward(out)
        c = self.attention.forward(enc_hs, dec_hs)
        out = np.concatenate((c, dec_hs), axis=2)
        score = self.affine.forward(out)

        return score

    def backward(self, dscore: np.ndarray) -> np.ndarray:
        """Write the gradients; return denc_hs (N, T_enc, H)."""
        dout = self.affine.backward(dscore)
        N, T, H2 = dout.shape
        H = H2 // 2

        dc, ddec_hs0 = dout[:, :, :H], dout[:, :, H:]
        denc_hs, ddec_hs1 = self.attention.backward(dc)
        ddec_hs = ddec_hs0 + ddec_hs1
        dout = self.lstm.backward(ddec_hs)
        dh = self.lstm.dh
        denc_hs[:, -1] += dh
        self.embed.backward(dout)

        return denc_hs

    def generate(self, enc_hs: np.ndarray, start_id: int, sample_size: int) -> list[int]:
        """Write ``sample_size`` character ids for one question, enc_hs (1, T_enc, H)."""
        check_one_question("AttentionDecoder.generate", enc_hs[:, -1])
        sampled = []
        sample_id = start_id
        h = enc_hs[:, -1]
        self.lstm.set_state(h)

        for _ in range(sample_size):
            x = np.array([sample_id]).reshape((1, 1))

            out = self.embed.forward(x)
            dec_hs = self.lstm.forward(out)
            c = self.attention.forward(enc_hs, dec_hs)
            out = np.concatenate((c, dec_hs), axis=2)
            score = self.affine.forward(out)

            sample_id = int(np.argmax(score.flatten()))
            sampled.append(sample_id)

        return sampled


class AttentionSeq2seq(Seq2seq):
    """Seq2seq with an :class:`AttentionEncoder` and an :class:`AttentionDecoder`."""

    def __init__(
        self,
        vocab_size: int,
        wordvec_size: int,
        hidden_size: int,
        *,
        rng: np.random.Generator,
        dtype: type | np.dtype = np.float32,
    ) -> None:
        args = vocab_size, wordvec_size, hidden_size
        self.encoder = AttentionEncoder(*args, rng=rng, dtype=dtype)
        self.decoder = AttentionDecoder(*args, rng=rng, dtype=dtype)
        self.softmax = TimeSoftmaxWithLoss()

        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads
