"""The figures the chapter's examples draw, so that the examples keep only their teaching lines."""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku_cnn.speed import Timing

__all__ = [
    "plot_edge_filters",
    "plot_feature_maps",
    "plot_filter_grid",
    "plot_held_out_accuracy",
    "plot_misclassified",
    "plot_speed",
]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends
_ = Labels(ja={
    "input image {height}×{width}": "入力画像 {height}×{width}",
    "filter: {name}": "フィルター: {name}",
    "vertical edge": "縦のエッジ",
    "horizontal edge": "横のエッジ",
    "blur": "ぼかし",
    "feature map {k}": "特徴マップ {k}",
    "output (red > 0 > blue)": "出力(赤 > 0 > 青)",
    "Convolution with padding 1: three filters give three feature maps":
        "パディング 1 の畳み込み: 3 つのフィルターから 3 つの特徴マップ",
    "held-out accuracy": "テストデータの認識精度",
    "Training loss of SimpleConvNet on the 8×8 digits":
        "8×8 の数字画像での SimpleConvNet の訓練損失",
    "epoch": "エポック",
    "accuracy on the {n} held-out digits": "テストデータ {n} 枚の認識精度",
    "Held-out accuracy after each epoch (final {accuracy})":
        "エポックごとのテストデータの認識精度(最終 {accuracy})",
    "{label} as {guess}": "{label} → {guess}",
    "Misclassified held-out digits (true label as predicted)":
        "誤認識したテストデータの数字(正解 → 予測)",
    "The {n} first-layer filters ({FH}×{FW}) {when}":
        "第 1 層の {n} 個のフィルター({FH}×{FW}) {when}",
    "before training (random)": "学習前(ランダム)",
    "after training": "学習後",
    "input ({label})": "入力({label})",
    "One held-out digit and its {n} feature maps after Conv → ReLU (dark = strong)":
        "テストデータの数字 1 つと Conv → ReLU 後の {n} 枚の特徴マップ(濃いほど強い)",
    "textbook (rindoku_cnn.layers)": "教科書どおり(rindoku_cnn.layers)",
    "fast (rindoku_cnn.fast)": "高速版(rindoku_cnn.fast)",
    " {ratio}× faster": " {ratio} 倍速い",
    "milliseconds per batch of 100 images (median)": "100 枚のバッチ 1 つあたりのミリ秒(中央値)",
    "The textbook layers and the fast ones on the book's MNIST sizes":
        "本の MNIST の大きさでの教科書どおりのレイヤと高速版",
})


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
    axes[0, 0].set_title(_("input image {height}×{width}", height=image.shape[0],
                           width=image.shape[1]))
    axes[1, 0].axis("off")
    limit = np.abs(feature_maps).max()
    for k, (name, kernel) in enumerate(filters.items(), start=1):
        ax = axes[0, k]
        ax.imshow(kernel, cmap="RdBu_r", vmin=-1, vmax=1)
        for (i, j), value in np.ndenumerate(kernel):
            ax.text(j, i, f"{value:.2g}", ha="center", va="center", fontsize=9,
                    color="white" if abs(value) > 0.5 else "black")
        ax.set_title(_("filter: {name}", name=_(name)))
        shown = axes[1, k].imshow(feature_maps[k - 1], cmap="RdBu_r", vmin=-limit, vmax=limit)
        axes[1, k].set_title(_("feature map {k}", k=k))
    _no_ticks(axes)
    fig.colorbar(shown, ax=axes[1, 1:], shrink=0.8, label=_("output (red > 0 > blue)"))
    fig.suptitle(_("Convolution with padding 1: three filters give three feature maps"))


def plot_held_out_accuracy(accuracies: Sequence[float], n_held_out: int) -> None:
    """The held-out accuracy after each epoch, against a line at 97%."""
    fig, ax = plt.subplots(figsize=(6, 4))
    epochs = np.arange(1, len(accuracies) + 1)
    ax.plot(epochs, accuracies, "o-", label=_("held-out accuracy"))
    ax.axhline(0.97, color="tab:red", linestyle="--", label="97%")
    ax.set_xlabel(_("epoch"))
    ax.set_ylabel(_("accuracy on the {n} held-out digits", n=n_held_out))
    ax.set_xticks(epochs[::2])
    ax.set_ylim(top=1.0)
    ax.set_title(_("Held-out accuracy after each epoch (final {accuracy})",
                   accuracy=f"{accuracies[-1]:.1%}"))
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")


def plot_misclassified(images: np.ndarray, labels: np.ndarray, predicted: np.ndarray) -> None:
    """Digits (N, 1, H, W) in a row, each titled with its true label and the prediction."""
    fig, axes = plt.subplots(1, len(images), figsize=(1.3 * len(images), 1.8),
                             squeeze=False, layout="constrained")
    for ax, image, label, guess in zip(axes[0], images, labels, predicted, strict=True):
        ax.imshow(image[0], cmap="gray_r", vmin=0, vmax=1)
        ax.set_title(_("{label} as {guess}", label=label, guess=guess), fontsize=9)
    _no_ticks(axes)
    fig.suptitle(_("Misclassified held-out digits (true label as predicted)"))


def plot_filter_grid(weights: np.ndarray, when: str) -> None:
    """30 single-channel filters (30, 1, FH, FW) in a 3 × 10 grid, each on its own grey scale."""
    fig, axes = plt.subplots(3, 10, figsize=(10, 3.3), layout="constrained")
    for ax, w in zip(axes.flat, weights[:, 0], strict=True):
        ax.imshow(w, cmap="gray", interpolation="nearest")
    _no_ticks(axes)
    FH, FW = weights.shape[2:]
    fig.suptitle(_("The {n} first-layer filters ({FH}×{FW}) {when}", n=len(weights), FH=FH,
                   FW=FW, when=_(when)))


def plot_feature_maps(image: np.ndarray, label: int, feature_maps: np.ndarray) -> None:
    """One digit (H, W) on the left, its 30 feature maps (30, H', W') in a 3 × 10 grid."""
    fig, axes = plt.subplots(3, 11, figsize=(11, 3.3), layout="constrained")
    axes[1, 0].imshow(image, cmap="gray_r")
    axes[1, 0].set_title(_("input ({label})", label=label), fontsize=9)
    for ax in axes[[0, 2], 0]:
        ax.axis("off")
    strongest = feature_maps.max()
    for ax, fmap in zip(axes[:, 1:].flat, feature_maps, strict=True):
        ax.imshow(fmap, cmap="gray_r", vmin=0, vmax=strongest)
    _no_ticks(axes)
    fig.suptitle(_("One held-out digit and its {n} feature maps after Conv → ReLU "
                   "(dark = strong)", n=len(feature_maps)))


def plot_speed(timings: Sequence[Timing]) -> None:
    """Horizontal bars: the milliseconds of the textbook and the fast path, step by step."""
    fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
    rows = np.arange(len(timings))
    height = 0.38
    ax.barh(rows - height / 2, [t.textbook_ms for t in timings], height,
            label=_("textbook (rindoku_cnn.layers)"), color="tab:gray")
    ax.barh(rows + height / 2, [t.fast_ms for t in timings], height,
            label=_("fast (rindoku_cnn.fast)"), color="tab:blue")
    for row, t in zip(rows, timings, strict=True):
        ax.text(t.textbook_ms, row - height / 2, _(" {ratio}× faster", ratio=f"{t.ratio:.1f}"),
                va="center",
                fontsize=8)
    ax.set_yticks(rows, [t.name for t in timings])
    ax.invert_yaxis()
    ax.set_xlabel(_("milliseconds per batch of 100 images (median)"))
    ax.set_xlim(right=1.25 * max(t.textbook_ms for t in timings))
    ax.set_title(_("The textbook layers and the fast ones on the book's MNIST sizes"))
    ax.legend(loc="upper right")
    ax.grid(axis="x", alpha=0.3)
