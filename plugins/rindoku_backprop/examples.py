"""The chapter's worked examples: the apple-shopping graph, the gradient check, the spiral."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku.trainer import Trainer, accuracy
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.gradcases import GRADIENT_CASES
from rindoku_backprop.layers import AddLayer, MulLayer
from rindoku_backprop.models import TwoLayerNet
from rindoku_optimizers.optimizers import SGD

__all__ = ["apple", "gradient_check_table", "spiral"]


def apple(rng: np.random.Generator) -> None:
    """Buy apples (and oranges) on a computational graph, then go back through it.

    The forward pass computes the price; the backward pass, started with
    d price / d price = 1, gives how much the price changes with each input.
    """
    # 2 apples at 100 yen, plus 10% tax
    apple, apple_num, tax = 100, 2, 1.1
    mul_apple_layer = MulLayer()
    mul_tax_layer = MulLayer()

    apple_price = mul_apple_layer.forward(apple, apple_num)
    price = mul_tax_layer.forward(apple_price, tax)

    dprice = 1
    dapple_price, dtax = mul_tax_layer.backward(dprice)
    dapple, dapple_num = mul_apple_layer.backward(dapple_price)

    print("2 apples at 100 yen, tax 1.1")
    print(f"  forward:  price = {price:g}")
    print(f"  backward: d price / d apple = {dapple:g}, "
          f"d price / d apple_num = {dapple_num:g}, d price / d tax = {dtax:g}")

    # 2 apples at 100 yen and 3 oranges at 150 yen, plus 10% tax
    apple, apple_num, orange, orange_num, tax = 100, 2, 150, 3, 1.1
    mul_apple_layer = MulLayer()
    mul_orange_layer = MulLayer()
    add_apple_orange_layer = AddLayer()
    mul_tax_layer = MulLayer()

    apple_price = mul_apple_layer.forward(apple, apple_num)
    orange_price = mul_orange_layer.forward(orange, orange_num)
    all_price = add_apple_orange_layer.forward(apple_price, orange_price)
    price = mul_tax_layer.forward(all_price, tax)

    dprice = 1
    dall_price, dtax = mul_tax_layer.backward(dprice)
    dapple_price, dorange_price = add_apple_orange_layer.backward(dall_price)
    dorange, dorange_num = mul_orange_layer.backward(dorange_price)
    dapple, dapple_num = mul_apple_layer.backward(dapple_price)

    print("\n2 apples at 100 yen and 3 oranges at 150 yen, tax 1.1")
    print(f"  forward:  price = {price:g}")
    print("  backward:")
    derivatives = {"apple": dapple, "apple_num": dapple_num, "orange": dorange,
                   "orange_num": dorange_num, "tax": dtax}
    for name, value in derivatives.items():
        print(f"    d price / d {name:<10} = {value:g}")

    # the graph: each edge carries its forward value (black) and derivative (red)
    nodes = {"mul_apple": (2, 3.2), "mul_orange": (2, 0.8), "add": (4, 2), "mul_tax": (6, 2)}
    symbols = {"mul_apple": "×", "mul_orange": "×", "add": "+", "mul_tax": "×"}
    ends = {"apple": (0, 4), "apple_num": (0, 2.4), "orange": (0, 1.6), "orange_num": (0, 0),
            "tax": (6, 0.4), "price": (8, 2)}
    edges = [
        ("apple", "mul_apple", apple, dapple),
        ("apple_num", "mul_apple", apple_num, dapple_num),
        ("orange", "mul_orange", orange, dorange),
        ("orange_num", "mul_orange", orange_num, dorange_num),
        ("mul_apple", "add", apple_price, dapple_price),
        ("mul_orange", "add", orange_price, dorange_price),
        ("add", "mul_tax", all_price, dall_price),
        ("tax", "mul_tax", tax, dtax),
        ("mul_tax", "price", price, dprice),
    ]
    where = nodes | ends

    fig, ax = plt.subplots(figsize=(8, 4.4))
    for name, (x, y) in nodes.items():
        ax.add_patch(plt.Circle((x, y), 0.3, facecolor="white", edgecolor="black", zorder=2))
        ax.text(x, y, symbols[name], ha="center", va="center", fontsize=16, zorder=3)
    for name in ["apple", "apple_num", "orange", "orange_num"]:
        x, y = ends[name]
        ax.text(x - 0.1, y, name, ha="right", va="center", fontsize=11)
    ax.text(6, 0.3, "tax", ha="center", va="top", fontsize=11)
    ax.text(8.1, 2, "price", ha="left", va="center", fontsize=11)
    for start, end, forward, backward in edges:
        (x0, y0), (x1, y1) = where[start], where[end]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), arrowprops={
            "arrowstyle": "->", "shrinkA": 14 if start in nodes else 0,
            "shrinkB": 14 if end in nodes else 0})
        length = np.hypot(x1 - x0, y1 - y0)
        nx, ny = -(y1 - y0) / length, (x1 - x0) / length  # normal to the edge, to its left
        mx, my = x0 + 0.4 * (x1 - x0), y0 + 0.4 * (y1 - y0)
        for value, side, color in [(forward, 1, "black"), (backward, -1, "tab:red")]:
            ha = "center" if abs(nx) < 0.5 else "right" if side * nx < 0 else "left"
            ax.text(mx + side * 0.22 * nx, my + side * 0.22 * ny, f"{value:g}",
                    ha=ha, va="center", color=color)
    ax.set_xlim(-1.5, 9)
    ax.set_ylim(-0.3, 4.3)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Apples and oranges: forward values (black), derivatives of price (red)")


def gradient_check_table(rng: np.random.Generator) -> None:
    """Check every layer's backward against numerical gradients and tabulate the result.

    For each case the worst array (an input or a parameter) and its largest
    relative error are shown; the check passes below the tolerance 1e-6.
    """
    names, errors = [], []
    print(f"{'case':<26} {'worst array':<12} {'max rel. error':>14}  passed")
    for case in GRADIENT_CASES:
        report = case.run(rng, raise_on_failure=False)
        worst = report.worst
        print(f"{case.name:<26} {worst.name:<12} {report.max_error:>14.1e}  "
              f"{'yes' if report.passed else 'NO'}")
        names.append(case.name)
        errors.append(report.max_error)

    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.barh(names, errors, color="tab:blue")
    ax.axvline(1e-6, color="tab:red", linestyle="--", label="tolerance 1e-6")
    ax.set_xscale("log")
    ax.set_xlim(right=1e-3)
    ax.invert_yaxis()  # the first case on top, as in the table
    ax.set_xlabel("largest relative error (analytic vs numerical)")
    ax.set_title("Gradient check of every layer")
    ax.legend(loc="upper right")


def spiral(rng: np.random.Generator) -> None:
    """Train a two-layer net on the spiral data set with mini-batch SGD.

    The kernel's Trainer runs the loop: every epoch visits the 300 points once,
    in a new random order, 30 at a time, and each mini-batch takes one step
    ``param -= lr * grad``.
    """
    x, t = load_spiral(rng)
    model = TwoLayerNet(input_size=2, hidden_size=10, output_size=3, rng=rng)
    trainer = Trainer(model, SGD(lr=1.0), rng=rng)
    trainer.fit(x, t, max_epoch=300, batch_size=30, eval_interval=10)

    train_accuracy = accuracy(model, x, t)
    print(f"training accuracy: {train_accuracy:.3f}")

    # the loss curve
    fig, ax = plt.subplots(figsize=(6, 4))
    trainer.plot(ax)
    ax.set_title("Training loss of TwoLayerNet on the spiral data set")
    ax.grid(alpha=0.3)

    # the decision boundary: the predicted class at every point of a grid
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
                   label=f"class {cls}")
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    ax.set_title(f"Decision boundary (training accuracy {train_accuracy:.1%})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
