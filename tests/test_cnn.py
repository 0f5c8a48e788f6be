"""Tests of the CNN chapter: im2col, the textbook and fast layers and nets, data, examples."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from rindoku import CheckFailed, GradientCheckError, gradient_check
from rindoku.data import DataError, DataFile
from rindoku.examples import published_values, run_example
from rindoku.registry import load_registry
from rindoku.testing import attempt_from, with_mistake
from rindoku.trainer import Trainer, accuracy
from rindoku_cnn import examples
from rindoku_cnn.datasets import MNIST_FILES, load_digits, load_mnist, read_idx
from rindoku_cnn.exercises import EXERCISES, IM2COL, POOLING_BACKWARD
from rindoku_cnn.fast import FastConvolution, FastPooling, FastSimpleConvNet, fold, unfold
from rindoku_cnn.gradcases import GRADIENT_CASES, distinct_positive
from rindoku_cnn.layers import (
    Convolution,
    Flatten,
    Pooling,
    col2im,
    conv2d_naive,
    conv_output_size,
    im2col,
)
from rindoku_cnn.models import SimpleConvNet
from rindoku_cnn.speed import compare_paths
from rindoku_optimizers.optimizers import Adam

# (N, C, H, W), (FH, FW), stride, pad
GEOMETRIES = [
    ((2, 1, 5, 5), (3, 3), 1, 0),
    ((2, 3, 5, 5), (3, 3), 1, 1),
    ((1, 2, 7, 6), (3, 2), 2, 0),
    ((2, 2, 7, 7), (3, 3), 2, 1),
    ((1, 3, 9, 8), (4, 4), 3, 2),
    ((3, 1, 6, 6), (6, 6), 1, 0),
]
GEOMETRY_IDS = [f"{s}-f{f}-s{st}-p{p}" for s, f, st, p in GEOMETRIES]

CONVOLUTIONS = [Convolution, FastConvolution]
POOLINGS = [Pooling, FastPooling]


def im2col_by_loops(x, filter_h, filter_w, stride, pad):
    """im2col by its definition: one window after another, each flattened into a row."""
    N, C, H, W = x.shape
    img = np.pad(x, [(0, 0), (0, 0), (pad, pad), (pad, pad)])
    out_h = (H + 2 * pad - filter_h) // stride + 1
    out_w = (W + 2 * pad - filter_w) // stride + 1
    rows = [
        img[n, :, i * stride:i * stride + filter_h, j * stride:j * stride + filter_w].ravel()
        for n in range(N) for i in range(out_h) for j in range(out_w)
    ]
    return np.array(rows)


# -- im2col, col2im, unfold, fold -----------------------------------------------------------


def test_conv_output_size_is_the_books_formula():
    """OH = (H + 2P - FH) // S + 1; a filter larger than the padded input is an error."""
    assert conv_output_size(28, 5) == 24
    assert conv_output_size(4, 3, stride=1, pad=1) == 4
    assert conv_output_size(7, 3, stride=2, pad=0) == 3
    assert conv_output_size(8, 3, stride=2, pad=0) == 3  # the last column is left out
    with pytest.raises(ValueError, match="does not fit"):
        conv_output_size(3, 5)


def test_im2col_by_hand():
    """A 3 × 3 image and a 2 × 2 filter: four windows, each a row."""
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    expected = [[1, 2, 4, 5], [2, 3, 5, 6], [4, 5, 7, 8], [5, 6, 8, 9]]
    assert np.array_equal(im2col(x, 2, 2), expected)
    # padding 1 and stride 2: windows at (0, 0), (0, 2), (2, 0), (2, 2) of the padded image
    expected = [[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 0, 7], [5, 6, 8, 9]]
    assert np.array_equal(im2col(x, 2, 2, stride=2, pad=1), expected)


@pytest.mark.parametrize(("shape", "filter_", "stride", "pad"), GEOMETRIES, ids=GEOMETRY_IDS)
def test_im2col_matches_the_definition(shape, filter_, stride, pad):
    """im2col's rows are the windows, image by image, row by row; unfold is their transpose."""
    x = np.random.default_rng(0).standard_normal(shape)
    col = im2col(x, *filter_, stride, pad)
    expected = im2col_by_loops(x, *filter_, stride, pad)
    N, C, H, W = shape
    out_h = conv_output_size(H, filter_[0], stride, pad)
    out_w = conv_output_size(W, filter_[1], stride, pad)
    assert col.shape == (N * out_h * out_w, C * filter_[0] * filter_[1])
    assert np.array_equal(col, expected)
    cols = unfold(x, *filter_, stride, pad)
    assert cols.shape == (N, C * filter_[0] * filter_[1], out_h * out_w)
    assert np.array_equal(cols, col.reshape(N, out_h * out_w, -1).transpose(0, 2, 1))
    with_ones = unfold(x, *filter_, stride, pad, ones_row=True)
    assert np.array_equal(with_ones[:, :-1], cols)
    assert np.all(with_ones[:, -1] == 1)


@pytest.mark.parametrize(("shape", "filter_", "stride", "pad"), GEOMETRIES, ids=GEOMETRY_IDS)
def test_col2im_is_the_adjoint_of_im2col(shape, filter_, stride, pad):
    """<im2col(x), y> = <x, col2im(y)> for any x and y; the same for unfold and fold."""
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape)
    y = rng.standard_normal(im2col(x, *filter_, stride, pad).shape)
    back = col2im(y, shape, *filter_, stride, pad)
    assert back.shape == shape
    assert np.vdot(im2col(x, *filter_, stride, pad), y) == pytest.approx(np.vdot(x, back),
                                                                           rel=1e-12)
    z = rng.standard_normal(unfold(x, *filter_, stride, pad).shape)
    assert np.vdot(unfold(x, *filter_, stride, pad), z) == pytest.approx(
        np.vdot(x, fold(z, shape, *filter_, stride, pad)), rel=1e-12)


def test_col2im_adds_up_overlapping_windows():
    """col2im(im2col(ones)) counts the windows that cover each pixel."""
    ones = np.ones((1, 1, 3, 3))
    counts = col2im(im2col(ones, 2, 2), ones.shape, 2, 2)
    assert np.array_equal(counts[0, 0], [[1, 2, 1], [2, 4, 2], [1, 2, 1]])


def test_im2col_and_col2im_keep_float32():
    """float32 images give float32 windows, and back."""
    x = np.ones((2, 1, 5, 5), dtype=np.float32)
    col = im2col(x, 3, 3, pad=1)
    assert col.dtype == np.float32
    assert col2im(col, x.shape, 3, 3, pad=1).dtype == np.float32


# -- Convolution --------------------------------------------------------------------------


def test_conv2d_naive_by_hand():
    """A 2 × 2 filter of ones adds up each window; the bias is added once."""
    x = np.arange(1.0, 10.0).reshape(1, 1, 3, 3)
    W = np.ones((1, 1, 2, 2))
    out = conv2d_naive(x, W, np.array([0.5]))
    assert np.array_equal(out[0, 0], [[12.5, 16.5], [24.5, 28.5]])


@pytest.mark.parametrize("cls", CONVOLUTIONS)
@pytest.mark.parametrize(("shape", "filter_", "stride", "pad"), GEOMETRIES, ids=GEOMETRY_IDS)
def test_convolution_equals_conv2d_naive(cls, shape, filter_, stride, pad):
    """Both layers compute the definition, to 1e-12, for any padding and stride."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    W = rng.standard_normal((4, shape[1], *filter_))
    b = rng.standard_normal(4)
    out = cls(W, b, stride=stride, pad=pad).forward(x)
    np.testing.assert_allclose(out, conv2d_naive(x, W, b, stride, pad), rtol=0, atol=1e-12)


@pytest.mark.parametrize(("shape", "filter_", "stride", "pad"), GEOMETRIES, ids=GEOMETRY_IDS)
def test_fast_convolution_equals_the_textbook_one(shape, filter_, stride, pad):
    """Same W, b, x and dout: the same out, dx, dW and db, to rounding."""
    rng = np.random.default_rng(3)
    x = rng.standard_normal(shape)
    W = rng.standard_normal((4, shape[1], *filter_))
    b = rng.standard_normal(4)
    textbook = Convolution(W, b, stride=stride, pad=pad)
    fast = FastConvolution(W.copy(), b.copy(), stride=stride, pad=pad)
    out = textbook.forward(x)
    np.testing.assert_allclose(fast.forward(x), out, rtol=1e-12, atol=1e-12)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(fast.backward(dout), textbook.backward(dout),
                               rtol=1e-12, atol=1e-12)
    for name, a, c in zip(["dW", "db"], fast.grads, textbook.grads, strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("cls", CONVOLUTIONS)
def test_convolution_writes_its_gradients_in_place(cls):
    """backward fills the arrays of grads; it never replaces them."""
    rng = np.random.default_rng(3)
    layer = cls(rng.standard_normal((2, 1, 3, 3)), rng.standard_normal(2), pad=1)
    kept = list(layer.grads)
    out = layer.forward(rng.standard_normal((2, 1, 4, 4)))
    dx = layer.backward(np.ones_like(out))
    assert dx.shape == (2, 1, 4, 4)
    assert all(a is b for a, b in zip(layer.grads, kept, strict=True))
    assert np.array_equal(layer.grads[1], [32.0, 32.0])  # db: the sum of dout per filter


class ConvolutionWithoutBiasGradient(Convolution):
    """A wrong Convolution: its backward forgets to sum dout into db."""

    def backward(self, dout):
        dx = super().backward(dout)
        self.grads[1][...] = 0.0
        return dx


def test_gradient_check_catches_a_wrong_convolution():
    """A missing db fails the check, and the message names params[1]."""
    layer, inputs = GRADIENT_CASES[0].build(np.random.default_rng(0))
    assert type(layer) is Convolution
    wrong = ConvolutionWithoutBiasGradient(*layer.params)
    with pytest.raises(GradientCheckError, match=r"params\[1\] \(shape \(3,\)\)"):
        gradient_check(wrong, inputs)


def test_fast_convolution_can_skip_the_input_gradient():
    """input_grad=False gives the same dW and db, and no dx."""
    rng = np.random.default_rng(0)
    W, b, x = rng.standard_normal((4, 2, 3, 3)), rng.standard_normal(4), rng.random((2, 2, 6, 6))
    full = FastConvolution(W, b, pad=1)
    first = FastConvolution(W, b, pad=1, input_grad=False)
    dout = rng.standard_normal(full.forward(x).shape)
    first.forward(x)
    assert full.backward(dout).shape == x.shape
    assert first.backward(dout) is None
    for a, c in zip(full.grads, first.grads, strict=True):
        np.testing.assert_array_equal(a, c)


# -- Pooling --------------------------------------------------------------------------------


X44 = np.array([[1.0, 2.0, 5.0, 0.0],
                [3.0, 4.0, 1.0, 2.0],
                [0.0, 6.0, 7.0, 1.0],
                [2.0, 1.0, 3.0, 8.0]]).reshape(1, 1, 4, 4)


@pytest.mark.parametrize("cls", POOLINGS)
def test_max_pooling_by_hand(cls):
    """2 × 2 windows, stride 2: the largest of each; the gradient goes to it."""
    layer = cls(2, 2, stride=2)
    assert np.array_equal(layer.forward(X44)[0, 0], [[4, 5], [6, 8]])
    dx = layer.backward(np.array([[[[10.0, 20.0], [30.0, 40.0]]]]))
    expected = np.zeros((4, 4))
    expected[1, 1], expected[0, 2], expected[2, 1], expected[3, 3] = 10, 20, 30, 40
    assert np.array_equal(dx[0, 0], expected)


@pytest.mark.parametrize("cls", POOLINGS)
def test_pooling_strides_1_by_default_as_in_the_book(cls):
    """Pooling(2, 2) slides by one pixel, as the book's Pooling(pool_h, pool_w, stride=1)."""
    out = cls(2, 2).forward(X44)[0, 0]
    assert np.array_equal(out, [[4, 5, 5], [6, 7, 7], [6, 7, 8]])


@pytest.mark.parametrize("cls", POOLINGS)
def test_overlapping_and_padded_pooling_by_hand(cls):
    """Stride 1 makes windows overlap; padding 1 adds zeros around (as in the book)."""
    assert np.array_equal(cls(3, 3, stride=1).forward(X44)[0, 0], [[7, 7], [7, 8]])
    out = cls(2, 2, stride=2, pad=1).forward(-X44)[0, 0]
    assert np.array_equal(out, [[0, 0, 0], [0, -1, 0], [0, 0, 0]])


def test_average_pooling_by_hand():
    """FastPooling's average mode: the mean of each window; the gradient is shared equally."""
    layer = FastPooling(2, 2, stride=2, mode="average")
    assert np.array_equal(layer.forward(X44)[0, 0], [[2.5, 2.0], [2.25, 4.75]])
    dx = layer.backward(np.array([[[[4.0, 8.0], [12.0, 16.0]]]]))
    assert np.array_equal(dx[0, 0], np.kron([[1, 2], [3, 4]], np.ones((2, 2))))
    average = FastPooling(2, 2, stride=1, mode="average").forward(X44)[0, 0]
    assert average[0, 0] == 2.5 and average[2, 2] == 4.75


@pytest.mark.parametrize("cls", POOLINGS)
def test_max_pooling_gives_a_tied_window_one_gradient(cls):
    """When several elements share a window's maximum, only the first one gets its gradient."""
    layer = cls(2, 2, stride=2)
    x = np.zeros((1, 1, 2, 4))
    x[0, 0, :, 2:] = 1.0
    layer.forward(x)
    dx = layer.backward(np.array([[[[3.0, 5.0]]]]))
    assert np.array_equal(dx[0, 0], [[3, 0, 5, 0], [0, 0, 0, 0]])


@pytest.mark.parametrize("cls", POOLINGS)
def test_max_pooling_breaks_ties_row_by_row(cls):
    """Of tied elements the first in reading order wins: along the top row, then down."""
    layer = cls(2, 2, stride=2)
    x = np.array([[0.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]]).reshape(1, 1, 2, 4)
    layer.forward(x)
    dx = layer.backward(np.array([[[[3.0, 5.0]]]]))
    assert np.array_equal(dx[0, 0], [[0, 3, 0, 0], [0, 0, 5, 0]])


POOL_GEOMETRIES = [(3, 3, 2, 1), (2, 2, 2, 0), (2, 2, 1, 0), (2, 3, 1, 1), (3, 2, 3, 0)]


@pytest.mark.parametrize(("pool_h", "pool_w", "stride", "pad"), POOL_GEOMETRIES)
def test_fast_pooling_equals_the_textbook_one_ties_included(pool_h, pool_w, stride, pad):
    """Same x (full of ties) and dout: the same out and dx as im2col, argmax and col2im."""
    rng = np.random.default_rng(4)
    x = rng.integers(-1, 2, (2, 3, 7, 8)).astype(float)  # many ties, some with the padding
    textbook = Pooling(pool_h, pool_w, stride=stride, pad=pad)
    fast = FastPooling(pool_h, pool_w, stride=stride, pad=pad)
    out = textbook.forward(x)
    col = im2col(x, pool_h, pool_w, stride, pad).reshape(-1, pool_h * pool_w)
    tied = np.sum(col == col.max(axis=1, keepdims=True), axis=1) > 1
    assert tied.mean() > 0.3  # the tie-breaking is what is being compared
    assert np.array_equal(fast.forward(x), out)
    dout = rng.standard_normal(out.shape)
    np.testing.assert_allclose(fast.backward(dout), textbook.backward(dout), rtol=0, atol=1e-15)


def test_flatten_keeps_each_sample_in_a_row():
    layer = Flatten()
    x = np.arange(24.0).reshape(2, 3, 2, 2)
    out = layer.forward(x)
    assert out.shape == (2, 12) and np.array_equal(out[1], np.arange(12.0, 24.0))
    assert np.array_equal(layer.backward(out), x)


# -- gradient checks ------------------------------------------------------------------------


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=lambda case: case.name)
def test_gradient_case_passes(case):
    """Every layer's backward agrees with the numerical gradient to 1e-6."""
    report = case.run()
    assert report.comparisons
    assert report.max_error < 1e-6, report.worst.describe()


def test_gradient_cases_cover_the_layers_and_the_models():
    """Both convolutions have several strides and paddings, both poolings several pools."""
    layers = [case.layer for case in GRADIENT_CASES]
    assert set(layers) == {"Convolution", "FastConvolution", "Pooling", "FastPooling",
                           "SimpleConvNet", "FastSimpleConvNet"}
    for name in ["Convolution", "FastConvolution", "Pooling", "FastPooling"]:
        assert layers.count(name) >= 4, name
    names = [case.name for case in GRADIENT_CASES]
    assert any("pad" in n and n.startswith("Pooling") for n in names)
    assert any("average" in n for n in names)
    net_cases = [case for case in GRADIENT_CASES if case.layer.endswith("SimpleConvNet")]
    for case in net_cases:
        assert len(case.run().comparisons) == 6  # W1, b1, W2, b2, W3, b3


def test_distinct_positive_values_are_well_apart():
    x = distinct_positive(np.random.default_rng(0), (2, 3, 4))
    gaps = np.diff(np.sort(x.ravel()))
    assert x.min() >= 0.5 and gaps.min() > 0.08


# -- shape errors ---------------------------------------------------------------------------


def test_fast_convolution_names_the_expected_and_the_given_shape():
    layer = FastConvolution(np.zeros((30, 1, 5, 5)), np.zeros(30))
    message = re.escape("FastConvolution: expected input of shape (N, 1, H, W) with 1 "
                        "channel(s), got (100, 3, 28, 28)")
    with pytest.raises(ValueError, match=message):
        layer.forward(np.zeros((100, 3, 28, 28)))
    with pytest.raises(ValueError, match=re.escape("got (100, 784)")):
        layer.forward(np.zeros((100, 784)))
    with pytest.raises(ValueError, match="a window of 5 does not fit into an input of 4"):
        layer.forward(np.zeros((1, 1, 4, 4)))
    layer.forward(np.zeros((2, 1, 6, 6)))
    with pytest.raises(ValueError, match=re.escape(
            "FastConvolution.backward: expected dout of shape (2, 30, 2, 2)")):
        layer.backward(np.zeros((2, 30, 3, 3)))
    with pytest.raises(ValueError, match=re.escape("W must have shape (FN, C, FH, FW)")):
        FastConvolution(np.zeros((5, 5)), np.zeros(5))


def test_fast_pooling_names_the_expected_and_the_given_shape():
    with pytest.raises(ValueError, match=re.escape(
            "FastPooling: expected input of shape (N, C, H, W), got (4, 24, 24)")):
        FastPooling(2, 2).forward(np.zeros((4, 24, 24)))
    with pytest.raises(ValueError, match="mode must be 'max' or 'average', got 'min'"):
        FastPooling(2, 2, mode="min")
    layer = FastPooling(2, 2, stride=2)
    layer.forward(np.zeros((1, 2, 4, 4)))
    with pytest.raises(ValueError, match=re.escape("expected dout of shape (1, 2, 2, 2)")):
        layer.backward(np.zeros((1, 2, 4, 4)))


def test_simple_conv_net_names_the_expected_and_the_given_shape():
    net = SimpleConvNet(rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=re.escape(
            "SimpleConvNet: expected input of shape (N, 1, 28, 28), got (10, 784)")):
        net.predict(np.zeros((10, 784)))
    with pytest.raises(ValueError, match=r"unknown conv_param \['size'\]"):
        SimpleConvNet(conv_param={"size": 3}, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="too small for 2×2 pooling"):
        SimpleConvNet(input_dim=(1, 5, 5), rng=np.random.default_rng(0))


# -- SimpleConvNet ------------------------------------------------------------------------------


def test_simple_conv_net_has_the_books_layers_and_shapes():
    """Conv -> ReLU -> Pool -> Affine -> ReLU -> Affine, the textbook layers, the book's sizes."""
    net = SimpleConvNet(rng=np.random.default_rng(0))
    assert type(net.layers[0]) is Convolution and type(net.layers[2]) is Pooling
    names = [type(layer).__name__ for layer in net.layers]
    assert names == ["Convolution", "Relu", "Pooling", "Flatten", "Affine", "Relu", "Affine"]
    assert type(net.loss_layer).__name__ == "SoftmaxWithLoss"
    assert (net.layers[2].pool_h, net.layers[2].pool_w, net.layers[2].stride) == (2, 2, 2)
    assert [p.shape for p in net.params] == [(30, 1, 5, 5), (30,), (4320, 100), (100,),
                                             (100, 10), (10,)]
    layer_params = [p for layer in net.layers for p in layer.params]
    assert all(a is b for a, b in zip(net.params, layer_params, strict=True))
    x = np.random.default_rng(1).random((3, 1, 28, 28))
    assert net.predict(x).shape == (3, 10)
    assert np.ndim(net.forward(x, np.array([1, 2, 3]))) == 0
    assert net.backward() is None
    assert all(np.any(g != 0) for g in net.grads)


def test_fast_simple_conv_net_swaps_in_the_fast_layers():
    """The same weights from the same seed; FastConvolution (no dx) and FastPooling."""
    net = SimpleConvNet(rng=np.random.default_rng(0))
    fast = FastSimpleConvNet(rng=np.random.default_rng(0))
    names = [type(layer).__name__ for layer in fast.layers]
    assert names == ["FastConvolution", "Relu", "FastPooling", "Flatten", "Affine", "Relu",
                     "Affine"]
    assert fast.layers[0].input_grad is False
    assert fast.layers[2].stride == 2
    for a, b in zip(fast.params, net.params, strict=True):
        np.testing.assert_array_equal(a, b)
    layer_params = [p for layer in fast.layers for p in layer.params]
    layer_grads = [g for layer in fast.layers for g in layer.grads]
    assert all(a is b for a, b in zip(fast.params, layer_params, strict=True))
    assert all(a is b for a, b in zip(fast.grads, layer_grads, strict=True))


@pytest.mark.parametrize("conv_param", [{}, {"filter_size": 3, "pad": 1, "stride": 2}],
                         ids=["book", "pad 1, stride 2"])
def test_one_fast_step_equals_one_textbook_step(conv_param):
    """Same weights, same batch: the same loss and the same six gradients, to rounding."""
    rng = np.random.default_rng(5)
    x, t = rng.random((8, 1, 12, 12)), rng.integers(0, 10, 8)
    nets = [cls(input_dim=(1, 12, 12), conv_param=conv_param, weight_init_std=0.1,
                rng=np.random.default_rng(0)) for cls in (SimpleConvNet, FastSimpleConvNet)]
    losses = []
    for net in nets:
        losses.append(net.forward(x, t))
        net.backward()
    assert losses[1] == pytest.approx(losses[0], rel=1e-12)
    textbook, fast = nets
    for name, a, c in zip(["W1", "b1", "W2", "b2", "W3", "b3"], fast.grads, textbook.grads,
                          strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-10, atol=1e-14, err_msg=name)


def test_one_trainer_step_leaves_both_nets_with_the_same_weights():
    """A Trainer step with Adam on each net, from the same weights, gives the same weights."""
    rng = np.random.default_rng(6)
    x, t = rng.random((8, 1, 8, 8)), rng.integers(0, 10, 8)
    nets = [cls(input_dim=(1, 8, 8), conv_param={"filter_size": 3, "pad": 1},
                rng=np.random.default_rng(0)) for cls in (SimpleConvNet, FastSimpleConvNet)]
    for net in nets:
        Trainer(net, Adam(lr=0.01), rng=np.random.default_rng(0), progress=False).step(x, t)
    for a, c in zip(nets[1].params, nets[0].params, strict=True):
        np.testing.assert_allclose(a, c, rtol=1e-9, atol=1e-12)


def test_simple_conv_net_accuracy_matches_the_kernels():
    """The batched accuracy method gives the kernel's accuracy."""
    rng = np.random.default_rng(0)
    net = SimpleConvNet(input_dim=(1, 8, 8), conv_param={"filter_size": 3, "pad": 1},
                        weight_init_std=0.1, rng=rng)
    x, t = rng.random((250, 1, 8, 8)), rng.integers(0, 10, 250)
    assert net.accuracy(x, t, batch_size=64) == pytest.approx(accuracy(net, x, t))


@pytest.mark.parametrize("cls", [SimpleConvNet, FastSimpleConvNet])
def test_simple_conv_net_in_float32(cls):
    """dtype=float32 makes every parameter and gradient float32, with nearly the same scores."""
    rng = np.random.default_rng(1)
    x, t = rng.random((4, 1, 8, 8)), rng.integers(0, 10, 4)
    net64 = cls(input_dim=(1, 8, 8), rng=np.random.default_rng(0))
    net32 = cls(input_dim=(1, 8, 8), rng=np.random.default_rng(0), dtype=np.float32)
    assert all(p.dtype == np.float32 for p in net32.params)
    scores = net32.predict(x)
    assert scores.dtype == np.float32
    np.testing.assert_allclose(scores, net64.predict(x), rtol=1e-4, atol=1e-6)
    net32.forward(x, t)
    net32.backward()
    assert all(g.dtype == np.float32 for g in net32.grads)


# -- data ---------------------------------------------------------------------------------------


def test_load_digits_shapes_and_split():
    """1,797 images (N, 1, 8, 8) in [0, 1]; a fifth of every digit is held out."""
    (x_train, t_train), (x_test, t_test) = load_digits(np.random.default_rng(0))
    assert x_train.shape == (1438, 1, 8, 8) and x_test.shape == (359, 1, 8, 8)
    assert x_train.dtype == np.float64 and t_train.dtype == np.int64
    assert x_train.min() == 0.0 and x_train.max() == 1.0
    counts = np.bincount(t_test, minlength=10)
    assert np.all(np.abs(counts / np.bincount(np.concatenate([t_train, t_test])) - 0.2) < 0.01)


def test_load_digits_is_deterministic():
    """The same seed gives the same split; another seed another."""
    (a, ta), _ = load_digits(np.random.default_rng(5))
    (b, tb), _ = load_digits(np.random.default_rng(5))
    (c, _), _ = load_digits(np.random.default_rng(6))
    assert np.array_equal(a, b) and np.array_equal(ta, tb)
    assert not np.array_equal(a, c)
    _, (x_test, _) = load_digits(np.random.default_rng(0), test_size=0.5)
    assert abs(len(x_test) - 1797 / 2) < 5  # half of each digit, rounded
    with pytest.raises(ValueError, match="test_size"):
        load_digits(np.random.default_rng(0), test_size=1.5)


def write_idx(path: Path, array: np.ndarray) -> str:
    """Write ``array`` (uint8) as a gzipped idx file; return its SHA-256."""
    header = bytes([0, 0, 0x08, array.ndim]) + np.array(array.shape, dtype=">u4").tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as file:
        file.write(header + array.astype(np.uint8).tobytes())
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def small_mnist(tmp_path, monkeypatch):
    """Four small idx files laid out like MNIST under $RINDOKU_DATA, with DataFiles for them."""
    rng = np.random.default_rng(0)
    arrays = {
        "train_images": rng.integers(0, 256, (5, 28, 28)),
        "train_labels": rng.integers(0, 10, 5),
        "test_images": rng.integers(0, 256, (3, 28, 28)),
        "test_labels": rng.integers(0, 10, 3),
    }
    files = {}
    for key, array in arrays.items():
        name = MNIST_FILES[key].name
        files[key] = DataFile(name, (), write_idx(tmp_path / "data" / name, array))
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return arrays, files


def test_load_mnist_reads_idx_files_from_rindoku_data(small_mnist):
    """Images become (N, 1, 28, 28) floats in [0, 1]; labels int64; nothing is downloaded."""
    arrays, files = small_mnist
    (x_train, t_train), (x_test, t_test) = load_mnist(files=files, download=False)
    assert x_train.shape == (5, 1, 28, 28) and x_test.shape == (3, 1, 28, 28)
    assert x_train.dtype == np.float32 and t_train.dtype == np.int64
    np.testing.assert_allclose(x_train[:, 0] * 255, arrays["train_images"], atol=1e-4)
    assert np.array_equal(t_test, arrays["test_labels"])
    (x64, _), _ = load_mnist(files=files, download=False, dtype=np.float64)
    assert x64.dtype == np.float64 and x64.min() >= 0 and x64.max() <= 1


def test_load_mnist_checks_the_checksum(small_mnist):
    """A file that is not the expected one is refused, with what to do."""
    _, files = small_mnist
    files["test_labels"] = DataFile(files["test_labels"].name, (), "0" * 64)
    with pytest.raises(DataError, match="wrong checksum"):
        load_mnist(files=files, download=False)


def test_load_mnist_without_the_files_says_how_to_get_them(tmp_path, monkeypatch):
    monkeypatch.setenv("RINDOKU_DATA", str(tmp_path / "empty"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError, match="RINDOKU_DATA"):
        load_mnist(download=False)


def test_read_idx_refuses_broken_files(tmp_path):
    """A file that is not idx, or is shorter than its header says, names itself."""
    path = tmp_path / "labels-idx1-ubyte.gz"
    write_idx(path, np.arange(10))
    assert np.array_equal(read_idx(path), np.arange(10))
    with gzip.open(path, "wb") as file:
        file.write(bytes([0, 0, 0x08, 1]) + np.array([10], dtype=">u4").tobytes() + b"abc")
    with pytest.raises(DataError, match=r"header says shape \(10,\), which needs 18 bytes"):
        read_idx(path)
    path.write_bytes(b"PK\x03\x04 not idx")
    with pytest.raises(DataError, match="cannot read it as gzip"):
        read_idx(path)
    plain = tmp_path / "plain-idx"
    plain.write_bytes(b"\x12\x34\x56\x78")
    with pytest.raises(DataError, match="not an idx file"):
        read_idx(plain)


def test_mnist_files_are_the_standard_ones():
    """Four files in mnist/, each with mirrors and a SHA-256."""
    assert sorted(f.name for f in MNIST_FILES.values()) == [
        "mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz",
        "mnist/train-images-idx3-ubyte.gz", "mnist/train-labels-idx1-ubyte.gz",
    ]
    for file in MNIST_FILES.values():
        assert re.fullmatch(r"[0-9a-f]{64}", file.sha256)
        assert len(file.urls) >= 2
        assert all(url.startswith("https://") and url.endswith(file.name.split("/")[1])
                   for url in file.urls)


# -- examples ------------------------------------------------------------------------------


CHAPTER_PAGES = Path(__file__).resolve().parents[1] / "chapters"


def assert_publishes_what_the_pages_cite(example_id: str, folder: Path) -> None:
    """Each ``{rindoku-value}`EXAMPLE:NAME``` of a chapter page names a value the run published."""
    cited = {name for page in CHAPTER_PAGES.glob("*.md")
             for name in re.findall(rf"\{{rindoku-value\}}`{re.escape(example_id)}:(\w+)`",
                                    page.read_text(encoding="utf-8"))}
    published, _ = published_values(folder)
    assert cited, f"no page cites a value of {example_id}"
    assert not cited - published.keys(), f"{example_id} does not publish {cited - published.keys()}"


def test_convolution_example_agrees_with_the_loops(tmp_path, capsys):
    """Three feature maps of the image's size; the naive loops and im2col agree."""
    figures = run_example(examples.convolution, 0, tmp_path)
    out = capsys.readouterr().out
    assert "feature maps (pad 1, stride 1): (1, 3, 24, 24)" in out
    assert "pad 1, stride 2: OH = (24 + 2*1 - 3) // 2 + 1 = 12" in out
    difference = float(re.search(r"largest difference between the outputs: (\S+)", out)[1])
    assert difference < 1e-12
    assert [path.name for path in figures] == ["figure-1.png"]
    assert_publishes_what_the_pages_cite("cnn.convolution", tmp_path)


@pytest.mark.slow
def test_digits_example_reaches_97_percent(tmp_path, capsys):
    """SimpleConvNet trained as in the chapter classifies at least 97% of held-out digits."""
    figures = run_example(examples.digits, 0, tmp_path)
    out = capsys.readouterr().out
    held_out = float(re.search(r"held-out accuracy: ([\d.]+)", out)[1])
    assert held_out >= 0.97
    assert float(re.search(r"training accuracy: ([\d.]+)", out)[1]) >= held_out
    rows = re.findall(r"^\s+(\d+)\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", out, flags=re.MULTILINE)
    assert [int(epoch) for epoch, _ in rows] == list(range(1, 21))
    assert float(rows[-1][1]) == pytest.approx(held_out, abs=1e-3)
    assert len(figures) == 3
    assert_publishes_what_the_pages_cite("cnn.digits", tmp_path)


@pytest.mark.slow
def test_filters_example_draws_the_filters_before_and_after(tmp_path, capsys):
    """Two grids of 30 filters and one of feature maps; the net has learned something."""
    figures = run_example(examples.filters, 0, tmp_path)
    out = capsys.readouterr().out
    assert float(re.search(r"held-out accuracy after 10 epochs: ([\d.]+)", out)[1]) > 0.9
    before, after = (float(v) for v in re.search(r"deviation ([\d.]+) before training, "
                                                 r"([\d.]+) after", out).groups())
    assert after > 5 * before
    assert len(figures) == 3
    assert_publishes_what_the_pages_cite("cnn.filters", tmp_path)


def test_compare_paths_finds_the_textbook_and_the_fast_path_equal():
    """The timing helper of the example and the benchmark compares every output and gradient."""
    comparison = compare_paths(np.random.default_rng(0), repeats=1)
    assert [timing.name for timing in comparison.timings][-1] == "SimpleConvNet forward + backward"
    assert all(timing.textbook_ms > 0 and timing.fast_ms > 0 for timing in comparison.timings)
    assert {"Convolution dx", "Convolution dW", "Convolution db", "Pooling dx",
            "SimpleConvNet loss", "SimpleConvNet grads[5]"} <= set(comparison.differences)
    assert comparison.worst_difference < 1e-12


@pytest.mark.slow
def test_fast_example_times_both_paths_and_finds_them_equal(tmp_path, capsys):
    """Five timed steps, each with both paths; their results agree to rounding."""
    figures = run_example(examples.fast, 0, tmp_path)
    out = capsys.readouterr().out
    rows = re.findall(r"^(.+?)\s+([\d.]+) ms\s+([\d.]+) ms\s+([\d.]+)×$", out,
                      flags=re.MULTILINE)
    assert [name for name, *_ in rows] == [
        "Convolution forward", "Convolution backward", "Pooling forward", "Pooling backward",
        "SimpleConvNet forward + backward"]
    worst = float(re.search(r"every output and gradient: (\S+)", out)[1])
    assert worst < 1e-12
    assert [path.name for path in figures] == ["figure-1.png"]
    assert_publishes_what_the_pages_cite("cnn.fast", tmp_path)


# -- exercises ------------------------------------------------------------------------------


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda exercise: exercise.id)
def test_exercise_metadata(exercise):
    """Each exercise has a prompt with math, its solution file and a few hints."""
    assert exercise.id in {"cnn.im2col", "cnn.pooling-backward"}
    assert "$" in exercise.prompt
    assert Path(exercise.solution_file).is_file()
    assert 2 <= len(exercise.hints) <= 3


def test_checks_name_what_is_missing():
    with pytest.raises(CheckFailed, match="your file defines no function im2col"):
        IM2COL.check(attempt_from("import numpy as np\n"))
    with pytest.raises(CheckFailed, match="your file defines no class Pooling"):
        POOLING_BACKWARD.check(attempt_from("import numpy as np\n"))


def test_im2col_check_names_the_window_and_the_offset():
    """Columns in the wrong order: the first wrong element, its window, offset and pixels."""
    module = with_mistake(IM2COL, "col.transpose(0, 4, 5, 1, 2, 3)",
                          "col.transpose(0, 4, 5, 1, 3, 2)")
    pattern = (r"(?s)filter_h=2, filter_w=2, stride=1, pad=0\) is wrong at col\[0, 1\].*"
               r"image 0, window \(i, j\) = \(0, 0\).*offset \(y, x\) = \(0, 1\).*"
               r"expected pixel x\[0, 0, 0, 1\] = 2.*got      pixel x\[0, 0, 1, 0\] = 4")
    with pytest.raises(CheckFailed, match=pattern):
        IM2COL.check(module)


def test_im2col_check_catches_a_forgotten_stride():
    """A stride left out of the slices is caught on the first case with a stride."""
    module = with_mistake(IM2COL, "img[:, :, y:y_max:stride, x:x_max:stride]",
                    "img[:, :, y:y + out_h, x:x + out_w]")
    with pytest.raises(CheckFailed, match=r"shape \(2, 3, 7, 7\), filter_h=3, filter_w=3, "
                                          r"stride=2, pad=0\) is wrong at col"):
        IM2COL.check(module)


def test_im2col_check_explains_a_wrong_shape():
    module = with_mistake(IM2COL, "return col", "return col.T")
    with pytest.raises(CheckFailed, match=r"shape \(9, 8\); expected \(8, 9\): one row per "
                                          r"window \(N \* out_h \* out_w = 2 \* 2 \* 2\)"):
        IM2COL.check(module)
    with pytest.raises(CheckFailed, match="returned None"):
        IM2COL.check(with_mistake(IM2COL, "return col", "return None"))


def test_pooling_check_names_the_worst_element():
    """dout in the wrong order: the gradient check fails and names the element."""
    module = with_mistake(POOLING_BACKWARD, "dout = dout.transpose(0, 2, 3, 1)",
                    "dout = dout.transpose(0, 3, 2, 1)")
    pattern = (r"(?s)dx of Pooling\(pool_h=2, pool_w=2, stride=2, pad=0\) is wrong.*"
               r"worst element: input 0 \(shape \(2, 3, 4, 4\)\) at index \(\d, \d, \d, \d\): "
               r"numerical")
    with pytest.raises(CheckFailed, match=pattern):
        POOLING_BACKWARD.check(module)


def test_pooling_check_catches_a_gradient_spread_over_the_window():
    """Sharing the gradient over the window (average pooling's backward) is wrong for max."""
    module = with_mistake(POOLING_BACKWARD,
                    "dmax[np.arange(self.arg_max.size), self.arg_max.flatten()] = dout.flatten()",
                    "dmax[...] = dout.reshape(-1, 1) / pool_size")
    with pytest.raises(CheckFailed, match=r"dx of Pooling.* is wrong"):
        POOLING_BACKWARD.check(module)
    with pytest.raises(CheckFailed, match=r"backward\(dout\) returned None"):
        POOLING_BACKWARD.check(with_mistake(POOLING_BACKWARD, "return dx", "return None"))


def test_pooling_check_catches_a_changed_forward():
    module = with_mistake(POOLING_BACKWARD, "out = np.max(col, axis=1)",
                          "out = np.min(col, axis=1)")
    with pytest.raises(CheckFailed, match=r"(?s)forward\(x\) is wrong\..*expected:.*got:.*"
                                          r"The forward pass was given: did it change\?"):
        POOLING_BACKWARD.check(module)


# -- the plugin ----------------------------------------------------------------------------


def test_the_chapter_registers_everything():
    """The registry holds the chapter, both forms of its layers and model, data and exercises."""
    registry = load_registry()
    chapter = registry.chapter("cnn")
    assert (chapter.number, chapter.title, chapter.title_ja) == (
        3, "Convolutional networks", "畳み込みニューラルネットワーク")
    assert chapter.page.is_file()
    assert chapter.terms["padding"] == "パディング"
    for cls in [Convolution, Pooling, FastConvolution, FastPooling]:
        assert registry.layers[cls.__name__].value is cls
    for cls in [SimpleConvNet, FastSimpleConvNet]:
        assert registry.models[cls.__name__].value is cls
    assert registry.datasets["digits"].value.load is load_digits
    assert registry.datasets["mnist"].value.load is load_mnist
    for name in ["cnn.convolution", "cnn.digits", "cnn.filters", "cnn.fast"]:
        assert registry.example(name).size == "quick"
    assert registry.exercise("cnn.im2col") is IM2COL
    assert registry.exercise("cnn.pooling-backward") is POOLING_BACKWARD
    assert not [p for p in registry.problems if p.plugin == "cnn"]


def test_no_term_repeats_another_chapters():
    """The glossary gets each English term once."""
    registry = load_registry()
    ours = set(registry.chapter("cnn").terms)
    for chapter in registry.chapter_list():
        if chapter.slug != "cnn":
            assert not ours & set(chapter.terms), chapter.slug
