"""The chapter's models: Seq2seq (book 2 ch07/seq2seq.py) and PeekySeq2seq (peeky_seq2seq.py).

A seq2seq model (sequence to sequence) is an encoder and a decoder, each an
LSTM over characters, and a loss.  ``forward(xs, ts)`` reads the questions
xs with the encoder, gives the decoder the answers ts without their last
character, and scores its guesses of ts without their first, ``_``: at
every step the decoder is told the right character so far (teacher forcing,
教師強制) and asked for the next.  ``generate`` answers a question with the
decoder's own guesses instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku_rnn.layers import TimeSoftmaxWithLoss
from rindoku_rnn.shapes import check_shapes
from rindoku_seq2seq.layers import Decoder, Encoder, PeekyDecoder

__all__ = ["PeekySeq2seq", "Seq2seq", "check_questions_answers"]


def check_questions_answers(where: str, xs: np.ndarray, ts: np.ndarray) -> None:
    """Raise ValueError unless xs is (N, T) and ts (N, T') with T' ≥ 2 (``_`` and a character)."""
    check_shapes(where, fix="xs holds one question per row and ts the answers, '_' first",
                 xs=(xs, ("N", "T")), ts=(ts, ("N", "T'")))
    if ts.shape[1] < 2:
        raise ValueError(f"{where}: ts has shape {ts.shape}; each answer needs '_' and at "
                         "least one character, so ts needs at least 2 columns")


class Seq2seq:
    """Encoder, Decoder and the loss: questions (N, T) and answers (N, T') to the loss.

    ts holds each answer with its ``_`` first: the decoder reads
    ``ts[:, :-1]`` and is scored on ``ts[:, 1:]``.  ``generate(xs, start_id,
    sample_size)`` answers one question (xs of shape (1, T)).
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
        self.encoder = Encoder(V, D, H, rng=rng, dtype=dtype)
        self.decoder: Any = Decoder(V, D, H, rng=rng, dtype=dtype)
        self.softmax = TimeSoftmaxWithLoss()

        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads

    def forward(self, xs: np.ndarray, ts: np.ndarray) -> float:
        """Return the average loss of the decoder's guesses of ts[:, 1:]."""
        check_questions_answers(f"{type(self).__name__}.forward", xs, ts)
        decoder_xs, decoder_ts = ts[:, :-1], ts[:, 1:]

        h = self.encoder.forward(xs)
        score = self.decoder.forward(decoder_xs, h)
        loss = self.softmax.forward(score, decoder_ts)
        return loss

    def backward(self, dout: Any = 1) -> None:
        """Fill ``grads`` in place: through the loss, the decoder, then the encoder."""
        dout = self.softmax.backward(dout)
        dh = self.decoder.backward(dout)
        self.encoder.backward(dh)
        return None

    def generate(self, xs: np.ndarray, start_id: int, sample_size: int) -> list[int]:
        """Answer one question xs (1, T): ``sample_size`` character ids after start_id."""
        h = self.encoder.forward(xs)
        sampled = self.decoder.generate(h, start_id, sample_size)
        return sampled


class PeekySeq2seq(Seq2seq):
    """Seq2seq with a :class:`~rindoku_seq2seq.layers.PeekyDecoder`: h reaches every step."""

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
        self.encoder = Encoder(V, D, H, rng=rng, dtype=dtype)
        self.decoder = PeekyDecoder(V, D, H, rng=rng, dtype=dtype)
        self.softmax = TimeSoftmaxWithLoss()

        self.params = self.encoder.params + self.decoder.params
        self.grads = self.encoder.grads + self.decoder.grads
