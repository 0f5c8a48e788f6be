"""The chapter's exercises: the backward passes of WeightSum and AttentionWeight.

Each check calls the member's layer with arrays whose sizes differ (N, T and
H all different, so that an axis mixed up shows as a wrong shape), compares
both gradients with the library's layer (:mod:`rindoku_attention.layers`)
and with the numerical gradient, and names the usual mistakes, computed here
the wrong way on purpose.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from rindoku import CheckFailed, Exercise, gradient_check
from rindoku.checks import expect_array, expect_close, expect_gradients, get_class
from rindoku_attention.layers import AttentionWeight, WeightSum
from rindoku_backprop.functions import softmax

__all__ = [
    "ATTENTION_WEIGHT_BACKWARD",
    "EXERCISES",
    "WEIGHT_SUM_BACKWARD",
    "check_attention_weight_backward",
    "check_weight_sum_backward",
]

SOLUTIONS = Path(__file__).parent / "solutions"

CHECK_SEED = 0
"""The seed of the generator the checks draw their inputs from."""

N, T, H = 2, 5, 3


def _same(a: Any, b: Any) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))


def _pair(result: Any, what: str, names: str) -> tuple[Any, Any]:
    """The two arrays ``result`` holds, or CheckFailed saying what to return."""
    if result is None:
        raise CheckFailed(f"{what} returned None: end it with return {names}")
    try:
        first, second = result
    except (TypeError, ValueError):
        raise CheckFailed(f"{what} should return two arrays, {names}") from None
    return first, second


# -- WeightSum.backward ---------------------------------------------------------------------


def check_weight_sum_backward(module: ModuleType) -> None:
    """Check WeightSum.backward: dhs and da against the library's and the numerical gradient."""
    WeightSumClass = get_class(module, "WeightSum")
    rng = np.random.default_rng(CHECK_SEED)
    hs = rng.standard_normal((N, T, H))
    a = softmax(rng.standard_normal((N, T)))
    dc = rng.standard_normal((N, H))

    layer, ours = WeightSumClass(), WeightSum()
    expect_close(layer.forward(hs, a), ours.forward(hs, a), "WeightSum.forward(hs, a)")
    dhs, da = _pair(layer.backward(dc), "WeightSum.backward(dc)", "(dhs, da)")
    expected_dhs, expected_da = ours.backward(dc)
    if np.shape(dhs) == (N, T) and np.shape(da) == (N, T, H):
        raise CheckFailed("WeightSum.backward returned (da, dhs): return (dhs, da), in the "
                          "order forward takes (hs, a)")
    dhs = expect_array(dhs, (N, T, H), "WeightSum.backward(dc)", " for dhs, the shape of hs")
    da = expect_array(da, (N, T), "WeightSum.backward(dc)",
                      " for da: one number per position, the sum over H (axis 2)")
    dt = np.repeat(dc[:, np.newaxis, :], T, axis=1)
    if _same(dhs, dt):
        raise CheckFailed("dhs is dc repeated over the T positions: each position's share "
                          "is dc times its weight, dhs = dt * ar")
    if _same(da, np.sum(dt, axis=2)):
        raise CheckFailed("da sums dc over H without multiplying by hs: the weight a_t "
                          "multiplied hs_t, so da_t = Σ_h dc_h hs_th")
    expect_close(dhs, expected_dhs, "dhs, returned by WeightSum.backward(dc)",
                 "dhs[n, t] = dc[n] * a[n, t].")
    expect_close(da, expected_da, "da, returned by WeightSum.backward(dc)",
                 "da[n, t] = Σ_h dc[n, h] hs[n, t, h].")
    report = gradient_check(WeightSumClass(), [hs, a], wrt=(0, 1), rng=rng,
                            raise_on_failure=False)
    expect_gradients(report, {"input 0": "dhs", "input 1": "da"})


WEIGHT_SUM_BACKWARD = Exercise(
    id="attention.weight-sum-backward",
    title="The backward pass of WeightSum",
    prompt=(
        "Write `WeightSum.backward(dc)`. The forward pass computes the context vector "
        "$c = \\sum_t a_t\\, h_t$ for every row: it reshapes the weights `a` (N, T) to "
        "`ar` (N, T, 1) so that they broadcast over H, multiplies them with the encoder's "
        "states `hs` (N, T, H) and sums over the T positions (axis 1). Go back the same way: "
        "the sum hands `dc` (N, H) to every position, a copy `dt` (N, T, H); the product "
        "gives `hs` the gradient `dt * ar` and `ar` the gradient `dt * hs`; and the "
        "broadcast over H is undone by a sum over H. Return `(dhs, da)`, shapes (N, T, H) "
        "and (N, T)."
    ),
    solution_file=SOLUTIONS / "weight_sum_backward.py",
    check=check_weight_sum_backward,
    hints=(
        "The backward of a sum over an axis is a repeat along it: "
        "`dt = dc.reshape(N, 1, H).repeat(T, axis=1)`.",
        "A product sends each factor the gradient times the *other* factor: "
        "`dhs = dt * ar` and `dar = dt * hs`.",
        "`ar` was `a` broadcast over H, so `da = np.sum(dar, axis=2)`.",
    ),
)


# -- AttentionWeight.backward ---------------------------------------------------------------


def check_attention_weight_backward(module: ModuleType) -> None:
    """Check AttentionWeight.backward: dhs and dh against the library's and numerically."""
    AttentionWeightClass = get_class(module, "AttentionWeight")
    rng = np.random.default_rng(CHECK_SEED)
    hs = rng.standard_normal((N, T, H))
    h = rng.standard_normal((N, H))
    da = rng.standard_normal((N, T))

    layer, ours = AttentionWeightClass(), AttentionWeight()
    a = expect_close(layer.forward(hs, h), ours.forward(hs, h), "AttentionWeight.forward(hs, h)")
    dhs, dh = _pair(layer.backward(da), "AttentionWeight.backward(da)", "(dhs, dh)")
    expected_dhs, expected_dh = ours.backward(da)
    if np.shape(dhs) == (N, H) and np.shape(dh) == (N, T, H):
        raise CheckFailed("AttentionWeight.backward returned (dh, dhs): return (dhs, dh), in "
                          "the order forward takes (hs, h)")
    dhs = expect_array(dhs, (N, T, H), "AttentionWeight.backward(da)",
                       " for dhs, the shape of hs")
    dh = expect_array(dh, (N, H), "AttentionWeight.backward(da)",
                      " for dh: h was broadcast over the T positions, so dh sums over axis 1")
    skipped = da[:, :, np.newaxis]  # softmax's backward left out
    if _same(dhs, skipped * h[:, np.newaxis, :]) or _same(dh, np.sum(skipped * hs, axis=1)):
        raise CheckFailed("the gradients skip softmax: first ds = self.softmax.backward(da), "
                          "then go back through the sum over H with ds")
    ds = a * (da - np.sum(a * da, axis=1, keepdims=True))
    if _same(dhs, ds[:, :, np.newaxis] * hs):
        raise CheckFailed("dhs is ds times hs: each factor of the product hs * hr receives "
                          "the gradient times the other one, so dhs = dt * hr")
    expect_close(dhs, expected_dhs, "dhs, returned by AttentionWeight.backward(da)",
                 "dhs[n, t] = ds[n, t] * h[n], with ds = softmax's backward of da.")
    expect_close(dh, expected_dh, "dh, returned by AttentionWeight.backward(da)",
                 "dh[n] = Σ_t ds[n, t] hs[n, t].")
    report = gradient_check(AttentionWeightClass(), [hs, h], wrt=(0, 1), rng=rng,
                            raise_on_failure=False)
    expect_gradients(report, {"input 0": "dhs", "input 1": "dh"})


ATTENTION_WEIGHT_BACKWARD = Exercise(
    id="attention.attention-weight-backward",
    title="The backward pass of AttentionWeight",
    prompt=(
        "Write `AttentionWeight.backward(da)`. The forward pass scores each of the "
        "encoder's states `hs` (N, T, H) against the decoder's state `h` (N, H) by a dot "
        "product, $s_t = h_t^{\\mathrm{enc}} \\cdot h$: it reshapes `h` to `hr` (N, 1, H) "
        "so that it broadcasts over the T positions, multiplies, and sums over H (axis 2). "
        "Softmax turns the scores into the weights `a` (N, T). Go back through softmax "
        "(`self.softmax.backward`), then the sum over H (a repeat), then the product, and "
        "undo the broadcast of `h` with a sum over the positions. Return `(dhs, dh)`, shapes "
        "(N, T, H) and (N, H)."
    ),
    solution_file=SOLUTIONS / "attention_weight_backward.py",
    check=check_attention_weight_backward,
    hints=(
        "`ds = self.softmax.backward(da)` gives the gradient of the scores, (N, T).",
        "`dt = ds.reshape(N, T, 1).repeat(H, axis=2)`, then `dhs = dt * hr` and "
        "`dhr = dt * hs`.",
        "`hr` was `h` broadcast over T: `dh = np.sum(dhr, axis=1)`.",
    ),
)


EXERCISES = [WEIGHT_SUM_BACKWARD, ATTENTION_WEIGHT_BACKWARD]
"""The chapter's exercises, in the order the chapter page gives them."""
