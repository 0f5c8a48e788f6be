"""Gradient-check cases for Convolution, Pooling and SimpleConvNet.

Each case builds a layer and small float64 inputs from a generator: a few
hundred numbers at most, so that all of them are checked in about a second.

Max pooling has no derivative where two elements of a window are equal (or
within ``h`` of each other): its inputs are a shuffled ladder of well-spaced
values, all positive, so that neither another element nor the zero padding
comes close to a window's maximum.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import numpy as np

from rindoku import GradientCase, Layer
from rindoku_cnn.layers import Convolution, Pooling
from rindoku_cnn.models import SimpleConvNet

__all__ = ["GRADIENT_CASES", "distinct_positive"]

Built = tuple[Layer, list[Any]]


def distinct_positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values 0.5, 0.6, 0.7 … in a random order, each moved by less than 0.01."""
    size = int(np.prod(shape))
    ladder = 0.5 + 0.1 * rng.permutation(size) + 0.01 * rng.random(size)
    return ladder.reshape(shape)


def _convolution(rng: np.random.Generator, stride: int, pad: int) -> Built:
    W = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 5, 5))
    return Convolution(W, b, stride=stride, pad=pad), [x]


def _convolution_rectangular(rng: np.random.Generator) -> Built:
    # a 2 × 3 filter on a 5 × 6 image, stride 2 leaving a column out, padding 1
    W = rng.standard_normal((2, 2, 2, 3))
    b = rng.standard_normal(2)
    x = rng.standard_normal((2, 2, 5, 6))
    return Convolution(W, b, stride=2, pad=1), [x]


def _pooling(rng: np.random.Generator, pool: tuple[int, int], stride: int | None, pad: int,
             mode: str) -> Built:
    x = distinct_positive(rng, (2, 2, 5, 5))
    return Pooling(*pool, stride=stride, pad=pad, mode=mode), [x]


def _simple_conv_net(rng: np.random.Generator) -> Built:
    net = SimpleConvNet(
        input_dim=(1, 6, 6),
        conv_param={"filter_num": 3, "filter_size": 3, "pad": 1, "stride": 1},
        hidden_size=5,
        output_size=3,
        weight_init_std=0.3,  # gradients well above the rounding of the numerical ones
        rng=rng,
    )
    # The book's cross-entropy adds 1e-7 inside the log, so the loss's true gradient
    # is the analytic one times 1 + 1e-7 / y (y the probability of the correct class).
    # With one image that factor is the same for every gradient and the relative
    # error stays about 1e-7; in a batch each image has its own, and a gradient whose
    # images' shares cancel out can differ by more than 1e-6.  Small output weights
    # keep every probability near 1/3.
    net.params[4] *= 0.1
    x = rng.standard_normal((1, 1, 6, 6))
    t = rng.integers(0, 3, 1)
    return net, [x, t]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("Convolution", "Convolution", partial(_convolution, stride=1, pad=0)),
    GradientCase("Convolution (pad 1)", "Convolution", partial(_convolution, stride=1, pad=1)),
    GradientCase("Convolution (stride 2, pad 1)", "Convolution",
                 partial(_convolution, stride=2, pad=1)),
    GradientCase("Convolution (stride 3, pad 2)", "Convolution",
                 partial(_convolution, stride=3, pad=2)),
    GradientCase("Convolution (2×3 filter)", "Convolution", _convolution_rectangular),
    GradientCase("Pooling (max 2×2)", "Pooling",
                 partial(_pooling, pool=(2, 2), stride=None, pad=0, mode="max")),
    GradientCase("Pooling (max 3×3, stride 2)", "Pooling",
                 partial(_pooling, pool=(3, 3), stride=2, pad=0, mode="max")),
    GradientCase("Pooling (max 2×2, stride 1, pad 1)", "Pooling",
                 partial(_pooling, pool=(2, 2), stride=1, pad=1, mode="max")),
    GradientCase("Pooling (max 2×3)", "Pooling",
                 partial(_pooling, pool=(2, 3), stride=None, pad=0, mode="max")),
    GradientCase("Pooling (average 2×2)", "Pooling",
                 partial(_pooling, pool=(2, 2), stride=None, pad=0, mode="average")),
    GradientCase("Pooling (average 3×3, stride 1, pad 1)", "Pooling",
                 partial(_pooling, pool=(3, 3), stride=1, pad=1, mode="average")),
    # every parameter; the images get no gradient (the first layer skips dx)
    GradientCase("SimpleConvNet", "SimpleConvNet", _simple_conv_net, wrt=()),
]
"""Convolution with several paddings and strides, max and average Pooling, SimpleConvNet."""
