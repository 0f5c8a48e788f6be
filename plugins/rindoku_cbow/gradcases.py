"""Gradient-check cases for every layer of the chapter and for both models.

Each case builds a layer and small float64 inputs from a generator.  Word ids
repeat on purpose: a word used twice in a batch must receive the sum of both
gradients.  Where a layer draws negative examples, the case draws them once
and passes them in, so that every evaluation of the loss sees the same ones.

A model whose layers share a weight lists that array once per layer in
``params``, each with that layer's part of the gradient;
:func:`rindoku.gradient.gradient_check` adds those parts up and checks the
array once against the numerical gradient, which is the total.  So every case
builds the registered class itself.

Two things limit how precisely the two gradients can agree, and the cases are
sized to keep both well below the tolerance.  The models' 0.01-scale weights
give gradients so small that the rounding error of the numerical gradient
shows, so the cases scale the weights up.  And the book's loss layers add 1e-7
inside the log, which the analytic gradient leaves out: its relative effect is
about 1e-7 divided by the probability of the correct answer, so the scores
stay moderate and the batches small.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_cbow.contexts import convert_one_hot, create_contexts_target
from rindoku_cbow.layers import Embedding, EmbeddingDot, NegativeSamplingLoss
from rindoku_cbow.models import CBOW, SimpleCBOW

__all__ = ["GRADIENT_CASES"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs


def _embedding(rng: np.random.Generator) -> Built:
    W = rng.standard_normal((6, 3))
    idx = np.array([0, 2, 2, 5, 0, 2])  # 0 twice and 2 three times
    return Embedding(W), [idx]


def _embedding_2d(rng: np.random.Generator) -> Built:
    W = rng.standard_normal((5, 3))
    idx = np.array([[1, 4], [4, 4], [0, 1]])  # a batch of contexts
    return Embedding(W), [idx]


def _embedding_dot(rng: np.random.Generator) -> Built:
    W = rng.standard_normal((6, 3))
    h = rng.standard_normal((5, 3))
    idx = np.array([1, 3, 1, 0, 3])
    return EmbeddingDot(W), [h, idx]


def _negative_sampling_loss(rng: np.random.Generator) -> Built:
    corpus = rng.integers(0, 8, 40)
    W = 0.1 * rng.standard_normal((8, 4))
    layer = NegativeSamplingLoss(W, corpus, sample_size=3, rng=rng)
    h = 0.1 * rng.standard_normal((5, 4))
    target = np.array([2, 5, 2, 7, 0])
    negative_sample = layer.sampler.get_negative_sample(target)
    return layer, [h, target, negative_sample]


def _simple_cbow(rng: np.random.Generator) -> Built:
    corpus = np.array([0, 1, 2, 3, 4, 1, 5, 6])  # "you say goodbye and i say hello ."
    contexts, target = create_contexts_target(corpus, window_size=1)
    model = SimpleCBOW(vocab_size=7, hidden_size=3, rng=rng, dtype=np.float64)
    for W in (model.word_vecs, model.out_layer.params[0]):  # W_in (listed twice) and W_out
        W *= 20.0
    # one example, "you ? goodbye": both input layers, W_in checked once with their sum
    return model, [convert_one_hot(contexts[:1], 7).astype(np.float64), target[:1]]


def _cbow(rng: np.random.Generator) -> Built:
    corpus = rng.integers(0, 9, 30)
    contexts, target = create_contexts_target(corpus, window_size=2)
    cbow = CBOW(vocab_size=9, hidden_size=4, window_size=2, corpus=corpus, rng=rng,
                sample_size=2, dtype=np.float64)
    # W_in scaled up more than W_out: dW_out, which is h times dscore, stands well
    # above rounding while the scores stay moderate
    cbow.word_vecs[...] *= 20.0
    cbow.ns_loss.params[0][...] *= 5.0
    contexts, target = contexts[:6], target[:6]
    negative_sample = cbow.ns_loss.sampler.get_negative_sample(target)
    return cbow, [contexts, target, negative_sample]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("Embedding (repeated ids)", "Embedding", _embedding, wrt=()),
    GradientCase("Embedding (2-D ids)", "Embedding", _embedding_2d, wrt=()),
    GradientCase("EmbeddingDot", "EmbeddingDot", _embedding_dot),
    GradientCase("NegativeSamplingLoss", "NegativeSamplingLoss", _negative_sampling_loss),
    GradientCase("SimpleCBOW", "SimpleCBOW", _simple_cbow, wrt=()),
    GradientCase("CBOW", "CBOW", _cbow, wrt=()),
]
"""Two cases for Embedding, one for every other layer and for each model."""
