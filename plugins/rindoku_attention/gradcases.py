"""Gradient-check cases for every attention layer and for AttentionSeq2seq.

The attention layers have no weights: their cases check the gradients of
both inputs.  The weights a given to WeightSum are a softmax's, positive and
summing to 1, although its gradient holds for any.  AttentionDecoder's
``backward`` returns the gradient of its second input, the encoder's states,
so its case checks its weights, and the model's case checks that gradient
through the encoder's weights.  The weights are scaled up as in the seq2seq
chapter's cases (:func:`~rindoku_seq2seq.gradcases.scale_up`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_attention.layers import Attention, AttentionWeight, TimeAttention, WeightSum
from rindoku_attention.models import AttentionDecoder, AttentionEncoder, AttentionSeq2seq
from rindoku_backprop.functions import softmax
from rindoku_seq2seq.gradcases import ANSWERS, QUESTIONS, scale_up

__all__ = ["GRADIENT_CASES"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs

V, D, H = 6, 3, 4
N, T_ENC, T = 3, 5, 4


def _weight_sum(rng: np.random.Generator) -> Built:
    a = softmax(rng.standard_normal((N, T_ENC)))
    return WeightSum(), [rng.standard_normal((N, T_ENC, H)), a]


def _attention_weight(rng: np.random.Generator) -> Built:
    return AttentionWeight(), [rng.standard_normal((N, T_ENC, H)), rng.standard_normal((N, H))]


def _attention(rng: np.random.Generator) -> Built:
    return Attention(), [rng.standard_normal((N, T_ENC, H)), rng.standard_normal((N, H))]


def _time_attention(rng: np.random.Generator) -> Built:
    return TimeAttention(), [rng.standard_normal((N, T_ENC, H)),
                             rng.standard_normal((N, T, H))]


def _attention_encoder(rng: np.random.Generator) -> Built:
    encoder = AttentionEncoder(V, D, H, rng=rng, dtype=np.float64)
    scale_up(encoder)
    return encoder, [QUESTIONS]


def _attention_decoder(rng: np.random.Generator) -> Built:
    decoder = AttentionDecoder(V, D, H, rng=rng, dtype=np.float64)
    scale_up(decoder)
    return decoder, [ANSWERS[:, :-1], 0.5 * rng.standard_normal((N, T_ENC, H))]


def _attention_seq2seq(rng: np.random.Generator) -> Built:
    model = AttentionSeq2seq(V, D, H, rng=rng, dtype=np.float64)
    scale_up(model.encoder, model.decoder)
    return model, [QUESTIONS, ANSWERS]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("WeightSum", "WeightSum", _weight_sum, wrt=(0, 1)),
    GradientCase("AttentionWeight", "AttentionWeight", _attention_weight, wrt=(0, 1)),
    GradientCase("Attention", "Attention", _attention, wrt=(0, 1)),
    GradientCase("TimeAttention (4 steps)", "TimeAttention", _time_attention, wrt=(0, 1)),
    GradientCase("AttentionEncoder", "AttentionEncoder", _attention_encoder, wrt=()),
    GradientCase("AttentionDecoder", "AttentionDecoder", _attention_decoder, wrt=()),
    GradientCase("AttentionSeq2seq", "AttentionSeq2seq", _attention_seq2seq, wrt=()),
]
"""One case for every layer and for the model."""
