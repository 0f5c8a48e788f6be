"""The chapter's exercises: the backward passes of Sigmoid, Affine and SoftmaxWithLoss.

Each check builds the member's class, compares its forward output with the
right values, then compares its backward pass with numerical gradients
(:func:`rindoku.gradient_check`) and says which gradient is wrong and where.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.gradient import GradientReport
from rindoku_backprop.functions import cross_entropy_error, sigmoid, softmax

__all__ = [
    "AFFINE_BACKWARD",
    "EXERCISES",
    "SIGMOID_BACKWARD",
    "SOFTMAX_WITH_LOSS_BACKWARD",
    "check_affine_backward",
    "check_sigmoid_backward",
    "check_softmax_with_loss_backward",
]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw their test inputs from."""


# -- what every check needs ------------------------------------------------------


def _get_class(module: ModuleType, name: str) -> type:
    """Return the class ``name`` defined in the member's module."""
    cls = getattr(module, name, None)
    if not isinstance(cls, type):
        raise CheckFailed(f"your file defines no class {name}")
    return cls


def _expect_array(value: Any, shape: tuple[int, ...], what: str) -> None:
    """Fail unless ``value`` is an array of ``shape``; ``what`` names the value."""
    if value is None:
        raise CheckFailed(f"{what} returned None: end backward with 'return dx'")
    if isinstance(value, tuple):
        raise CheckFailed(f"{what} returned a tuple of {len(value)}; return dx alone")
    got = np.shape(value)
    if got != shape:
        raise CheckFailed(f"{what} returned an array of shape {got}; expected {shape}")


def _expect_close(got: Any, expected: np.ndarray, what: str) -> None:
    """Fail unless ``got`` equals ``expected`` (up to rounding)."""
    _expect_array(got, np.shape(expected), what)
    if not np.allclose(got, expected, rtol=1e-6, atol=1e-9):
        expected_text = np.array2string(np.asarray(expected), precision=4)
        got_text = np.array2string(np.asarray(got, dtype=float), precision=4)
        raise CheckFailed(
            f"{what} is wrong.\n  expected:\n{textwrap.indent(expected_text, '    ')}"
            f"\n  got:\n{textwrap.indent(got_text, '    ')}"
        )


def _expect_gradients(report: GradientReport, names: dict[str, str]) -> None:
    """Fail if the gradient check did not pass, naming the worst gradient.

    ``names`` maps the report's array names (``input 0``, ``params[0]``) to the
    book's (``dx``, ``dW``).
    """
    if report.passed:
        return
    worst = report.worst
    assert worst is not None
    grad = names.get(worst.name, worst.name)
    raise CheckFailed(
        f"{grad} is wrong: it disagrees with the numerical gradient.\n"
        f"  worst element: {worst.describe()}\n"
        f"  (the tolerance is {report.tolerance:.0e})"
    )


# -- Sigmoid ---------------------------------------------------------------------------


def check_sigmoid_backward(module: ModuleType) -> None:
    """Check a Sigmoid class: forward values, then dx against numerical gradients."""
    Sigmoid = _get_class(module, "Sigmoid")
    rng = np.random.default_rng(CHECK_SEED)
    x = rng.standard_normal((3, 4))

    layer = Sigmoid()
    _expect_close(layer.forward(x), sigmoid(x), "Sigmoid.forward(x)")
    dx = layer.backward(rng.standard_normal((3, 4)))
    _expect_array(dx, x.shape, "Sigmoid.backward(dout)")

    report = gradient_check(Sigmoid(), [x], rng=rng, raise_on_failure=False)
    _expect_gradients(report, {"input 0": "dx"})


SIGMOID_BACKWARD = Exercise(
    id="backprop.sigmoid-backward",
    title="The backward pass of Sigmoid",
    prompt=(
        "Write `Sigmoid.backward(dout)`. The forward pass computes "
        "$y = \\dfrac{1}{1 + \\exp(-x)}$ elementwise and keeps $y$ in `self.out`. "
        "Because $\\dfrac{\\partial y}{\\partial x} = y(1 - y)$, the gradient to pass back "
        "is $dx = dout \\odot y \\odot (1 - y)$ (elementwise products). "
        "`dout` and the returned `dx` have the shape of `x`; Sigmoid has no parameters."
    ),
    solution_file=SOLUTIONS / "sigmoid_backward.py",
    check=check_sigmoid_backward,
    hints=(
        "The forward pass already kept everything you need: `self.out` is $y$.",
        "By the chain rule, $dx = dout \\cdot \\partial y / \\partial x$, "
        "and $\\partial y / \\partial x = y(1 - y)$.",
        "`dx = dout * (1.0 - self.out) * self.out`, then `return dx`.",
    ),
)


# -- Affine ----------------------------------------------------------------------------


def check_affine_backward(module: ModuleType) -> None:
    """Check an Affine class: forward values, grads written in place, dx, dW and db."""
    Affine = _get_class(module, "Affine")
    rng = np.random.default_rng(CHECK_SEED)
    N, D, H = 5, 4, 3
    W, b = rng.standard_normal((D, H)), rng.standard_normal(H)
    x = rng.standard_normal((N, D))

    layer = Affine(W.copy(), b.copy())
    _expect_close(layer.forward(x), x @ W + b, "Affine.forward(x)")
    grads_before = list(layer.grads)
    dx = layer.backward(rng.standard_normal((N, H)))
    _expect_array(dx, (N, D), "Affine.backward(dout)")
    for i, name in enumerate(["dW", "db"]):
        if len(layer.grads) != 2 or layer.grads[i] is not grads_before[i]:
            raise CheckFailed(
                f"{name} was not written in place: write {name} into "
                f"self.grads[{i}][...] in place, not self.grads[{i}] = {name}; an optimizer "
                "holds the arrays in self.grads and would never see the new gradient"
            )

    report = gradient_check(Affine(W, b), [x], rng=rng, raise_on_failure=False)
    _expect_gradients(report, {"input 0": "dx", "params[0]": "dW", "params[1]": "db"})


AFFINE_BACKWARD = Exercise(
    id="backprop.affine-backward",
    title="The backward pass of Affine",
    prompt=(
        "Write `Affine.backward(dout)` for the layer $y = xW + b$, with $x$ of shape "
        "(N, D), $W$ (D, H), $b$ (H,) and `dout` $= \\partial L / \\partial y$ of shape (N, H). "
        "Return $dx = dout\\, W^\\top$, shape (N, D). Compute $dW = x^\\top dout$, "
        "shape (D, H), and $db = \\sum_{n} dout_{n}$, the sum over the batch, shape (H,), "
        "and write them into `self.grads` **in place** (`self.grads[0][...] = dW`)."
    ),
    solution_file=SOLUTIONS / "affine_backward.py",
    check=check_affine_backward,
    hints=(
        "Let the shapes guide you: dx must be (N, D) and dW (D, H). Which product of "
        "`dout` (N, H) with `W` (D, H), or with `self.x` (N, D), gives each shape?",
        "The bias was added to every one of the N rows, so db adds up the rows of `dout`: "
        "`np.sum(dout, axis=0)`.",
        "`dx = np.dot(dout, W.T)` and `dW = np.dot(self.x.T, dout)`. Store them with "
        "`self.grads[0][...] = dW`: `self.grads[0] = dW` would replace the array an "
        "optimizer holds instead of overwriting its contents.",
    ),
)


# -- SoftmaxWithLoss -----------------------------------------------------------------


def check_softmax_with_loss_backward(module: ModuleType) -> None:
    """Check a SoftmaxWithLoss class: the loss, dx, one-hot labels and dout."""
    SoftmaxWithLoss = _get_class(module, "SoftmaxWithLoss")
    rng = np.random.default_rng(CHECK_SEED)
    N, C = 4, 3
    x = rng.uniform(-0.5, 0.5, (N, C))
    t = np.array([0, 2, 1, 2])

    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    _expect_close(loss, cross_entropy_error(softmax(x), t), "SoftmaxWithLoss.forward(x, t)")
    dx = layer.backward()
    _expect_array(dx, (N, C), "SoftmaxWithLoss.backward()")

    report = gradient_check(SoftmaxWithLoss(), [x, t], rng=rng, raise_on_failure=False)
    _expect_gradients(report, {"input 0": "dx"})

    layer.forward(x, np.eye(C, dtype=int)[t])
    _expect_close(layer.backward(), dx, "SoftmaxWithLoss.backward() after one-hot labels")
    layer.forward(x, t)
    if not np.allclose(layer.backward(2.0), 2.0 * dx):
        raise CheckFailed(
            "SoftmaxWithLoss.backward(dout=2.0) should be twice backward(dout=1): "
            "multiply the gradient by dout"
        )


SOFTMAX_WITH_LOSS_BACKWARD = Exercise(
    id="backprop.softmax-with-loss-backward",
    title="The backward pass of Softmax-with-Loss",
    prompt=(
        "Write `SoftmaxWithLoss.backward(dout=1)`. The forward pass turns the scores $x$ "
        "(N, C) into probabilities $y = \\mathrm{softmax}(x)$, kept in `self.y`, and the "
        "correct labels into indices (N,), kept in `self.t`; the loss is the cross-entropy "
        "error averaged over the batch, $L = -\\frac{1}{N} \\sum_n \\log y_{n, t_n}$. "
        "Its gradient is remarkably simple: $\\partial L / \\partial x = (y - t) / N$, "
        "with $t$ read as one-hot. Return $dx = dout \\cdot (y - t) / N$, shape (N, C)."
    ),
    solution_file=SOLUTIONS / "softmax_with_loss_backward.py",
    check=check_softmax_with_loss_backward,
    hints=(
        "Start from a copy of `self.y`: changing `self.y` itself would spoil "
        "a second call of backward.",
        "Subtracting one-hot $t$ means subtracting 1 at each row's correct label: "
        "`dx[np.arange(batch_size), self.t] -= 1`, with `batch_size = self.t.shape[0]`.",
        "The loss is an average over the batch, so divide by `batch_size`; "
        "and multiply by `dout`, like every backward.",
    ),
)


EXERCISES = [SIGMOID_BACKWARD, AFFINE_BACKWARD, SOFTMAX_WITH_LOSS_BACKWARD]
"""The chapter's exercises, in the order the chapter page gives them."""
