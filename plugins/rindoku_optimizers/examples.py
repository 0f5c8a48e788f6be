"""The chapter's worked examples: six optimizers on a narrow valley, then on the spiral."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from rindoku.trainer import Trainer
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.models import TwoLayerNet
from rindoku_optimizers.optimizers import SGD, AdaGrad, Adam, Momentum, Nesterov, RMSprop

__all__ = ["spiral", "trajectories"]


def trajectories(rng: np.random.Generator) -> None:
    """Minimise f(x, y) = x²/20 + y² from (-7, 2) with each optimizer, 30 steps each.

    The valley curves 20 times more sharply across (in y) than along it (in x),
    so the gradient points mostly across it, not at the minimum (0, 0).  The learning
    rates of SGD, Momentum, AdaGrad and Adam are the book's (fig. 6-8).
    """

    def f(x, y):
        return x**2 / 20.0 + y**2

    def df(x, y):
        return x / 10.0, 2.0 * y

    optimizers = {
        "SGD": SGD(lr=0.95),
        "Momentum": Momentum(lr=0.1),
        "Nesterov": Nesterov(lr=0.1),
        "AdaGrad": AdaGrad(lr=1.5),
        "RMSprop": RMSprop(lr=0.15),
        "Adam": Adam(lr=0.3),
    }
    steps = 30
    start = (-7.0, 2.0)

    # the contour lines of f, drawn in every panel
    X, Y = np.meshgrid(np.linspace(-10, 10, 401), np.linspace(-5, 5, 201))
    Z = f(X, Y)

    fig, axes = plt.subplots(2, 3, figsize=(13, 5.4), sharex=True, sharey=True,
                             layout="constrained")
    print(f"{'optimizer':<10} {'lr':>5}   {'final (x, y)':<20} {'f(x, y)':>10}")
    for ax, (name, optimizer) in zip(axes.flat, optimizers.items(), strict=True):
        w = np.array(start)  # the parameters (x, y), updated in place
        path = [w.copy()]
        for _ in range(steps):
            grad = np.array(df(w[0], w[1]))
            optimizer.update([w], [grad])
            path.append(w.copy())
        path = np.array(path)

        x, y = path[-1]
        print(f"{name:<10} {optimizer.lr:>5g}   ({x:7.3f}, {y:7.3f})   {f(x, y):>10.2e}")

        ax.contour(X, Y, Z, levels=[0.1, 0.5, 1, 2, 3, 4, 5, 6, 7], colors="0.7",
                   linewidths=0.8)
        ax.plot(path[:, 0], path[:, 1], "o-", color="tab:red", markersize=3, linewidth=1,
                label="path")
        ax.plot(*start, "s", color="tab:red", markersize=6, label="start")
        ax.plot(0, 0, "+", color="black", markersize=12, markeredgewidth=2, label="minimum")
        ax.set_title(f"{name} (lr = {optimizer.lr:g})")
        ax.set_xlim(-10, 10)
        ax.set_ylim(-5, 5)
        ax.set_xticks([-8, -4, 0, 4, 8])
        ax.set_aspect("equal")
    for ax in axes[-1]:
        ax.set_xlabel("x")
    for ax in axes[:, 0]:
        ax.set_ylabel("y")
    axes[0, 0].legend(loc="lower right", fontsize=8)
    fig.suptitle(f"{steps} steps of each optimizer on f(x, y) = x²/20 + y², from (-7, 2)")


def spiral(rng: np.random.Generator) -> None:
    """Train the backprop chapter's two-layer net on the spiral with each optimizer.

    Every net starts from the same weights and sees the mini-batches in the
    same order, so the optimizer is the only difference.  Momentum and
    Nesterov take lr = 0.1, a tenth of SGD's: with momentum 0.9 their steps
    build up to lr / (1 - 0.9) = 1.0, the size of SGD's.  The adaptive methods
    take the learning rates that serve them well within 300 epochs.
    """
    max_epoch = 300
    batch_size = 30
    hidden_size = 10

    x, t = load_spiral(rng)
    init_seed, shuffle_seed = rng.integers(2**32, size=2)

    optimizers = {
        "SGD": SGD(lr=1.0),
        "Momentum": Momentum(lr=0.1),
        "Nesterov": Nesterov(lr=0.1),
        "AdaGrad": AdaGrad(lr=0.3),
        "RMSprop": RMSprop(lr=0.01),
        "Adam": Adam(lr=0.03),
    }

    fig, ax = plt.subplots(figsize=(7, 4.5))
    print(f"{'optimizer':<10} {'lr':>5}  {'final loss':>10}  {'accuracy':>8}")
    for name, optimizer in optimizers.items():
        # the same initial weights and the same shuffles for every optimizer
        model = TwoLayerNet(2, hidden_size, 3, rng=np.random.default_rng(init_seed))
        trainer = Trainer(model, optimizer, rng=np.random.default_rng(shuffle_seed),
                          progress=False)
        history = trainer.fit(x, t, max_epoch=max_epoch, batch_size=batch_size,
                              eval_interval=10)
        history.plot(ax, label=name)

        accuracy = np.mean(model.predict(x).argmax(axis=1) == t.argmax(axis=1))
        print(f"{name:<10} {optimizer.lr:>5g}  {history.epoch_losses[-1]:>10.4f}  "
              f"{accuracy:>8.3f}")

    ax.set_ylim(bottom=0)
    ax.set_xlabel("iteration (10 per epoch)")
    ax.set_ylabel("training loss (average of 10 iterations)")
    ax.set_title("TwoLayerNet on the spiral data set: loss with each optimizer")
    ax.grid(alpha=0.3)
