"""The figures of the chapter's examples: the drawing, kept off the page.

Each helper draws one figure from what an example computed; the example (the
code the page shows) keeps the computation and the prints.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np

from rindoku.i18n import Labels
from rindoku.protocols import Model
from rindoku.trainer import Trainer

__all__ = ["plot_decision_boundary", "plot_gradient_check", "plot_loss", "plot_shopping_graph"]

# the figures' words in Japanese (rindoku.i18n): titles, axis labels, legends
_ = Labels(ja={
    "Apples and oranges: forward values (black), derivatives of price (red)":
        "りんごとみかん: 順伝播の値(黒)、支払金額の微分(赤)",
    "tolerance {tolerance}": "許容誤差 {tolerance}",
    "largest relative error (analytic vs numerical)": "最大相対誤差(解析的な勾配と数値微分)",
    "Gradient check of every layer": "全レイヤの勾配確認",
    "Training loss of TwoLayerNet on the spiral data set":
        "スパイラルデータセットでの TwoLayerNet の訓練損失",
    "class {cls}": "クラス {cls}",
    "Decision boundary (training accuracy {accuracy})": "決定境界(訓練データの認識精度 {accuracy})",
})

# The apples-and-oranges graph: where each node and each loose end sits, and
# which edge carries which value (the edges are named by the value they carry).
_NODES = {"mul_apple": (2, 3.2), "mul_orange": (2, 0.8), "add": (4, 2), "mul_tax": (6, 2)}
_SYMBOLS = {"mul_apple": "×", "mul_orange": "×", "add": "+", "mul_tax": "×"}
_ENDS = {"apple": (0, 4), "apple_num": (0, 2.4), "orange": (0, 1.6), "orange_num": (0, 0),
         "tax": (6, 0.4), "price": (8, 2)}
_EDGES = {
    "apple": ("apple", "mul_apple"),
    "apple_num": ("apple_num", "mul_apple"),
    "orange": ("orange", "mul_orange"),
    "orange_num": ("orange_num", "mul_orange"),
    "apple_price": ("mul_apple", "add"),
    "orange_price": ("mul_orange", "add"),
    "all_price": ("add", "mul_tax"),
    "tax": ("tax", "mul_tax"),
    "price": ("mul_tax", "price"),
}


def plot_shopping_graph(
    values: Mapping[str, float | np.ndarray], derivatives: Mapping[str, float | np.ndarray]
) -> None:
    """Draw the apples-and-oranges graph, each edge with its value and its derivative.

    ``values`` and ``derivatives`` map each edge's name (``"apple"``,
    ``"apple_price"``, ``"all_price"``, ``"price"`` …) to the value it carries
    forward (black) and to d price / d value, carried backward (red).
    """
    where = _NODES | _ENDS
    fig, ax = plt.subplots(figsize=(8, 4.4))
    for name, (x, y) in _NODES.items():
        ax.add_patch(plt.Circle((x, y), 0.3, facecolor="white", edgecolor="black", zorder=2))
        ax.text(x, y, _SYMBOLS[name], ha="center", va="center", fontsize=16, zorder=3)
    for name in ["apple", "apple_num", "orange", "orange_num"]:
        x, y = _ENDS[name]
        ax.text(x - 0.1, y, name, ha="right", va="center", fontsize=11)
    ax.text(6, 0.3, "tax", ha="center", va="top", fontsize=11)
    ax.text(8.1, 2, "price", ha="left", va="center", fontsize=11)
    for edge, (start, end) in _EDGES.items():
        (x0, y0), (x1, y1) = where[start], where[end]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={
            "arrowstyle": "->", "shrinkA": 14 if start in _NODES else 0,
            "shrinkB": 14 if end in _NODES else 0})
        length = np.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # normal to the edge, to its left
        mx, my = x0 + 0.4 * (x1 - x0), y0 + 0.4 * (y1 - y0)
        for value, side, color in [(values[edge], 1, "black"),
                                   (derivatives[edge], -1, "tab:red")]:
            ha = "center" if abs(nx) < 0.5 else "right" if side * nx < 0 else "left"
            ax.text(mx + side * 0.22 * nx, my + side * 0.22 * ny, f"{value:g}",
                    ha=ha, va="center", color=color)
    ax.set_xlim(-1.5, 9)
    ax.set_ylim(-0.3, 4.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(_("Apples and oranges: forward values (black), derivatives of price (red)"))


def plot_gradient_check(names: Sequence[str], errors: Sequence[float], tolerance: float) -> None:
    """A bar per gradient-check case: its largest relative error, on a log scale."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.barh(names, errors, color="tab:blue")
    label = _("tolerance {tolerance}",
              tolerance=f"{tolerance:.0e}".replace("e-0", "e-"))  # 1e-6, not 1e-06
    ax.axvline(tolerance, color="tab:red", linestyle="--", label=label)
    ax.set_xscale("log")
    ax.set_xlim(right=1e-3)
    ax.invert_yaxis()  # the first case on top, as in the table
    ax.set_xlabel(_("largest relative error (analytic vs numerical)"))
    ax.set_title(_("Gradient check of every layer"))
    ax.legend(loc="upper right")


def plot_loss(trainer: Trainer, title: str) -> None:
    """The trainer's loss curve, in a figure of its own."""
    fig, ax = plt.subplots(figsize=(6, 4))
    trainer.plot(ax)
    ax.set_title(_(title))
    ax.grid(alpha=0.3)


def plot_decision_boundary(model: Model, x: np.ndarray, t: np.ndarray, title: str) -> None:
    """The class ``model`` predicts at every point of the plane, with the points (x, t).

    x: (N, 2) points; t: (N, C) one-hot labels, C at most 3.
    """
    # the predicted class at every point of a grid around the data
    x_min, x_max = x[:, 0].min() - 0.1, x[:, 0].max() + 0.1
    y_min, y_max = x[:, 1].min() - 0.1, x[:, 1].max() + 0.1
    xx, yy = np.meshgrid(np.linspace(x_min, x_max, 300), np.linspace(y_min, y_max, 300))
    grid = np.c_[xx.ravel(), yy.ravel()]
    predicted = model.predict(grid).argmax(axis=1).reshape(xx.shape)

    fig, ax = plt.subplots(figsize=(5.5, 5))
    colors = ["tab:blue", "tab:orange", "tab:green"]
    ax.contourf(xx, yy, predicted, levels=[-0.5, 0.5, 1.5, 2.5], colors=colors, alpha=0.2)
    labels = t.argmax(axis=1)
    for cls, marker in enumerate(["o", "x", "^"]):
        points = x[labels == cls]
        ax.scatter(points[:, 0], points[:, 1], s=30, marker=marker, color=colors[cls],
                   label=_("class {cls}", cls=cls))
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.set_title(_(title))
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
