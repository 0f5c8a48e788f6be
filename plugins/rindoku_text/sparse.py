"""Row-sparse gradients: the gradient of an embedding matrix, and Adam for it.

A mini-batch of a few thousand words touches a few thousand rows of a (V, D)
embedding matrix; the gradient of every other row is zero.  The word-vector
chapters keep such a gradient as a :class:`RowSparseGrad` (the rows and their
values) instead of a (V, D) array, and update it with :class:`SparseAdam`,
which moves only those rows.

The kernel's :class:`~rindoku.trainer.Trainer` accepts any gradient that
follows :class:`rindoku.protocols.SparseGrad`, as this one does: it adds two of
them for a shared weight and clips them by their stored values.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["CHUNK", "RowSparseGrad", "SparseAdam"]

CHUNK = 512
"""Rows updated at a time by :class:`SparseAdam`: a block that stays in the cache."""


class RowSparseGrad:
    """The gradient of a matrix that is zero except in a few rows.

    ``rows`` (n,) holds distinct row indices and ``values`` (n, D) the
    gradient of each of those rows; ``shape`` is the whole matrix's, (V, D).
    A layer keeps one of these in its ``grads`` and refills it in place with
    :meth:`set` on every backward pass, as it would write into an array.  An
    optimizer that knows the type updates only the listed rows; for any other,
    :meth:`to_dense` gives the ordinary gradient.
    """

    def __init__(self, shape: tuple[int, ...], dtype: Any = np.float32) -> None:
        self.shape = tuple(shape)
        self.rows = np.zeros(0, dtype=np.intp)
        self.values = np.zeros((0, *self.shape[1:]), dtype=dtype)

    def set(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Make the gradient ``values[i]`` in row ``rows[i]`` and zero elsewhere.

        ``rows`` must not repeat an index (combine repeats first, for example
        with :meth:`combine`).
        """
        if values.shape != (len(rows), *self.shape[1:]):
            raise ValueError(
                f"values of shape {values.shape} do not fit {len(rows)} rows of a "
                f"{self.shape} gradient"
            )
        self.rows, self.values = rows, values

    @classmethod
    def combine(
        cls, shape: tuple[int, ...], rows: np.ndarray, values: np.ndarray
    ) -> RowSparseGrad:
        """A gradient from rows that may repeat: the values of a repeated row are added."""
        unique, inverse = np.unique(rows, return_inverse=True)
        summed = np.zeros((len(unique), *shape[1:]), dtype=values.dtype)
        np.add.at(summed, inverse.ravel(), values)
        grad = cls(shape, values.dtype)
        grad.set(unique, summed)
        return grad

    __array_ufunc__ = None  # ``array + grad`` calls :meth:`__radd__` instead of broadcasting

    def __add__(self, other: np.ndarray | RowSparseGrad) -> np.ndarray | RowSparseGrad:
        """The sum with another gradient of the same matrix, as a new object.

        Two row-sparse gradients add to a row-sparse one (rows in both are
        added); with an array the sum is an array.
        """
        if isinstance(other, RowSparseGrad):
            return RowSparseGrad.combine(self.shape, np.concatenate([self.rows, other.rows]),
                                         np.concatenate([self.values, other.values]))
        dense = np.array(other, copy=True)
        dense[self.rows] += self.values
        return dense

    __radd__ = __add__

    def to_dense(self) -> np.ndarray:
        """The gradient as an ordinary array of ``shape``."""
        dense = np.zeros(self.shape, dtype=self.values.dtype)
        dense[self.rows] = self.values
        return dense

    def __repr__(self) -> str:
        return f"RowSparseGrad(shape={self.shape}, {len(self.rows)} rows)"


class SparseAdam:
    """Adam that updates only the rows of a row-sparse gradient ("lazy" Adam).

    For a :class:`RowSparseGrad`, only the rows it lists
    change: their moving averages m and v, their step count t and their
    weights, with t counted per row for the bias correction.  Every other row
    is left as it is, where dense Adam would shrink its m and v and move it by
    its momentum although its gradient is zero.  Given ordinary arrays, every
    row is updated at every step and the result is exactly the optimizers
    chapter's ``Adam``.
    """

    def __init__(
        self, lr: float = 0.001, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8
    ) -> None:
        self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
        self.iter = 0
        self.m: list[np.ndarray] = []  # each parameter's moving averages, made by update
        self.v: list[np.ndarray] = []
        self.t: list[np.ndarray] = []
        self.work: list[list[np.ndarray]] = []

    def update(self, params: list[np.ndarray], grads: list[np.ndarray | RowSparseGrad]) -> None:
        """Update the rows each gradient names (every row of an array gradient), in place."""
        if not self.m:
            self.m = [np.zeros_like(param) for param in params]
            self.v = [np.zeros_like(param) for param in params]
            self.t = [np.zeros(len(param), dtype=np.int64) for param in params]
            # room for one block of rows: no new arrays (and page faults) per step
            self.work = [[np.empty_like(param[:CHUNK]) for _ in range(3)] for param in params]

        self.iter += 1
        for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
            if isinstance(grad, RowSparseGrad):
                rows, g = grad.rows, grad.values
            else:
                rows, g = np.arange(len(param)), grad
            self.t[i][rows] += 1
            for start in range(0, len(rows), CHUNK):  # a cache-sized block of rows at a time
                part = slice(start, start + CHUNK)
                self._update_rows(i, param, rows[part], g[part])

    def add_rows(self, n: int) -> None:
        """Make room for ``n`` new rows at the end of every parameter, as a vocabulary grows.

        Call it when each parameter has grown by ``n`` rows (new words), before
        the next update: the new rows start with zero moving averages and a step
        count of 0, and every old row keeps its state.
        """
        if not self.m:
            return  # no state yet: the first update makes it at the new size
        for i, m in enumerate(self.m):
            zeros = np.zeros((n, *m.shape[1:]), dtype=m.dtype)
            self.m[i] = np.concatenate([m, zeros])
            self.v[i] = np.concatenate([self.v[i], zeros])
            self.t[i] = np.concatenate([self.t[i], np.zeros(n, dtype=self.t[i].dtype)])
            self.work[i] = [np.empty_like(self.m[i][:CHUNK]) for _ in range(3)]

    def _update_rows(self, i: int, param: np.ndarray, rows: np.ndarray, g: np.ndarray) -> None:
        """One Adam step for ``rows`` of ``param`` (distinct), gradient ``g``, in place."""
        t = self.t[i][rows]
        shape = (-1,) + (1,) * (param.ndim - 1)  # a number per row, broadcast over it
        m, v, scratch = (work[:len(rows)] for work in self.work[i])

        # m <- beta1 m + (1 - beta1) g and v <- beta2 v + (1 - beta2) g*g, for these rows
        np.take(self.m[i], rows, axis=0, out=m)
        m *= self.beta1
        np.multiply(g, 1 - self.beta1, out=scratch)
        m += scratch
        np.take(self.v[i], rows, axis=0, out=v)
        v *= self.beta2
        np.multiply(g, g, out=scratch)
        scratch *= 1 - self.beta2
        v += scratch
        self.m[i][rows] = m
        self.v[i][rows] = v

        # W <- W - lr m_hat / (sqrt(v_hat) + eps), with each row's bias corrections
        v /= (1 - self.beta2**t).astype(param.dtype).reshape(shape)  # v_hat
        np.sqrt(v, out=v)
        v += self.eps
        m /= v
        m *= (self.lr / (1 - self.beta1**t)).astype(param.dtype).reshape(shape)
        np.take(param, rows, axis=0, out=scratch)
        scratch -= m
        param[rows] = scratch
