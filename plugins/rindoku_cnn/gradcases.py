"""Gradient-check cases for the textbook and the fast layers, and both SimpleConvNets.

Each case builds a layer and small float64 inputs from a generator: a few
hundred numbers at most, so that all of them are checked in about a second.
The textbook layers (:mod:`rindoku_cnn.layers`) and the fast ones
(:mod:`rindoku_cnn.fast`) are checked on the same geometries.

Max pooling has no derivative where two elements of a window are equal (or
within ``h`` of each other): its inputs are a shuffled ladder of well-spaced
values, all positive, so that neither another element nor the zero padding
comes close to a window's maximum.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Literal

import numpy as np

from rindoku import GradientCase
from rindoku_cnn.fast import FastConvolution, FastPooling, FastSimpleConvNet
from rindoku_cnn.layers import Convolution, Pooling
from rindoku_cnn.models import SimpleConvNet

__all__ = ["GRADIENT_CASES", "distinct_positive"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs


def distinct_positive(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values 0.5, 0.6, 0.7 … in a random order, each moved by less than 0.01."""
    size = int(np.prod(shape))
    ladder = 0.5 + 0.1 * rng.permutation(size) + 0.01 * rng.random(size)
    return ladder.reshape(shape)


def _convolution(rng: np.random.Generator, cls: type, stride: int, pad: int) -> Built:
    W = rng.standard_normal((3, 2, 3, 3))
    b = rng.standard_normal(3)
    x = rng.standard_normal((2, 2, 5, 5))
    return cls(W, b, stride=stride, pad=pad), [x]


def _convolution_rectangular(rng: np.random.Generator, cls: type) -> Built:
    # a 2 × 3 filter on a 5 × 6 image, stride 2 leaving a column out, padding 1
    W = rng.standard_normal((2, 2, 2, 3))
    b = rng.standard_normal(2)
    x = rng.standard_normal((2, 2, 5, 6))
    return cls(W, b, stride=2, pad=1), [x]


def _pooling(rng: np.random.Generator, pool: tuple[int, int], stride: int, pad: int) -> Built:
    x = distinct_positive(rng, (2, 2, 5, 5))
    return Pooling(*pool, stride=stride, pad=pad), [x]


def _fast_pooling(rng: np.random.Generator, pool: tuple[int, int], stride: int, pad: int,
                  mode: Literal["max", "average"]) -> Built:
    x = distinct_positive(rng, (2, 2, 5, 5))
    return FastPooling(*pool, stride=stride, pad=pad, mode=mode), [x]


def _simple_conv_net(rng: np.random.Generator, cls: type[SimpleConvNet]) -> Built:
    net = cls(
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


CONVOLUTIONS = [(1, 0), (1, 1), (2, 1), (3, 2)]
"""(stride, pad) of the convolution cases, on a 5 × 5 image with 3 × 3 filters."""

MAX_POOLS = [((2, 2), 2, 0), ((2, 2), 1, 0), ((3, 3), 2, 0), ((2, 2), 1, 1), ((2, 3), 2, 0)]
"""(pool_h, pool_w), stride, pad of the max-pooling cases, on a 5 × 5 image."""


def _pool_name(pool: tuple[int, int], stride: int, pad: int) -> str:
    return f"{pool[0]}×{pool[1]}, stride {stride}" + (f", pad {pad}" if pad else "")


GRADIENT_CASES: list[GradientCase] = [
    *[GradientCase(f"{cls.__name__} (stride {stride}, pad {pad})", cls.__name__,
                   partial(_convolution, cls=cls, stride=stride, pad=pad))
      for cls in (Convolution, FastConvolution) for stride, pad in CONVOLUTIONS],
    *[GradientCase(f"{cls.__name__} (2×3 filter)", cls.__name__,
                   partial(_convolution_rectangular, cls=cls))
      for cls in (Convolution, FastConvolution)],
    *[GradientCase(f"Pooling ({_pool_name(pool, stride, pad)})", "Pooling",
                   partial(_pooling, pool=pool, stride=stride, pad=pad))
      for pool, stride, pad in MAX_POOLS],
    *[GradientCase(f"FastPooling (max {_pool_name(pool, stride, pad)})", "FastPooling",
                   partial(_fast_pooling, pool=pool, stride=stride, pad=pad, mode="max"))
      for pool, stride, pad in MAX_POOLS],
    GradientCase("FastPooling (average 2×2, stride 2)", "FastPooling",
                 partial(_fast_pooling, pool=(2, 2), stride=2, pad=0, mode="average")),
    GradientCase("FastPooling (average 3×3, stride 1, pad 1)", "FastPooling",
                 partial(_fast_pooling, pool=(3, 3), stride=1, pad=1, mode="average")),
    # every parameter; the images get no gradient (FastSimpleConvNet does not compute it)
    GradientCase("SimpleConvNet", "SimpleConvNet",
                 partial(_simple_conv_net, cls=SimpleConvNet), wrt=()),
    GradientCase("FastSimpleConvNet", "FastSimpleConvNet",
                 partial(_simple_conv_net, cls=FastSimpleConvNet), wrt=()),
]
"""Both convolutions with several paddings and strides, both poolings, both nets."""
