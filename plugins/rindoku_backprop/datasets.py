"""The spiral data set of book 2 chapter 1, drawn from an explicit generator."""

from __future__ import annotations

import numpy as np

__all__ = ["load_spiral"]


def load_spiral(
    rng: np.random.Generator, n_per_class: int = 100, n_classes: int = 3
) -> tuple[np.ndarray, np.ndarray]:
    """Return points on ``n_classes`` interleaved spiral arms, with their classes.

    x: (n_classes * n_per_class, 2) float64, the points, within the unit disc;
    t: (n_classes * n_per_class, n_classes) one-hot labels.  The classes cannot
    be told apart by a straight line, which is what makes a hidden layer needed.
    The arms are those of the book; only the noise comes from ``rng``.
    """
    N, C = n_per_class, n_classes
    x = np.zeros((N * C, 2))
    t = np.zeros((N * C, C), dtype=int)

    for j in range(C):
        rate = np.arange(N) / N  # 0 at the centre, towards 1 at the end of the arm
        radius = 1.0 * rate
        theta = j * 4.0 + 4.0 * rate + rng.standard_normal(N) * 0.2
        rows = slice(N * j, N * (j + 1))
        x[rows, 0] = radius * np.sin(theta)
        x[rows, 1] = radius * np.cos(theta)
        t[rows, j] = 1

    return x, t
