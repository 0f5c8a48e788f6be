"""The chapter's worked examples: edge filters by hand, SimpleConvNet on digits, its filters."""

from __future__ import annotations

import time

import matplotlib.pyplot as plt
import numpy as np

from rindoku.trainer import Trainer
from rindoku_cnn.datasets import load_digits
from rindoku_cnn.layers import Convolution, conv2d_naive, conv_output_size, im2col
from rindoku_cnn.models import SimpleConvNet
from rindoku_optimizers.optimizers import Adam

__all__ = ["convolution", "digits", "filters"]


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

    fig, axes = plt.subplots(2, 4, figsize=(10, 5.2), layout="constrained")
    axes[0, 0].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[0, 0].set_title(f"input image {size}×{size}")
    axes[1, 0].axis("off")
    limit = np.abs(feature_maps).max()
    for k, (name, kernel) in enumerate(filters.items(), start=1):
        ax = axes[0, k]
        ax.imshow(kernel, cmap="RdBu_r", vmin=-1, vmax=1)
        for (i, j), value in np.ndenumerate(kernel):
            ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=9,
                    color="white" if abs(value) > 0.5 else "black")
        ax.set_title(f"filter: {name}")
        image_k = axes[1, k].imshow(feature_maps[0, k - 1], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[1, k].set_title(f"feature map {k}")
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.colorbar(image_k, ax=axes[1, 1:], shrink=0.8, label="output (red > 0 > blue)")
    fig.suptitle("Convolution with padding 1: three filters give three feature maps")

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
    for _ in range(5):
        start = time.perf_counter()
        out_im2col = conv.forward(x)
        times.append(time.perf_counter() - start)
    im2col_seconds = float(np.median(times))
    difference = np.max(np.abs(out_naive - out_im2col))
    print(f"conv2d_naive (loops over images and output pixels): {naive_seconds * 1e3:8.1f} ms")
    print(f"Convolution (windows unrolled, matrix products):   {im2col_seconds * 1e3:8.1f} ms")
    print(f"about {naive_seconds / im2col_seconds:.0f} times faster; "
          f"largest difference between the outputs: {difference:.1e}")


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

    fig, ax = plt.subplots(figsize=(6, 4))
    trainer.plot(ax)
    ax.set_title("Training loss of SimpleConvNet on the 8×8 digits")
    ax.grid(alpha=0.3)

    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = np.arange(1, len(history.val_accuracies) + 1)
    ax.plot(epochs, history.val_accuracies, "o-", label="held-out accuracy")
    ax.axhline(0.97, color="tab:red", linestyle="--", label="97%")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"accuracy on the {len(t_test)} held-out digits")
    ax.set_xticks(epochs[::2])
    ax.set_ylim(top=1.0)
    ax.set_title(f"Held-out accuracy after each epoch (final {test_accuracy:.1%})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")

    # the held-out digits it gets wrong
    predicted = model.predict(x_test).argmax(axis=1)
    wrong = np.flatnonzero(predicted != t_test)
    print(f"misclassified held-out digits: {len(wrong)} of {len(t_test)}")
    if len(wrong):
        fig, axes = plt.subplots(1, len(wrong), figsize=(1.3 * len(wrong), 1.8),
                                 squeeze=False, layout="constrained")
        for ax, i in zip(axes[0], wrong, strict=True):
            ax.imshow(x_test[i, 0], cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(f"{t_test[i]} as {predicted[i]}", fontsize=9)
            ax.set_xticks([])
            ax.set_yticks([])
        fig.suptitle("Misclassified held-out digits (true label as predicted)")


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

    for weights, when in [(before, "before training (random)"), (W1, "after training")]:
        fig, axes = plt.subplots(3, 10, figsize=(10, 3.3), layout="constrained")
        for ax, w in zip(axes.flat, weights[:, 0], strict=True):
            ax.imshow(w, cmap="gray", interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
        fig.suptitle(f"The 30 first-layer filters (5×5) {when}")

    # what the learned filters make of one held-out digit
    feature_maps = model.layers[1].forward(model.layers[0].forward(x_test[:1]))  # Conv, ReLU
    silent = int(np.sum(feature_maps[0].max(axis=(1, 2)) == 0))
    print(f"feature maps of held-out digit 0 (a {t_test[0]}) that are 0 everywhere "
          f"after the ReLU: {silent} of 30")
    fig, axes = plt.subplots(3, 11, figsize=(11, 3.3), layout="constrained")
    axes[1, 0].imshow(x_test[0, 0], cmap="gray_r")
    axes[1, 0].set_title(f"input ({t_test[0]})", fontsize=9)
    for ax in axes[[0, 2], 0]:
        ax.axis("off")
    strongest = feature_maps.max()
    for ax, fmap in zip(axes[:, 1:].flat, feature_maps[0], strict=True):
        ax.imshow(fmap, cmap="gray_r", vmin=0, vmax=strongest)
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle("One held-out digit and its 30 feature maps after Conv → ReLU (dark = strong)")
