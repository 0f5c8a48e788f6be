"""Gradient-check cases for the encoder, both decoders and both models.

Each case builds the registered class in float64 from a generator, with a
vocabulary of 6 characters, vectors of 3, a hidden state of 4, and ids that
repeat, within a sequence and across the batch.  The word vectors are drawn
at the book's 0.01 scale, too small for their gradient to stand above the
rounding of a numerical gradient, so the cases scale them up.

``Decoder.backward`` returns dh, the gradient of its second input h, where
the gradient check expects the first input's: the decoders' cases check
their weights, and the models' cases check dh through the encoder's
weights, which receive nothing else.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_seq2seq.layers import Decoder, Encoder, PeekyDecoder
from rindoku_seq2seq.models import PeekySeq2seq, Seq2seq

__all__ = ["ANSWERS", "GRADIENT_CASES", "QUESTIONS", "scale_up"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs

V, D, H = 6, 3, 4

QUESTIONS = np.array([[1, 2, 0, 3, 3], [4, 1, 1, 0, 5], [2, 2, 3, 0, 1]])
"""Three questions of five ids: 3 and 1 twice in a row, 2 in every question."""

ANSWERS = np.array([[0, 5, 4, 4], [0, 1, 3, 2], [0, 4, 5, 1]])
"""Their answers, each starting with id 0 (the '_' that starts every answer)."""


def scale_up(*parts: Any) -> None:
    """Scale an encoder's or decoder's weights up: vectors ×50, LSTM ×2, output W ×5.

    Each part's ``params`` start with the embedding, then the LSTM's Wx, Wh,
    b, then (a decoder) the output layer's W and b.
    """
    for part in parts:
        part.params[0][...] *= 50.0  # vectors of about 0.5 instead of 0.01
        for W in part.params[1:4]:
            W *= 2.0
        if len(part.params) > 4:
            part.params[4][...] *= 5.0


def _encoder(rng: np.random.Generator) -> Built:
    encoder = Encoder(V, D, H, rng=rng, dtype=np.float64)
    scale_up(encoder)
    return encoder, [QUESTIONS]


def _decoder(rng: np.random.Generator) -> Built:
    decoder = Decoder(V, D, H, rng=rng, dtype=np.float64)
    scale_up(decoder)
    return decoder, [ANSWERS[:, :-1], 0.5 * rng.standard_normal((3, H))]


def _peeky_decoder(rng: np.random.Generator) -> Built:
    decoder = PeekyDecoder(V, D, H, rng=rng, dtype=np.float64)
    scale_up(decoder)
    return decoder, [ANSWERS[:, :-1], 0.5 * rng.standard_normal((3, H))]


def _seq2seq(rng: np.random.Generator) -> Built:
    model = Seq2seq(V, D, H, rng=rng, dtype=np.float64)
    scale_up(model.encoder, model.decoder)
    return model, [QUESTIONS, ANSWERS]


def _peeky_seq2seq(rng: np.random.Generator) -> Built:
    model = PeekySeq2seq(V, D, H, rng=rng, dtype=np.float64)
    scale_up(model.encoder, model.decoder)
    return model, [QUESTIONS, ANSWERS]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("Encoder", "Encoder", _encoder, wrt=()),
    GradientCase("Decoder", "Decoder", _decoder, wrt=()),
    GradientCase("PeekyDecoder", "PeekyDecoder", _peeky_decoder, wrt=()),
    GradientCase("Seq2seq", "Seq2seq", _seq2seq, wrt=()),
    GradientCase("PeekySeq2seq", "PeekySeq2seq", _peeky_seq2seq, wrt=()),
]
"""One case for every layer and model."""
