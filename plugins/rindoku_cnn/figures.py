"""The figures the chapter's examples draw, so that the examples keep only their teaching lines."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku_cnn.speed import Timing

__all__ = [
    "plot_edge_filters",
    "plot_feature_maps",
    "plot_filter_grid",
    "plot_held_out_accuracy",
    "plot_misclassified",
    "plot_speed",
]


def _no_ticks(axes: np.ndarray) -> None:
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])


def plot_edge_filters(
    image: np.ndarray, filters: dict[str, np.ndarray], feature_maps: np.ndarray
) -> None:
    """The input image, each 3 × 3 filter with its values, and the feature map it gives.

    image: (H, W); filters: name -> (FH, FW); feature_maps: (len(filters), H', W'),
    drawn on one red-blue scale centred on 0.
    """
    fig, axes = plt.subplots(2, len(filters) + 1, figsize=(10, 5.2), layout="constrained")
    axes[0, 0].imshow(image, cmap="gray", vmin=0, vmax=1)
    axes[0, 0].set_title(f"input image {image.shape[0]}×{image.shape[1]}")
    axes[1, 0].axis("off")
    limit = np.abs(feature_maps).max()
    for k, (name, kernel) in enumerate(filters.items(), start=1):
        ax = axes[0, k]
        ax.imshow(kernel, cmap="RdBu_r", vmin=-1, vmax=1)
        for (i, j), value in np.ndenumerate(kernel):
            ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=9,
                    color="white" if abs(value) > 0.5 else "black")
        ax.set_title(f"filter: {name}")
        shown = axes[1, k].imshow(feature_maps[k - 1], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[1, k].set_title(f"feature map {k}")
    _no_ticks(axes)
    fig.colorbar(shown, ax=axes[1, 1:], shrink=0.8, label="output (red > 0 > blue)")
    fig.suptitle("Convolution with padding 1: three filters give three feature maps")


def plot_held_out_accuracy(accuracies: Sequence[float], n_held_out: int) -> None:
    """The held-out accuracy after each epoch, against a line at 97%."""
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = np.arange(1, len(accuracies) + 1)
    ax.plot(epochs, accuracies, "o-", label="held-out accuracy")
    ax.axhline(0.97, color="tab:red", linestyle="--", label="97%")
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"accuracy on the {n_held_out} held-out digits")
    ax.set_xticks(epochs[::2])
    ax.set_ylim(top=1.0)
    ax.set_title(f"Held-out accuracy after each epoch (final {accuracies[-1]:.1%})")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")


def plot_misclassified(images: np.ndarray, labels: np.ndarray, predicted: np.ndarray) -> None:
    """Digits (N, 1, H, W) in a row, each titled with its true label and the prediction."""
    fig, axes = plt.subplots(1, len(images), figsize=(1.3 * len(images), 1.8),
                             squeeze=False, layout="constrained")
    for ax, image, label, guess in zip(axes[0], images, labels, predicted, strict=True):
        ax.imshow(image[0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(f"{label} as {guess}", fontsize=9)
    _no_ticks(axes)
    fig.suptitle("Misclassified held-out digits (true label as predicted)")


def plot_filter_grid(weights: np.ndarray, when: str) -> None:
    """30 single-channel filters (30, 1, FH, FW) in a 3 × 10 grid, each on its own grey scale."""
    fig, axes = plt.subplots(3, 10, figsize=(10, 3.3), layout="constrained")
    for ax, w in zip(axes.flat, weights[:, 0], strict=True):
        ax.imshow(w, cmap="gray", interpolation="nearest")
    _no_ticks(axes)
    FH, FW = weights.shape[2:]
    fig.suptitle(f"The {len(weights)} first-layer filters ({FH}×{FW}) {when}")


def plot_feature_maps(image: np.ndarray, label: int, feature_maps: np.ndarray) -> None:
    """One digit (H, W) on the left, its 30 feature maps (30, H', W') in a 3 × 10 grid."""
    fig, axes = plt.subplots(3, 11, figsize=(11, 3.3), layout="constrained")
    axes[1, 0].imshow(image, cmap="gray_r")
    axes[1, 0].set_title(f"input ({label})", fontsize=9)
    for ax in axes[[0, 2], 0]:
        ax.axis("off")
    strongest = feature_maps.max()
    for ax, fmap in zip(axes[:, 1:].flat, feature_maps, strict=True):
        ax.imshow(fmap, cmap="gray_r", vmin=0, vmax=strongest)
    _no_ticks(axes)
    fig.suptitle(f"One held-out digit and its {len(feature_maps)} feature maps after "
                 "Conv → ReLU (dark = strong)")


def plot_speed(timings: Sequence[Timing]) -> None:
    """Horizontal bars: the milliseconds of the textbook and the fast path, step by step."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
    rows = np.arange(len(timings))
    height = 0.38
    ax.barh(rows - height / 2, [t.textbook_ms for t in timings], height,
            label="textbook (rindoku_cnn.layers)", color="tab:gray")
    ax.barh(rows + height / 2, [t.fast_ms for t in timings], height,
            label="fast (rindoku_cnn.fast)", color="tab:blue")
    for row, t in zip(rows, timings, strict=True):
        ax.text(t.textbook_ms, row - height / 2, f" {t.ratio:.1f}× faster", va="center",
                fontsize=8)
    ax.set_yticks(rows, [t.name for t in timings])
    ax.invert_yaxis()
    ax.set_xlabel("milliseconds per batch of 100 images (median)")
    ax.set_xlim(right=1.25 * max(t.textbook_ms for t in timings))
    ax.set_title("The textbook layers and the fast ones on the book's MNIST sizes")
    ax.legend(loc="upper right")
    ax.grid(axis="x", alpha=0.3)
