"""The chapter's worked examples: six optimizers on a narrow valley, then on the spiral."""

from __future__ import annotations

from typing import Any

import numpy as np

from rindoku.trainer import Trainer, accuracy
from rindoku_backprop.datasets import load_spiral
from rindoku_backprop.models import TwoLayerNet
from rindoku_backprop.optimizer import SGD
from rindoku_optimizers.figures import plot_loss_curves, plot_trajectories
from rindoku_optimizers.optimizers import AdaGrad, Adam, Momentum, Nesterov, RMSprop

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

    optimizers: dict[str, Any] = {
        "SGD": SGD(lr=0.95),
        "Momentum": Momentum(lr=0.1),
        "Nesterov": Nesterov(lr=0.1),
        "AdaGrad": AdaGrad(lr=1.5),
        "RMSprop": RMSprop(lr=0.15),
        "Adam": Adam(lr=0.3),
    }
    steps = 30
    start = (-7.0, 2.0)

    paths = {}
    print(f"{'optimizer':<10} {'lr':>5}   {'final (x, y)':<20} {'f(x, y)':>10}")
    for name, optimizer in optimizers.items():
        w = np.array(start)  # the parameters (x, y), updated in place
        path = [w.copy()]
        for _ in range(steps):
            grad = np.array(df(w[0], w[1]))
            optimizer.update([w], [grad])
            path.append(w.copy())
        paths[name] = np.array(path)

        x, y = w
        print(f"{name:<10} {optimizer.lr:>5g}   ({x:7.3f}, {y:7.3f})   {f(x, y):>10.2e}")

    plot_trajectories(f, start, paths, optimizers)


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

    optimizers: dict[str, Any] = {
        "SGD": SGD(lr=1.0),
        "Momentum": Momentum(lr=0.1),
        "Nesterov": Nesterov(lr=0.1),
        "AdaGrad": AdaGrad(lr=0.3),
        "RMSprop": RMSprop(lr=0.01),
        "Adam": Adam(lr=0.03),
    }

    histories = {}
    print(f"{'optimizer':<10} {'lr':>5}  {'final loss':>10}  {'accuracy':>8}")
    for name, optimizer in optimizers.items():
        # the same initial weights and the same shuffles for every optimizer
        model = TwoLayerNet(2, hidden_size, 3, rng=np.random.default_rng(init_seed))
        trainer = Trainer(model, optimizer, rng=np.random.default_rng(shuffle_seed),
                          progress=False)
        history = trainer.fit(x, t, max_epoch=max_epoch, batch_size=batch_size,
                              eval_interval=10)
        histories[name] = history

        print(f"{name:<10} {optimizer.lr:>5g}  {history.epoch_losses[-1]:>10.4f}  "
              f"{accuracy(model, x, t):>8.3f}")

    plot_loss_curves(histories, "TwoLayerNet on the spiral data set: loss with each optimizer")
