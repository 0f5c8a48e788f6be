"""Gradient-check cases for every layer of the chapter and for TwoLayerNet.

Each case builds a layer and small float64 inputs from a generator.  Loss
layers get scores in a narrow range: the book's cross-entropy adds 1e-7 inside
the log, which the analytic gradient leaves out, and that difference stays far
below the tolerance only while no probability is tiny.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku import GradientCase
from rindoku_backprop.layers import (
    AddLayer,
    Affine,
    MatMul,
    MulLayer,
    Relu,
    Sigmoid,
    SigmoidWithLoss,
    Softmax,
    SoftmaxWithLoss,
)
from rindoku_backprop.models import TwoLayerNet

__all__ = ["GRADIENT_CASES"]

Built = tuple[Any, list[Any]]  # a layer (see rindoku.protocols.Layer) and its inputs


def _mul_layer(rng: np.random.Generator) -> Built:
    return MulLayer(), [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))]


def _add_layer(rng: np.random.Generator) -> Built:
    return AddLayer(), [rng.standard_normal((3, 4)), rng.standard_normal((3, 4))]


def _relu(rng: np.random.Generator) -> Built:
    # ReLU has no derivative at 0: keep every element at least 0.1 away from it
    x = rng.uniform(0.1, 1.0, (3, 4)) * rng.choice([-1.0, 1.0], (3, 4))
    return Relu(), [x]


def _sigmoid(rng: np.random.Generator) -> Built:
    return Sigmoid(), [rng.standard_normal((3, 4))]


def _affine(rng: np.random.Generator) -> Built:
    W, b = rng.standard_normal((4, 3)), rng.standard_normal(3)
    return Affine(W, b), [rng.standard_normal((5, 4))]


def _matmul(rng: np.random.Generator) -> Built:
    return MatMul(rng.standard_normal((4, 3))), [rng.standard_normal((5, 4))]


def _softmax(rng: np.random.Generator) -> Built:
    return Softmax(), [rng.standard_normal((3, 4))]


def _softmax_1d(rng: np.random.Generator) -> Built:
    return Softmax(), [rng.standard_normal(4)]


def _softmax_with_loss_labels(rng: np.random.Generator) -> Built:
    x = rng.uniform(-0.5, 0.5, (4, 3))
    t = rng.integers(0, 3, 4)
    return SoftmaxWithLoss(), [x, t]


def _softmax_with_loss_one_hot(rng: np.random.Generator) -> Built:
    x = rng.uniform(-0.5, 0.5, (4, 3))
    t = np.eye(3, dtype=int)[rng.integers(0, 3, 4)]
    return SoftmaxWithLoss(), [x, t]


def _sigmoid_with_loss(rng: np.random.Generator) -> Built:
    x = rng.uniform(-1.0, 1.0, 5)
    t = rng.integers(0, 2, 5)
    return SigmoidWithLoss(), [x, t]


def _two_layer_net(rng: np.random.Generator) -> Built:
    net = TwoLayerNet(input_size=2, hidden_size=3, output_size=3, rng=rng)
    # spread-out inputs keep dW1, small with the net's 0.01-scale weights, well
    # above the rounding error of the numerical gradient
    x = 3.0 * rng.standard_normal((4, 2))
    t = rng.integers(0, 3, 4)
    return net, [x, t]


GRADIENT_CASES: list[GradientCase] = [
    GradientCase("MulLayer", "MulLayer", _mul_layer, wrt=(0, 1)),
    GradientCase("AddLayer", "AddLayer", _add_layer, wrt=(0, 1)),
    GradientCase("Relu", "Relu", _relu),
    GradientCase("Sigmoid", "Sigmoid", _sigmoid),
    GradientCase("Affine", "Affine", _affine),
    GradientCase("MatMul", "MatMul", _matmul),
    GradientCase("Softmax", "Softmax", _softmax),
    GradientCase("Softmax (1-D)", "Softmax", _softmax_1d),
    GradientCase("SoftmaxWithLoss (labels)", "SoftmaxWithLoss", _softmax_with_loss_labels),
    GradientCase("SoftmaxWithLoss (one-hot)", "SoftmaxWithLoss", _softmax_with_loss_one_hot),
    GradientCase("SigmoidWithLoss", "SigmoidWithLoss", _sigmoid_with_loss),
    GradientCase("TwoLayerNet", "TwoLayerNet", _two_layer_net, wrt=()),
]
"""One case per layer class (two for Softmax and SoftmaxWithLoss) and one for the model."""
