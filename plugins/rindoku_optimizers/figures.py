"""The figures of the chapter's examples: the drawing, kept off the page.

Each helper draws one figure from what an example computed; the example (the
code the page shows) keeps the optimizers, the loops and the prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku.trainer import LossHistory

__all__ = ["plot_loss_curves", "plot_trajectories"]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends
_ = Labels(ja={
    "path": "経路",
    "start": "開始点",
    "minimum": "最小値",
    "{name} (lr = {lr})": "{name} (学習係数 {lr})",
    "{steps} steps of each optimizer on f(x, y) = x²/20 + y², from ({x}, {y})":
        "f(x, y) = x²/20 + y² 上の各手法の {steps} ステップ、({x}, {y}) から",
    "iteration ({per_epoch} per epoch)": "イテレーション(1 エポック {per_epoch} 回)",
    "training loss (average of {n} iterations)": "訓練データの損失({n} イテレーションの平均)",
    "TwoLayerNet on the spiral data set: loss with each optimizer":
        "スパイラルデータセットでの TwoLayerNet: 最適化手法ごとの損失",
})


def plot_trajectories(
    f: Callable[[np.ndarray, np.ndarray], np.ndarray],
    start: tuple[float, float],
    paths: Mapping[str, np.ndarray],
    optimizers: Mapping[str, Any],
) -> None:
    """One panel per optimizer: its path over the contour lines of ``f``, 2 rows of 3.

    ``paths[name]`` holds the points (x, y) the optimizer ``optimizers[name]``
    visited, one row per step, ``start`` first; each panel's title gives the
    optimizer's learning rate.
    """
    X, Y = np.meshgrid(np.linspace(-10, 10, 401), np.linspace(-5, 5, 201))
    Z = f(X, Y)
    steps = len(next(iter(paths.values()))) - 1

    fig, axes = plt.subplots(2, 3, figsize=(13, 5.4), sharex=True, sharey=True,
                             layout="constrained")
    for ax, (name, path) in zip(axes.flat, paths.items(), strict=True):
        ax.contour(X, Y, Z, levels=[0.1, 0.5, 1, 2, 3, 4, 5, 6, 7], colors="0.7",
                   linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1,
                label=_("path"))
        ax.plot(*start, "s", color="tab:red", markersize=6, label=_("start"))
        ax.plot(0, 0, "+", color="black", markersize=12, markeredgewidth=2, label=_("minimum"))
        ax.set_title(_("{name} (lr = {lr})", name=name, lr=f"{optimizers[name].lr:g}"))
        ax.set_xlim(-10, 10)
        ax.set_ylim(-5, 5)
        ax.set_xticks([-8, -4, 0, 4, 8])
        ax.set_aspect("equal")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    fig.suptitle(_("{steps} steps of each optimizer on f(x, y) = x²/20 + y², from ({x}, {y})",
                   steps=steps, x=f"{start[0]:g}", y=f"{start[1]:g}"))


def plot_loss_curves(histories: Mapping[str, LossHistory], title: str) -> None:
    """The loss curves of several training runs in one plot, labelled by the dict's keys.

    The runs are taken to share their data, batch size and ``eval_interval``.
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, history in histories.items():
        history.plot(ax, label=name)
    per_epoch = history.iterations[-1] // len(history.epoch_losses)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(_("iteration ({per_epoch} per epoch)", per_epoch=per_epoch))
    ax.set_ylabel(_("training loss (average of {n} iterations)", n=history.eval_interval))
    ax.set_title(_(title))
    ax.grid(alpha=0.3)
