"""Gradient-check cases for every layer of the chapter and for both models.

Each case builds the registered class with small float64 weights and inputs
from a generator.  TimeLSTM runs over several steps, so that the gradient
flowing back through both h and the memory cell c is checked.  TimeDropout is
given its mask: the gradient check calls ``forward`` many times and needs the
same units dropped every time.

The models' cases scale their weights up, as the RNN chapter's does: with
the book's small initial weights some gradients (an LSTM's Wh above all,
whose input h starts at zero) are so small that the rounding error of the
numerical gradient shows.

A stateful LSTM would start each of those calls from where the last one
ended, so the model cases turn the carried state off (``stateful = False``):
every call starts from zeros, as the first call of a training run does.
BetterRnnlm is checked with dropout off (``train_flg=False``), which leaves
its two LSTM layers and the tied matrix: the embedding and the output layer
each list it, and the check compares the sum of their two gradients with
the numerical one.  (The test suite checks it with dropout on as well, the
masks drawn again from the same seeds for every evaluation.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_lstm.layers import LSTM, TimeDropout, TimeLSTM, TimeTiedAffine
from rindoku_lstm.models import BetterRnnlm, Rnnlm

__all__ = ["GRADIENT_CASES"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs

# "you say goodbye and i", "say hello . say you" (the toy corpus's ids)
TOY_XS = np.array([[0, 1, 2, 3, 4], [1, 5, 6, 1, 0]])
TOY_TS = np.array([[1, 2, 3, 4, 1], [5, 6, 1, 0, 2]])  # the words that follow


def _lstm_weights(
    rng: np.random.Generator, D: int, H: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (0.5 * rng.standard_normal((D, 4 * H)), 0.5 * rng.standard_normal((H, 4 * H)),
            0.1 * rng.standard_normal(4 * H))


def _lstm(rng: np.random.Generator) -> Built:
    N, D, H = 3, 4, 3
    layer = LSTM(*_lstm_weights(rng, D, H))
    return layer, [rng.standard_normal((N, D)), rng.standard_normal((N, H)),
                   rng.standard_normal((N, H))]


def _time_lstm(rng: np.random.Generator) -> Built:
    N, T, D, H = 2, 6, 3, 4
    layer = TimeLSTM(*_lstm_weights(rng, D, H))
    return layer, [rng.standard_normal((N, T, D))]


def _time_dropout(rng: np.random.Generator) -> Built:
    xs = rng.standard_normal((2, 4, 3))
    mask = rng.random(xs.shape) > 0.4
    return TimeDropout(0.4, rng=rng), [xs, mask]


def _time_tied_affine(rng: np.random.Generator) -> Built:
    W, b = rng.standard_normal((5, 3)), rng.standard_normal(5)  # W (V, D): the embedding
    return TimeTiedAffine(W, b), [rng.standard_normal((2, 4, 3))]


def _rnnlm(rng: np.random.Generator) -> Built:
    model = Rnnlm(vocab_size=7, wordvec_size=3, hidden_size=4, rng=rng, dtype=np.float64)
    model.lstm_layer.stateful = False  # every evaluation starts from h = c = 0
    # weights scaled up so that every gradient stands well above the rounding error
    model.params[0][...] *= 50.0  # word vectors of about 0.5
    for W in model.params[1:4]:  # the LSTM's Wx, Wh, b
        W *= 2.0
    model.params[4][...] *= 3.0  # the Affine's W
    return model, [TOY_XS, TOY_TS]


def _better_rnnlm(rng: np.random.Generator) -> Built:
    model = BetterRnnlm(vocab_size=7, wordvec_size=4, hidden_size=4, dropout_ratio=0.5,
                        rng=rng, dtype=np.float64)
    for layer in model.lstm_layers:
        layer.stateful = False
    # the tied matrix: word vectors and output weights of about 2; both LSTMs' weights doubled
    model.params[0][...] *= 200.0
    for W in model.params[1:7]:
        W *= 2.0
    return model, [TOY_XS, TOY_TS, False]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("LSTM", "LSTM", _lstm, wrt=(0, 1, 2)),
    GradientCase("TimeLSTM (6 steps)", "TimeLSTM", _time_lstm),
    GradientCase("TimeDropout (a fixed mask)", "TimeDropout", _time_dropout),
    GradientCase("TimeTiedAffine", "TimeTiedAffine", _time_tied_affine),
    GradientCase("Rnnlm", "Rnnlm", _rnnlm, wrt=()),
    GradientCase("BetterRnnlm (dropout off, tied weights)", "BetterRnnlm", _better_rnnlm,
                 wrt=()),
]
"""One case for every layer and for each model."""
