"""The figures of the chapter's examples: the drawing, kept off the page.

Each helper draws one figure from what an example computed; the example (the
code the page shows) keeps the optimizers, the loops and the prints.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from rindoku.trainer import LossHistory

__all__ = ["plot_loss_curves", "plot_trajectories"]


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
                label="path")
        ax.plot(*start, "s", color="tab:red", markersize=6, label="start")
        ax.plot(0, 0, "+", color="black", markersize=12, markeredgewidth=2, label="minimum")
        ax.set_title(f"{name} (lr = {optimizers[name].lr:g})")
        ax.set_xlim(-10, 10)
        ax.set_ylim(-5, 5)
        ax.set_xticks([-8, -4, 0, 4, 8])
        ax.set_aspect("equal")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    fig.suptitle(f"{steps} steps of each optimizer on f(x, y) = x²/20 + y², "
                 f"from ({start[0]:g}, {start[1]:g})")


def plot_loss_curves(histories: Mapping[str, LossHistory], title: str) -> None:
    """The loss curves of several training runs in one plot, labelled by the dict's keys.

    The runs are taken to share their data, batch size and ``eval_interval``.
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, history in histories.items():
        history.plot(ax, label=name)
    per_epoch = history.iterations[-1] // len(history.epoch_losses)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(f"iteration ({per_epoch} per epoch)")
    ax.set_ylabel(f"training loss (average of {history.eval_interval} iterations)")
    ax.set_title(title)
    ax.grid(alpha=0.3)
