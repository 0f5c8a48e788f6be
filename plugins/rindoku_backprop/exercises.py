"""The chapter's exercises: the backward passes of Sigmoid, Affine and SoftmaxWithLoss.

Each check builds the member's class, compares its forward output with the
right values, then compares its backward pass with numerical gradients
(:func:`rindoku.gradient_check`) and says which gradient is wrong and where.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.checks import expect_array, expect_close, expect_gradients, get_class
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

MISSING_DX = "end backward with 'return dx'"
"""What to do when a member's backward returns None."""


# -- Sigmoid ---------------------------------------------------------------------------


def check_sigmoid_backward(module: ModuleType) -> None:
    """Check a Sigmoid class: forward values, then dx against numerical gradients."""
    Sigmoid = get_class(module, "Sigmoid")
    rng = np.random.default_rng(CHECK_SEED)
    x = rng.standard_normal((3, 4))

    layer = Sigmoid()
    expect_close(layer.forward(x), sigmoid(x), "Sigmoid.forward(x)")
    dx = layer.backward(rng.standard_normal((3, 4)))
    expect_array(dx, x.shape, "Sigmoid.backward(dout)", missing_return=MISSING_DX)

    report = gradient_check(Sigmoid(), [x], rng=rng, raise_on_failure=False)
    expect_gradients(report, {"input 0": "dx"})


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
    Affine = get_class(module, "Affine")
    rng = np.random.default_rng(CHECK_SEED)
    N, D, H = 5, 4, 3
    W, b = rng.standard_normal((D, H)), rng.standard_normal(H)
    x = rng.standard_normal((N, D))

    layer = Affine(W.copy(), b.copy())
    expect_close(layer.forward(x), x @ W + b, "Affine.forward(x)")
    grads_before = list(layer.grads)
    dx = layer.backward(rng.standard_normal((N, H)))
    expect_array(dx, (N, D), "Affine.backward(dout)", missing_return=MISSING_DX)
    for i, name in enumerate(["dW", "db"]):
        if len(layer.grads) != 2 or layer.grads[i] is not grads_before[i]:
            raise CheckFailed(
                f"{name} was not written in place: write {name} into "
                f"self.grads[{i}][...] in place, not self.grads[{i}] = {name}; an optimizer "
                "holds the arrays in self.grads and would never see the new gradient"
            )

    report = gradient_check(Affine(W, b), [x], rng=rng, raise_on_failure=False)
    expect_gradients(report, {"input 0": "dx", "params[0]": "dW", "params[1]": "db"})


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
    SoftmaxWithLoss = get_class(module, "SoftmaxWithLoss")
    rng = np.random.default_rng(CHECK_SEED)
    N, C = 4, 3
    x = rng.uniform(-0.5, 0.5, (N, C))
    t = np.array([0, 2, 1, 2])

    layer = SoftmaxWithLoss()
    loss = layer.forward(x, t)
    expect_close(loss, cross_entropy_error(softmax(x), t), "SoftmaxWithLoss.forward(x, t)")
    dx = layer.backward()
    expect_array(dx, (N, C), "SoftmaxWithLoss.backward()", missing_return=MISSING_DX)

    report = gradient_check(SoftmaxWithLoss(), [x, t], rng=rng, raise_on_failure=False)
    expect_gradients(report, {"input 0": "dx"})

    layer.forward(x, np.eye(C, dtype=int)[t])
    expect_close(layer.backward(), dx, "SoftmaxWithLoss.backward() after one-hot labels")
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
