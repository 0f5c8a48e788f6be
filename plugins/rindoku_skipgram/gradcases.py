"""Gradient-check cases for the chapter's two models.

The layers are the earlier chapters' and are checked there; here the models
are checked as a whole, the way the CBOW chapter checks its own
(:mod:`rindoku_cbow.gradcases`): float64, weights scaled up so that the
gradients stand well above the rounding error of the numerical gradient, and,
for SkipGram, negatives drawn once and passed in so that every evaluation of
the loss sees the same ones.  SkipGram's ``2 window_size (sample_size + 1)``
EmbeddingDot layers share W_out, which its ``params`` lists once per layer;
:func:`rindoku.gradient.gradient_check` adds their gradients up and checks
W_out once, so the case builds SkipGram itself.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_cbow.contexts import convert_one_hot, create_contexts_target
from rindoku_skipgram.models import SimpleSkipGram, SkipGram

__all__ = ["GRADIENT_CASES"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs

TOY_CORPUS = np.array([0, 1, 2, 3, 4, 1, 5, 6])
""""You say goodbye and I say hello." as word ids."""


def _simple_skipgram(rng: np.random.Generator) -> Built:
    contexts, target = create_contexts_target(TOY_CORPUS, window_size=1)
    model = SimpleSkipGram(vocab_size=7, hidden_size=3, rng=rng, dtype=np.float64)
    for W in model.params:
        W *= 10.0
    # two examples, "you [say] goodbye" and "i [say] hello": the same target, both losses
    rows = [0, 4]
    return model, [contexts[rows], convert_one_hot(target[rows], 7).astype(np.float64)]


def _skipgram(rng: np.random.Generator) -> Built:
    corpus = rng.integers(0, 9, 30)
    contexts, target = create_contexts_target(corpus, window_size=2)
    skipgram = SkipGram(vocab_size=9, hidden_size=4, window_size=2, corpus=corpus, rng=rng,
                        sample_size=2, dtype=np.float64)
    skipgram.word_vecs[...] *= 10.0  # W_in: h is one row of it, dW_out is h times dscore
    skipgram.loss_layers[0].params[0][...] *= 5.0  # W_out, shared by every loss layer
    contexts, target = contexts[:5], target[:5]
    negative_sample = np.stack(
        [layer.sampler.get_negative_sample(contexts[:, i])
         for i, layer in enumerate(skipgram.loss_layers)], axis=1)  # (5, 4, 2)
    return skipgram, [contexts, target, negative_sample]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("SimpleSkipGram", "SimpleSkipGram", _simple_skipgram, wrt=()),
    GradientCase("SkipGram", "SkipGram", _skipgram, wrt=()),
]
"""One case for each model."""
