"""Numerical gradients and the gradient check.

The analytic gradient a layer's ``backward`` computes is compared with the
central difference ``(f(x + h) - f(x - h)) / 2h`` of a scalar function of the
layer's output.  For a layer with output ``y`` the scalar is ``sum(y * dout)``
for a fixed random ``dout``, whose gradient is exactly what ``backward(dout)``
must return; for a loss layer (scalar output) it is the loss itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from rindoku.protocols import Layer, SparseGrad

__all__ = [
    "GradientCase",
    "GradientCheckError",
    "GradientComparison",
    "GradientReport",
    "gradient_check",
    "numerical_gradient",
    "relative_error",
]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Return d f / d x by central differences, perturbing ``x`` in place.

    ``f`` takes no argument: it reads ``x`` (and anything else) itself, which
    is how a layer's parameters are reached.  ``x`` is restored afterwards.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        x[idx] = original + h
        f_plus = f()
        x[idx] = original - h
        f_minus = f()
        x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * h)
    return grad


def relative_error(analytic: np.ndarray, numerical: np.ndarray, floor: float = 1e-8) -> np.ndarray:
    """Elementwise ``|a - n| / max(|a| + |n|, s)``: 0 when equal, 1 when opposite.

    ``s`` is ``1e-3`` of the array's largest ``|a| + |n|`` (and at least
    ``floor``): an element a thousand times smaller than the rest of its array
    is judged against that scale, because the rounding error of a central
    difference is proportional to the size of the function, not of the element.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numerical, dtype=np.float64)
    size = np.abs(a) + np.abs(n)
    scale = max(floor, 1e-3 * float(size.max())) if size.size else floor
    return np.abs(a - n) / np.maximum(size, scale)


@dataclass(frozen=True)
class GradientComparison:
    """One array's analytic against numerical gradient, with its worst element."""

    name: str
    shape: tuple[int, ...]
    max_error: float
    index: tuple[int, ...]
    numerical: float
    analytic: float

    def describe(self) -> str:
        """One line: which array, where it is worst, both values and the error."""
        return (
            f"{self.name} (shape {self.shape}) at index {self.index}: "
            f"numerical {self.numerical:.6g}, analytic {self.analytic:.6g}, "
            f"relative error {self.max_error:.2e}"
        )


@dataclass(frozen=True)
class GradientReport:
    """The result of a gradient check: one comparison per checked array."""

    layer: str
    comparisons: list[GradientComparison] = field(default_factory=list)
    tolerance: float = 1e-6

    @property
    def max_error(self) -> float:
        """The worst relative error over every checked array."""
        return max((c.max_error for c in self.comparisons), default=0.0)

    @property
    def worst(self) -> GradientComparison | None:
        """The comparison with the worst relative error."""
        return max(self.comparisons, key=lambda c: c.max_error, default=None)

    @property
    def passed(self) -> bool:
        """True when every relative error is below the tolerance."""
        return self.max_error < self.tolerance


class GradientCheckError(AssertionError):
    """A backward pass disagrees with the numerical gradient.

    The message names the layer, the array (input or parameter), the index of
    the worst element, both values and the relative error.
    """

    def __init__(self, report: GradientReport) -> None:
        self.report = report
        worst = report.worst
        assert worst is not None
        super().__init__(
            f"{report.layer}: gradient of {worst.describe()} "
            f"exceeds the tolerance {report.tolerance:.0e}"
        )


def _as_tuple(value: Any) -> tuple[Any, ...]:
    return value if isinstance(value, tuple) else (value,)


def _compare(name: str, analytic: np.ndarray, numerical: np.ndarray) -> GradientComparison:
    analytic = np.asarray(analytic, dtype=np.float64)
    if analytic.shape != numerical.shape:
        return GradientComparison(name, numerical.shape, np.inf, (), np.nan, np.nan)
    errors = relative_error(analytic, numerical)
    flat = np.unravel_index(int(np.argmax(errors)), errors.shape) if errors.size else ()
    index = tuple(int(i) for i in flat)
    return GradientComparison(
        name=name,
        shape=numerical.shape,
        max_error=float(errors[index]) if errors.size else 0.0,
        index=index,
        numerical=float(numerical[index]) if errors.size else 0.0,
        analytic=float(analytic[index]) if errors.size else 0.0,
    )


def gradient_check(
    layer: Layer,
    inputs: Sequence[Any],
    wrt: Sequence[int] = (0,),
    *,
    rng: np.random.Generator | None = None,
    h: float = 1e-5,
    tolerance: float = 1e-6,
    name: str | None = None,
    raise_on_failure: bool = True,
) -> GradientReport:
    """Check ``layer.backward`` against numerical gradients.

    ``inputs`` are passed to ``layer.forward``; ``wrt`` lists the positions of
    the inputs to differentiate (labels, for instance, are not).  Every array
    in ``layer.params`` is checked as well; an array listed more than once (a
    shared weight) is checked once, against the sum of its gradients.  A
    layer whose ``forward`` returns a tuple (an LSTM step's ``(h_next,
    c_next)``) gets one ``dout`` per output, as ``backward(*douts)``.  Work
    in float64: the numerical gradient is not precise enough in float32 for a 1e-6 tolerance.

    Returns a :class:`GradientReport`; raises :class:`GradientCheckError` if
    any relative error reaches ``tolerance`` (unless ``raise_on_failure`` is
    false).
    """
    rng = np.random.default_rng(0) if rng is None else rng
    label = name or type(layer).__name__
    xs = list(inputs)

    out = layer.forward(*xs)
    # several outputs (an LSTM step's h and c): one dout each, passed to backward in order
    douts = [rng.standard_normal(np.shape(y)) for y in out] if isinstance(out, tuple) else None
    scalar_output = douts is None and np.ndim(out) == 0
    dout: Any = 1.0 if scalar_output else douts or rng.standard_normal(np.shape(out))

    def objective() -> float:
        y = layer.forward(*xs)
        if douts is not None:
            return float(sum(np.sum(yi * di) for yi, di in zip(y, douts, strict=True)))
        return float(y) if scalar_output else float(np.sum(y * dout))

    layer.forward(*xs)
    dxs = _as_tuple(layer.backward(*douts) if douts is not None else layer.backward(dout))
    analytic_params = [
        np.array(g.to_dense() if isinstance(g, SparseGrad) else g, dtype=np.float64, copy=True)
        for g in layer.grads
    ]
    # A shared array appears once per layer that uses it: its gradient is the sum.
    first_use: dict[int, int] = {}
    for i, param in enumerate(layer.params):
        if id(param) in first_use:
            analytic_params[first_use[id(param)]] += analytic_params[i]
        else:
            first_use[id(param)] = i

    comparisons = []
    for position in wrt:
        if position >= len(dxs) or dxs[position] is None:
            raise ValueError(
                f"{label}.backward returned {len(dxs)} gradient(s); "
                f"no gradient for input {position}"
            )
        numerical = numerical_gradient(objective, xs[position], h)
        comparisons.append(_compare(f"input {position}", dxs[position], numerical))
    for i in first_use.values():
        numerical = numerical_gradient(objective, layer.params[i], h)
        comparisons.append(_compare(f"params[{i}]", analytic_params[i], numerical))

    report = GradientReport(label, comparisons, tolerance)
    if raise_on_failure and not report.passed:
        raise GradientCheckError(report)
    return report


@dataclass(frozen=True)
class GradientCase:
    """A layer, with inputs, to gradient-check; contributed by a chapter.

    ``build(rng)`` returns ``(layer, inputs)`` in float64; ``wrt`` lists the
    inputs to differentiate.  ``layer`` names the registered class the case
    covers, so the test suite can tell that every layer is covered.
    """

    name: str
    layer: str
    build: Callable[[np.random.Generator], tuple[Any, Sequence[Any]]]  # a Layer and its inputs
    wrt: tuple[int, ...] = (0,)

    def run(self, rng: np.random.Generator | None = None, **kwargs: Any) -> GradientReport:
        """Build the layer and gradient-check it (see :func:`gradient_check`)."""
        rng = np.random.default_rng(0) if rng is None else rng
        layer, inputs = self.build(rng)
        return gradient_check(layer, inputs, self.wrt, rng=rng, name=self.name, **kwargs)
