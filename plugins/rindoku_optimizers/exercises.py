"""The chapter's exercises: the update steps of Momentum and Adam.

Each check builds the member's optimizer and the library's
(:mod:`rindoku_optimizers.optimizers`) with the same hyperparameters, runs both
on the same parameters for several steps with fresh random gradients, and
stops at the first step where they disagree, naming the array, the element and
both values.  It also makes sure ``update`` changes the parameter arrays in
place, leaves the gradients alone and returns nothing.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise
from rindoku.checks import get_class, type_name
from rindoku_optimizers import optimizers

__all__ = ["ADAM", "EXERCISES", "MOMENTUM", "check_adam", "check_momentum"]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw parameters and gradients from."""

SHAPES = [(4, 3), (3,), (2, 5)]
"""The shapes of the parameter arrays the checks update (like W1, b1 and one more)."""

STEPS = 6
"""How many updates each check compares."""

TOLERANCE = 1e-4
"""Largest difference allowed, relative to the largest correct change of the array."""


# -- what both checks need ---------------------------------------------------------


def _build(cls: type, hyperparameters: dict[str, float]) -> Any:
    """Build the member's optimizer, or say which arguments ``__init__`` must take."""
    try:
        return cls(**hyperparameters)
    except TypeError as exc:
        arguments = ", ".join(f"{key}={value}" for key, value in hyperparameters.items())
        raise CheckFailed(
            f"{cls.__name__}({arguments}) failed: {exc}. Keep the __init__ of the starter "
            "file, which takes these arguments."
        ) from exc


def _gradients(rng: np.random.Generator) -> list[np.ndarray]:
    """Random gradients of ``SHAPES``: sizes between 0.1 and 2, either sign, one exact 0."""
    grads = [rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape) for shape in SHAPES]
    grads[0][0, 0] = 0.0  # a gradient of 0 must not give a division by zero
    return grads


def _describe(index: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(i) for i in index) + "]"


def _compare_runs(cls: type, reference: type, hyperparameters: dict[str, float]) -> None:
    """Run the member's optimizer and the reference side by side; fail at the first difference."""
    name = cls.__name__
    rng = np.random.default_rng(CHECK_SEED)
    theirs = [rng.standard_normal(shape) for shape in SHAPES]
    ours = [param.copy() for param in theirs]
    arrays = list(theirs)  # the objects, to check that they are updated in place
    mine, right = _build(cls, hyperparameters), reference(**hyperparameters)

    for step in range(1, STEPS + 1):
        grads = _gradients(rng)
        their_grads = [grad.copy() for grad in grads]
        before = [param.copy() for param in theirs]
        returned = mine.update(theirs, their_grads)
        right.update(ours, [grad.copy() for grad in grads])
        where = f"step {step} of {STEPS}"

        if returned is not None:
            raise CheckFailed(
                f"{name}.update returned {type_name(returned)} at {where}: it should "
                "return nothing (None), because it changes the arrays of params in place"
            )
        if len(theirs) != len(arrays):
            raise CheckFailed(
                f"{name}.update changed the length of the list params at {where} "
                f"(from {len(arrays)} to {len(theirs)}): update the arrays, not the list"
            )
        for i, (param, original) in enumerate(zip(theirs, arrays, strict=True)):
            if param is not original:
                raise CheckFailed(
                    f"{name}.update replaced params[{i}] with a new array at {where}: "
                    f"change it in place, with params[{i}] -= ... or params[{i}] += ..., "
                    f"not params[{i}] = params[{i}] - ...; a layer keeps a reference to its "
                    "own array and would never see the new values"
                )
        for i, (grad, given) in enumerate(zip(their_grads, grads, strict=True)):
            if not np.array_equal(grad, given):
                raise CheckFailed(
                    f"{name}.update changed grads[{i}] at {where}: an optimizer only reads the "
                    "gradients; compute with a new array (g = grads[i] * ...) instead of *="
                )

        for i, (got, expected, old) in enumerate(zip(theirs, ours, before, strict=True)):
            right_step = expected - old
            scale = max(float(np.max(np.abs(right_step))), 1e-12)
            error = np.abs(got - expected) / scale
            if np.all(error <= TOLERANCE):  # False wherever got is nan
                continue
            error[np.isnan(error)] = np.inf
            index = tuple(int(k) for k in np.unravel_index(np.argmax(error), got.shape))
            array = f"params[{i}] (shape {got.shape})"
            if np.array_equal(got, old):
                raise CheckFailed(
                    f"{name}.update left {array} unchanged at {where}. Change the array "
                    f"itself: params[{i}] -= ... changes it in place, while assigning to a "
                    "loop variable (param = param - ...) only makes a new array"
                )
            hint = (
                "\n  nan means a division by zero or a square root of a negative number"
                if np.isnan(got[index]) else ""
            )
            raise CheckFailed(
                f"{name}.update: {array} is wrong after {where}.\n"
                f"  worst element: params[{i}]{_describe(index)}: "
                f"expected {expected[index]:.6f}, got {got[index]:.6f}\n"
                f"  the step it should have taken: {right_step[index]:+.6g}; "
                f"the step it took: {got[index] - old[index]:+.6g}{hint}"
            )


# -- Momentum --------------------------------------------------------------------------


def check_momentum(module: ModuleType) -> None:
    """Check a Momentum class against the library's over several steps, in place."""
    Momentum = get_class(module, "Momentum")
    _compare_runs(Momentum, optimizers.Momentum, {"lr": 0.1, "momentum": 0.8})


MOMENTUM = Exercise(
    id="optimizers.momentum",
    title="The update of Momentum",
    prompt=(
        "Write the body of `Momentum.update(params, grads)`. `params` and `grads` are "
        "parallel lists of arrays, and `self.v` already holds one velocity array per "
        "parameter, all zeros at first. For every $i$, update the velocity and then the "
        "parameter:\n\n"
        "$$v \\leftarrow \\alpha v - \\eta \\frac{\\partial L}{\\partial W}, \\qquad "
        "W \\leftarrow W + v,$$\n\n"
        "with $\\alpha$ = `self.momentum`, $\\eta$ = `self.lr`, $W$ = `params[i]`, "
        "$\\partial L / \\partial W$ = `grads[i]` and $v$ = `self.v[i]`. "
        "Change each `params[i]` **in place** and return nothing: the layers hold these "
        "very arrays. The check runs your optimizer and the library's side by side for "
        "6 steps on arrays of three shapes."
    ),
    solution_file=SOLUTIONS / "momentum.py",
    check=check_momentum,
    hints=(
        "Loop over the indices, `for i in range(len(params)):`, so that `params[i]`, "
        "`grads[i]` and `self.v[i]` belong together.",
        "First the velocity: `self.v[i] = self.momentum * self.v[i] - self.lr * grads[i]`. "
        "The minus sign makes the ball roll downhill, against the gradient.",
        "Then move the parameter by the velocity with `params[i] += self.v[i]`. "
        "`params[i] = params[i] + self.v[i]` would put a new array into the list and "
        "leave the layer's own array as it was.",
    ),
)


# -- Adam ------------------------------------------------------------------------------------


def check_adam(module: ModuleType) -> None:
    """Check an Adam class, bias correction included, against the library's, in place."""
    Adam = get_class(module, "Adam")
    hyperparameters = {"lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8}
    _compare_runs(Adam, optimizers.Adam, hyperparameters)


ADAM = Exercise(
    id="optimizers.adam",
    title="The update of Adam",
    prompt=(
        "Write the body of `Adam.update(params, grads)`, as in Algorithm 1 of Kingma & Ba. "
        "`self.m` and `self.v` already hold one zero array per parameter, and `self.iter` "
        "counts the updates made so far, $t$. At each call, first add 1 to $t$; then, for "
        "every parameter $W$ with gradient $g = \\partial L / \\partial W$,\n\n"
        "$$m \\leftarrow \\beta_1 m + (1 - \\beta_1)\\, g, \\qquad "
        "v \\leftarrow \\beta_2 v + (1 - \\beta_2)\\, g \\odot g,$$\n\n"
        "$$\\hat m = \\frac{m}{1 - \\beta_1^{\\,t}}, \\qquad "
        "\\hat v = \\frac{v}{1 - \\beta_2^{\\,t}}, \\qquad "
        "W \\leftarrow W - \\eta\\, \\frac{\\hat m}{\\sqrt{\\hat v} + \\varepsilon},$$\n\n"
        "with $\\eta$ = `self.lr`, $\\beta_1$, $\\beta_2$ = `self.beta1`, `self.beta2` and "
        "$\\varepsilon$ = `self.eps`. Change each `params[i]` **in place** and return "
        "nothing. The check compares 6 steps with the library's Adam, so the bias "
        "correction $1/(1 - \\beta^t)$ matters from the first one."
    ),
    solution_file=SOLUTIONS / "adam.py",
    check=check_adam,
    hints=(
        "`self.iter += 1` once per call, before the loop: $t$ counts updates, not arrays.",
        "Inside `for i in range(len(params)):` update `self.m[i]` and `self.v[i]` first "
        "(`grads[i] ** 2` is $g \\odot g$), then make `m_hat` and `v_hat` as new arrays: "
        "dividing `self.m[i]` itself would spoil the next step's average.",
        "The step is `params[i] -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)`. "
        "Without the bias correction the first step is off by a factor "
        "$(1 - \\beta_1)/\\sqrt{1 - \\beta_2}$, about 3 with the default betas.",
    ),
)


EXERCISES = [MOMENTUM, ADAM]
"""The chapter's exercises, in the order the chapter page gives them."""
