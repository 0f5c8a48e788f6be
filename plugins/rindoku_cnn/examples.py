"""The chapter's worked examples: edge filters, SimpleConvNet on digits, its filters, speed.

The first three use the textbook layers and net; the last times them against
the fast ones.  The figures are drawn by :mod:`rindoku_cnn.figures`.
"""

from __future__ import annotations

import re
import time

import matplotlib.pyplot as plt
import numpy as np

from rindoku import publish
from rindoku.trainer import Trainer
from rindoku_cnn.datasets import load_digits
from rindoku_cnn.figures import (
    _,
    plot_edge_filters,
    plot_feature_maps,
    plot_filter_grid,
    plot_held_out_accuracy,
    plot_misclassified,
    plot_speed,
)
from rindoku_cnn.layers import Convolution, conv2d_naive, conv_output_size, im2col
from rindoku_cnn.models import SimpleConvNet
from rindoku_cnn.speed import compare_paths
from rindoku_optimizers.optimizers import Adam

__all__ = ["convolution", "digits", "fast", "filters"]


def convolution(rng: np.random.Generator) -> None:
    """Slide three hand-made 3 × 3 filters over a small image, then time the two ways to do it.

    The image is a bright square and a bright disc on a dark background.  A
    vertical-edge filter answers where the brightness changes from left to
    right, a horizontal-edge filter where it changes from top to bottom, and a
    box filter blurs.  Padding 1 keeps the feature maps the size of the image.
    """
    # a 24 × 24 image: a square and a disc, brightness 1 on 0
    size = 24
    rows, cols = np.mgrid[0:size, 0:size]
    image = np.zeros((size, size))
    image[3:11, 3:11] = 1.0  # the square
    image[(rows - 15) ** 2 + (cols - 15) ** 2 <= 5.5**2] = 1.0  # the disc

    filters = {
        "vertical edge": np.array([[1.0, 0.0, -1.0], [1.0, 0.0, -1.0], [1.0, 0.0, -1.0]]),
        "horizontal edge": np.array([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]]),
        "blur": np.full((3, 3), 1.0 / 9.0),
    }
    W = np.stack(list(filters.values()))[:, np.newaxis]  # (FN, C, FH, FW) = (3, 1, 3, 3)
    b = np.zeros(len(filters))
    x = image[np.newaxis, np.newaxis]  # (N, C, H, W) = (1, 1, 24, 24)

    conv = Convolution(W, b, stride=1, pad=1)
    feature_maps = conv.forward(x)
    print(f"input x: {x.shape}, filters W: {W.shape}, b: {b.shape}")
    print(f"feature maps (pad 1, stride 1): {feature_maps.shape}")
    for pad, stride in [(0, 1), (1, 1), (1, 2), (0, 3)]:
        out = conv_output_size(size, 3, stride, pad)
        print(f"  pad {pad}, stride {stride}: OH = ({size} + 2*{pad} - 3) // {stride} + 1 = {out}")

    plot_edge_filters(image, filters, feature_maps[0])

    # the same convolution two ways, on one batch the size of the book's MNIST net
    x = rng.random((100, 1, 28, 28))
    W = 0.01 * rng.standard_normal((30, 1, 5, 5))
    b = np.zeros(30)
    conv = Convolution(W, b)
    col = im2col(x, 5, 5)
    print(f"\none batch: x {x.shape}, W {W.shape}")
    print(f"im2col(x): {col.shape} (one row per window), times W as a {W[0].size}×{len(W)} matrix")

    start = time.perf_counter()
    out_naive = conv2d_naive(x, W, b)
    naive_seconds = time.perf_counter() - start
    times = []
    for _run in range(5):
        start = time.perf_counter()
        out_im2col = conv.forward(x)
        times.append(time.perf_counter() - start)
    im2col_seconds = float(np.median(times))
    difference = np.max(np.abs(out_naive - out_im2col))
    print(f"conv2d_naive (loops over images and output pixels): {naive_seconds * 1e3:8.1f} ms")
    print(f"Convolution (im2col, one matrix product):           {im2col_seconds * 1e3:8.1f} ms")
    print(f"about {naive_seconds / im2col_seconds:.0f} times faster; "
          f"largest difference between the outputs: {difference:.1e}")
    publish("im2col_speedup", naive_seconds / im2col_seconds, "{:.0f} times")


def digits(rng: np.random.Generator) -> None:
    """Train SimpleConvNet on scikit-learn's 8 × 8 handwritten digits with Adam.

    1,438 images to train on and 359 held out.  The filters are 3 × 3 with
    padding 1, so the feature maps keep the 8 × 8 size and pooling halves them
    to 4 × 4; weights start at a standard deviation of 0.1, because each filter
    sees only 9 pixels and the book's 0.01 makes learning start slowly.
    """
    (x_train, t_train), (x_test, t_test) = load_digits(rng)
    print(f"training images {x_train.shape}, held-out images {x_test.shape}")

    model = SimpleConvNet(
        input_dim=(1, 8, 8),
        conv_param={"filter_num": 30, "filter_size": 3, "pad": 1, "stride": 1},
        hidden_size=100,
        output_size=10,
        weight_init_std=0.1,
        rng=rng,
    )
    trainer = Trainer(model, Adam(lr=0.003), rng=rng)
    start = time.perf_counter()
    history = trainer.fit(x_train, t_train, max_epoch=20, batch_size=50, eval_interval=10,
                          x_val=x_test, t_val=t_test)
    seconds = time.perf_counter() - start

    train_accuracy = model.accuracy(x_train, t_train)
    test_accuracy = model.accuracy(x_test, t_test)
    print(f"\n{'epoch':>5}  {'train loss':>10}  {'held-out loss':>13}  {'held-out accuracy':>17}")
    for epoch, (loss, val_loss, val_accuracy) in enumerate(
        zip(history.epoch_losses, history.val_losses, history.val_accuracies, strict=True),
        start=1,
    ):
        print(f"{epoch:>5}  {loss:>10.4f}  {val_loss:>13.4f}  {val_accuracy:>17.3f}")
    print(f"\ntraining accuracy: {train_accuracy:.3f}")
    print(f"held-out accuracy: {test_accuracy:.3f}")
    print(f"({len(history.epoch_losses)} epochs in {seconds:.1f} s)")
    publish("train_accuracy", train_accuracy, "{:.1%}")
    publish("test_accuracy", test_accuracy, "{:.1%}")

    fig, ax = plt.subplots(figsize=(6, 4))
    trainer.plot(ax)
    ax.set_title(_("Training loss of SimpleConvNet on the 8×8 digits"))
    plot_held_out_accuracy(history.val_accuracies, len(t_test))

    # the held-out digits it gets wrong
    predicted = model.predict(x_test).argmax(axis=1)
    wrong = np.flatnonzero(predicted != t_test)
    print(f"misclassified held-out digits: {len(wrong)} of {len(t_test)}")
    if len(wrong):
        plot_misclassified(x_test[wrong], t_test[wrong], predicted[wrong])


def filters(rng: np.random.Generator) -> None:
    """The 30 first-layer filters of SimpleConvNet before and after training on the digits.

    The net starts from the book's small random weights (standard deviation
    0.01), so that what the filters show after training is what they learned.
    It has 5 × 5 filters (padding 2, so the feature maps stay 8 × 8), which
    leaves more to see in each filter than 3 × 3, and trains for 10 epochs with
    Adam.  Each filter is drawn with its own grey scale, from its smallest
    weight (black) to its largest (white).
    """
    (x_train, t_train), (x_test, t_test) = load_digits(rng)
    model = SimpleConvNet(
        input_dim=(1, 8, 8),
        conv_param={"filter_num": 30, "filter_size": 5, "pad": 2, "stride": 1},
        hidden_size=100,
        output_size=10,
        weight_init_std=0.01,
        rng=rng,
    )
    W1 = model.params[0]  # the filters, (30, 1, 5, 5), updated in place by training
    before = W1.copy()

    trainer = Trainer(model, Adam(lr=0.01), rng=rng, progress=False)
    trainer.fit(x_train, t_train, max_epoch=10, batch_size=50)
    print(f"held-out accuracy after 10 epochs: {model.accuracy(x_test, t_test):.3f}")
    print(f"filter weights: standard deviation {before.std():.3f} before training, "
          f"{W1.std():.3f} after")
    publish("growth", W1.std() / before.std(), "{:.0f} times")

    plot_filter_grid(before, "before training (random)")
    plot_filter_grid(W1, "after training")

    # what the learned filters make of one held-out digit
    feature_maps = model.layers[1].forward(model.layers[0].forward(x_test[:1]))  # Conv, ReLU
    silent = int(np.sum(feature_maps[0].max(axis=(1, 2)) == 0))
    print(f"feature maps of held-out digit 0 (a {t_test[0]}) that are 0 everywhere "
          f"after the ReLU: {silent} of 30")
    plot_feature_maps(x_test[0, 0], t_test[0], feature_maps[0])


def fast(rng: np.random.Generator) -> None:
    """Time the textbook layers and the fast ones on one batch of the book's MNIST sizes.

    100 images of 1 × 28 × 28, 30 filters of 5 × 5, max pooling 2 × 2 with
    stride 2, a hidden layer of 100; both paths get the same weights and the
    same batch.  Each time is the median of five runs; the two paths' outputs
    and gradients are compared at the end.
    """
    comparison = compare_paths(rng, repeats=5)

    print(f"{'per batch of 100 images':<34} {'textbook':>9} {'fast':>9} {'speed-up':>9}")
    for timing in comparison.timings:
        print(f"{timing.name:<34} {timing.textbook_ms:>6.1f} ms {timing.fast_ms:>6.1f} ms "
              f"{timing.ratio:>8.1f}×")
        # "Pooling forward" -> pooling_forward_speedup
        publish(re.sub(r"[^a-z0-9]+", "_", timing.name.lower()) + "_speedup", timing.ratio,
                "{:.1f}×")
    print(f"\nlargest relative difference between the two paths, over every output "
          f"and gradient: {comparison.worst_difference:.1e}")
    plot_speed(comparison.timings)
