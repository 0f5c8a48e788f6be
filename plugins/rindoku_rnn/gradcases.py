"""Gradient-check cases for every layer of the chapter and for SimpleRnnlm.

Each case builds the registered class with small float64 weights and inputs
from a generator.  TimeRNN runs over several steps so that the gradient
flowing back through the hidden state is checked, not just one step's;
TimeEmbedding's ids repeat, so that a word seen twice receives the sum of
both gradients; TimeSoftmaxWithLoss's labels include the ignore label -1.

The gradient check calls ``forward`` many times on the same inputs, and a
stateful RNN would start each call from where the last one ended.  So the
SimpleRnnlm case turns the carried state off (``stateful = False``): every
call then starts from zeros, as the first call of a training run does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_rnn.layers import RNN, TimeAffine, TimeEmbedding, TimeRNN, TimeSoftmaxWithLoss
from rindoku_rnn.models import SimpleRnnlm

__all__ = ["GRADIENT_CASES"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs


def _rnn(rng: np.random.Generator) -> Built:
    N, D, H = 3, 4, 5
    layer = RNN(0.5 * rng.standard_normal((D, H)), 0.5 * rng.standard_normal((H, H)),
                0.1 * rng.standard_normal(H))
    return layer, [rng.standard_normal((N, D)), rng.standard_normal((N, H))]


def _time_rnn(rng: np.random.Generator) -> Built:
    N, T, D, H = 2, 5, 3, 4
    layer = TimeRNN(0.5 * rng.standard_normal((D, H)), 0.5 * rng.standard_normal((H, H)),
                    0.1 * rng.standard_normal(H))
    return layer, [rng.standard_normal((N, T, D))]


def _time_embedding(rng: np.random.Generator) -> Built:
    W = rng.standard_normal((6, 3))
    xs = np.array([[0, 2, 2, 5], [2, 0, 4, 2]])  # 2 four times, 0 twice, within and across steps
    return TimeEmbedding(W), [xs]


def _time_affine(rng: np.random.Generator) -> Built:
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    return TimeAffine(W, b), [rng.standard_normal((2, 5, 4))]


def _time_softmax_with_loss(rng: np.random.Generator) -> Built:
    xs = rng.standard_normal((3, 4, 5))
    ts = np.array([[0, 4, 4, -1], [1, 2, -1, -1], [3, 0, 2, 1]])  # -1: ignored positions
    return TimeSoftmaxWithLoss(), [xs, ts]


def _simple_rnnlm(rng: np.random.Generator) -> Built:
    model = SimpleRnnlm(vocab_size=7, wordvec_size=3, hidden_size=4, rng=rng, dtype=np.float64)
    model.rnn_layer.stateful = False  # every evaluation starts from h = 0
    model.params[0][...] *= 50.0  # word vectors of about 0.5, so that their gradient shows
    # "you say goodbye and i" and "say hello . say you", each label the word after
    xs = np.array([[0, 1, 2, 3, 4], [1, 5, 6, 1, 0]])
    ts = np.array([[1, 2, 3, 4, 1], [5, 6, 1, 0, 2]])
    return model, [xs, ts]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("RNN", "RNN", _rnn, wrt=(0, 1)),
    GradientCase("TimeRNN (5 steps)", "TimeRNN", _time_rnn),
    GradientCase("TimeEmbedding (repeated ids)", "TimeEmbedding", _time_embedding, wrt=()),
    GradientCase("TimeAffine", "TimeAffine", _time_affine),
    GradientCase("TimeSoftmaxWithLoss (ignored labels)", "TimeSoftmaxWithLoss",
                 _time_softmax_with_loss),
    GradientCase("SimpleRnnlm", "SimpleRnnlm", _simple_rnnlm, wrt=()),
]
"""One case for every layer and for the model."""
